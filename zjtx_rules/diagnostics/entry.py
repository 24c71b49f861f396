"""What one catalogue entry is: a stable code, its wording in two languages, its documentation.

An ``Entry`` is filled in with the values of one occurrence (``D.UNKNOWN_NAME(name="revnue")``)
to give a ``Message``, and a message placed at a location gives the ``Diagnostic`` a rule
author reads. The wording lives here, once per code; call sites name the entry and pass the
values. A value that reads differently in each language is given as ``Words(zh, en)``.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from zjtx_rules.errors import Diagnostic, Location, Severity

# Where a code comes from, which says how its golden test runs (``tests/diagnostics/<CODE>``):
# ``package`` by ``zjtx check``, ``case`` by ``zjtx test``, ``result`` and ``profile`` by
# evaluating a profile; ``internal`` codes cannot be set up from files in a repository (an
# operating-system failure) and are tested directly.
Trigger = Literal["package", "case", "result", "profile", "internal"]


class Words(NamedTuple):
    """A value written once for each language (a problem phrase, a type name, a note)."""

    zh: str
    en: str


@dataclass(frozen=True)
class Form:
    """One wording of a code, as ``str.format`` templates in Chinese and English."""

    zh: str
    en: str

    def fill(self, values: Mapping[str, object]) -> Words:
        return Words(_fill(self.zh, values, 0), _fill(self.en, values, 1))


def _fill(template: str, values: Mapping[str, object], lang: int) -> str:
    return template.format(**{k: v[lang] if isinstance(v, Words) else v for k, v in values.items()})


def placeholders(template: str) -> set[str]:
    """The names a template needs (``{name}``, ``{want!r}``)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Message:
    """An entry filled in for one occurrence: what to say, not yet where."""

    code: str
    slug: str
    severity: Severity
    zh: str
    en: str
    hint_zh: str = ""
    hint_en: str = ""

    def at(
        self,
        location: Location,
        *,
        context: str = "",
        hint: tuple[str, str] = ("", ""),
        source_line: str = "",
        span_length: int = 1,
    ) -> Diagnostic:
        """The diagnostic at ``location``; a ``hint`` given here (a "did you mean") comes
        before the entry's own."""
        return Diagnostic(
            self.code,
            self.slug,
            self.severity,
            self.zh,
            self.en,
            location,
            context,
            hint[0] or self.hint_zh,
            hint[1] or self.hint_en,
            source_line,
            span_length,
        )

    def as_warning(self) -> dict[str, str]:
        """The shape of a warning in an evaluation result (W7xx)."""
        return {"code": self.code, "message_zh": self.zh, "message_en": self.en}


@dataclass(frozen=True)
class Entry:
    """One code of the catalogue.

    ``zh`` and ``en`` are its usual wording; ``forms`` holds other wordings of the same
    meaning, by name (a file too large, or too large only once read); ``hints`` holds hint
    templates by name, the one named ``""`` given always. ``doc_zh`` and ``doc_en`` say what
    the code means and how to fix it: they make the error index of ``rules/README.md``.
    """

    code: str
    slug: str
    severity: Severity
    zh: str
    en: str
    doc_zh: str
    doc_en: str
    forms: Mapping[str, Form] = field(default_factory=dict)
    hints: Mapping[str, Form] = field(default_factory=dict)
    trigger: Trigger = "package"

    def __call__(self, *, form: str = "", hint: str = "", **values: object) -> Message:
        """This entry's message in wording ``form`` (``""``: the usual one), with hint ``hint``."""
        return self._message(form, hint, values)

    def at(self, location: Location, /, **values: object) -> Diagnostic:
        """The usual wording at ``location``, for a diagnostic made outside the loader."""
        return self._message("", "", values).at(location)

    def _message(self, form: str, hint: str, values: Mapping[str, object]) -> Message:
        words = (self.forms[form] if form else Form(self.zh, self.en)).fill(values)
        tip = self.hints.get(hint)
        helps = tip.fill(values) if tip is not None else Words("", "")
        return Message(self.code, self.slug, self.severity, words.zh, words.en, helps.zh, helps.en)

    def wordings(self) -> dict[str, Form]:
        """Every wording by name, the usual one as ``""``."""
        return {"": Form(self.zh, self.en), **self.forms}


def error(
    code: str,
    slug: str,
    zh: str,
    en: str,
    *,
    doc_zh: str,
    doc_en: str,
    forms: Mapping[str, Form] | None = None,
    hints: Mapping[str, Form] | None = None,
    trigger: Trigger = "package",
) -> Entry:
    """An entry of severity error."""
    return Entry(code, slug, "error", zh, en, doc_zh, doc_en, forms or {}, hints or {}, trigger)


def warning(
    code: str,
    slug: str,
    zh: str,
    en: str,
    *,
    doc_zh: str,
    doc_en: str,
    forms: Mapping[str, Form] | None = None,
    hints: Mapping[str, Form] | None = None,
    trigger: Trigger = "package",
) -> Entry:
    """An entry of severity warning."""
    return Entry(code, slug, "warning", zh, en, doc_zh, doc_en, forms or {}, hints or {}, trigger)
