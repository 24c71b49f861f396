"""Names: declared badly or twice, or referred to without being declared."""

from __future__ import annotations

from zjtx_rules.diagnostics.entry import Form, error

BAD_NAME = error(
    "E201",
    "bad-name",
    "名称 '{name}' 无效：应为小写字母开头的 a-z0-9_，且不是保留字",
    "invalid name '{name}': use a-z, 0-9 and _, starting with a letter; not a keyword or built-in function",
    doc_zh="名称（事实、参数、决策表、派生值、措施、假设、来源的 id）应以小写字母开头，只含 a-z、0-9 和 _，"
    "最长 64 个字符，且不是关键字或内置函数名。",
    doc_en="A name (of a fact, parameter, table, derived value, measure, assumption or source) "
    "starts with a lowercase letter, holds only a-z, 0-9 and _, has at most 64 characters, and "
    "is not a keyword or a built-in function.",
    forms={
        "source": Form("来源 id '{name}' 无效或重复", "source id '{name}' is invalid or declared twice"),
        "assumption": Form(
            "假设 id '{name}' 无效或与参数、决策表重名",
            "assumption id '{name}' is invalid or is already a parameter or table",
        ),
    },
)

DUPLICATE_NAME = error(
    "E202",
    "duplicate-name",
    "名称 '{name}' 重复（已作为 {other} 声明）",
    "name '{name}' is declared twice (already a {other})",
    doc_zh="同一个名称声明了两次（事实、参数、决策表、派生值和措施共用一个名称空间），"
    "或 [policy] 写了两次，或同一措施中两个条件的 id 相同，或两个文件声明了同一个表单分组 [sections.ID]。"
    "请改名或删去一个。",
    doc_en="The same name is declared twice (facts, parameters, tables, derived values and "
    "measures share one namespace), or [policy] is written twice, or two conditions of one "
    "measure share an id, or two files declare the same form section [sections.ID]. Rename or "
    "remove one.",
    forms={
        "policy": Form("policy 只能声明一次", "policy is declared twice"),
        "condition": Form("条件 id '{name}' 重复", "condition id '{name}' is repeated"),
        "section": Form(
            "表单分组 [sections.{name}] 声明了两次", "form section [sections.{name}] is declared twice"
        ),
    },
)

UNKNOWN_NAME = error(
    "E203",
    "unknown-name",
    "未知的名称 '{name}'",
    "unknown name '{name}'",
    doc_zh="表达式引用了一个没有声明的名称，多半是拼写错误；提示给出最接近的名称。",
    doc_en="The expression refers to a name nothing declares, most often a misspelling; the "
    "hint gives the closest name.",
)

UNKNOWN_FIELD = error(
    "E204",
    "unknown-field",
    "{owner} 没有字段 '{field}'",
    "{owner} has no field '{field}'",
    doc_zh="x.字段 中的字段不存在：列表记录只有声明的 fields，措施只有 eligible、ineligible、"
    "undetermined 和它的输出。",
    doc_en="The field in x.field does not exist: a list's records have their declared fields, "
    "a measure has eligible, ineligible, undetermined and its outputs.",
)

UNKNOWN_CHOICE = error(
    "E205",
    "unknown-choice",
    "'{value}' 不是允许的取值",
    "'{value}' is not one of the allowed values",
    doc_zh="与 enum 事实或决策表输入比较的字符串不在它的 choices 中，这个比较永远不会成立。"
    "提示列出允许的取值。",
    doc_en="A string compared with an enum fact or table input is not among its choices, so "
    "the comparison can never hold. The hint lists the allowed values.",
    hints={"allowed": Form("允许: {allowed}", "allowed: {allowed}")},
)

UNKNOWN_FUNCTION = error(
    "E206",
    "unknown-function",
    "未知的函数 '{name}'",
    "unknown function '{name}'",
    doc_zh="调用的既不是内置函数，也不是声明的决策表。提示给出最接近的名称。",
    doc_en="The call names neither a built-in function nor a declared decision table. The hint "
    "gives the closest name.",
)

UNKNOWN_TEMPLATE_NAME = error(
    "E207",
    "unknown-template-name",
    "说明文字中的 {{{name}}} 不是事实、参数或派生值",
    "{{{name}}} in a reason text is not a fact, parameter or derived value",
    doc_zh="说明文字（pass_zh、fail_en 等）中的 {名称} 只能是事实、参数或派生值，它会被替换为取值。",
    doc_en="A {name} in a reason text (pass_zh, fail_en...) must be a fact, parameter or "
    "derived value: it is replaced by its value.",
)

UNKNOWN_ASSUMPTION = error(
    "E208",
    "unknown-assumption",
    "未声明的假设 '{name}'（应在 [assumptions] 段声明）",
    "assumption '{name}' is not declared under [assumptions]",
    doc_zh="assumptions = [...] 中的 id 应在 [assumptions.ID] 中声明（写明解读、依据和说明）。",
    doc_en="An id in assumptions = [...] must be declared as [assumptions.ID] (the reading, "
    "its basis and notes).",
)

UNKNOWN_LABEL_CHOICE = error(
    "E209",
    "unknown-choice",
    "{key} 中的 '{label}' 不是 choices 里的选项",
    "'{label}' in {key} is not one of the choices",
    doc_zh="choice_labels_zh / choice_labels_en 的键必须是该事实 choices 中的选项，多半是拼写错误。",
    doc_en="The keys of choice_labels_zh / choice_labels_en must be among the fact's choices; "
    "this one is most often a misspelling.",
)

UNKNOWN_SOURCE = error(
    "E210",
    "unknown-source",
    "来源 '{name}' 未在来源登记（[sources] 段）中声明",
    "source '{name}' is not declared in the sources register ([sources])",
    doc_zh="refs = [...] 中的每个 id 都应在来源登记 [sources.ID] 中声明"
    "（标题、文号、发文单位、日期和网址）。",
    doc_en="Every id in refs = [...] must be declared in the sources register as [sources.ID] "
    "(title, document number, issuer, date and address).",
)


UNKNOWN_BENEFIT = error(
    "E211",
    "unknown-benefit",
    "'{name}' 不是本规则包声明的支持方式",
    "'{name}' is not a benefit kind of this package",
    doc_zh="措施的 benefit 应是 [policy.benefits] 声明的一种支持方式；规则包没有声明时，"
    "是默认的七种之一（cash、quota、loan、pool、fund、service、priority）。提示列出可用的取值。",
    doc_en="A measure's benefit must be one of the kinds the package declares in [policy.benefits], "
    "or, when it declares none, one of the default seven (cash, quota, loan, pool, fund, service, "
    "priority). The hint lists them.",
    hints={"allowed": Form("可用: {allowed}", "allowed: {allowed}")},
)


UNKNOWN_SECTION = error(
    "E212",
    "unknown-section",
    "表单分组 '{name}' 没有在 [sections] 中声明",
    "form section '{name}' is not declared under [sections]",
    doc_zh="事实的 section 应是 [sections.ID] 声明的表单分组（标题、顺序）；不写 section 的事实放在"
    "默认分组“其他信息”。section 只写在事实本身上，不写在列表记录的字段上。提示给出最接近的分组。",
    doc_en="A fact's section must be a form section declared as [sections.ID] (its title and "
    "order); a fact without one goes to the default section, Other. A section belongs on the "
    "fact itself, not on a field of a list's records. The hint gives the closest section.",
    forms={
        "field": Form(
            "列表记录的字段不能写 section（分组属于事实本身）",
            "a field of a list's records has no section (the fact itself is placed)",
        ),
    },
)

BAD_OUTPUT_TABLE = error(
    "E213",
    "bad-output-table",
    "table 只能写在 money_by_year 类型的输出上",
    "a table belongs on a money_by_year output",
    doc_zh="输出的 table（页面上把逐年金额与它所依据的记录并列成表）引用的名称必须存在："
    "records 是列表事实，key 是它记录的字段，by_year 是它记录的按年金额（year_money_map）字段，"
    "selected 是本措施的 ids 输出，caption 与 covers 是本措施的其他输出；table 本身只能写在 "
    "money_by_year 输出上。提示给出最接近的名称。",
    doc_en="The names an output's table refers to (a page shows the yearly amounts beside the "
    "records they come from) must exist: records is a list fact, key a field of its records, "
    "by_year a year_money_map field of its records, selected an ids output of the measure, "
    "caption and covers other outputs of the measure; and the table itself belongs on a "
    "money_by_year output. The hint gives the closest name.",
    forms={
        "records": Form("table.records '{name}' 不是列表事实", "table.records '{name}' is not a list fact"),
        "key": Form("列表事实 '{records}' 没有字段 '{name}'", "list fact '{records}' has no field '{name}'"),
        "by-year": Form(
            "列表事实 '{records}' 没有按年金额（year_money_map）字段 '{name}'",
            "list fact '{records}' has no year_money_map field '{name}'",
        ),
        "selected": Form("'{name}' 不是本措施的 ids 输出", "'{name}' is not an ids output of this measure"),
        "output": Form("'{name}' 不是本措施的另一个输出", "'{name}' is not another output of this measure"),
    },
)


UNKNOWN_HEADLINE = error(
    "E214",
    "unknown-headline",
    "headline 中的 '{name}' 不是 \"cash\"，也不是本包某项措施的输出（措施.输出）",
    "'{name}' in headline is neither \"cash\" nor an output of a measure (MEASURE.OUTPUT)",
    doc_zh='[policy] headline 列出报告、告知书和页面开头先写的内容："cash"（资金合计）或'
    "“措施.输出”（如 innovative_sme_recognition.total_score）。每一项都须是其中之一。",
    doc_en='[policy] headline lists what reports, letters and the page lead with: "cash" (the '
    "cash total) or MEASURE.OUTPUT (such as innovative_sme_recognition.total_score). Every "
    "item must be one of these.",
)
