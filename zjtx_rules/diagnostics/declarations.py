"""Declarations that read but say too little or contradict themselves: facts, tables,
criteria, texts, sources and notes, the policy's quotes."""

from __future__ import annotations

from zjtx_rules.diagnostics.entry import Form, error

FACTS_UNBUILDABLE = error(
    "E124",
    "bad-fact",
    "事实声明无法构建: {error}",
    "fact declarations cannot be built: {error}",
    doc_zh="事实声明通过了逐项检查，却无法构建企业信息的校验模型，例如数值界限不是整数"
    "（min = 0.5）或上限小于 0。消息给出原因：请修改该事实的界限。",
    doc_en="The fact declarations passed their own checks but the profile model cannot be "
    "built from them, e.g. a bound that is not a whole number (min = 0.5) or an upper bound "
    "below 0. The message gives the reason: change that fact's bounds.",
)

BAD_FACT = error(
    "E125",
    "bad-fact",
    "enum 类型需要 choices",
    "an enum needs choices",
    doc_zh="事实声明的类型缺少它需要的部分：enum 需要 choices，list 需要 fields；列表的字段不能再是列表；"
    "not_before 只能写在日期字段上，并指向同一记录的另一个日期字段。",
    doc_en="A fact declaration lacks what its type needs: an enum needs choices, a list needs "
    "fields; a field of a list cannot be a list; not_before belongs on a date field and names "
    "another date field of the same record.",
    forms={
        "list-fields": Form("list 类型需要 fields", "a list needs fields"),
        "nested-list": Form("列表不能嵌套列表", "lists cannot nest lists"),
        "not-before": Form(
            "not_before 只能用于日期字段，并指向同一记录的另一个日期字段",
            "not_before belongs on a date field and must name another date field of the record",
        ),
    },
)

UNBOUNDED_NUMBER = error(
    "E126",
    "unbounded-number",
    "数值事实（含按年金额表）必须声明 min 和 below（或 max）界限",
    "a numeric fact (a by-year amount map too) must declare min and below (or max) bounds",
    doc_zh="数值事实没有声明界限。界限决定企业信息的校验和表单，也用来发现永远不成立的比较（E309）："
    "请写 min，以及 below（不含）或 max（含）。",
    doc_en="A numeric fact declares no bounds. Bounds drive the profile's validation and form, "
    "and catch comparisons that can never hold (E309): write min, and below (exclusive) or "
    "max (inclusive).",
)

BAD_CRITERION = error(
    "E127",
    "bad-criterion",
    "标准需要 expr 或 actual/op/required",
    "a criterion needs expr, or actual/op/required",
    doc_zh="层级标准要么写一个条件 expr，要么写数值比较的三部分 actual、op 和 required，缺一不可。",
    doc_en="A tier criterion is either a condition (expr) or a numeric comparison in three "
    "parts, actual, op and required, none of which may be left out.",
    forms={
        "numeric": Form(
            "数值标准需要同时写 actual、op 和 required", "a numeric criterion needs actual, op and required"
        )
    },
)

MISSING_CHINESE = error(
    "E128",
    "missing-chinese-text",
    "缺少中文文本 {key}{what}：中文页面会在此处显示编号或空白",
    "missing Chinese text {key}{what}: a Chinese page would show an id or nothing in its place",
    doc_zh="人会读到的文本缺少中文（或为空白）：事实的 label_zh、企业信息事实的 question_zh、"
    "每个选项的 choice_labels_zh（选项本身是中文时除外），以及派生值或输出写了标题时的 title_zh。",
    doc_en="A text people read is missing in Chinese (or blank): a fact's label_zh, a profile "
    "fact's question_zh, a choice_labels_zh entry for each choice (unless the choice is "
    "Chinese itself), and title_zh of a derived value or output that has a title.",
)

TABLE_INPUT_CHOICES = error(
    "E129",
    "bad-table",
    "enum 输入需要 choices",
    "an enum input needs choices",
    doc_zh="决策表的 enum 输入没有列出 choices，无法检查各行是否覆盖了每个取值。"
    "请写 choices = [...]。（以前与 E125 共用一个代码。）",
    doc_en="An enum input of a decision table lists no choices, so its rows cannot be checked "
    "for covering each value. Write choices = [...]. (It shared code E125 before.)",
)

NO_SOURCE = error(
    "E131",
    "no-source",
    "参数取值缺少 source（条款或文件）",
    "a parameter value needs a source (clause or document)",
    doc_zh="参数的每个取值、决策表的每个版本都要写 source：它依据的条款或文件，以便核对。",
    doc_en="Every parameter value and every decision-table version needs a source: the clause "
    "or document it rests on, so that it can be checked.",
    forms={"table": Form("决策表版本缺少 source", "a decision-table version needs a source")},
)

ASSUMPTION_WITHOUT_NOTE = error(
    "E132",
    "assumption-without-note",
    "假设必须写 note（中文）和 note_en（英文）说明依据",
    "an assumption needs a note (Chinese) and a note_en (English) saying where it comes from",
    doc_zh="标记了 assumption = true 的取值、行、版本或标准，必须用 note 和 note_en 说明这个假设从何而来。",
    doc_en="A value, row, version or criterion marked assumption = true must say in note and "
    "note_en where the assumption comes from.",
)

NOTE_WITHOUT_ASSUMPTION = error(
    "E133",
    "note-without-assumption",
    "有 note_en 却没有 assumption = true：假设标记是否被删掉了？",
    "note_en without assumption = true: was the assumption flag deleted?",
    doc_zh="note_en 只用来说明假设；它旁边没有 assumption = true，多半是标记被删掉了，"
    "那样会把猜测当作政策原文呈现。请恢复标记，或删去 note_en。",
    doc_en="note_en explains assumptions only; without assumption = true beside it, the flag "
    "was most likely deleted, which would present a guess as the plan's figure. Restore the "
    "flag, or remove note_en.",
)

BAD_BOUNDS = error(
    "E141",
    "bad-bounds",
    "min（{min}）应小于 below（{below}）",
    "min ({min}) must be less than below ({below})",
    doc_zh="事实的界限互相矛盾：min 不小于 below、min 大于 max、同时写了 below 和 max，"
    "或 typical 范围不是由小到大、不在界限之内。",
    doc_en="A fact's bounds contradict each other: min not below below, min above max, both "
    "below and max written, or a typical range that does not run low to high inside the bounds.",
    forms={
        "both": Form("below 与 max 只能写一个", "write below or max, not both"),
        "max": Form("min（{min}）不应大于 max（{max}）", "min ({min}) must not exceed max ({max})"),
        "typical": Form(
            "typical [{low}, {high}] 应为由小到大、且在 min/below/max 界限之内",
            "typical [{low}, {high}] must run low to high, inside min and below/max",
        ),
    },
)

QUOTE_NOT_IN_SOURCE = error(
    "E142",
    "quote-not-in-source",
    "quote 在政策原文中找不到（从“{missing}”起）；请逐字引用原文的句子，省略处用 …",
    "the quote does not occur in the plan's text (from \"{missing}\"); quote the plan's "
    "sentence word for word and mark cuts with …",
    doc_zh="措施或目标的 quote 必须逐字出现在 [policy] 的 source_text 所指的政策原文中"
    "（忽略空白，省略处用 …），且至少 4 个字。消息给出从哪里开始对不上。",
    doc_en="A measure's or target's quote must occur word for word in the plan's text named by "
    "source_text in [policy] (whitespace ignored, cuts marked with …), and be at least 4 "
    "characters. The message shows where it departs from the text.",
    forms={
        "short": Form(
            "quote 太短：请逐字引用原文中写出这一条的句子（至少 {limit} 个字）",
            "the quote is too short: quote the plan's sentence word for word (at least {limit} characters)",
        )
    },
)

BAD_SOURCE_TEXT = error(
    "E143",
    "bad-source-text",
    "source_text '{path}' 应指向规则包目录内的文件",
    "source_text '{path}' must name a file inside the rule package",
    doc_zh="[policy] 的 source_text 应指向规则包目录内一个可按 UTF-8 读取的普通文件（政策原文），"
    "大小在规则包的上限之内。",
    doc_en="source_text in [policy] must name a regular file inside the package folder (the "
    "plan's text), readable as UTF-8 and within the package size limit.",
    forms={
        "missing": Form(
            "source_text '{path}' 找不到该文件（或不是普通文件）", "source_text '{path}' no such regular file"
        ),
        "too-large": Form("source_text '{path}' 文件过大", "source_text '{path}' file too large"),
        "unreadable": Form(
            "source_text '{path}' 无法按 UTF-8 读取", "source_text '{path}' cannot be read as UTF-8 text"
        ),
    },
)

COUNT_NOT_IN_QUOTE = error(
    "E144",
    "count-not-in-quote",
    "目标数 count = {count} 没有出现在 quote 中；quote 应是原文里写出这个数字的那句话",
    "count = {count} does not occur in the quote; quote the plan's words that state this figure",
    doc_zh="目标的 count 必须写在它的 quote 里（年份不算：“到2025年”不能为 count = 2025 作证），"
    "这样差一个数，或为迁就数字改过的引文，都会被发现。",
    doc_en='A target\'s count must be written in its quote (years do not count: "到2025年" does '
    "not vouch for count = 2025), so that a count one off, or a quote edited to match it, is caught.",
)
