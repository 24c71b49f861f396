"""Loading a rule package: read every file, check everything, compile once.

``load_rules`` collects *every* problem before giving up (TOML syntax, unknown keys, unknown
or misspelt names, type mismatches, cycles, decision-table gaps and overlaps, parameters with
no value inside the policy period, failing invariants), each with file:line:column, and
raises ``RuleError`` if any is an error. Warnings (assumption figures) travel with the
loaded ``RuleSet``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .assumptions import Assumption, AssumptionBook, Closure, TableNotes
from .engine import (
    CompiledCondition,
    CompiledCriterion,
    CompiledMeasure,
    CompiledOutput,
    CompiledTier,
    RuleSet,
)
from .errors import Diagnostic, Location, RuleError, UsageError
from .expr.check import MAX_CHAIN_COST, Checker, Scope, chain_costs, did_you_mean
from .expr.compile import Compiled, Env, compile_expr
from .expr.nodes import Name as NameNode
from .expr.nodes import Node, Num, walk
from .expr.parser import KEYWORDS, ExprError, parse, tree_depth
from .expr.types import (
    ANY,
    BOOL,
    DATE,
    NUMBER,
    STRING,
    ListTy,
    MapTy,
    MeasureTy,
    Prim,
    TableTy,
    Ty,
)
from .expr.values import BUILTINS, CONTEXT, UNKNOWN
from .periods import Dated, History
from .profile import ProfileValidator, fact_type
from .sense import Constant, constant_comparisons, judge
from .source import MAX_PACKAGE_BYTES, KeyPath, SourceFile, is_regular_file, package_sha256, read_toml
from .spec import AssumptionSpec, ConditionSpec, FieldSpec, MeasureSpec, RuleDocument, TableSpec
from .tables import ROW_META, Row, TableVersion, parse_row_cond, table_problems
from .wording import kind_of, listing, schema_message, shown

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
TEMPLATE_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
MAX_FILES = 200

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


def bundled_rules_dir() -> Path:
    """The default package: inside the installed wheel, or ./rules in a source checkout."""
    here = Path(__file__).resolve().parent
    for base in (here / "_bundled_rules", here.parent / "rules"):
        candidate = base / "liangjiang_zjtx_2022"
        if candidate.is_dir():
            return candidate
    raise UsageError("找不到内置规则包", "the bundled rule package is missing from this install")


def local_rules_dir(cwd: Path | None = None) -> Path | None:
    """The package being edited in the working folder, when there is one.

    Policy staff run ``zjtx check`` inside a checkout; they mean ``./rules/...``, not the copy
    installed in site-packages. ``ZJTX_RULES`` names a folder explicitly; otherwise
    ``./rules`` holding exactly one package (a folder of ``.toml`` files) is used. With several
    packages and no ``ZJTX_RULES`` the choice is the user's: ``UsageError`` lists them."""
    import os

    named = os.environ.get("ZJTX_RULES")
    if named:
        return Path(named)
    base = (cwd or Path.cwd()) / "rules"
    if not base.is_dir():
        return None
    found = sorted(p for p in base.iterdir() if p.is_dir() and any(p.glob("*.toml")))
    if len(found) > 1:
        names = ", ".join(str(p) for p in found)
        raise UsageError(
            f"./rules 下有多个规则包（{names}），请用 --rules 或环境变量 ZJTX_RULES 选择",
            f"./rules holds several packages ({names}); choose one with --rules or ZJTX_RULES",
        )
    return found[0] if found else None


@dataclass
class Site:
    """Where an item was declared: its file and key path, for locations."""

    src: SourceFile
    keypath: KeyPath
    context: str


@dataclass
class Loader:
    root: Path
    diags: list[Diagnostic] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)  # names whose declaration could not be read
    wholesale: bool = False  # a file failed and its names are not known: any name may be its
    suppressed: int = 0  # follow-on errors of a broken file or declaration, not shown

    # -- reporting
    def report(
        self,
        code: str,
        name: str,
        zh: str,
        en: str,
        site: Site | None,
        *,
        sub: KeyPath = (),
        span: tuple[int, int] | None = None,
        hint: tuple[str, str] = ("", ""),
        severity: str = "error",
        at_key: bool = False,
    ) -> None:
        if site is None:
            loc, src_line = Location(str(self.root)), ""
        else:
            loc = site.src.location((*site.keypath, *sub), span[0] if span else None, at_key=at_key)
            src_line = site.src.line_text(loc.line)
        length = max(1, span[1] - span[0]) if span else 1
        self.diags.append(
            Diagnostic(
                code,
                name,
                "warning" if severity == "warning" else "error",
                zh,
                en,
                loc,
                site.context if site else "",
                hint[0],
                hint[1],
                src_line,
                length,
            )
        )

    # -- phase 1: files
    def read(self) -> list[tuple[SourceFile, RuleDocument]]:
        if not self.root.is_dir():
            raise UsageError(f"规则包目录不存在: {self.root}", f"no rule package at {self.root}")
        files = sorted(p for p in self.root.glob("*.toml"))[:MAX_FILES]
        if not files:
            raise UsageError(f"目录中没有 .toml 规则文件: {self.root}", f"no .toml rule files in {self.root}")
        total = sum(p.stat().st_size for p in files if is_regular_file(p))
        if total > MAX_PACKAGE_BYTES:
            raise RuleError(
                [
                    Diagnostic(
                        "E106",
                        "package-too-large",
                        "error",
                        f"规则包过大（规则文件共 {total} 字节，上限 {MAX_PACKAGE_BYTES}）",
                        f"rule package too large ({total} bytes of rule files, limit {MAX_PACKAGE_BYTES})",
                        Location(self._display(self.root)),
                    )
                ]
            )
        docs = []
        for path in files:
            src, diag = read_toml(path, self._display(path))
            if diag:
                self.diags.append(diag)
                self._declared_in_broken_file(path)
                continue
            assert src is not None
            self.sources.append(src)
            try:
                docs.append((src, RuleDocument.model_validate(src.data)))
            except ValidationError as exc:
                errs = exc.errors()
                for err in errs:
                    self._schema_error(src, err)
                salvaged = self._salvage(src.data, errs)
                if salvaged is not None:
                    docs.append((src, salvaged))
        return docs

    def _declared_in_broken_file(self, path: Path) -> None:
        """Names a file that cannot be read declares, from its headers, so that the errors
        their absence causes elsewhere are suppressed, not shown as 90 unknown names."""
        try:
            text = path.read_text(encoding="utf-8", errors="replace") if is_regular_file(path) else ""
        except OSError:
            text = ""
        names = set(_HEADER_RE.findall(text))
        self.broken |= names
        if not names:
            self.wholesale = True

    def _salvage(self, data: dict[str, Any], errs: list[Any]) -> RuleDocument | None:
        """The document without the entries that failed the schema (their names go to
        ``broken``): one bad key in one fact must not make every fact unknown."""
        cut: dict[str, set[str] | None] = {}
        for err in errs:
            loc = err["loc"]
            section = str(loc[0]) if loc else ""
            item = data.get(section)
            if len(loc) >= 2 and isinstance(item, dict) and section != "policy":
                spot = cut.setdefault(section, set())
                if spot is not None:
                    spot.add(str(loc[1]))
            else:
                cut[section] = None  # the whole section (an unknown or malformed one)
        kept: dict[str, Any] = {}
        for section, value in data.items():
            if section not in cut:
                kept[section] = value
                continue
            names = cut[section]
            dropped = set(value) if isinstance(value, dict) and names is None else names or set()
            self.broken |= dropped
            if names is not None and isinstance(value, dict):
                kept[section] = {k: v for k, v in value.items() if k not in names}
        try:
            return RuleDocument.model_validate(kept)
        except ValidationError:
            return None

    def _display(self, path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    def _schema_error(self, src: SourceFile, err: Any) -> None:
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        site = Site(src, (), "")
        if err["type"] == "extra_forbidden":
            key = str(loc[-1])
            allowed = _allowed_keys(loc[:-1])
            self.report(
                "E121",
                "unknown-key",
                f"未知的键 '{key}'",
                f"unknown key '{key}'",
                site,
                sub=tuple(loc),
                hint=_key_hint(key, allowed),
                at_key=True,
            )
        elif err["type"] == "missing":
            self.report(
                "E122",
                "missing-key",
                f"缺少必填的键 '{loc[-1]}'",
                f"missing required key '{loc[-1]}'",
                site,
                sub=tuple(loc[:-1]),
            )
        else:
            zh, en = schema_message(err)
            key = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
            self.report(
                "E123",
                "bad-value",
                f"'{key}' 的取值无效：{zh}" if key else zh,
                f"bad value for '{key}': {en}" if key else en,
                site,
                sub=tuple(loc),
            )


_HEADER_RE = re.compile(
    r"^\s*\[\[?\s*(?:facts|parameters|tables|derived|measures|assumptions|tiers|targets)"
    r"\s*\.\s*\"?([A-Za-z0-9_]+)",
    re.MULTILINE,
)


def _key_hint(key: str, allowed: list[str]) -> tuple[str, str]:
    """ "Did you mean", then every key the table accepts, so no one has to open the README."""
    if not allowed:
        return "", ""
    hz, he = did_you_mean(key, allowed)
    every = listing(sorted(allowed))
    return (f"{hz} " if hz else "") + f"可用的键: {every}", (f"{he} " if he else "") + f"valid keys: {every}"


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys the schema allows at ``loc`` (for "did you mean")."""
    from pydantic import BaseModel

    from . import spec as S

    model: Any = RuleDocument
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", None)
        if fields is None:
            return []
        finfo = fields.get(part) or next((f for f in fields.values() if f.alias == part), None)
        if finfo is None:
            # a dict key (an id chosen by the author): the model is the dict's value type
            continue
        ann = finfo.annotation
        model = _inner_model(ann) or S.Strict
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
    fields = getattr(model, "model_fields", {})
    return [f.alias or n for n, f in fields.items()]


def _inner_model(ann: Any) -> Any:
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in get_args(ann):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Load, check and compile a rule package (``None``: the bundled Liangjiang package).

    Raises ``RuleError`` listing every problem; warnings are on ``RuleSet.diagnostics``.
    """
    root = Path(path) if path is not None else bundled_rules_dir()
    return Build(Loader(root)).run()


class Build:
    """One pass over a package: names, types, checks, then compiled closures."""

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
        self.choice_specs: dict[str, tuple[AssumptionSpec, Site]] = {}
        self.derived_choices: dict[str, list[str]] = {}
        self.book = AssumptionBook()
        self.used: set[str] = set()  # every name some expression or reason text refers to
        self.closure = Closure({}, {})

    def run(self) -> RuleSet:
        docs = self.ld.read()
        policy = None
        policy_site: Site | None = None
        targets: dict[str, tuple[Any, Site]] = {}
        invariants: list[Any] = []
        tiers: dict[str, tuple[Any, Site]] = {}
        for src, doc in docs:
            if doc.policy is not None:
                if policy is not None:
                    self.ld.report(
                        "E202",
                        "duplicate-name",
                        "policy 只能声明一次",
                        "policy is declared twice",
                        Site(src, ("policy",), ""),
                    )
                policy = doc.policy
                policy_site = Site(src, ("policy",), "policy")
            for tid, target in doc.targets.items():
                targets[tid] = (target, Site(src, ("targets", tid), f"target '{tid}'"))
            invariants.extend((src, i, inv) for i, inv in enumerate(doc.invariants))
            for tid, tier in doc.tiers.items():
                tiers[tid] = (tier, Site(src, ("tiers", tid), f"tier '{tid}'"))
            for aid, aspec in doc.assumptions.items():
                self.choice_specs[aid] = (aspec, Site(src, ("assumptions", aid), f"assumption '{aid}'"))
            for kind, section in (
                ("fact", doc.facts),
                ("param", doc.parameters),
                ("table", doc.tables),
                ("derived", doc.derived),
                ("measure", doc.measures),
            ):
                sect = {
                    "fact": "facts",
                    "param": "parameters",
                    "table": "tables",
                    "derived": "derived",
                    "measure": "measures",
                }[kind]
                for name, item in section.items():
                    self._declare(kind, name, item, Site(src, (sect, name), f"{kind} '{name}'"))
        if policy is None:
            if not [d for d in self.ld.diags if d.severity == "error"]:
                self.ld.report(
                    "E130", "no-policy", "规则包缺少 [policy] 段", "the package has no [policy] section", None
                )
            raise RuleError(sorted(self.ld.diags, key=_diag_order), self.ld.suppressed)
        self.policy = policy
        assert policy_site is not None
        self.period_end = policy.valid_to + timedelta(days=1)  # half-open [from, to + 1 day)
        if policy.valid_to < policy.valid_from:
            self._period_error(
                policy_site,
                ("valid_to",),
                f"政策期倒置：valid_to（{policy.valid_to}）早于 valid_from（{policy.valid_from}）",
                f"policy period reversed: valid_to ({policy.valid_to}) "
                f"is before valid_from ({policy.valid_from})",
            )
        self._clauses_and_quotes(self._source_text(policy, policy_site))
        self._chain_limit(tiers, targets, invariants)
        histories = self._parameters()
        self._table_types_and_versions(histories)
        validator = self._profile_validator()
        derived_fns = self._derived()
        self._choices()
        self.closure = Closure(self.derived_nodes, self.derived_choices)
        measures = self._measures()
        tier_list = self._tiers(tiers)
        target_fns = self._targets(targets)
        self._cycles()
        self._invariants(invariants, histories)
        self._unused()
        errors = [d for d in self.ld.diags if d.severity == "error"]
        if errors:
            raise RuleError(sorted(self.ld.diags, key=_diag_order), self.ld.suppressed)
        assert validator is not None
        return RuleSet(
            policy=policy,
            targets={t: spec for t, (spec, _) in targets.items()},
            target_fns=target_fns,
            root=self.ld.root,
            sha256=self._digest(),
            facts={n: s for n, (s, _) in self.facts.items()},
            validator=validator,
            params=histories,
            derived=derived_fns,
            measures=measures,
            tiers=tier_list,
            diagnostics=sorted(self.ld.diags, key=_diag_order),
            param_specs={n: s for n, (s, _) in self.params.items()},
            table_specs={n: s for n, (s, _) in self.tables.items()},
            constants=self._all_constants(histories),
            derived_nodes={n: v for n, v in self.derived_nodes.items() if v is not None},
            book=self.book,
        )

    def _source_text(self, policy: Any, site: Site) -> str | None:
        """The plan's text named by ``source_text``, whitespace removed (None: not declared)."""
        if not policy.source_text:
            return None
        root = self.ld.root.resolve()
        path = (root / policy.source_text).resolve()
        problem = None
        if not path.is_relative_to(root):
            problem = ("应指向规则包目录内的文件", "must name a file inside the rule package")
        elif not is_regular_file(path):
            problem = ("找不到该文件（或不是普通文件）", "no such regular file")
        elif path.stat().st_size > MAX_PACKAGE_BYTES:
            problem = ("文件过大", "file too large")
        if problem is None:
            try:
                return _squeeze(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                problem = ("无法按 UTF-8 读取", "cannot be read as UTF-8 text")
        self.ld.report(
            "E143",
            "bad-source-text",
            f"source_text '{policy.source_text}' {problem[0]}",
            f"source_text '{policy.source_text}' {problem[1]}",
            site,
            sub=("source_text",),
        )
        return None

    def _clauses_and_quotes(self, text: str | None) -> None:
        """Each clause encoded once (E409); each quote found in the plan's text (E142)."""
        seen: dict[str, str] = {}
        for name, (spec, site) in self.measures.items():
            if spec.clause in seen:
                self.ld.report(
                    "E409",
                    "duplicate-clause",
                    f"条款 {spec.clause} 已由措施 '{seen[spec.clause]}' 编码",
                    f"clause {spec.clause} is already encoded by measure '{seen[spec.clause]}'",
                    site,
                    sub=("clause",),
                )
            seen.setdefault(spec.clause, name)
            if text is None:
                continue
            pieces = [p for p in re.split(r"…+|\.\.\.", _squeeze(spec.quote)) if p]
            missing = next((p for p in pieces if p not in text), None)
            if missing is not None:
                ok = 0
                while ok < len(missing) and missing[: ok + 1] in text:
                    ok += 1
                missing = missing[max(0, ok - 4) :]  # from just before it departs from the plan
                self.ld.report(
                    "E142",
                    "quote-not-in-source",
                    f"quote 在政策原文中找不到（从“{missing[:20]}”起）；请逐字引用，省略处用 …",
                    f'the quote does not occur in the plan\'s text (from "{missing[:20]}"); '
                    "quote word for word and mark cuts with …",
                    site,
                    sub=("quote",),
                )

    def _unused(self) -> None:
        """A derived value or table nothing refers to is dead text, or a misspelt reference
        elsewhere that happened to name something else (W802). Not said when a broken file
        or declaration hides the rules that would use it."""
        if self.ld.broken or self.ld.wholesale:
            return
        for kind, store in (("派生值", self.derived), ("决策表", self.tables)):
            for name, (_item, site) in store.items():
                if name not in self.used:
                    en = "derived value" if store is self.derived else "decision table"
                    self.ld.report(
                        "W802",
                        "unused",
                        f"{kind} '{name}' 没有被任何规则引用",
                        f"{en} '{name}' is not used by any rule",
                        site,
                        severity="warning",
                    )

    def _all_constants(self, histories: dict[str, Any]) -> frozenset[Decimal]:
        """Literals, parameter values and table bounds: thresholds worth hitting exactly."""
        out = set(self.constants)
        for hist in histories.values():
            for item in hist.items:
                v = item.value
                if isinstance(v, Decimal):
                    out.add(v)
                elif isinstance(v, TableVersion):
                    for row in v.rows:
                        out.update(x for c in row.conds for x in (c.lo, c.below) if x is not None)
        return frozenset(out)

    # -- names
    def _declare(self, kind: str, name: str, item: Any, site: Site) -> None:
        if not NAME_RE.match(name) or name in KEYWORDS or name in BUILTINS or name == "as_of":
            self.ld.report(
                "E201",
                "bad-name",
                f"名称 '{name}' 无效：应为小写字母开头的 a-z0-9_，且不是保留字",
                f"invalid name '{name}': use a-z, 0-9 and _, starting with a letter; "
                "not a keyword or built-in function",
                site,
            )
            return
        if name in self.types:
            other = self.types[name][0]
            self.ld.report(
                "E202",
                "duplicate-name",
                f"名称 '{name}' 重复（已作为 {other} 声明）",
                f"name '{name}' is declared twice (already a {other})",
                site,
            )
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
        self.types[name] = (kind, ANY)

    def lookup(self, name: str) -> tuple[str, Ty] | None:
        found = self.types.get(name)
        if found is None:
            return None
        self.used.add(name)
        kind, ty = found
        if kind == "derived" and ty == ANY:
            ty = self._derived_type(name)
        return kind, ty

    def names(self) -> list[str]:
        return list(self.types)

    def scope(self) -> Scope:
        return Scope(self.lookup, self.names)

    # -- expressions
    def expr(
        self, text: str, site: Site, sub: KeyPath, expected: Ty | None, scope: Scope | None = None
    ) -> Node | None:
        scope = scope or self.scope()
        try:
            node = parse(text)
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
            self.ld.report(
                err.code,
                err.name,
                err.message_zh,
                err.message_en,
                site,
                sub=sub,
                span=err.span,
                hint=(err.hint_zh, err.hint_en),
            )
            return None
        self._sense(constant_comparisons(node, self._fact_spec), site, sub)
        return node

    def _follow_on(self, err: ExprError, text: str) -> bool:
        """An error that only repeats a broken file or declaration already reported: a name
        it declared, or a type the failed expression left unknown (``any``)."""
        if not (self.ld.broken or self.ld.wholesale):
            return False
        if err.code == "E203":
            return self.ld.wholesale or text[err.span[0] : err.span[1]] in self.ld.broken
        return err.message_en.endswith("got any")

    def _broken_name(self, name: str) -> bool:
        if self.ld.wholesale or name in self.ld.broken:
            self.ld.suppressed += 1
            return True
        return False

    def _fact_spec(self, name: str) -> FieldSpec | None:
        return self.facts[name][0] if name in self.facts else None

    def _sense(self, constants: Iterable[Constant], site: Site, sub: KeyPath) -> None:
        """A comparison the fact's bounds decide is a slip, usually of scale (E309, E310)."""
        for found in constants:
            word_zh, word_en = ("恒为真", "always true") if found.always else ("永远不成立", "never true")
            hint = ("", "")
            if found.suggestion is not None:
                better = shown(found.suggestion)
                hint = (f"是否应为 {better}（数量级不同）？", f"did you mean {better} (a different scale)?")
            self.ld.report(
                "E310" if found.always else "E309",
                "always-true" if found.always else "never-true",
                f"此比较{word_zh}：事实 '{found.fact}' 声明的范围是 {found.bounds}",
                f"this comparison is {word_en}: fact '{found.fact}' is declared as {found.bounds}",
                site,
                sub=sub,
                span=found.span,
                hint=hint,
            )

    # -- facts and the profile model
    def _profile_validator(self) -> ProfileValidator | None:
        for name, (spec, site) in self.facts.items():
            self._check_fact_spec(spec, site, ())
            self.types[name] = ("fact", fact_type(name, spec))
        try:
            return ProfileValidator({n: s for n, (s, _) in self.facts.items()})
        except Exception as exc:  # a declaration pydantic cannot build; reported, not raised
            self.ld.report(
                "E124",
                "bad-fact",
                f"事实声明无法构建: {exc}",
                f"fact declarations cannot be built: {exc}",
                None,
            )
            return None

    def _check_fact_spec(self, spec: FieldSpec, site: Site, sub: KeyPath) -> None:
        lacking = [c for c in spec.choices or () if not (spec.choice_labels_en or {}).get(c)]
        if lacking:
            self._no_english(site, (*sub, "choice_labels_en"), ", ".join(lacking))
        if spec.unit and not spec.unit_en:
            self._no_english(site, (*sub, "unit"), spec.unit)
        if spec.type == "enum" and not spec.choices:
            self.ld.report(
                "E125", "bad-fact", "enum 类型需要 choices", "an enum needs choices", site, sub=sub
            )
        if spec.type == "list":
            if not spec.fields:
                self.ld.report(
                    "E125", "bad-fact", "list 类型需要 fields", "a list needs fields", site, sub=sub
                )
            for fname, fspec in (spec.fields or {}).items():
                if fspec.type == "list":
                    self.ld.report(
                        "E125",
                        "bad-fact",
                        "列表不能嵌套列表",
                        "lists cannot nest lists",
                        site,
                        sub=(*sub, "fields", fname),
                    )
                self._check_fact_spec(fspec, site, (*sub, "fields", fname))
                sibling = (spec.fields or {}).get(fspec.not_before or "")
                if fspec.not_before and (fspec.type != "date" or sibling is None or sibling.type != "date"):
                    self.ld.report(
                        "E125",
                        "bad-fact",
                        "not_before 只能用于日期字段，并指向同一记录的另一个日期字段",
                        "not_before belongs on a date field and must name another date field of the record",
                        site,
                        sub=(*sub, "fields", fname, "not_before"),
                    )
        if spec.type in ("int", "decimal", "money", "ratio", "year_money_map") and (
            spec.min is None or (spec.below is None and spec.max is None)
        ):
            self.ld.report(
                "E126",
                "unbounded-number",
                "数值事实（含按年金额表）必须声明 min 和 below（或 max）界限",
                "a numeric fact (a by-year amount map too) must declare min and below (or max) bounds",
                site,
                sub=sub,
            )
        self._check_bounds(spec, site, sub)
        for key in ("choice_labels_zh", "choice_labels_en"):
            labels: dict[str, str] = getattr(spec, key) or {}
            for label in labels:
                if label not in (spec.choices or ()):
                    hz, he = _key_hint(label, list(spec.choices or ()))
                    self.ld.report(
                        "E209",
                        "unknown-choice",
                        f"{key} 中的 '{label}' 不是 choices 里的选项",
                        f"'{label}' in {key} is not one of the choices",
                        site,
                        sub=(*sub, key, label),
                        hint=(hz, he),
                        at_key=True,
                    )

    def _check_bounds(self, spec: FieldSpec, site: Site, sub: KeyPath) -> None:
        """Bounds that contradict each other, and a typical range outside them (E141)."""
        lo, below, top = spec.min, spec.below, spec.max

        def bad(key: str, zh: str, en: str) -> None:
            self.ld.report("E141", "bad-bounds", zh, en, site, sub=(*sub, key))

        if below is not None and top is not None:
            bad("max", "below 与 max 只能写一个", "write below or max, not both")
        if lo is not None and below is not None and lo >= below:
            bad(
                "below",
                f"min（{shown(lo)}）应小于 below（{shown(below)}）",
                f"min ({shown(lo)}) must be less than below ({shown(below)})",
            )
        if lo is not None and top is not None and lo > top:
            bad(
                "max",
                f"min（{shown(lo)}）不应大于 max（{shown(top)}）",
                f"min ({shown(lo)}) must not exceed max ({shown(top)})",
            )
        if spec.typical is not None:
            a, b = spec.typical
            outside = (
                a > b
                or (lo is not None and a < lo)
                or (below is not None and b >= below)
                or (top is not None and b > top)
            )
            if outside:
                bad(
                    "typical",
                    f"typical [{shown(a)}, {shown(b)}] 应为由小到大、且在 min/below/max 界限之内",
                    f"typical [{shown(a)}, {shown(b)}] must run low to high, inside min and below/max",
                )

    def _no_english(self, site: Site, sub: KeyPath, what: str) -> None:
        """The English page would show a raw value or Chinese text where this label is missing."""
        self.ld.report(
            "W801",
            "missing-english-label",
            f"缺少英文标签: {what}",
            f"no English label for: {what}",
            site,
            sub=sub,
            severity="warning",
        )

    # -- parameters
    def _parameters(self) -> dict[str, Any]:
        histories: dict[str, Any] = {}
        for name, (spec, site) in self.params.items():
            ty: Ty = PARAM_TYPES.get(spec.type, ListTy(STRING))
            items = []
            notes: list[Dated[Assumption | None]] = []
            for i, val in enumerate(spec.values):
                value = self._param_value(spec.type, val.value, site, ("values", i, "value"))
                if value is None:
                    continue
                if spec.type == "list" and value and not isinstance(value[0], str):
                    ty = ListTy(NUMBER)
                items.append(Dated(val.from_, value))
                note = None
                if val.assumption:
                    self._assumption(
                        site, ("values", i), f"{name} = {_shown(value)}", val.note, val.note_en, val.from_
                    )
                    note = Assumption(name, val.note, val.note_en)
                notes.append(Dated(val.from_, note))
                ends = self._value_end(spec.values, i, site)
                if ends is not None:  # nothing is in force from ``until`` to the next value
                    items.append(Dated(ends, None))
                    notes.append(Dated(ends, None))
                if not val.source:
                    self.ld.report(
                        "E131",
                        "no-source",
                        "参数取值缺少 source（条款或文件）",
                        "a parameter value needs a source (clause or document)",
                        site,
                        sub=("values", i),
                    )
            history = History(items)
            histories[name] = history
            if any(n.value is not None for n in notes):
                self.book.params[name] = History(notes)
            self.types[name] = ("param", ty)
            self._coverage(history, site)
        return histories

    def _value_end(self, values: list[Any], i: int, site: Site) -> date | None:
        """Check that value ``i`` starts after the one before and ends (``until``) after it
        starts and no later than the next begins (E407); return its end when a gap follows."""
        val = values[i]
        if i > 0 and val.from_ <= values[i - 1].from_:
            self._period_error(
                site,
                ("values", i, "from"),
                f"取值应按日期先后排列：{val.from_} 不晚于上一条的 {values[i - 1].from_}",
                f"values must be in date order: {val.from_} is not after the previous {values[i - 1].from_}",
            )
        if val.until is None:
            return None
        nxt = values[i + 1].from_ if i + 1 < len(values) else None
        if val.until <= val.from_:
            self._period_error(
                site,
                ("values", i, "until"),
                f"until（{val.until}）应晚于 from（{val.from_}）",
                f"until ({val.until}) must be after from ({val.from_})",
            )
            return None
        if nxt is not None and val.until > nxt:
            self._period_error(
                site,
                ("values", i, "until"),
                f"until（{val.until}）晚于下一条取值的开始日 {nxt}，两条取值重叠",
                f"until ({val.until}) is after the next value starts ({nxt}); the two overlap",
            )
            return None
        return None if val.until == nxt else val.until

    def _period_error(self, site: Site, sub: KeyPath, zh: str, en: str) -> None:
        self.ld.report("E407", "bad-period", zh, en, site, sub=sub)

    def _param_value(self, ptype: str, raw: Any, site: Site, sub: KeyPath) -> Any:
        def bad(expected: str) -> None:
            zh, en = _PARAM_WORDS.get(expected, (expected, expected))
            got_zh, got_en = kind_of(raw)
            self.ld.report(
                "E306",
                "bad-parameter",
                f"取值应为{zh}，实际是{got_zh}",
                f"expected {en}; got {got_en}",
                site,
                sub=sub,
            )

        if ptype in ("number", "money", "ratio", "int"):
            if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
                bad(ptype)
                return None
            if ptype == "int" and Decimal(raw) != Decimal(raw).to_integral_value():
                bad("int")
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

    def _coverage(self, history: History[Any], site: Site) -> None:
        first = history.first_start()
        if first is not None and first > self.policy.valid_from:
            self.ld.report(
                "E405",
                "no-value-in-period",
                f"{self.policy.valid_from} 至 {first - timedelta(days=1)} 之间没有取值（政策期内）",
                f"no value from {self.policy.valid_from} to {first - timedelta(days=1)}, "
                "inside the policy period",
                site,
            )

    def _assumption(
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
            self.ld.report(
                "E132",
                "assumption-without-note",
                "假设必须写 note（中文）和 note_en（英文）说明依据",
                "an assumption needs a note (Chinese) and a note_en (English) saying where it comes from",
                site,
                sub=sub,
            )
        since_zh, since_en = (f"，自 {start} 起", f" from {start}") if start else ("", "")
        self.ld.report(
            "W501",
            "assumption",
            f"假设（政策原文未规定）: {value}{since_zh}。{note}",
            f"assumed (not stated by the policy): {value_en or value}{since_en}. {note_en}",
            site,
            sub=sub,
            severity="warning",
        )

    # -- rule choices: readings of the plan that are not figures
    def _choices(self) -> None:
        for aid, (spec, site) in self.choice_specs.items():
            if not NAME_RE.match(aid) or self.types.get(aid, ("fact",))[0] in ("param", "table"):
                self.ld.report(
                    "E201",
                    "bad-name",
                    f"假设 id '{aid}' 无效或与参数、决策表重名",
                    f"assumption id '{aid}' is invalid or is already a parameter or table",
                    site,
                )
                continue
            self._assumption(
                site,
                (),
                f"{aid}: {spec.value_zh}",
                spec.note_zh,
                spec.note_en,
                None,  # a reading, not a dated figure
                f"{aid}: {spec.value_en}",
            )
            applies = None
            if spec.applies:
                node = self.expr(spec.applies, site, ("applies",), BOOL)
                applies = compile_expr(node) if node is not None else None
            self.book.choices[aid] = (Assumption(aid, spec.note_zh, spec.note_en), applies)
        for name, ids in self.derived_choices.items():
            self._check_choices(ids, self.derived[name][1], ("assumptions",))

    def _check_choices(self, ids: Iterable[str], site: Site, sub: KeyPath) -> None:
        for aid in ids:
            if aid not in self.choice_specs and not self._broken_name(aid):
                hz, he = did_you_mean(aid, list(self.choice_specs))
                self.ld.report(
                    "E208",
                    "unknown-assumption",
                    f"未声明的假设 '{aid}'（应在 [assumptions] 段声明）",
                    f"assumption '{aid}' is not declared under [assumptions]",
                    site,
                    sub=sub,
                    hint=(hz, he),
                )

    # -- decision tables
    def _table_types_and_versions(self, histories: dict[str, Any]) -> None:
        for name, (spec, site) in self.tables.items():
            in_types: list[Ty] = []
            for inp in spec.inputs:
                if inp.type == "enum":
                    in_types.append(Prim("string", frozenset(inp.choices or ())))
                    if not inp.choices:
                        self.ld.report(
                            "E125", "bad-table", "enum 输入需要 choices", "an enum input needs choices", site
                        )
                else:
                    in_types.append(NUMBER if inp.type == "number" else BOOL)
            result_ty = PARAM_TYPES[spec.result]
            self.types[name] = ("table", TableTy(name, tuple(in_types), result_ty))
            items = []
            notes: list[Dated[TableNotes]] = []
            every_rows = self._version_rows(spec, site)
            spec = spec.model_copy(
                update={
                    "versions": [
                        v.model_copy(update={"rows": [r for r, _ in rs], "changes": []})
                        for v, rs in zip(spec.versions, every_rows, strict=True)
                    ]
                }
            )
            self.tables[name] = (spec, site)  # every version whole, for views and diffs
            for vi, ver in enumerate(spec.versions):
                rows = []
                row_notes: list[Assumption | None] = []
                whole = Assumption(name, ver.note, ver.note_en) if ver.assumption else None
                if vi > 0 and ver.from_ <= spec.versions[vi - 1].from_:
                    self._period_error(
                        site,
                        ("versions", vi, "from"),
                        f"版本应按日期先后排列：{ver.from_} 不晚于上一版本的 {spec.versions[vi - 1].from_}",
                        f"versions must be in date order: {ver.from_} is not after the previous "
                        f"{spec.versions[vi - 1].from_}",
                    )
                for raw, row_at in every_rows[vi]:
                    row = self._row(spec, raw, site, row_at)
                    if row is not None:
                        rows.append(row)
                        row_notes.append(Assumption(name, row.note, row.note_en) if row.assumption else whole)
                        if row.assumption and not ver.assumption:
                            cells = ", ".join(
                                f"{k} = {_shown(v)}" for k, v in raw.items() if k not in ROW_META
                            )
                            self._assumption(
                                site,
                                row_at,
                                f"{name}({cells}) = {_shown(row.value)}",
                                row.note,
                                row.note_en,
                                ver.from_,
                            )
                default = None
                if ver.default is not None:
                    default = self._param_value(spec.result, ver.default, site, ("versions", vi, "default"))
                if ver.assumption:
                    every = "; ".join(
                        ", ".join(f"{k} = {_shown(v)}" for k, v in raw.items() if k not in ROW_META)
                        + f" -> {_shown(raw.get('value'))}"
                        for raw in ver.rows
                    )
                    self._assumption(
                        site, ("versions", vi), f"{name}: {every}", ver.note, ver.note_en, ver.from_
                    )
                notes.append(
                    Dated(ver.from_, TableNotes(tuple(row_notes), whole if default is not None else None))
                )
                if not ver.source:
                    self.ld.report(
                        "E131",
                        "no-source",
                        "决策表版本缺少 source",
                        "a decision-table version needs a source",
                        site,
                        sub=("versions", vi),
                    )
                if len(rows) != len(ver.rows):
                    continue
                version = TableVersion(rows, default, spec.hit_policy)
                for code, zh, en, bad_row in table_problems(spec.inputs, version):
                    where: KeyPath = (
                        ("versions", vi) if bad_row is None else ("versions", vi, "rows", bad_row)
                    )
                    self.ld.report(code, "table-rows", zh, en, site, sub=where)
                items.append(Dated(ver.from_, version))
            history = History(items)
            histories[name] = history
            if any(n.value.any for n in notes):
                self.book.tables[name] = History(notes)
            self._coverage(history, site)

    def _version_rows(self, spec: TableSpec, site: Site) -> list[list[tuple[dict[str, Any], KeyPath]]]:
        """Each version's rows with where each was written. A version with ``changes`` instead
        of ``rows`` is the version before it with the rows whose input cells match a change
        replaced by that change (E410 when a change matches no row)."""
        inputs = [i.name for i in spec.inputs]
        out: list[list[tuple[dict[str, Any], KeyPath]]] = []
        for vi, ver in enumerate(spec.versions):
            own: list[tuple[dict[str, Any], KeyPath]] = [
                (r, ("versions", vi, "rows", ri)) for ri, r in enumerate(ver.rows)
            ]
            if not ver.changes:
                if not ver.rows:
                    self.ld.report(
                        "E122",
                        "missing-key",
                        "决策表版本需要 rows（或在后续版本中用 changes）",
                        "a table version needs rows (or, after the first version, changes)",
                        site,
                        sub=("versions", vi),
                    )
                out.append(own)
                continue
            if ver.rows or vi == 0:
                self.ld.report(
                    "E410",
                    "bad-changes",
                    "changes 只能用于后续版本，且不能与 rows 同时出现",
                    "changes belongs on a later version, instead of rows (not with them)",
                    site,
                    sub=("versions", vi, "changes"),
                    at_key=True,
                )
                out.append(own)
                continue
            merged = list(out[-1])
            for ci, change in enumerate(ver.changes):
                cells = {k: v for k, v in change.items() if k in inputs}
                at = next(
                    (
                        i
                        for i, (r, _) in enumerate(merged)
                        if {k: r.get(k) for k in inputs} == {**dict.fromkeys(inputs), **cells}
                    ),
                    None,
                )
                if at is None:
                    self.ld.report(
                        "E410",
                        "bad-changes",
                        f"changes 的第 {ci + 1} 行（{shown(cells)}）与上一版本的任何一行都不对应",
                        f"change {ci + 1} ({shown(cells)}) matches no row of the version before",
                        site,
                        sub=("versions", vi, "changes", ci),
                    )
                    continue
                merged[at] = (change, ("versions", vi, "changes", ci))
            out.append(merged)
        return out

    def _row(self, spec: TableSpec, raw: dict[str, Any], site: Site, sub: KeyPath) -> Row | None:
        names = [i.name for i in spec.inputs]
        unknown = [k for k in raw if k not in names and k not in ROW_META]
        for k in unknown:
            hz, he = did_you_mean(k, [*names, *ROW_META])
            self.ld.report(
                "E121",
                "unknown-key",
                f"未知的键 '{k}'",
                f"unknown key '{k}'",
                site,
                sub=(*sub, k),
                hint=(hz, he),
                at_key=True,
            )
        if "value" not in raw:
            self.ld.report("E122", "missing-key", "决策表行缺少 value", "a row needs a value", site, sub=sub)
            return None
        conds = []
        for inp in spec.inputs:
            try:
                conds.append(parse_row_cond(inp, raw.get(inp.name)))
            except ValueError as exc:
                self.ld.report(
                    "E401",
                    "bad-row",
                    f"决策表行条件无效: {exc}",
                    f"invalid row condition: {exc}",
                    site,
                    sub=(*sub, inp.name),
                )
                return None
        value = self._param_value(spec.result, raw["value"], site, (*sub, "value"))
        meta_ok = True
        for key, kind in (("assumption", bool), ("note", str), ("note_en", str), ("source", str)):
            if key in raw and not isinstance(raw[key], kind):
                got_zh, got_en = kind_of(raw[key])
                want_zh, want_en = (
                    ("true 或 false（不加引号）", "true or false (without quotes)")
                    if kind is bool
                    else ("加引号的文本", "text in quotes")
                )
                self.ld.report(
                    "E123",
                    "bad-value",
                    f"'{key}' 的取值无效：应为{want_zh}，实际是{got_zh}",
                    f"bad value for '{key}': expected {want_en}; got {got_en}",
                    site,
                    sub=(*sub, key),
                )
                meta_ok = False
        if value is None or unknown or not meta_ok:
            return None
        return Row(
            tuple(conds),
            value,
            bool(raw.get("assumption", False)),
            str(raw.get("note", "")),
            str(raw.get("note_en", "")),
        )

    # -- limits on evaluation depth, checked before anything recursive runs
    def _chain_limit(
        self, tiers: dict[str, tuple[Any, Site]], targets: dict[str, tuple[Any, Site]], invariants: list[Any]
    ) -> None:
        """Refuse paths of derived values and measures too deep to check or evaluate. Tiers,
        targets and invariants end paths (nothing names them), so they count too."""
        sites: dict[str, tuple[str, Site, KeyPath]] = {}
        texts: dict[str, list[str]] = {}
        for name, (text, site) in self.derived.items():
            texts[name], sites[name] = [text], ("derived", site, ("expr",))
        for name, (spec, site) in self.measures.items():
            texts[name] = [c.expr for c in spec.conditions] + [o.expr for o in spec.outputs.values()]
            sites[name] = ("measure", site, ())
        for tid, (tier, site) in tiers.items():
            crits = [t for c in tier.criteria for t in (c.expr, c.actual, c.required, c.or_expr) if t]
            extras = [c.extra.expr for c in tier.criteria if c.extra is not None]
            texts[f"tier {tid}"], sites[f"tier {tid}"] = [tier.held, *crits, *extras], ("tier", site, ())
        for tid, (target, site) in targets.items():
            texts[f"target {tid}"], sites[f"target {tid}"] = [target.expr], ("target", site, ("expr",))
        for src, i, inv in invariants:
            site = Site(src, ("invariants", i), f"invariant '{inv.id}'")
            texts[f"invariant {inv.id}"], sites[f"invariant {inv.id}"] = (
                [inv.expr],
                ("invariant", site, ("expr",)),
            )
        items: dict[str, tuple[int, set[str]]] = {}
        for name, exprs in texts.items():
            depth, uses = 0, set()
            for text in exprs:
                try:
                    node = parse(text)
                except ExprError:
                    continue  # reported, with its location, when the expression is checked
                depth = max(depth, tree_depth(node))
                uses |= {n.name for n in walk(node) if isinstance(n, NameNode) and n.name in texts}
            items[name] = (depth, uses)
        costs = chain_costs(items)
        over = [n for n, c in costs.items() if c > MAX_CHAIN_COST]
        for name in over:
            if any(costs.get(u, 0) > MAX_CHAIN_COST for u in items[name][1]):
                continue  # report where the limit is first crossed, not every item above it
            kind, site, sub = sites[name]
            label = name.split(" ")[-1]
            self.ld.report(
                "E408",
                "chain-too-deep",
                f"{kind} '{label}' 的依赖链过深（计算深度 {costs[name]}，上限 {MAX_CHAIN_COST}），"
                "请缩短派生值之间的引用链",
                f"{kind} '{label}' sits on a chain of derived values too deep to evaluate "
                f"(depth {costs[name]}, limit {MAX_CHAIN_COST}); shorten the chain of references",
                site,
                sub=sub,
            )
        if over:
            raise RuleError(sorted(self.ld.diags, key=_diag_order), self.ld.suppressed)

    # -- derived values (types inferred on first use; cycles reported once)
    def _derived_type(self, name: str) -> Ty:
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

    def _derived(self) -> dict[str, Compiled]:
        fns = {}
        for name in self.derived:
            self._derived_type(name)
            node = self.derived_nodes.get(name)
            if node is not None:
                fns[name] = compile_expr(node)
        return fns

    # -- measures
    def _measures(self) -> list[CompiledMeasure]:
        for name, (spec, _site) in self.measures.items():
            outs = tuple((o, OUTPUT_TYPES[s.type]) for o, s in spec.outputs.items())
            self.types[name] = ("measure", MeasureTy(name, outs))
        out = []
        for name, (spec, site) in self.measures.items():
            spec = self._closing(spec, site)
            deps: set[str] = set()
            conds = []
            seen_ids: set[str] = set()
            for i, c in enumerate(spec.conditions):
                if c.id in seen_ids:
                    self.ld.report(
                        "E202",
                        "duplicate-name",
                        f"条件 id '{c.id}' 重复",
                        f"condition id '{c.id}' is repeated",
                        site,
                        sub=("conditions", i, "id"),
                    )
                seen_ids.add(c.id)
                scope = self.scope()
                node = self.expr(c.expr, site, ("conditions", i, "expr"), BOOL, scope)
                deps |= {n for k, n in scope.refs if k in ("derived", "measure")}
                shown = sorted(n for k, n in scope.refs if k in ("fact", "derived"))
                names = self._templates(
                    site,
                    ("conditions", i),
                    [
                        ("pass_zh", c.pass_zh),
                        ("pass_en", c.pass_en),
                        ("fail_zh", c.fail_zh),
                        ("fail_en", c.fail_en),
                        ("unknown_zh", c.unknown_zh),
                        ("unknown_en", c.unknown_en),
                    ],
                )
                self._check_choices(c.assumptions, site, ("conditions", i, "assumptions"))
                if node is not None:
                    conds.append(
                        CompiledCondition(
                            c,
                            compile_expr(node),
                            tuple(shown),
                            tuple(sorted(names | set(shown))),
                            node,
                            self.closure.of([node], c.assumptions),
                        )
                    )
            outputs = []
            local_scope = self.scope()
            for oname, ospec in spec.outputs.items():
                before = set(local_scope.refs)
                node = self.expr(
                    ospec.expr, site, ("outputs", oname, "expr"), OUTPUT_TYPES[ospec.type], local_scope
                )
                deps |= {n for k, n in local_scope.refs - before if k in ("derived", "measure")}
                local_scope.locals[oname] = OUTPUT_TYPES[ospec.type]
                self._check_choices(ospec.assumptions, site, ("outputs", oname, "assumptions"))
                if node is not None:
                    refs = self.closure.of([node], ospec.assumptions, spec.outputs)
                    outputs.append(CompiledOutput(oname, ospec, compile_expr(node), refs, node))
            self.deps[name] = deps
            self._summary_flags(spec, site)
            if len(spec.responsible_units_en) != len(spec.responsible_units):
                self._no_english(site, ("responsible_units",), "、".join(spec.responsible_units))
            out.append(CompiledMeasure(name, spec, conds, outputs))
        return out

    def _closing(self, spec: MeasureSpec, site: Site) -> MeasureSpec:
        """A measure with ``closed_from`` gets one more condition, ``as_of < closed_from``, so
        a closed measure is ineligible from that day with a reason that says so."""
        day = spec.closed_from
        if day is None:
            return spec
        if day <= self.policy.valid_from:
            self._period_error(
                site,
                ("closed_from",),
                f"closed_from（{day}）应晚于政策开始日 {self.policy.valid_from}",
                f"closed_from ({day}) must be after the policy starts ({self.policy.valid_from})",
            )
        why_zh = f"（{spec.closed_note_zh}）" if spec.closed_note_zh else ""
        why_en = f" ({spec.closed_note_en})" if spec.closed_note_en else ""
        closing = ConditionSpec(
            id="not_closed",
            expr=f"as_of < {day.isoformat()}",
            pass_zh=f"本措施 {day} 起停止受理，评估日在此之前",
            pass_en=f"the measure closes on {day}; the evaluation date is before that",
            fail_zh=f"本措施自 {day} 起停止受理{why_zh}",
            fail_en=f"the measure is closed from {day}{why_en}",
        )
        return spec.model_copy(update={"conditions": [*spec.conditions, closing]})

    def _templates(self, site: Site, sub: KeyPath, texts: Iterable[tuple[str, str]]) -> set[str]:
        used: set[str] = set()
        for key, text in texts:
            for m in TEMPLATE_RE.finditer(text):
                ref = m.group(1)
                kind = self.lookup(ref)
                if kind is None and self._broken_name(ref):
                    continue
                if kind is None or kind[0] not in ("fact", "param", "derived"):
                    hz, he = did_you_mean(
                        ref, [n for n, (k, _) in self.types.items() if k in ("fact", "param", "derived")]
                    )
                    self.ld.report(
                        "E207",
                        "unknown-template-name",
                        f"说明文字中的 {{{ref}}} 不是事实、参数或派生值",
                        f"{{{ref}}} in a reason text is not a fact, parameter or derived value",
                        site,
                        sub=(*sub, key),
                        hint=(hz, he),
                    )
                else:
                    used.add(ref)
        return used

    def _summary_flags(self, spec: MeasureSpec, site: Site) -> None:
        """Batch-summary flags must fit the outputs they name."""
        for oname, o in spec.outputs.items():
            allowed = {"budget": ("money", "money_by_year"), "count": ("int", "ids")}.get(o.summary)
            if allowed and o.type not in allowed:
                self.ld.report(
                    "E308",
                    "bad-summary",
                    f'summary = "{o.summary}" 只能用于 {allowed} 类型的输出',
                    f'summary = "{o.summary}" needs an output of type {" or ".join(allowed)}',
                    site,
                    sub=("outputs", oname, "summary"),
                )
        if spec.rank_by:
            out = spec.outputs.get(spec.rank_by)
            if out is None or out.type not in ("number", "money", "int", "ratio"):
                hz, he = did_you_mean(spec.rank_by, list(spec.outputs))
                self.ld.report(
                    "E308",
                    "bad-summary",
                    f"rank_by 应为本措施的数值输出，'{spec.rank_by}' 不是",
                    f"rank_by must name a numeric output of this measure; '{spec.rank_by}' is not",
                    site,
                    sub=("rank_by",),
                    hint=(hz, he),
                )

    def _targets(self, targets: dict[str, tuple[Any, Site]]) -> dict[str, Compiled]:
        fns = {}
        for tid, (spec, site) in targets.items():
            if spec.expr:
                node = self.expr(spec.expr, site, ("expr",), BOOL)
                if node is not None:
                    fns[tid] = compile_expr(node)
        return fns

    # -- tiers
    def _tiers(self, tiers: dict[str, tuple[Any, Site]]) -> list[CompiledTier]:
        out = []
        for tid, (spec, site) in sorted(tiers.items(), key=lambda kv: kv[1][0].order):
            held = self.expr(spec.held, site, ("held",), BOOL)
            crits = []
            for i, c in enumerate(spec.criteria):
                sub: KeyPath = ("criteria", i)
                own = list(c.assumptions)
                self._check_choices(own, site, (*sub, "assumptions"))
                if c.valid_from and c.valid_until and c.valid_until <= c.valid_from:
                    self._period_error(
                        site,
                        (*sub, "valid_until"),
                        f"valid_until（{c.valid_until}）应晚于 valid_from（{c.valid_from}）",
                        f"valid_until ({c.valid_until}) must be after valid_from ({c.valid_from})",
                    )
                if c.assumption:
                    cid = f"{tid}.{c.id}"
                    rule = f"{c.actual} {c.op} {c.required}" if c.op else c.expr
                    self._assumption(
                        site,
                        sub,
                        f"{cid}: {c.title_zh} {rule}",
                        c.note,
                        c.note_en,
                        c.valid_from or self.policy.valid_from,
                        f"{cid}: {c.title_en} {rule}",
                    )
                    self.book.choices[cid] = (Assumption(cid, c.note, c.note_en), None)
                    own.append(cid)
                numeric = bool(c.actual or c.required or c.op)
                if numeric and not (c.actual and c.required and c.op):
                    self.ld.report(
                        "E127",
                        "bad-criterion",
                        "数值标准需要同时写 actual、op 和 required",
                        "a numeric criterion needs actual, op and required",
                        site,
                        sub=sub,
                    )
                    continue
                if not numeric and not c.expr:
                    self.ld.report(
                        "E127",
                        "bad-criterion",
                        "标准需要 expr 或 actual/op/required",
                        "a criterion needs expr, or actual/op/required",
                        site,
                        sub=sub,
                    )
                    continue
                fns: dict[str, Compiled | None] = {}
                nodes: list[Node | None] = []
                by_key: dict[str, Node | None] = {}
                for key, text, ty in (
                    ("expr", c.expr, BOOL),
                    ("actual", c.actual, NUMBER),
                    ("required", c.required, NUMBER),
                    ("or_expr", c.or_expr, BOOL),
                ):
                    if text:
                        node = by_key[key] = self.expr(text, site, (*sub, key), ty)
                        nodes.append(node)
                        fns[key] = compile_expr(node) if node is not None else None
                actual, required = by_key.get("actual"), by_key.get("required")
                if actual is not None and required is not None and c.op:
                    found = judge(actual, c.op, required, self._fact_spec, required.span)
                    self._sense([found] if found else [], site, (*sub, "required"))
                extra = None
                if c.extra is not None:
                    node = self.expr(c.extra.expr, site, (*sub, "extra", "expr"), NUMBER)
                    nodes.append(node)
                    extra = compile_expr(node) if node is not None else None
                crits.append(
                    CompiledCriterion(
                        c,
                        fns.get("expr"),
                        fns.get("actual"),
                        fns.get("required"),
                        fns.get("or_expr"),
                        extra,
                        self.closure.of(nodes, own),
                    )
                )
            if held is not None:
                out.append(CompiledTier(tid, spec, compile_expr(held), crits, self.closure.of([held])))
        return out

    # -- cycles between derived values and measures
    def _cycles(self) -> None:
        state: dict[str, int] = {}
        stack: list[str] = []
        reported: set[frozenset[str]] = set()

        def visit(n: str) -> None:
            state[n] = 1
            stack.append(n)
            for m in sorted(self.deps.get(n, ())):
                if state.get(m) == 1:
                    cycle = [*stack[stack.index(m) :], m]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        site = (self.derived.get(n) or self.measures.get(n) or (None, None))[1]
                        path = " -> ".join(cycle)
                        self.ld.report(
                            "E406", "cycle", f"循环依赖: {path}", f"dependency cycle: {path}", site
                        )
                elif state.get(m) is None:
                    visit(m)
            stack.pop()
            state[n] = 2

        for n in sorted(self.deps):
            if n not in state:
                visit(n)

    # -- invariants: must hold at every date where some parameter changes
    def _invariants(self, invariants: list[Any], histories: dict[str, Any]) -> None:
        from decimal import localcontext

        dates = sorted({self.policy.valid_from, *(d for h in histories.values() for d in h.starts())})
        for src, i, inv in invariants:
            site = Site(src, ("invariants", i), f"invariant '{inv.id}'")
            scope = self.scope()
            node = self.expr(inv.expr, site, ("expr",), BOOL, scope)
            facts = sorted(n for k, n in scope.refs if k in ("fact", "derived", "measure"))
            if facts:
                self.ld.report(
                    "E307",
                    "invariant-uses-facts",
                    f"不变式只能引用参数和决策表，不能引用 {facts[0]}",
                    f"an invariant may use only parameters and tables, not {facts[0]}",
                    site,
                    sub=("expr",),
                )
                continue
            if node is None:
                continue
            fn = compile_expr(node)
            for day in dates:
                params = {n: h.at(day) for n, h in histories.items()}
                if any(
                    v is None
                    for n, v in params.items()
                    if ("param", n) in scope.refs or ("table", n) in scope.refs
                ):
                    continue
                with localcontext(CONTEXT):
                    result = fn(Env({}, params, day, _NoResolver()))
                if result is not True:
                    self.ld.report(
                        "E601",
                        "invariant-failed",
                        f"不变式不成立（{day} 起）: {inv.message_zh}",
                        f"invariant fails from {day}: {inv.message_en}",
                        site,
                        sub=("expr",),
                    )

    def _digest(self) -> str:
        return package_sha256(self.ld.root)


class _NoResolver:
    def derived(self, name: str, env: Env) -> Any:
        return UNKNOWN

    def measure_field(self, name: str, field: str, env: Env) -> Any:
        return UNKNOWN


def _shown(value: Any) -> str:
    """A parameter or row value as a rule author wrote it, for W501."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral_value() else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_shown(v)}" for k, v in value.items()) + "}"
    return str(value)


def _squeeze(text: str) -> str:
    """Text without whitespace: line breaks in a quote or the plan are not part of the words."""
    return re.sub(r"\s+", "", text)


def _diag_order(d: Diagnostic) -> tuple[Any, ...]:
    """Errors before warnings; among errors, files and declarations that could not be read
    (``E1xx``) first, as the likely cause of what follows; then by file and line."""
    cause = d.severity == "error" and d.code.startswith("E1")
    return (d.severity != "error", not cause, d.location.file, d.location.line or 0, d.location.column or 0)
