"""Lexer and recursive-descent parser for rule expressions.

Grammar (lowest precedence first)::

    expr     := 'if' expr 'then' expr 'else' expr | or
    or       := and ('or' and)*
    and      := not ('and' not)*
    not      := 'not' not | compare
    compare  := sum (('=='|'!='|'<'|'<='|'>'|'>='|'in'|'not' 'in') sum)?
    sum      := product (('+'|'-') product)*
    product  := unary (('*'|'/') unary)*
    unary    := '-' unary | postfix
    postfix  := atom ('.' NAME)*
    atom     := NUMBER | STRING | DATE | 'true' | 'false' | '[' list ']' | '(' expr ')'
              | NAME '(' args ')' | NAME
    args     := arg (',' arg)*      arg := NAME '->' expr | '(' NAME, ... ')' '->' expr | expr

Dates are written ``2022-01-01``. Limits on length, depth and literal size make a hostile
rule file fail fast with an error instead of exhausting the stack or memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NoReturn

from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import Message, Words
from zjtx_rules.expr.nodes import (
    Binary,
    Bool,
    Call,
    DateLit,
    Field,
    If,
    Lambda,
    ListLit,
    Name,
    Node,
    Num,
    Span,
    Str,
    Unary,
    children,
)

MAX_EXPR_CHARS = 4000
MAX_DEPTH = 48
MAX_TREE_DEPTH = 64  # also counts left-associative chains: a + b + c + ... is a deep tree
MAX_NUMBER_DIGITS = 30
MAX_STRING_CHARS = 500
MAX_LIST_ITEMS = 200

KEYWORDS = {"and", "or", "not", "in", "if", "then", "else", "true", "false"}


@dataclass
class ExprError(Exception):
    """A problem in one expression; ``span`` is relative to the expression text."""

    code: str
    name: str
    message_zh: str
    message_en: str
    span: Span
    hint_zh: str = ""
    hint_en: str = ""

    def __str__(self) -> str:
        return f"{self.code} {self.message_en} at {self.span}"

    def message(self) -> Message:
        """What this error says, as the catalogue's message (its hint apart)."""
        return Message(self.code, self.name, "error", self.message_zh, self.message_en)

    @classmethod
    def of(cls, message: Message, span: Span, hint: tuple[str, str] = ("", "")) -> ExprError:
        """The catalogue's ``message`` at ``span``; ``hint`` (a "did you mean") before its own."""
        return cls(
            message.code,
            message.slug,
            message.zh,
            message.en,
            span,
            hint[0] or message.hint_zh,
            hint[1] or message.hint_en,
        )


@dataclass(frozen=True)
class Token:
    kind: str  # num, str, date, name, op, eof
    text: str
    start: int
    end: int


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
    |(?P<date>\d{4}-\d{2}-\d{2}(?![\d_]))
    |(?P<num>\d[\d_]*(?:\.\d[\d_]*)?)
    |(?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<op>->|==|!=|<=|>=|[-+*/<>().,\[\]])
    """,
    re.VERBOSE,
)

_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_EXPR_CHARS:
        raise ExprError.of(D.EXPR_TOO_LONG(length=len(text), limit=MAX_EXPR_CHARS), (0, 1))
    out: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ExprError.of(D.BAD_CHARACTER(char=text[pos]), (pos, pos + 1))
        kind = m.lastgroup or ""
        if kind != "ws":
            tok = m.group()
            if kind == "name" and tok in KEYWORDS:
                kind = "kw"
            out.append(Token(kind, tok, pos, m.end()))
        pos = m.end()
    out.append(Token("eof", "", len(text), len(text)))
    return out


def tree_depth(node: Node) -> int:
    """Levels of the syntax tree (walked without recursion: the tree may be hostile)."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        cur, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((c, d + 1) for c in children(cur))
    return deepest


def _limit_tree_depth(node: Node) -> None:
    """Reject a tree deeper than ``MAX_TREE_DEPTH``. Nesting is limited while parsing, but
    ``a + b + c + ...`` of 250 terms nests no brackets and still builds a tree 250 levels deep,
    which every later pass (type check, compile, evaluate) would walk recursively."""
    stack = [(node, 1)]
    while stack:
        cur, d = stack.pop()
        if d > MAX_TREE_DEPTH:
            span = (node.span[0], max(cur.span[1], node.span[0] + 1))
            raise ExprError.of(D.CHAIN_TOO_LONG(limit=MAX_TREE_DEPTH), span)
        stack.extend((c, d + 1) for c in children(cur))


class Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = tokenize(text)
        self.i = 0
        self.depth = 0

    # -- helpers
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def at(self, *texts: str) -> bool:
        t = self.tok
        return t.kind in ("op", "kw") and t.text in texts

    def take(self) -> Token:
        t = self.tok
        self.i += 1
        return t

    def expect(self, text: str) -> Token:
        if not self.at(text):
            self.fail_expected(f"'{text}'")
        return self.take()

    def fail_expected(self, what: str) -> NoReturn:
        t = self.tok
        got = Words("表达式结尾", "end of expression") if t.kind == "eof" else repr(t.text)
        raise ExprError.of(D.SYNTAX(expected=what, got=got), (t.start, max(t.end, t.start + 1)))

    def enter(self, start: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError.of(D.EXPR_TOO_DEEP(limit=MAX_DEPTH), (start, start + 1))

    # -- grammar
    def parse(self) -> Node:
        node = self.expr()
        if self.tok.kind != "eof":
            self.fail_expected("an operator or the end of the expression")
        _limit_tree_depth(node)
        return node

    def expr(self) -> Node:
        start = self.tok.start
        self.enter(start)
        try:
            if self.at("if"):
                self.take()
                cond = self.expr()
                self.expect("then")
                then = self.expr()
                self.expect("else")
                orelse = self.expr()
                return If((start, orelse.span[1]), cond, then, orelse)
            return self.or_()
        finally:
            self.depth -= 1

    def or_(self) -> Node:
        left = self.and_()
        while self.at("or"):
            self.take()
            right = self.and_()
            left = Binary((left.span[0], right.span[1]), "or", left, right)
        return left

    def and_(self) -> Node:
        left = self.not_()
        while self.at("and"):
            self.take()
            right = self.not_()
            left = Binary((left.span[0], right.span[1]), "and", left, right)
        return left

    def not_(self) -> Node:
        if self.at("not"):
            start = self.take().start
            self.enter(start)
            try:
                operand = self.not_()
            finally:
                self.depth -= 1
            return Unary((start, operand.span[1]), "not", operand)
        return self.compare()

    def compare(self) -> Node:
        left = self.sum_()
        op = None
        if self.at("==", "!=", "<", "<=", ">", ">=", "in"):
            op = self.take().text
        elif self.at("not") and self.toks[self.i + 1].text == "in":
            self.i += 2
            op = "not in"
        if op is None:
            return left
        right = self.sum_()
        node = Binary((left.span[0], right.span[1]), op, left, right)
        if self.at("==", "!=", "<", "<=", ">", ">="):
            t = self.tok
            raise ExprError.of(D.SYNTAX(form="chained"), (t.start, t.end))
        return node

    def sum_(self) -> Node:
        left = self.product()
        while self.at("+", "-"):
            op = self.take().text
            right = self.product()
            left = Binary((left.span[0], right.span[1]), op, left, right)
        return left

    def product(self) -> Node:
        left = self.unary()
        while self.at("*", "/"):
            op = self.take().text
            right = self.unary()
            left = Binary((left.span[0], right.span[1]), op, left, right)
        return left

    def unary(self) -> Node:
        if self.at("-"):
            start = self.take().start
            self.enter(start)
            try:
                operand = self.unary()
            finally:
                self.depth -= 1
            return Unary((start, operand.span[1]), "-", operand)
        return self.postfix()

    def postfix(self) -> Node:
        node = self.atom()
        while self.at("."):
            self.take()
            t = self.tok
            if t.kind != "name":
                self.fail_expected("a field name")
            self.take()
            node = Field((node.span[0], t.end), node, t.text)
        return node

    def atom(self) -> Node:
        t = self.tok
        if t.kind in ("num", "date", "str"):
            self.take()
            return {"num": self._number, "date": self._date, "str": self._string}[t.kind](t)
        if t.kind == "kw" and t.text in ("true", "false"):
            self.take()
            return Bool((t.start, t.end), t.text == "true")
        if self.at("("):
            self.take()
            inner = self.expr()
            self.expect(")")
            return inner
        if self.at("["):
            return self._list()
        if t.kind == "name":
            self.take()
            if not self.at("("):
                return Name((t.start, t.end), t.text)
            self.take()
            args: list[Node] = []
            while not self.at(")"):
                args.append(self.arg())
                if not self.at(")"):
                    self.expect(",")
            end = self.take().end
            return Call((t.start, end), t.text, (t.start, t.end), args)
        self.fail_expected("a value")

    def _number(self, t: Token) -> Node:
        digits = t.text.replace("_", "")
        if len(digits.replace(".", "")) > MAX_NUMBER_DIGITS:
            raise ExprError.of(D.LITERAL_TOO_LARGE(limit=MAX_NUMBER_DIGITS), (t.start, t.end))
        try:
            return Num((t.start, t.end), Decimal(digits))
        except InvalidOperation:
            self.i -= 1
            self.fail_expected("a number")

    def _date(self, t: Token) -> Node:
        try:
            return DateLit((t.start, t.end), date.fromisoformat(t.text))
        except ValueError:
            raise ExprError.of(D.BAD_DATE(text=t.text), (t.start, t.end)) from None

    def _string(self, t: Token) -> Node:
        body = t.text[1:-1]
        if len(body) > MAX_STRING_CHARS:
            raise ExprError.of(D.LITERAL_TOO_LARGE(form="string", limit=MAX_STRING_CHARS), (t.start, t.end))
        return Str((t.start, t.end), re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), body))

    def _list(self) -> Node:
        start = self.take().start
        items: list[Node] = []
        while not self.at("]"):
            items.append(self.expr())
            if len(items) > MAX_LIST_ITEMS:
                too_long = D.LITERAL_TOO_LARGE(form="list", limit=MAX_LIST_ITEMS)
                raise ExprError.of(too_long, (start, start + 1))
            if not self.at("]"):
                self.expect(",")
        end = self.take().end
        return ListLit((start, end), items)

    def arg(self) -> Node:
        t = self.tok
        if t.kind == "name" and self.toks[self.i + 1].text == "->":
            self.i += 2
            body = self.expr()
            return Lambda((t.start, body.span[1]), [t.text], body)
        if self.at("(") and self._paren_lambda():
            start = self.take().start
            params: list[str] = []
            while not self.at(")"):
                params.append(self.take().text)
                if not self.at(")"):
                    self.expect(",")
            self.take()
            self.expect("->")
            body = self.expr()
            return Lambda((start, body.span[1]), params, body)
        return self.expr()

    def _paren_lambda(self) -> bool:
        j = self.i + 1
        while self.toks[j].kind == "name" or self.toks[j].text == ",":
            j += 1
        return self.toks[j].text == ")" and self.toks[j + 1].text == "->"


def parse(text: str) -> Node:
    """Parse one expression; raises ``ExprError`` with a span on any problem."""
    return Parser(text).parse()
