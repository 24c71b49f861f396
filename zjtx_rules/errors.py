"""Errors and diagnostics, each carrying where it happened and a zh/en message.

The hierarchy is small on purpose, so that callers can catch exactly what they mean::

    ZjtxError                 base of everything this library raises on purpose
    ├── RuleError             a rule package failed to load or check (``diagnostics``)
    ├── ProfileError          an enterprise profile is invalid (``errors``, with JSON paths)
    ├── EvaluationError       a rule could not be computed for one profile (names the measure)
    └── UsageError            a bad argument to the API or the CLI (e.g. a malformed date)

Messages are built here and printed elsewhere: ``Diagnostic.render()`` makes the text a
person reads, ``to_dict()`` the structure a machine reads. Tests assert on ``code``. Each
code, its wording and its documentation are one entry of ``zjtx_rules.diagnostics``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Location:
    """A place in a rule file: 1-based line and column, plus the key path inside the document."""

    file: str
    line: int | None = None
    column: int | None = None
    path: str = ""

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a rule package, with a stable code such as ``E203``."""

    code: str
    name: str
    severity: Severity
    message_zh: str
    message_en: str
    location: Location
    context: str = ""
    hint_zh: str = ""
    hint_en: str = ""
    source_line: str = ""
    span_length: int = 1

    def render(self) -> str:
        """The multi-line text shown to rule authors (compiler style, zh first)."""
        head = (
            f"{self.location}: {self.severity}[{self.code} {self.name}] {self.message_zh} / {self.message_en}"
        )
        lines = [head]
        if self.context:
            lines.append(f"  in {self.context}")
        if self.source_line and self.location.line is not None:
            num = str(self.location.line)
            lines.append(f"  {num:>3} | {self.source_line}")
            caret_at = (self.location.column or 1) - 1
            lines.append(f"  {' ' * max(len(num), 3)} | {' ' * caret_at}{'^' * self.span_length}")
        if self.hint_zh or self.hint_en:
            lines.append(f"  hint: {self.hint_zh} / {self.hint_en}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "path": self.location.path,
            "context": self.context,
            "hint_zh": self.hint_zh,
            "hint_en": self.hint_en,
        }


@dataclass(frozen=True)
class ProfileIssue:
    """One problem in a profile: the JSON path (``$.talents[2].id``) and a zh/en message."""

    path: str
    code: str
    message_zh: str
    message_en: str

    def to_dict(self) -> dict[str, str]:
        return {
            "path": self.path,
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }

    def __str__(self) -> str:
        return f"{self.path}: {self.message_zh} / {self.message_en}"


class ZjtxError(Exception):
    """Base class of every error this library raises on purpose."""


class RuleError(ZjtxError):
    """A rule package could not be loaded: ``diagnostics`` lists every problem found."""

    def __init__(self, diagnostics: list[Diagnostic], suppressed: int = 0) -> None:
        self.diagnostics = diagnostics
        self.suppressed = suppressed  # follow-on errors of a file or declaration that failed
        errors = [d for d in diagnostics if d.severity == "error"]
        lines = [d.render() for d in errors]
        if suppressed:
            lines.append(suppressed_line(suppressed))
        super().__init__(
            f"{len(errors)} error(s) in rule package / 规则包有 {len(errors)} 个错误\n" + "\n".join(lines)
        )


def suppressed_line(count: int) -> str:
    """The one line that stands for the errors a broken file or declaration caused."""
    return (
        f"另有 {count} 个由上述错误引起的后续错误未列出（修正后重新检查）/ "
        f"{count} follow-on error(s) caused by the above not shown (fix them and check again)"
    )


class ProfileError(ZjtxError):
    """A profile is invalid: ``errors`` lists each problem with its JSON path."""

    def __init__(self, errors: list[ProfileIssue]) -> None:
        self.errors = errors
        super().__init__("invalid profile / 企业信息有误:\n" + "\n".join(f"  {e}" for e in errors))

    def to_dict(self) -> dict[str, Any]:
        return {"error": "invalid_profile", "errors": [e.to_dict() for e in self.errors]}


class EvaluationError(ZjtxError):
    """A rule failed at run time for one profile (an arithmetic limit, a range too large)."""

    def __init__(self, where: str, detail: str) -> None:
        self.where = where
        self.detail = detail
        super().__init__(f"无法计算 {where}: {detail} / cannot compute {where}: {detail}")

    def to_dict(self) -> dict[str, Any]:
        return {"error": "evaluation_failed", "where": self.where, "detail": self.detail}


@dataclass
class UsageError(ZjtxError):
    """A bad argument (a date that is not ISO, a missing file) given to the API or the CLI."""

    message_zh: str
    message_en: str
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.message_zh} / {self.message_en}"
