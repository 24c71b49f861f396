"""The result's JSON forms: ``to_dict()`` (the contract), ``to_dict(texts=False)`` and the
compact batch line."""

from __future__ import annotations

from typing import Any

import pytest

import zjtx_rules
from tests.conftest import EXAMPLES
from zjtx_rules.evaluate.result import (
    CompactDict,
    CriterionDict,
    EvaluationDict,
    MeasureDict,
    ReasonDict,
    TierDict,
    compact_adapter,
    compact_json_schema,
    result_adapter,
)
from zjtx_rules.quality.generate import generate

TEXTS = {"text_zh", "text_en"}
PROFILES = sorted(EXAMPLES.glob("*.json"))


def _keys(doc: Any) -> set[str]:
    """Every key anywhere in a JSON document."""
    if isinstance(doc, dict):
        return set(doc).union(*(_keys(v) for v in doc.values()))
    if isinstance(doc, list):
        return set().union(*(_keys(v) for v in doc))
    return set()


def _without_texts(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {k: _without_texts(v) for k, v in doc.items() if k not in TEXTS}
    if isinstance(doc, list):
        return [_without_texts(v) for v in doc]
    return doc


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_to_dict_keeps_the_contract_and_texts_false_drops_only_the_sentences(
    rules: zjtx_rules.RuleSet, path: Any
) -> None:
    ev = rules.evaluate(path.read_text(encoding="utf-8"), "2025-06-30")
    whole = ev.to_dict()
    result_adapter().validate_python(whole, strict=True)
    assert set(whole) == set(EvaluationDict.__annotations__)
    for m, mo in zip(whole["measures"], ev.measures, strict=True):
        assert set(m) == set(MeasureDict.__annotations__)
        for r, ro in zip(m["reasons"], mo.reasons, strict=True):
            assert set(r) == set(ReasonDict.__annotations__)
            assert (r["text_zh"], r["text_en"]) == (ro.text_zh, ro.text_en) and r["text_en"]
    for t, to in zip(whole["tiers"], ev.tiers, strict=True):
        assert set(t) == set(TierDict.__annotations__)
        for c, co in zip(t["criteria"], to.criteria, strict=True):
            optional = set() if co.applies else {"applies"}  # present only when it does not apply
            assert set(c) == (set(CriterionDict.__annotations__) - {"applies"}) | optional
            assert (c["text_zh"], c["text_en"]) == (co.text_zh, co.text_en) and c["text_en"]
    lean = ev.to_dict(texts=False)
    assert not _keys(lean) & TEXTS
    assert lean == _without_texts(whole)
    assert ev.to_dict(texts=True) == whole


def test_compact_agrees_with_the_whole_result(rules: zjtx_rules.RuleSet) -> None:
    for profile in generate(rules, 60, 3, missing=0.3):
        ev = rules.evaluate(profile, "2025-06-30")
        whole, lean = ev.to_dict(), ev.to_compact()
        compact_adapter().validate_python(lean, strict=True)
        assert set(lean) == set(CompactDict.__annotations__) - {"line"}
        assert lean["statuses"] == {m["id"]: m["status"] for m in whole["measures"]}
        assert lean["amounts"] == {m["id"]: m["amounts"] for m in whole["measures"] if m["amounts"]}
        assert lean["missing"] == list(dict.fromkeys(f for m in whole["measures"] for f in m["missing"]))
        used = [a["id"] for m in whole["measures"] for a in m["assumptions"]]
        used += [a["id"] for t in whole["tiers"] for a in t["assumptions"]]
        assert lean["assumptions"] == list(dict.fromkeys(used))
        assert lean["tiers"] == {t["id"]: t["status"] for t in whole["tiers"]}
        assert lean["warnings"] == [w["code"] for w in whole["warnings"]]
        assert (lean["profile_id"], lean["as_of"], lean["targets"]) == (
            whole["profile_id"],
            whole["as_of"],
            whole["targets"],
        )
        assert lean["policy"] == {k: whole["policy"][k] for k in ("id", "version", "sha256")}  # type: ignore[literal-required]


def test_compact_schema_is_published_and_strict_about_shape() -> None:
    schema = compact_json_schema()
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["required"]) == set(CompactDict.__annotations__) - {"line"}
    with pytest.raises(ValueError):
        compact_adapter().validate_python({"statuses": {"x": "maybe"}})
