"""Error answers: RFC 9457 problems (``application/problem+json``) with zh and en detail."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from zjtx_rules.errors import EvaluationError, ProfileError


class Problem(Exception):
    """An RFC 9457 problem: status, a short title and a detail, in zh and en."""

    def __init__(
        self,
        status: int,
        title: str,
        detail_zh: str,
        detail_en: str,
        errors: list[dict[str, Any]] | None = None,
        headers: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(detail_en)
        self.status = status
        self.title = title
        self.detail_zh = detail_zh
        self.detail_en = detail_en
        self.errors = errors
        self.headers = list(headers)

    def body(self, lang: str = "zh") -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": f"https://zjtx-rules.invalid/problems/{self.title.lower().replace(' ', '-')}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail_zh if lang == "zh" else self.detail_en,
            "detail_zh": self.detail_zh,
            "detail_en": self.detail_en,
        }
        if self.errors is not None:
            out["errors"] = self.errors
        return out


def json_bytes(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def method_not_allowed(allowed: list[str]) -> Problem:
    return Problem(
        405,
        "Method Not Allowed",
        f"此地址只接受 {', '.join(allowed)}",
        f"this path accepts {', '.join(allowed)} only",
        headers=[("Allow", ", ".join(allowed))],
    )


def profile_problem(exc: ProfileError) -> Problem:
    first = exc.errors[0]
    return Problem(
        422,
        "Unprocessable Content",
        f"企业信息有误（{len(exc.errors)} 处），如 {first.path}: {first.message_zh}",
        f"invalid profile ({len(exc.errors)} problem(s)), e.g. {first.path}: {first.message_en}",
        errors=[e.to_dict() for e in exc.errors],
    )


def evaluation_problem(exc: EvaluationError) -> Problem:
    """A profile the rules could not evaluate (a limit of Decimal and the like)."""
    return Problem(422, "Unprocessable Content", str(exc), str(exc))
