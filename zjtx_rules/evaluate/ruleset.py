"""``RuleSet``: a loaded package as callers use it, a thin facade over its ``Program``.

``load_rules`` compiles a package once (``zjtx_rules.load``); ``RuleSet.evaluate`` then only
validates the profile and runs the program (``zjtx_rules.evaluate.engine``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import Message, Words
from zjtx_rules.display import JSON, bounded
from zjtx_rules.errors import ProfileError, ProfileIssue, UsageError
from zjtx_rules.evaluate.decide import decide
from zjtx_rules.evaluate.lazy import Explanation
from zjtx_rules.evaluate.result import Evaluation, PolicyRefDict, WarningDict, result_json_schema
from zjtx_rules.expr.compile import Compiled
from zjtx_rules.expr.values import UNKNOWN
from zjtx_rules.load.driver import compile_package
from zjtx_rules.package.discovery import bundled_rules_dir
from zjtx_rules.package.spec import FieldSpec, ParameterSpec, PolicySpec, SourceSpec, TableSpec, TargetSpec
from zjtx_rules.profile.model import ProfileValidator, parse_json
from zjtx_rules.program.assumptions import Assumption, AssumptionBook
from zjtx_rules.program.describe import describe
from zjtx_rules.program.model import CompiledMeasure, CompiledTier, Program
from zjtx_rules.program.periods import History
from zjtx_rules.program.policyinfo import PolicyDescriptionDict
from zjtx_rules.program.reach import Reach, reach_at


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Load, check and compile a rule package (``None``: the bundled Liangjiang package).

    Raises ``RuleError`` listing every problem; warnings are on ``RuleSet.diagnostics``.
    """
    return RuleSet(compile_package(Path(path) if path is not None else bundled_rules_dir()))


def parse_as_of(as_of: date | datetime | str | None) -> date:
    """The evaluation date: a ``date``, a ``datetime`` (its date), an ISO string, or None (today)."""
    if as_of is None:
        return date.today()
    if isinstance(as_of, datetime):
        return as_of.date()
    if isinstance(as_of, date):
        return as_of
    if not isinstance(as_of, str):
        raise UsageError(
            f"评估日期应为 date、datetime、YYYY-MM-DD 字符串或 None，实际为 {type(as_of).__name__}",
            f"as_of must be a date, a datetime, a YYYY-MM-DD string or None; got {type(as_of).__name__}",
        )
    try:
        return date.fromisoformat(as_of)
    except ValueError:
        raise UsageError(
            f"评估日期应为 YYYY-MM-DD，实际为 {bounded(as_of, JSON)}",
            f"as_of must be a date YYYY-MM-DD; got {bounded(as_of, JSON)}",
        ) from None


class RuleSet:
    """A loaded, checked and compiled rule package. Build it with ``load_rules``."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.policy_ref: PolicyRefDict = {
            "id": program.policy.id,
            "version": program.policy.version,
            "title_zh": program.policy.title_zh,
            "title_en": program.policy.title_en,
            "sha256": program.sha256,
        }

    # read-only views of the program, the names callers have always used
    @property
    def policy(self) -> PolicySpec:
        return self.program.policy

    @property
    def targets(self) -> Mapping[str, TargetSpec]:
        return self.program.targets

    @property
    def target_fns(self) -> Mapping[str, Compiled]:
        return self.program.target_fns

    @property
    def root(self) -> Path:
        return self.program.root

    @property
    def sha256(self) -> str:
        return self.program.sha256

    @property
    def facts(self) -> Mapping[str, FieldSpec]:
        return self.program.facts

    @property
    def validator(self) -> ProfileValidator:
        return self.program.validator

    @property
    def params(self) -> Mapping[str, History[Any]]:
        return self.program.params

    @property
    def derived(self) -> Mapping[str, Compiled]:
        return self.program.derived

    @property
    def measures(self) -> tuple[CompiledMeasure, ...]:
        return self.program.measures

    @property
    def tiers(self) -> tuple[CompiledTier, ...]:
        return self.program.tiers

    @property
    def diagnostics(self) -> tuple[Any, ...]:
        return self.program.diagnostics

    @property
    def param_specs(self) -> Mapping[str, ParameterSpec]:
        return self.program.param_specs

    @property
    def table_specs(self) -> Mapping[str, TableSpec]:
        return self.program.table_specs

    @property
    def constants(self) -> frozenset[Decimal]:
        return self.program.constants

    @property
    def derived_nodes(self) -> Mapping[str, Any]:
        return self.program.derived_nodes

    @property
    def book(self) -> AssumptionBook:
        return self.program.book

    @property
    def sources(self) -> Mapping[str, SourceSpec]:
        return self.program.sources

    @property
    def warnings(self) -> list[Any]:
        """Diagnostics of severity warning (assumption figures and the like)."""
        return [d for d in self.diagnostics if d.severity == "warning"]

    @functools.lru_cache(maxsize=64)  # noqa: B019 - a RuleSet lives as long as its cache
    def params_at(self, day: date) -> dict[str, Any]:
        """Every parameter and decision table as in force on ``day`` (missing: UNKNOWN)."""
        out = {}
        for name, hist in self.params.items():
            v = hist.at(day)
            out[name] = UNKNOWN if v is None else v
        return out

    @functools.lru_cache(maxsize=64)  # noqa: B019
    def unset_at(self, day: date) -> WarningDict | None:
        """W702 for ``day``: the parameters with no value in force (None: every one has)."""
        unset = [n for n, v in self.params_at(day).items() if v is UNKNOWN]
        return _warning(D.NO_PARAMETER_VALUE(day=day, names=", ".join(unset))) if unset else None

    @functools.lru_cache(maxsize=64)  # noqa: B019
    def reach_at(self, day: date) -> Reach:
        """The assumptions each measure and tier can list on ``day`` (``program.reach``)."""
        return reach_at(self.program, day)

    @functools.lru_cache(maxsize=64)  # noqa: B019
    def assumed_at(self, day: date) -> tuple[dict[str, Assumption], dict[str, Any]]:
        """Assumed parameters on ``day``, and the table notes of tables with assumed rows."""
        return self.book.params_at(day), dict(self.book.tables_at(day))

    def validate_profile(self, profile: Any) -> dict[str, Any]:
        """Parse (if text) and validate a profile; return the facts it gives."""
        if isinstance(profile, str | bytes | bytearray):
            profile = parse_json(bytes(profile) if isinstance(profile, bytearray) else profile)
        if not isinstance(profile, Mapping):
            raise ProfileError(
                [ProfileIssue("$", "dict_type", "企业信息应为 JSON 对象", "a profile must be a JSON object")]
            )
        return self.validator.validate(dict(profile))

    def evaluate(
        self, profile: Any, as_of: date | datetime | str | None = None, *, reasons: bool = True
    ) -> Evaluation:
        """Evaluate every measure and tier for ``profile`` on ``as_of`` (default: today).

        ``profile`` is a dict or JSON text/bytes (numbers parsed as Decimal). Raises
        ``ProfileError`` (with JSON paths) on invalid input. ``reasons=False`` skips the
        reason texts, for screening at scale.
        """
        day = parse_as_of(as_of)
        facts = self.validate_profile(profile)
        params = self.params_at(day)
        assumed, tables = self.assumed_at(day)
        why = Explanation(self.program, facts, params, day, assumed, tables, reasons)
        reach = self.reach_at(day)
        measures, tiers, counted = decide(self.program, facts, params, day, reach, why)
        warnings = [_warning(w) for w in self.validator.warnings(facts)]
        if not self.policy.valid_from <= day <= self.policy.valid_to:
            warnings.append(_warning(_outside_period(self.policy, day)))
        if self.book.warn:
            for m in measures:
                if reach.measures[m.id].isdisjoint(self.book.warn):
                    continue  # no warned reading within reach: not worth explaining
                for a in m.assumptions:
                    texts = self.book.warn.get(a.id)
                    if texts is not None:
                        reading = D.READING_APPLIED(measure=Words(m.title_zh, m.title_en), text=Words(*texts))
                        warnings.append(_warning(reading))
        unset = self.unset_at(day)
        if unset is not None:
            warnings.append(unset.copy())
        pid = facts.get("id")
        return Evaluation(
            self.policy_ref,
            day,
            pid if isinstance(pid, str) else None,
            warnings,
            measures,
            tiers,
            counted,
        )

    def describe(self) -> PolicyDescriptionDict:
        """Everything a portal needs to build its own form and explain the measures
        (``GET /v1/policy``; its contract is ``zjtx_rules.program.policyinfo``)."""
        return describe(self.program)

    def profile_schema(self) -> dict[str, Any]:
        schema = self.validator.json_schema()
        schema["title"] = f"{self.policy.id} profile"
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        return schema

    @staticmethod
    def result_schema() -> dict[str, Any]:
        return result_json_schema()


def _warning(message: Message) -> WarningDict:
    """A warning of the result, from the catalogue (W7xx)."""
    return {"code": message.code, "message_zh": message.zh, "message_en": message.en}


def _outside_period(policy: PolicySpec, day: date) -> Message:
    """W701, in the package's name for its period, with the assumption when the period is one."""
    period = Words(policy.period_name_zh, policy.period_name_en)
    start, end = policy.valid_from, policy.valid_to
    late = day > end
    assumed = policy.assumed.get("valid_to" if late else "valid_from")
    if assumed is None:
        return D.OUTSIDE_POLICY_PERIOD(day=day, start=start, end=end, period=period)
    which = Words("终止日", "end") if late else Words("起始日", "start")
    note = Words(assumed.note_zh, assumed.note_en)
    return D.OUTSIDE_POLICY_PERIOD(
        form="assumed", day=day, start=start, end=end, period=period, which=which, note=note
    )
