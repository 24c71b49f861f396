"""One record to one output line: the result (compact, or whole) or the error, and the
record the summary counts."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

from zjtx_rules.batch.records import Record, csv_profile, issue
from zjtx_rules.batch.summary import record_of
from zjtx_rules.errors import EvaluationError, ProfileError
from zjtx_rules.evaluate.ruleset import RuleSet


def summary_view(doc: dict[str, Any]) -> dict[str, Any]:
    """A compact line in the shape ``summary.record_of`` reads (measures in package order);
    a full result or an error line as it is."""
    statuses = doc.get("statuses")
    if statuses is None:
        return doc
    amounts = doc["amounts"]
    return {
        "profile_id": doc["profile_id"],
        "targets": doc["targets"],
        "measures": [{"id": k, "status": v, "amounts": amounts.get(k, {})} for k, v in statuses.items()],
    }


def evaluate_record(
    rules: RuleSet, rec: Record, as_of: date, reasons: bool, full: bool = True, *, summary: bool = True
) -> tuple[str, dict[str, Any]]:
    """One output line (without newline) and its summary record: the whole result when
    ``full`` (as ``to_dict()``), else the compact line (``to_compact()``, no spaces). Without
    ``summary`` the record of a compact line is only its line number (no summary adds it up)."""
    line, kind, payload = rec
    try:
        if kind == "error":
            raise payload
        if kind == "csv":
            payload = csv_profile(rules, payload)
        elif kind == "json" and not payload.strip():
            raise issue("empty_line", "空行", "empty line")
        evaluation = rules.evaluate(payload, as_of, reasons=reasons)
        if not full:
            lean = {"line": line, **evaluation.to_compact()}
            text = json.dumps(lean, ensure_ascii=False, separators=(",", ":"))
            return text, record_of(rules, line, summary_view(lean)) if summary else {"line": line}
        out = {"line": line, **evaluation.to_dict()}
    except ProfileError as exc:
        out = {"line": line, **exc.to_dict()}
    except EvaluationError as exc:
        out = {"line": line, **exc.to_dict()}
    except Exception as exc:  # a bug must cost this record only, never the chunk or the run
        logging.getLogger("zjtx_rules.batch.stream").exception("line %d: unexpected error", line)
        out = {"line": line, **_internal_error(exc)}
    try:
        return json.dumps(out, ensure_ascii=False), record_of(rules, line, out)
    except Exception as exc:  # e.g. a result that cannot be serialised
        logging.getLogger("zjtx_rules.batch.stream").exception("line %d: unexpected error", line)
        out = {"line": line, **_internal_error(exc)}
        return json.dumps(out, ensure_ascii=False), record_of(rules, line, out)


def _internal_error(exc: BaseException) -> dict[str, Any]:
    name = type(exc).__name__
    return {
        "error": "internal_error",
        "errors": [
            {
                "path": "$",
                "code": "internal_error",
                "message_zh": f"此记录处理出错（{name}），请报告此问题",
                "message_en": f"this record hit an internal error ({name}); please report it",
            }
        ],
    }
