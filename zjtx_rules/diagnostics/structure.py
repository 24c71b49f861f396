"""The package as a whole: decision tables, dated values and periods, the graph of references,
clauses, tiers and invariants."""

from __future__ import annotations

from zjtx_rules.diagnostics.entry import Form, error

BAD_ROW = error(
    "E401",
    "bad-row",
    "决策表行条件无效: {problem}",
    "invalid row condition: {problem}",
    doc_zh="决策表一行中某个输入的条件写得不对：enum 输入写它的一个选项（或选项的列表），bool 输入写 "
    "true 或 false，数值输入写 { min = …, below = … }（左闭右开区间）。",
    doc_en="A row's condition on one input is malformed: an enum input takes one of its choices "
    "(or a list of them), a bool input true or false, a number input { min = ..., below = ... } "
    "(a half-open interval).",
)

OVERLAPPING_ROWS = error(
    "E402",
    "table-rows",
    "决策表行重叠: 第 {first} 行与第 {second} 行都匹配 {cell}",
    "overlapping rows {first} and {second} both match {cell}",
    doc_zh='决策表的行互相冲突：hit_policy = "unique" 时两行匹配同一输入；"first" 时某行被前面的行完全覆盖；'
    "或某行落在输入声明的范围之外。这样的行永远不会起作用，多半是笔误。",
    doc_en='Rows of a decision table conflict: with hit_policy = "unique" two rows match the '
    'same input; with "first" a row is shadowed by earlier rows; or a row lies outside the '
    "inputs' declared ranges. Such a row never applies, most often a slip.",
    forms={
        "outside": Form(
            "第 {row} 行落在输入的声明范围（min/below）之外，永远不会命中",
            "row {row} lies outside the inputs' declared ranges (min/below) and can never match",
        ),
        "shadowed": Form(
            "第 {row} 行被前面的行完全覆盖，永远不会命中",
            "row {row} is shadowed by earlier rows and can never match",
        ),
    },
)

TABLE_GAP = error(
    "E403",
    "table-rows",
    "决策表有空缺（无行匹配，也无 default）: {cells}",
    "decision table gap (no row matches and no default): {cells}",
    doc_zh="有些输入组合没有任何行匹配，表也没有 default。消息列出前几个空缺：请补上行，或写 default。",
    doc_en="Some combinations of inputs match no row and the table has no default. The message "
    "lists the first gaps: add rows, or a default.",
)

TOO_MANY_CELLS = error(
    "E404",
    "table-rows",
    "决策表输入组合过多（{size}）",
    "too many input cells ({size})",
    doc_zh="决策表的检查要枚举输入空间的每个格子（每个选项、行边界之间的每个区间），超过 20,000 个"
    "就无法检查。请减少输入，或把表拆成几个。",
    doc_en="Checking a table enumerates every cell of its input space (each choice, each "
    "interval between row bounds); past 20,000 cells it cannot be checked. Use fewer inputs, "
    "or split the table.",
)

NO_VALUE_IN_PERIOD = error(
    "E405",
    "no-value-in-period",
    "{start} 至 {end} 之间没有取值（政策期内）",
    "no value from {start} to {end}, inside the policy period",
    doc_zh="参数的第一个取值（或决策表的第一个版本）晚于政策开始日，政策期开头的这段时间没有取值。"
    "请让第一个取值从政策期第一天起。",
    doc_en="A parameter's first value (or a table's first version) starts after the policy "
    "does, leaving the start of the period without a value. Start the first value on the "
    "policy's first day.",
)

CYCLE = error(
    "E406",
    "cycle",
    "循环依赖: {path}",
    "dependency cycle: {path}",
    doc_zh="派生值和措施之间循环引用，无法计算。消息给出整个环：请去掉其中一个引用。",
    doc_en="Derived values and measures refer to each other in a cycle, which cannot be "
    "computed. The message gives the whole cycle: remove one of its references.",
)

BAD_PERIOD = error(
    "E407",
    "bad-period",
    "应按日期先后排列：{start} 不晚于上一条的 {previous}",
    "{key} must be in date order: {start} is not after the previous {previous}",
    doc_zh="日期顺序不对：取值或版本未按 from 先后排列，until 不晚于 from 或晚于下一条的开始日，"
    "政策期倒置，closed_from 不晚于政策开始日，或标准的 valid_until 不晚于 valid_from。",
    doc_en="Dates out of order: values or versions not in order of from, an until not after "
    "its from or after the next one starts, a reversed policy period, a closed_from not after "
    "the policy starts, or a criterion's valid_until not after its valid_from.",
    forms={
        "until": Form(
            "until（{until}）应晚于 from（{start}）", "until ({until}) must be after from ({start})"
        ),
        "overlap": Form(
            "until（{until}）晚于下一条的开始日 {next}，两条取值重叠",
            "until ({until}) is after the next one starts ({next}); the two overlap",
        ),
        "policy": Form(
            "政策期倒置：valid_to（{end}）早于 valid_from（{start}）",
            "policy period reversed: valid_to ({end}) is before valid_from ({start})",
        ),
        "closed": Form(
            "closed_from（{day}）应晚于政策开始日 {start}",
            "closed_from ({day}) must be after the policy starts ({start})",
        ),
        "criterion": Form(
            "valid_until（{until}）应晚于 valid_from（{start}）",
            "valid_until ({until}) must be after valid_from ({start})",
        ),
    },
)

CHAIN_TOO_DEEP = error(
    "E408",
    "chain-too-deep",
    "{kind} '{name}' 的依赖链过深（计算深度 {depth}，上限 {limit}），请缩短派生值之间的引用链",
    "{kind} '{name}' sits on a chain of derived values too deep to evaluate "
    "(depth {depth}, limit {limit}); shorten the chain of references",
    doc_zh="派生值和措施一个引用一个，链条太深（如 350 个依次引用的派生值），计算时会耗尽栈。"
    "在链条第一次超过上限的地方报告，并在任何类型检查之前：请缩短引用链。",
    doc_en="Derived values and measures refer to one another in a chain too deep to evaluate "
    "(350 derived values each using the last), which would exhaust the stack. Reported where "
    "the chain first crosses the limit, before anything is type-checked: shorten the chain.",
)

DUPLICATE_CLAUSE = error(
    "E409",
    "duplicate-clause",
    "条款 {clause} 已由措施 '{measure}' 编码",
    "clause {clause} is already encoded by measure '{measure}'",
    doc_zh="每个条款只由一个措施编码。两个措施写了同一个 clause，多半是复制后忘了改。",
    doc_en="Each clause is encoded by one measure. Two measures naming the same clause is most "
    "often a copy not edited.",
)

BAD_CHANGES = error(
    "E410",
    "bad-changes",
    "changes 只能用于后续版本，且不能与 rows 同时出现",
    "changes belongs on a later version, instead of rows (not with them)",
    doc_zh="决策表版本可以只写变化的行（changes），代替 rows：只能用于第一个之后的版本，"
    "不能与 rows 同时出现，"
    "每一行都要按输入对应上一版本的某一行。",
    doc_en="A table version may list only the rows that change (changes) instead of rows: on a "
    "version after the first, never beside rows, and each change must match a row of the "
    "version before by its inputs.",
    forms={
        "no-match": Form(
            "changes 的第 {index} 行（{cells}）与上一版本的任何一行都不对应",
            "change {index} ({cells}) matches no row of the version before",
        )
    },
)

DUPLICATE_ORDER = error(
    "E411",
    "duplicate-order",
    "层级 order = {order} 已由 '{tier}' 使用",
    "tier order {order} is already taken by '{tier}'",
    doc_zh="两个层级的 order 相同，成长路径的先后就取决于文件顺序。请给每个层级不同的 order。",
    doc_en="Two tiers share an order, so the path of growth would depend on file order. Give "
    "each tier its own order.",
)

VALUE_BEFORE_PERIOD = error(
    "E412",
    "value-before-period",
    "第一个取值从 {first} 起，早于政策期（{start} 起）；本规则包的取值从政策期第一天起：请写 from = {start}",
    "the first value starts on {first}, before the policy period (from {start}); the "
    "package's values start on its first day: write from = {start}",
    doc_zh="参数的第一个取值（或决策表的第一个版本）早于政策开始日，那是规则包不覆盖的日子，多半是笔误。",
    doc_en="A parameter's first value (or a table's first version) starts before the policy "
    "does, on days the package does not cover: most often a slip.",
)

INVARIANT_FAILED = error(
    "E601",
    "invariant-failed",
    "不变式不成立（{day} 起）: {message}",
    "invariant fails from {day}: {message}",
    doc_zh="[[invariants]] 中的不变式在某个参数或决策表变化的日期不成立，消息给出日期和不变式自己的说明。"
    "请修改参数或决策表，或修改不变式。",
    doc_en="An invariant of [[invariants]] fails at a date where a parameter or table changes; "
    "the message gives the date and the invariant's own message. Change the parameter or "
    "table, or the invariant.",
)
