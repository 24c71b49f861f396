"""Shared fixtures: the bundled rules (loaded once) and a helper to build expression scopes."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import zjtx_rules
from zjtx_rules.expr.check import Scope, check
from zjtx_rules.expr.compile import Env, compile_expr
from zjtx_rules.expr.parser import parse
from zjtx_rules.expr.types import BOOL, DATE, NUMBER, STRING, ListTy, MapTy, Prim, RecordTy, Ty
from zjtx_rules.expr.values import CONTEXT

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "packages" / "mini"
BUNDLED = ROOT / "rules" / "liangjiang_zjtx_2022"
EXAMPLES = ROOT / "examples" / "profiles"
# every package folder under rules/ (tests that hold for any package run on each)
PACKAGES = sorted(p for p in (ROOT / "rules").iterdir() if p.is_dir() and any(p.glob("*.toml")))

# The CLI tests mean the bundled package, however many packages rules/ holds: with several,
# ``zjtx`` run in the checkout asks which (tests of that choice unset it themselves).
os.environ.setdefault("ZJTX_RULES", str(BUNDLED))

ITEM = RecordTy("items", (("code", STRING), ("amount", NUMBER), ("when", DATE)))
FACT_TYPES: dict[str, Ty] = {
    "a": NUMBER,
    "b": NUMBER,
    "p": BOOL,
    "q": BOOL,
    "d": DATE,
    "s": STRING,
    "color": Prim("string", frozenset({"red", "green"})),
    "xs": ListTy(NUMBER),
    "items": ListTy(ITEM),
    "m": MapTy(NUMBER, NUMBER),
}


class _Tables:
    def derived(self, name: str, env: Env) -> Any:
        raise AssertionError(name)

    def measure_field(self, name: str, field: str, env: Env) -> Any:
        raise AssertionError(name)


def scope() -> Scope:
    def lookup(name: str) -> tuple[str, Ty] | None:
        if name in FACT_TYPES:
            return "fact", FACT_TYPES[name]
        if name == "k":
            return "param", NUMBER
        return None

    return Scope(lookup, lambda: [*FACT_TYPES, "k"])


def run(text: str, facts: dict[str, Any] | None = None, as_of: date = date(2024, 5, 6)) -> Any:
    """Parse, check, compile and run one expression against ``facts``."""
    from decimal import localcontext

    node = parse(text)
    check(node, scope())
    env = Env(dict(facts or {}), {"k": Decimal("2")}, as_of, _Tables())
    with localcontext(CONTEXT):
        return compile_expr(node)(env)


@pytest.fixture(scope="session")
def rules() -> zjtx_rules.RuleSet:
    return zjtx_rules.load_rules(BUNDLED)


@pytest.fixture(scope="session")
def mini() -> zjtx_rules.RuleSet:
    return zjtx_rules.load_rules(MINI)
