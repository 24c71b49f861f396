"""Warnings: of a package (``W5xx``, ``W8xx``: it loads, but a reader should know), and of
an evaluation result (``W70x`` from the rules, ``W72x`` from the profile)."""

from __future__ import annotations

from zjtx_rules.diagnostics.entry import Form, warning

ASSUMPTION = warning(
    "W501",
    "assumption",
    "假设（政策原文未规定）: {value}{since}。{note}",
    "assumed (not stated by the policy): {value}{since}. {note}",
    doc_zh="一个取值或解读是假设：政策原文没有规定，由规则包作者选定。每个假设列出一次，"
    "带着它的说明，供审阅者核对；结果中依赖它的结论也会标明。",
    doc_en="A value or reading is an assumption: the plan does not state it, the package's "
    "authors chose it. Each is listed once with its note for reviewers; results that rest on "
    "it say so.",
)

OUTSIDE_POLICY_PERIOD = warning(
    "W701",
    "outside-policy-period",
    "评估日期 {day} 不在{period} {start} 至 {end} 内，结果仅供参考",
    "evaluation date {day} is outside the {period} {start} to {end}; the result is indicative only",
    doc_zh="评估结果中的警告：评估日期在政策期之外，结果只是按规则推算，仅供参考。"
    "政策期的名称来自规则包（[policy] period_name_zh，默认“政策期”）；政策期的起止日本身是假设时"
    "（[policy.assumed.valid_to]），消息写出这个假设。由评估企业信息产生，不是规则包的问题。",
    doc_en="A warning of an evaluation result: the date evaluated is outside the policy period, "
    "so the result only extrapolates the rules. The period's name comes from the package "
    "([policy] period_name_en, default 'policy period'); when a start or end of the period is "
    "itself an assumption ([policy.assumed.valid_to]), the message states it. Raised by "
    "evaluating a profile, not by the package.",
    forms={
        "assumed": Form(
            "评估日期 {day} 不在{period} {start} 至 {end} 内（其中{which}是假设：{note}），结果仅供参考",
            "evaluation date {day} is outside the {period} {start} to {end} (the {which} is "
            "assumed: {note}); the result is indicative only",
        )
    },
    trigger="result",
)

NO_PARAMETER_VALUE = warning(
    "W702",
    "no-parameter-value",
    "{day} 时这些参数尚无取值，相关结论为待确定: {names}",
    "these parameters have no value on {day}, so what needs them is undetermined: {names}",
    doc_zh="评估结果中的警告：评估日期当天某些参数没有取值（取值以 until 结束，后面还没有新值），"
    "用到它们的结论为待确定。由评估企业信息产生。",
    doc_en="A warning of an evaluation result: some parameters have no value on the date "
    "evaluated (a value ended with until and none follows yet), so what needs them is "
    "undetermined. Raised by evaluating a profile.",
    trigger="result",
)

READING_APPLIED = warning(
    "W703",
    "reading-applied",
    "{measure}：{text}",
    "{measure}: {text}",
    doc_zh="评估结果中的警告：某个措施的结论依赖一个声明了 warn = true 的假设（[assumptions.ID]），"
    "消息给出措施和这个解读。由评估企业信息产生。",
    doc_en="A warning of an evaluation result: a measure's outcome rests on a rule choice "
    "declared with warn = true ([assumptions.ID]); the message gives the measure and the "
    "reading. Raised by evaluating a profile.",
    trigger="result",
)

BAD_CHECK_CHARACTER = warning(
    "W720",
    "check-character",
    "{name} 的校验码应为 {want!r}，请核对统一社会信用代码",
    "{name}: the check character should be {want!r}; please verify the unified social credit code",
    doc_zh="企业信息中的警告：统一社会信用代码的校验码与 GB 32100-2015 算出的不符。格式正确的代码仍被接受，"
    "只给警告。由企业信息产生，不是规则包的问题。",
    doc_en="A warning about a profile: the unified social credit code's check character differs "
    "from the one GB 32100-2015 gives. A well-formed code is still accepted, with this warning. "
    "Raised by a profile, not by the package.",
    trigger="profile",
)

REPEATED_ID = warning(
    "W721",
    "repeated-id",
    "{path} 重复: {value}，结果按重复项各计一次",
    "{path} repeats {value}; each repeat is counted as given",
    doc_zh="企业信息中的警告：列表中应唯一的字段（unique = true）出现了重复值，结果按重复项各计一次。"
    "由企业信息产生。",
    doc_en="A warning about a profile: a list field that should be unique (unique = true) "
    "repeats a value; each repeat is counted as given. Raised by a profile.",
    trigger="profile",
)

DATES_OUT_OF_ORDER = warning(
    "W722",
    "dates-out-of-order",
    "{path}: {field}（{late}）早于 {other}（{early}），请核对；按已到期计算",
    "{path}: {field} ({late}) is before {other} ({early}); please verify; counted as expired",
    doc_zh="企业信息中的警告：记录中声明了 not_before 的日期早于它应不早于的那个日期（如到期日早于认定日），"
    "这条记录按已到期计算。由企业信息产生。",
    doc_en="A warning about a profile: a record's date declared not_before another comes before "
    "it (an expiry before the recognition), and the record counts as expired. Raised by a profile.",
    trigger="profile",
)

MISSING_ENGLISH = warning(
    "W801",
    "missing-english-label",
    "缺少英文标签: {what}",
    "no English label for: {what}",
    doc_zh="英文页面在这里会显示原始取值或中文：标签、问题、选项标签、单位、标题或负责单位缺少英文。"
    "规则包仍可加载；请补上英文。",
    doc_en="The English page would show a raw value or Chinese text here: a label, question, "
    "choice label, unit, title or responsible unit has no English. The package still loads; "
    "add the English.",
)

UNUSED = warning(
    "W802",
    "unused",
    "{kind} '{name}' 没有被任何规则引用",
    "{kind} '{name}' is not used by any rule",
    doc_zh="没有任何规则引用这个派生值或决策表：要么是多余的文字，要么别处的引用拼错了。",
    doc_en="Nothing refers to this derived value or decision table: it is dead text, or a "
    "reference elsewhere is misspelt.",
)

UNUSED_SOURCE = warning(
    "W803",
    "unused-source",
    "来源 '{name}' 没有被任何规则引用",
    "source '{name}' is not cited by any rule",
    doc_zh="来源登记中的这一项没有被任何 refs 引用。请引用它，或从登记中删去。",
    doc_en="No refs list cites this entry of the sources register. Cite it, or remove it from the register.",
)


NO_CHINESE_FORM = warning(
    "W804",
    "no-chinese-form",
    "规则包没有任何中文表单文本（缺 {count} 处）：中文页面会在这些地方显示编号",
    "the package has no Chinese form text ({count} missing): a Chinese page shows ids in their place",
    doc_zh="规则包的事实、问题和标题都没有中文（例如为机器写的性能基准包）。规则包照常加载；"
    "只要写了任何一处中文表单文本，其余缺少的中文就都是错误 E128。",
    doc_en="No fact, question or title of the package is written in Chinese (a workload written "
    "for machines, say). The package loads as before; once any form text is in Chinese, every "
    "other missing Chinese text is error E128.",
)
