"""The state of one load: declared names and their types, and the helpers every document's
checks share (reporting, expressions with their sense checks, assumptions, rule choices).

Each document is checked by its own module (``facts``, ``parameters``, ``decision_tables``,
``derived``, ``choices``, ``measures``, ``readiness``, ``policy``, ``invariants``, ``graph``);
``loader.load_rules`` calls them in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import Words
from zjtx_rules.display import kind_of, shown
from zjtx_rules.expr.check import Checker, Scope, did_you_mean
from zjtx_rules.expr.nodes import Node, Num, walk
from zjtx_rules.expr.parser import KEYWORDS, ExprError, parse
from zjtx_rules.expr.types import ANY, BOOL, DATE, NUMBER, STRING, ListTy, MapTy, Ty
from zjtx_rules.expr.values import BUILTINS
from zjtx_rules.load.files import Loader, Site
from zjtx_rules.load.literal_checks import Constant, constant_comparisons
from zjtx_rules.package.source import KeyPath
from zjtx_rules.package.spec import AssumptionSpec, FieldSpec, MeasureSpec, PolicySpec, TableSpec
from zjtx_rules.program.assumptions import AssumptionBook, Closure
from zjtx_rules.program.periods import History

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
TEMPLATE_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
OUTPUT_TYPES: dict[str, Ty] = {
    "money": NUMBER,
    "int": NUMBER,
    "number": NUMBER,
    "ratio": NUMBER,
    "ids": ListTy(STRING),
    "money_by_year": MapTy(NUMBER, NUMBER),
    "bool": BOOL,
    "text": STRING,
}
PARAM_TYPES: dict[str, Ty] = {
    "number": NUMBER,
    "money": NUMBER,
    "ratio": NUMBER,
    "int": NUMBER,
    "bool": BOOL,
    "string": STRING,
    "date": DATE,
}


_PARAM_WORDS = {
    "number": ("数字（不加引号）", "a number (without quotes)"),
    "money": ("金额数字（元，不加引号）", "an amount in yuan (a number without quotes)"),
    "ratio": ("比例数字，如 0.05 表示 5%", "a ratio such as 0.05 for 5%"),
    "int": ("整数", "a whole number"),
    "bool": ("true 或 false（不加引号）", "true or false (without quotes)"),
    "string": ("加引号的文本", "text in quotes"),
    "date": ("日期，如 2024-01-01", "a date such as 2024-01-01"),
    "list": ("非空列表（全为文本或全为数字）", "a non-empty list, all texts or all numbers"),
}


class Build:
    """One pass over a package: names, types, checks, then compiled closures."""

    policy: PolicySpec  # set by the driver before any document is checked

    def __init__(self, loader: Loader) -> None:
        self.ld = loader
        self.facts: dict[str, tuple[FieldSpec, Site]] = {}
        self.params: dict[str, tuple[Any, Site]] = {}
        self.tables: dict[str, tuple[TableSpec, Site]] = {}
        self.derived: dict[str, tuple[str, Site]] = {}
        self.measures: dict[str, tuple[MeasureSpec, Site]] = {}
        self.types: dict[str, tuple[str, Ty]] = {}
        self.derived_nodes: dict[str, Node | None] = {}
        self.deps: dict[str, set[str]] = {}
        self.checking: list[str] = []
        self.constants: set[Decimal] = set()  # every number the rules compare against
        self.trees: dict[str, Node] = {}  # every parsed expression by its text, for the readers
        # trees ``graph.chain_limit`` parsed, by text, each taken by the first check of its text
        # (checking annotates a tree for its scope, so a second check of that text parses again)
        self.unchecked: dict[str, Node] = {}
        self.choice_specs: dict[str, tuple[AssumptionSpec, Site]] = {}
        self.derived_choices: dict[str, list[str]] = {}
        self.book = AssumptionBook()
        self.used: set[str] = set()  # every name some expression or reason text refers to
        self.closure = Closure({}, {})
        self.chinese_given = False  # some form text is in Chinese: then every such text must be
        self.chinese_missing: list[tuple[Site, KeyPath, str]] = []

    def declare(self, kind: str, name: str, item: Any, site: Site) -> None:
        if not NAME_RE.match(name) or name in KEYWORDS or name in BUILTINS or name == "as_of":
            self.ld.report(D.BAD_NAME(name=name), site)
            return
        if name in self.types:
            self.ld.report(D.DUPLICATE_NAME(name=name, other=self.types[name][0]), site)
            return
        store = {
            "fact": self.facts,
            "param": self.params,
            "table": self.tables,
            "derived": self.derived,
            "measure": self.measures,
        }[kind]
        store[name] = (item.expr if kind == "derived" else item, site)
        if kind == "derived":
            self.derived_choices[name] = list(item.assumptions)
            # a value named ..._zh or ..._en is text for one language's reasons: titled in it
            only = name.rsplit("_", 1)[-1] if name.endswith(("_zh", "_en")) else ""
            self.titled(item.title_zh, item.title_en, site, (), only)
        self.types[name] = (kind, ANY)

    def lookup(self, name: str) -> tuple[str, Ty] | None:
        found = self.types.get(name)
        if found is None:
            return None
        self.used.add(name)
        kind, ty = found
        if kind == "derived" and ty == ANY:
            ty = self.derived_type(name)
        return kind, ty

    def names(self) -> list[str]:
        return list(self.types)

    def scope(self) -> Scope:
        return Scope(self.lookup, self.names)

    def expr(
        self, text: str, site: Site, sub: KeyPath, expected: Ty | None, scope: Scope | None = None
    ) -> Node | None:
        scope = scope or self.scope()
        try:
            node = self.unchecked.pop(text, None)
            if node is None:
                node = parse(text)
            self.trees.setdefault(text, node)
            self.constants.update(n.value for n in walk(node) if isinstance(n, Num))
            checker = Checker(scope)
            if expected is None:
                checker.check(node)
            else:
                checker.expect(node, expected)
        except ExprError as err:
            if self._follow_on(err, text):
                self.ld.suppressed += 1
                return None
            self.ld.report(err.message(), site, sub=sub, span=err.span, hint=(err.hint_zh, err.hint_en))
            return None
        self.sense(constant_comparisons(node, self.fact_spec), site, sub)
        return node

    def _follow_on(self, err: ExprError, text: str) -> bool:
        """An error that only repeats a broken file or declaration already reported: a name
        it declared (a decision table is called like a function), or a type that an expression
        which failed earlier left unknown (``any`` arises only from an error already reported,
        or a cycle, reported on its own)."""
        if err.message_en.endswith("got any"):
            return any(d.severity == "error" for d in self.ld.diags)
        unknown = (D.UNKNOWN_NAME.code, D.UNKNOWN_FUNCTION.code)  # a name, or a table called
        if err.code in unknown and (self.ld.broken or self.ld.wholesale):
            return self.ld.wholesale or text[err.span[0] : err.span[1]] in self.ld.broken
        return False

    def broken_name(self, name: str) -> bool:
        if self.ld.wholesale or name in self.ld.broken:
            self.ld.suppressed += 1
            return True
        return False

    def fact_spec(self, name: str) -> FieldSpec | None:
        return self.facts[name][0] if name in self.facts else None

    def sense(self, constants: Iterable[Constant], site: Site, sub: KeyPath) -> None:
        """A comparison the fact's bounds decide is a slip, usually of scale (E309, E310)."""
        for found in constants:
            entry = D.ALWAYS_TRUE if found.always else D.NEVER_TRUE
            scale = "" if found.suggestion is None else "scale"
            better = "" if found.suggestion is None else shown(found.suggestion)
            message = entry(fact=found.fact, bounds=found.bounds, hint=scale, better=better)
            self.ld.report(message, site, sub=sub, span=found.span)

    def no_chinese(self, site: Site, sub: KeyPath, what: str = "") -> None:
        """A Chinese reader would see an id, or nothing, where this text is missing or empty;
        reported by ``chinese_verdict`` once the whole package has been read."""
        self.chinese_missing.append((site, sub, what))

    def chinese_verdict(self) -> None:
        """Each missing Chinese text is an error (E128) in a package that writes its form in
        Chinese at all: there a missing one is a slip, most often a deletion. A package with no
        Chinese form text anywhere (a workload written before E128, say) still loads as it did,
        with one warning (W804) that says its pages show ids to a Chinese reader."""
        if not self.chinese_missing:
            return
        if not self.chinese_given:
            site, sub, _ = self.chinese_missing[0]
            self.ld.report(D.NO_CHINESE_FORM(count=len(self.chinese_missing)), site, sub=sub)
            return
        for site, sub, what in self.chinese_missing:
            key = str(sub[-1]) if sub else ""
            which = Words(f"（{what}）", f" ({what})") if what else ""
            self.ld.report(D.MISSING_CHINESE(key=key, what=which), site, sub=sub)

    def titled(self, zh: str, en: str, site: Site, sub: KeyPath, only: str = "") -> None:
        """An optional title, once given, is given in Chinese (E128) and in English (W801);
        ``only`` ("zh" or "en") names the one language a value's text is written for."""
        if not (zh.strip() or en.strip()):
            return
        self.chinese_given = self.chinese_given or bool(zh.strip())
        if not zh.strip() and only != "en":
            self.no_chinese(site, (*sub, "title_zh"))
        if not en.strip() and only != "zh":
            self.no_english(site, (*sub, "title_en"), zh)

    def no_english(self, site: Site, sub: KeyPath, what: str) -> None:
        """The English page would show a raw value or Chinese text where this label is missing."""
        self.ld.report(D.MISSING_ENGLISH(what=what), site, sub=sub)

    def orphan_note(self, site: Site, sub: KeyPath, assumption: bool, note_en: str) -> None:
        """``note_en`` explains an assumption; without ``assumption = true`` beside it, the flag
        was most likely deleted (E133), which would silently present a guess as the plan's."""
        if note_en and not assumption:
            self.ld.report(D.NOTE_WITHOUT_ASSUMPTION, site, sub=(*sub, "note_en"), at_key=True)

    def value_end(self, site: Site, values: list[Any], i: int, key: str) -> date | None:
        """Check that value (or table version) ``i`` starts after the one before, and ends
        (``until``) after it starts and no later than the next begins (E407); return its end
        when a gap follows it."""
        val = values[i]
        if i > 0 and val.from_ <= values[i - 1].from_:
            order = D.BAD_PERIOD(key=key, start=val.from_, previous=values[i - 1].from_)
            self.ld.report(order, site, sub=(key, i, "from"))
        if val.until is None:
            return None
        nxt = values[i + 1].from_ if i + 1 < len(values) else None
        if val.until <= val.from_:
            reversed_ = D.BAD_PERIOD(form="until", until=val.until, start=val.from_)
            self.ld.report(reversed_, site, sub=(key, i, "until"))
            return None
        if nxt is not None and val.until > nxt:
            overlap = D.BAD_PERIOD(form="overlap", until=val.until, next=nxt)
            self.ld.report(overlap, site, sub=(key, i, "until"))
            return None
        return None if val.until == nxt else val.until

    def param_value(self, ptype: str, raw: Any, site: Site, sub: KeyPath) -> Any:
        def bad(expected: str) -> None:
            want = Words(*_PARAM_WORDS.get(expected, (expected, expected)))
            self.ld.report(D.BAD_PARAMETER(expected=want, got=Words(*kind_of(raw))), site, sub=sub)

        if ptype in ("number", "money", "ratio", "int"):
            if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
                bad(ptype)
                return None
            if ptype == "int" and Decimal(raw) != Decimal(raw).to_integral_value():
                bad("int")
                return None
            if ptype == "ratio" and not 0 <= raw <= 1:  # 3 for 3% is the commonest slip
                guess = shown(Decimal(raw) / 100)
                message = D.BAD_PARAMETER(form="ratio", got=shown(raw), hint="ratio", guess=guess)
                self.ld.report(message, site, sub=sub)
                return None
            return Decimal(raw)
        if ptype == "bool":
            if not isinstance(raw, bool):
                bad("bool")
                return None
            return raw
        if ptype == "string":
            if not isinstance(raw, str):
                bad("string")
                return None
            return raw
        if ptype == "date":
            if not isinstance(raw, date):
                bad("date")
                return None
            return raw
        if not isinstance(raw, list) or not raw:
            bad("list")
            return None
        if all(isinstance(x, str) for x in raw):
            return list(raw)
        if all(isinstance(x, int | Decimal) and not isinstance(x, bool) for x in raw):
            return [Decimal(x) for x in raw]
        bad("list")
        return None

    def coverage(self, history: History[Any], site: Site, key: str) -> None:
        """The first value starts on the policy's first day: later leaves a gap (E405);
        earlier is a value for days the package does not cover, most often a slip (E412)."""
        first = history.first_start()
        if first is not None and first < self.policy.valid_from:
            early = D.VALUE_BEFORE_PERIOD(first=first, start=self.policy.valid_from)
            self.ld.report(early, site, sub=(key, 0, "from"))
        if first is not None and first > self.policy.valid_from:
            gap = D.NO_VALUE_IN_PERIOD(start=self.policy.valid_from, end=first - timedelta(days=1))
            self.ld.report(gap, site, sub=(key, 0, "from"))

    def assumption(
        self,
        site: Site,
        sub: KeyPath,
        value: str,
        note: str,
        note_en: str,
        start: date | None,
        value_en: str = "",
    ) -> None:
        """Report one assumption (W501), once, with its value and a note in each language."""
        if not note or not note_en:
            self.ld.report(D.ASSUMPTION_WITHOUT_NOTE, site, sub=sub)
        since = Words(f"，自 {start} 起", f" from {start}") if start else ""
        assumed = D.ASSUMPTION(value=Words(value, value_en or value), since=since, note=Words(note, note_en))
        self.ld.report(assumed, site, sub=sub)

    def check_choices(self, ids: Iterable[str], site: Site, sub: KeyPath) -> None:
        for aid in ids:
            if aid not in self.choice_specs and not self.broken_name(aid):
                hint = did_you_mean(aid, list(self.choice_specs))
                self.ld.report(D.UNKNOWN_ASSUMPTION(name=aid), site, sub=sub, hint=hint)

    def derived_type(self, name: str) -> Ty:
        if name in self.checking:
            return ANY  # a cycle: reported by _cycles with the whole path
        if name in self.derived_nodes:
            node = self.derived_nodes[name]
            return node.ty if node is not None and node.ty is not None else ANY
        text, site = self.derived[name]
        self.checking.append(name)
        scope = self.scope()
        node = self.expr(text, site, ("expr",), None, scope)
        self.checking.pop()
        self.derived_nodes[name] = node
        self.deps[name] = {n for k, n in scope.refs if k in ("derived", "measure")}
        ty = node.ty if node is not None else ANY
        self.types[name] = ("derived", ty)
        return ty
