"""Static types of the expression language.

Every number is a ``Decimal`` at run time, so there is one numeric type; integer-ness is
checked where an output declares ``int``. Strings may carry the allowed values of an enum
fact, so that ``industry == "汽车x"`` is caught when the package loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Ty:
    def describe(self) -> str:
        return "?"


@dataclass(frozen=True)
class Prim(Ty):
    name: str  # bool | number | string | date | null
    choices: frozenset[str] | None = field(default=None, compare=False)

    def describe(self) -> str:
        return self.name


@dataclass(frozen=True)
class ListTy(Ty):
    elem: Ty

    def describe(self) -> str:
        return f"list[{self.elem.describe()}]"


@dataclass(frozen=True)
class RecordTy(Ty):
    name: str
    fields: tuple[tuple[str, Ty], ...]

    def field(self, name: str) -> Ty | None:
        return dict(self.fields).get(name)

    def describe(self) -> str:
        return f"record {self.name}"


@dataclass(frozen=True)
class MapTy(Ty):
    key: Ty
    value: Ty

    def describe(self) -> str:
        return f"map[{self.key.describe()} -> {self.value.describe()}]"


@dataclass(frozen=True)
class MeasureTy(Ty):
    """A reference to another measure: ``.eligible``/``.ineligible``/``.undetermined`` and its
    outputs by name."""

    name: str
    outputs: tuple[tuple[str, Ty], ...]

    def describe(self) -> str:
        return f"measure {self.name}"


@dataclass(frozen=True)
class TableTy(Ty):
    name: str
    inputs: tuple[Ty, ...]
    value: Ty

    def describe(self) -> str:
        return f"table {self.name}"


@dataclass(frozen=True)
class LambdaTy(Ty):
    def describe(self) -> str:
        return "function"


BOOL = Prim("bool")
NUMBER = Prim("number")
STRING = Prim("string")
DATE = Prim("date")
NULL = Prim("null")  # the element type of an empty list literal
ANY = Prim("any")  # stands in while a cycle is being reported, so one error is not many


def same(a: Ty, b: Ty) -> bool:
    """Types match (enum choices do not matter; an empty list matches any list)."""
    if a == b or ANY in (a, b):
        return True
    if isinstance(a, ListTy) and isinstance(b, ListTy):
        return a.elem == NULL or b.elem == NULL or same(a.elem, b.elem)
    if isinstance(a, MapTy) and isinstance(b, MapTy):
        return same(a.key, b.key) and same(a.value, b.value)
    return False
