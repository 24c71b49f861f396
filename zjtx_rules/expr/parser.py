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
        raise ExprError(
            "E110",
            "expr-too-long",
            f"表达式过长（{len(text)} 字符，上限 {MAX_EXPR_CHARS}）",
            f"expression too long ({len(text)} characters, limit {MAX_EXPR_CHARS})",
            (0, 1),
        )
    out: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            ch = text[pos]
            raise ExprError(
                "E111",
                "bad-character",
                f"无法识别的字符 {ch!r}",
                f"unexpected character {ch!r}",
                (pos, pos + 1),
                hint_zh="字符串请用英文引号，比较用 ==",
                hint_en='quote strings with " and compare with ==',
            )
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
            raise ExprError(
                "E116",
                "too-long-chain",
                f"表达式运算链过长（超过 {MAX_TREE_DEPTH} 层），请拆分为几个命名的派生值",
                f"expression chain too long (more than {MAX_TREE_DEPTH} levels); "
                "split it into named derived values",
                (node.span[0], max(cur.span[1], node.span[0] + 1)),
            )
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

    def fail_expected(self, what: str) -> None:
        t = self.tok
        got = "end of expression" if t.kind == "eof" else repr(t.text)
        got_zh = "表达式结尾" if t.kind == "eof" else repr(t.text)
        raise ExprError(
            "E112",
            "syntax",
            f"此处应为 {what}，实际为 {got_zh}",
            f"expected {what}; got {got}",
            (t.start, max(t.end, t.start + 1)),
        )

    def enter(self, start: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(
                "E113",
                "too-deep",
                f"表达式嵌套过深（上限 {MAX_DEPTH} 层）",
                f"expression nested too deeply (limit {MAX_DEPTH})",
                (start, start + 1),
            )

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
            raise ExprError(
                "E112",
                "syntax",
                "比较不能连写，请用 and 连接两个比较",
                "comparisons do not chain; join two comparisons with 'and'",
                (t.start, t.end),
            )
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
        if t.kind == "num":
            self.take()
            digits = t.text.replace("_", "")
            if len(digits.replace(".", "")) > MAX_NUMBER_DIGITS:
                raise ExprError(
                    "E114",
                    "literal-too-large",
                    f"数字过长（上限 {MAX_NUMBER_DIGITS} 位）",
                    f"number literal too long (limit {MAX_NUMBER_DIGITS} digits)",
                    (t.start, t.end),
                )
            try:
                return Num((t.start, t.end), Decimal(digits))
            except InvalidOperation:
                self.i -= 1
                self.fail_expected("a number")
        if t.kind == "date":
            self.take()
            try:
                return DateLit((t.start, t.end), date.fromisoformat(t.text))
            except ValueError:
                raise ExprError(
                    "E115",
                    "bad-date",
                    f"无效日期 {t.text}",
                    f"invalid date {t.text}",
                    (t.start, t.end),
                ) from None
        if t.kind == "str":
            self.take()
            body = t.text[1:-1]
            if len(body) > MAX_STRING_CHARS:
                raise ExprError(
                    "E114",
                    "literal-too-large",
                    f"字符串过长（上限 {MAX_STRING_CHARS} 字符）",
                    f"string literal too long (limit {MAX_STRING_CHARS} characters)",
                    (t.start, t.end),
                )
            return Str((t.start, t.end), re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), body))
        if t.kind == "kw" and t.text in ("true", "false"):
            self.take()
            return Bool((t.start, t.end), t.text == "true")
        if self.at("("):
            self.take()
            inner = self.expr()
            self.expect(")")
            return inner
        if self.at("["):
            start = self.take().start
            items: list[Node] = []
            while not self.at("]"):
                items.append(self.expr())
                if len(items) > MAX_LIST_ITEMS:
                    raise ExprError(
                        "E114",
                        "literal-too-large",
                        f"列表过长（上限 {MAX_LIST_ITEMS} 项）",
                        f"list literal too long (limit {MAX_LIST_ITEMS} items)",
                        (start, start + 1),
                    )
                if not self.at("]"):
                    self.expect(",")
            end = self.take().end
            return ListLit((start, end), items)
        if t.kind == "name":
            self.take()
            if self.at("("):
                self.take()
                args: list[Node] = []
                while not self.at(")"):
                    args.append(self.arg())
                    if not self.at(")"):
                        self.expect(",")
                end = self.take().end
                return Call((t.start, end), t.text, (t.start, t.end), args)
            return Name((t.start, t.end), t.text)
        self.fail_expected("a value")
        raise AssertionError("unreachable")

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
