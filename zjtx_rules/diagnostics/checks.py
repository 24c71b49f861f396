"""Types of expressions and values, and the sense of what they say."""

from __future__ import annotations

from zjtx_rules.diagnostics.entry import Form, error

TYPE_MISMATCH = error(
    "E301",
    "type-mismatch",
    "{what}类型应为 {expected}，实际为 {got}",
    "{what}expected {expected}; got {got}",
    doc_zh="表达式某处的类型不对：布尔值做了算术、数字和日期比较、if 的两个分支类型不同等。"
    "消息写明应为什么类型、实际是什么类型。",
    doc_en="Something in the expression has the wrong type: arithmetic on a bool, a number "
    "compared with a date, branches of an if of different types. The message names the "
    "type expected and the type found.",
    forms={"no-fields": Form("{type} 没有字段", "{type} has no fields")},
)

MISPLACED_FUNCTION = error(
    "E302",
    "misplaced-function",
    "x -> ... 只能作为 any/all/sum 等函数的参数",
    "'x -> ...' may only be an argument of any/all/sum and the like",
    doc_zh="x -> … 形式的函数只能作为 any、all、sum、count、map 等的参数，只有一个参数；"
    "这些函数的该参数也必须是这种形式。",
    doc_en="A function 'x -> ...' may only be an argument of any, all, sum, count, map and the "
    "like, and takes one parameter; that argument of those functions must be such a function.",
    forms={
        "expected": Form(
            "{function} 的这个参数应为 x -> ... 形式的函数",
            "this argument of {function} must be a function 'x -> ...'",
        ),
        "one-parameter": Form("函数只能有一个参数", "a function takes one parameter"),
    },
)

WRONG_ARITY = error(
    "E303",
    "wrong-arity",
    "{function} 需要 {want} 个参数，实际 {got} 个",
    "{function} takes {want} argument(s); got {got}",
    doc_zh="调用内置函数或决策表时参数个数不对。决策表按 inputs 的顺序各取一个参数。",
    doc_en="A built-in function or decision table is called with the wrong number of "
    "arguments. A decision table takes one per input, in the order of its inputs.",
    forms={
        "table": Form(
            "决策表 {function} 需要 {want} 个参数", "decision table {function} takes {want} argument(s)"
        )
    },
)

BAD_PRECISION = error(
    "E304",
    "bad-precision",
    "舍入精度应为 10 的幂的字面量，如 0.01（分）、1（元）或 100",
    "the rounding precision must be a power of ten written as a literal, such as 0.01 (fen), 1 or 100",
    doc_zh="舍入函数的精度只取其指数，所以 0.02 会和 0.01 一样舍入，读起来却像别的意思。"
    "请写 10 的幂：0.01、1、100。",
    doc_en="Rounding keeps only the precision's exponent, so 0.02 would round exactly like 0.01 "
    "while reading as something else. Write a power of ten: 0.01, 1, 100.",
)

BAD_PARAMETER = error(
    "E306",
    "bad-parameter",
    "取值应为{expected}，实际是{got}",
    "expected {expected}; got {got}",
    doc_zh='参数或决策表的取值与声明的类型不符（type = "money" 却写了文本等）。比例应在 0 到 1 之间：'
    '把 5% 写成 5 是最常见的笔误，应写 0.05；大于 1 的倍数请用 type = "number"。',
    doc_en='A parameter or table value does not match the declared type (type = "money" with '
    "a text, and the like). A ratio lies between 0 and 1: 5 for 5% is the commonest slip, "
    'write 0.05; for a multiple above 1 use type = "number".',
    forms={
        "ratio": Form(
            "比例应在 0 到 1 之间（0.05 表示 5%），实际是 {got}",
            "a ratio lies between 0 and 1 (0.05 for 5%); got {got}",
        )
    },
    hints={
        "ratio": Form(
            '是否应为 {guess}？大于 1 的倍数请用 type = "number"',
            'did you mean {guess}? For a multiple above 1 use type = "number"',
        )
    },
)

INVARIANT_USES_FACTS = error(
    "E307",
    "invariant-uses-facts",
    "不变式只能引用参数和决策表，不能引用 {name}",
    "an invariant may use only parameters and tables, not {name}",
    doc_zh="不变式在每个参数或决策表变化的日期检查一次，与企业无关，所以不能引用事实、派生值或措施。",
    doc_en="An invariant is checked at each date where a parameter or table changes, for no "
    "enterprise in particular, so it cannot use facts, derived values or measures.",
)

BAD_SUMMARY = error(
    "E308",
    "bad-summary",
    'summary = "{summary}" 只能用于 {types} 类型的输出',
    'summary = "{summary}" needs an output of type {types}',
    doc_zh='批量汇总的标记要与输出相符：summary = "budget" 用于 money 或 money_by_year，'
    '"count" 用于 int 或 ids；rank_by 应指向本措施的数值输出。',
    doc_en='A batch-summary flag must fit its output: summary = "budget" needs money or '
    'money_by_year, "count" needs int or ids; rank_by must name a numeric output of the measure.',
    forms={
        "rank-by": Form(
            "rank_by 应为本措施的数值输出，'{name}' 不是",
            "rank_by must name a numeric output of this measure; '{name}' is not",
        )
    },
)

_SCALE = Form("是否应为 {better}（数量级不同）？", "did you mean {better} (a different scale)?")

NEVER_TRUE = error(
    "E309",
    "never-true",
    "此比较永远不成立：事实 '{fact}' 声明的范围是 {bounds}",
    "this comparison is never true: fact '{fact}' is declared as {bounds}",
    doc_zh="事实声明的界限决定了这个比较永远不成立，通常是数量级写错（元与万元）。提示给出可能想写的数。",
    doc_en="The fact's declared bounds make this comparison never true, usually a slip of "
    "scale (yuan for ten thousand yuan). The hint suggests the figure likely meant.",
    hints={"scale": _SCALE},
)

ALWAYS_TRUE = error(
    "E310",
    "always-true",
    "此比较恒为真：事实 '{fact}' 声明的范围是 {bounds}",
    "this comparison is always true: fact '{fact}' is declared as {bounds}",
    doc_zh="事实声明的界限决定了这个比较恒为真，这个条件什么也没有检查，通常是数量级写错。",
    doc_en="The fact's declared bounds make this comparison always true, so the condition "
    "checks nothing: usually a slip of scale.",
    hints={"scale": _SCALE},
)


ALWAYS_READS_PAYMENT = error(
    "E311",
    "always-output-reads-payment",
    "report = \"always\" 的输出不能引用只在可享受时报告的输出 '{name}'",
    "an output reported always cannot read '{name}', an output reported only when eligible",
    doc_zh='report = "always" 的输出（如得分）不论措施结论都报告，因此只能引用事实、参数、派生值'
    '和前面同样 report = "always" 的输出；只在可享受时计算的输出（如金额）在其他结论下没有值。',
    doc_en='An output with report = "always" (a score, say) is reported whatever the measure\'s '
    "status, so it may read only facts, parameters, derived values and earlier outputs that are "
    "also reported always; an output reported only when eligible (an amount) has no value otherwise.",
)
