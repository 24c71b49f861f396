"""The text of an expression: characters, grammar and the limits on its size."""

from __future__ import annotations

from zjtx_rules.diagnostics.entry import Form, error

EXPR_TOO_LONG = error(
    "E110",
    "expr-too-long",
    "表达式过长（{length} 字符，上限 {limit}）",
    "expression too long ({length} characters, limit {limit})",
    doc_zh="一个表达式超过 4000 个字符。请把它拆分为几个带标题的派生值（[derived]），再引用它们的名称。",
    doc_en="An expression is over 4000 characters. Split it into named derived values "
    "([derived], with titles) and refer to them by name.",
)

BAD_CHARACTER = error(
    "E111",
    "bad-character",
    "无法识别的字符 {char!r}",
    "unexpected character {char!r}",
    doc_zh="表达式中有语言不认识的字符：中文引号、单个 =、全角符号等。字符串请用英文引号，比较用 ==。",
    doc_en="The expression holds a character the language does not know: Chinese quotes, a "
    'single =, full-width symbols. Quote strings with " and compare with ==.',
    hints={"": Form("字符串请用英文引号，比较用 ==", 'quote strings with " and compare with ==')},
)

SYNTAX = error(
    "E112",
    "syntax",
    "此处应为 {expected}，实际为 {got}",
    "expected {expected}; got {got}",
    doc_zh="表达式的语法不完整或不正确：缺少操作数、括号不配对、写了指数（1e6）等。"
    "位置指向出问题的记号。两个比较不能连写（0 < x < 1），请用 and 连接。",
    doc_en="The expression's grammar is incomplete or wrong: a missing operand, an unmatched "
    "bracket, an exponent (1e6) and the like; the location is the token at fault. "
    "Comparisons do not chain (0 < x < 1): join two with 'and'.",
    forms={
        "chained": Form(
            "比较不能连写，请用 and 连接两个比较",
            "comparisons do not chain; join two comparisons with 'and'",
        )
    },
)

EXPR_TOO_DEEP = error(
    "E113",
    "too-deep",
    "表达式嵌套过深（上限 {limit} 层）",
    "expression nested too deeply (limit {limit})",
    doc_zh="括号、not 或负号嵌套超过 48 层。请把内层拆成命名的派生值。",
    doc_en="Brackets, 'not' or minus signs nest more than 48 levels deep. Move the inner parts "
    "into named derived values.",
)

LITERAL_TOO_LARGE = error(
    "E114",
    "literal-too-large",
    "数字过长（上限 {limit} 位）",
    "number literal too long (limit {limit} digits)",
    doc_zh="表达式中的字面量过大：数字超过 30 位、字符串超过 500 个字符，或列表超过 200 项。"
    "长列表或大数额请写成参数（[parameters]），在表达式中引用其名称。",
    doc_en="A literal in the expression is too large: a number of more than 30 digits, a "
    "string of more than 500 characters or a list of more than 200 items. Declare a long "
    "list or a large figure as a parameter ([parameters]) and refer to it by name.",
    forms={
        "string": Form(
            "字符串过长（上限 {limit} 字符）", "string literal too long (limit {limit} characters)"
        ),
        "list": Form("列表过长（上限 {limit} 项）", "list literal too long (limit {limit} items)"),
    },
)

BAD_DATE = error(
    "E115",
    "bad-date",
    "无效日期 {text}",
    "invalid date {text}",
    doc_zh="日期字面量写成了日历上没有的日子（如 2022-02-30）。日期写作 YYYY-MM-DD，不加引号。",
    doc_en="A date literal names a day the calendar lacks (such as 2022-02-30). Dates are "
    "written YYYY-MM-DD, without quotes.",
)

CHAIN_TOO_LONG = error(
    "E116",
    "too-long-chain",
    "表达式运算链过长（超过 {limit} 层），请拆分为几个命名的派生值",
    "expression chain too long (more than {limit} levels); split it into named derived values",
    doc_zh="表达式的语法树超过 64 层，例如 250 项的 a + b + c + …：不用括号也会形成很深的树，"
    "之后每一步都要递归遍历它。请拆分为几个命名的派生值。（以前与 E114 共用一个代码。）",
    doc_en="The expression's syntax tree is more than 64 levels deep, as a + b + c + ... of 250 "
    "terms is even without brackets, and every later step walks it recursively. Split it into "
    "named derived values. (It shared code E114 before.)",
)
