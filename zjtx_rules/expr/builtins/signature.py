"""How a built-in function is declared: one ``Builtin`` holds all that is known of it.

Its signature (how many arguments, what each must be, the result type as a function of the
argument types) is what the checker reads to check every call the same way; ``impl`` is the
three-valued run-time function that the interpreter and the generated code call; the hooks
cover what a signature cannot say (``min(xs)`` beside ``min(a, b)``, a rounding step that must
be a power of ten, ``known`` withdrawing the facts it settles). Before, each function was a
branch of the checker, an entry in a table of implementations, a case in the code generator
and a word in the README; now a new function is one entry (model: rule-engine's
``builtins.py``, where each signature sits beside its implementation).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import Words
from zjtx_rules.expr.astgen import Atom, Generator
from zjtx_rules.expr.nodes import Call, Node
from zjtx_rules.expr.parser import ExprError
from zjtx_rules.expr.types import DATE, NUMBER, ListTy, Ty, same

if TYPE_CHECKING:
    from zjtx_rules.expr.env import Env

Types = Sequence[Ty]  # the types of the arguments checked so far, in order
TypeRule = Ty | Callable[[Types], Ty]  # a type, or one computed from the arguments' types
Fn = Callable[..., Any]


def type_error(node: Node, expected: str, got: Ty, what_zh: str = "", what_en: str = "") -> ExprError:
    """E301, the one wording of every type mismatch: "expected X; got Y"."""
    what = Words(what_zh, what_en)
    return ExprError.of(D.TYPE_MISMATCH(what=what, expected=expected, got=got.describe()), node.span)


class TypeChecker(Protocol):
    """What a signature and a check hook may ask of the type checker."""

    def check(self, node: Node) -> Ty: ...

    def expect(self, node: Node, ty: Ty, what_zh: str = "", what_en: str = "") -> Ty: ...

    def check_function(self, node: Node, params: int, param: Ty, body: Ty | None, fname: str) -> Ty:
        """Check ``node`` as a function argument ``x -> body`` of ``fname``; the body's type."""
        ...


class Evaluator(Protocol):
    """What an evaluation hook may ask of the reference interpreter."""

    env: Env

    def run(self, node: Node) -> Any: ...

    def arguments(self, node: Call) -> list[Any]:
        """The call's arguments evaluated, function arguments as Python callables."""
        ...


def _resolve(rule: TypeRule, types: Types) -> Ty:
    return rule if isinstance(rule, Ty) else rule(types)


@dataclass(frozen=True)
class Kind:
    """A set of types an argument may have, named the way messages name it."""

    name: str  # e.g. "number or date"
    test: Callable[[Ty], bool]


NUMBER_OR_DATE = Kind("number or date", lambda t: same(t, NUMBER) or same(t, DATE))


@dataclass(frozen=True)
class Value:
    """An argument that is a value: of type ``ty`` (given, or computed from the earlier
    arguments' types), or of a type ``kind`` accepts, or (neither) of any type.
    ``literal`` checks the argument as written, before its type (E304: a rounding step)."""

    ty: TypeRule | None = None
    kind: Kind | None = None
    literal: Callable[[Node], None] | None = None

    def check(self, tc: TypeChecker, call: Call, index: int, earlier: Types) -> Ty:
        arg = call.args[index]
        if self.literal is not None:
            self.literal(arg)
        if self.ty is not None:
            return tc.expect(arg, _resolve(self.ty, earlier))
        got = tc.check(arg)
        if self.kind is not None and not self.kind.test(got):
            raise type_error(arg, self.kind.name, got)
        return got


_ORDINALS = (("第一个", "first"), ("第二个", "second"), ("第三个", "third"), ("第四个", "fourth"))


@dataclass(frozen=True)
class Items:
    """The list a function goes through; any list, and the message names its position."""

    def check(self, tc: TypeChecker, call: Call, index: int, earlier: Types) -> Ty:
        arg = call.args[index]
        got = tc.check(arg)
        if not isinstance(got, ListTy):
            zh, en = _ORDINALS[index]
            raise type_error(arg, "list", got, f"{call.func} 的{zh}参数", f"{en} argument of {call.func}: ")
        return got


@dataclass(frozen=True)
class Function:
    """A function argument ``x -> ...`` called with each item of the list that is the first
    argument, so its parameter has that list's element type. ``body``: the type its body must
    have (None: any, and the result may depend on it); ``kind``: the types it may have. Its
    checked type is its body's."""

    body: Ty | None = None
    kind: Kind | None = None
    params: int = 1

    def __post_init__(self) -> None:
        # the parameter is bound to the item type; more would each need a type of their own
        assert self.params == 1, "functions of the language take one parameter"

    def check(self, tc: TypeChecker, call: Call, index: int, earlier: Types) -> Ty:
        arg, items = call.args[index], earlier[0]
        assert isinstance(items, ListTy), "a function argument follows its list"
        got = tc.check_function(arg, self.params, items.elem, self.body, call.func)
        if self.kind is not None and not self.kind.test(got):
            raise type_error(arg, self.kind.name, got)
        return got


Param = Value | Items | Function
# A form of call the signature does not describe: its result type, or None to go on with the
# signature. Called after the arity check, before any argument is checked.
SpecialCheck = Callable[[TypeChecker, Call], Ty | None]


@dataclass(frozen=True)
class Builtin:
    """One built-in function.

    The call takes ``params`` in order; past ``min_args`` (default: all) they may be left out,
    and with ``rest`` it takes further arguments like ``rest`` up to ``max_args``. ``result``
    is the call's type, from the arguments' types (a function argument's type is its body's).
    ``impl`` takes the evaluated arguments, function arguments as callables, and UNKNOWN as it
    comes. Hooks: ``special`` checks a form the signature cannot describe; ``evaluate``
    replaces the interpreter's plain call of ``impl`` (for functions that decide what to
    evaluate); ``emit`` replaces the generated code's plain call of ``fn_<name>`` (for loops
    inlined in the function's frame and such).
    """

    name: str
    params: tuple[Param, ...]
    result: TypeRule
    impl: Fn
    doc_zh: str
    doc_en: str
    min_args: int | None = None
    rest: Param | None = None
    max_args: int | None = None
    special: SpecialCheck | None = None
    evaluate: Callable[[Evaluator, Call], Any] | None = None
    emit: Callable[[Generator, Call], Atom] | None = None

    @property
    def arity(self) -> tuple[int, int]:
        """The fewest and the most arguments a call may have."""
        lo = len(self.params) if self.min_args is None else self.min_args
        hi = len(self.params) if self.max_args is None else self.max_args
        return lo, hi

    def param(self, index: int) -> Param:
        if index < len(self.params):
            return self.params[index]
        assert self.rest is not None, "arity is checked first"
        return self.rest

    def result_type(self, types: Types) -> Ty:
        return _resolve(self.result, types)
