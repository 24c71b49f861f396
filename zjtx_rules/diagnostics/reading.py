"""Reading the files of a package: TOML that cannot be read, limits, and keys the schema refuses.

``E1xx`` codes are causes: the loader lists them first, since what follows often stems from them.
"""

from __future__ import annotations

from zjtx_rules.diagnostics.entry import Form, error

UNREADABLE = error(
    "E100",
    "unreadable",
    "无法读取文件: {reason}",
    "cannot read file: {reason}",
    doc_zh="操作系统拒绝读取该文件（没有权限，或读取时出错）。请检查文件的权限和磁盘。"
    "这个错误无法用仓库里的文件复现，因此直接测试。",
    doc_en="The operating system refused to read the file (no permission, or an I/O error). "
    "Check the file's permissions and the disk. It cannot be set up with files in a "
    "repository, so it is tested directly.",
    trigger="internal",
)

TOML_SYNTAX = error(
    "E101",
    "toml-syntax",
    "TOML 语法错误: {problem}",
    "TOML syntax error: {problem}",
    doc_zh="文件不是合法的 TOML：引号未闭合、括号不配对、同一个键写了两次、文本没有加引号等。"
    "位置指向 TOML 读取器停下的字符；百分比请写成小数（3% 写 0.03）。文件须为 UTF-8 编码。",
    doc_en="The file is not valid TOML: an unclosed quote, an unmatched bracket, a key written "
    "twice, text without quotes and the like. The location is the character where the TOML "
    "reader stopped; write a percentage as a fraction (0.03 for 3%). Files must be UTF-8.",
    forms={
        "encoding": Form("文件不是 UTF-8 编码", "file is not UTF-8: {error}"),
        "value": Form("TOML 取值无法读取: {error}", "TOML value cannot be read: {error}"),
    },
)

FILE_TOO_LARGE = error(
    "E102",
    "file-too-large",
    "规则文件过大（{size} 字节，上限 {limit}）",
    "rule file too large ({size} bytes, limit {limit})",
    doc_zh="一个规则文件超过 4 MiB 的上限。请把它拆分为几个文件（任何一节都可以写在任何文件里）。",
    doc_en="One rule file is over the 4 MiB limit. Split it into several files (any section "
    "may be written in any file).",
    forms={"grew": Form("规则文件过大（上限 {limit} 字节）", "rule file too large (limit {limit} bytes)")},
)

TOML_TOO_DEEP = error(
    "E103",
    "too-deep",
    "TOML 嵌套过深",
    "TOML nesting too deep",
    doc_zh="列表或内联表嵌套了几百层，读取时会耗尽栈。规则文件不需要这样的结构：请把它写平。",
    doc_en="Lists or inline tables nest hundreds of levels deep, which would exhaust the stack "
    "while reading. No rule file needs that: flatten the structure.",
)

NOT_A_FILE = error(
    "E104",
    "not-a-file",
    "不是普通文件（管道、设备或指向它们的链接），拒绝读取",
    "not a regular file (a pipe, a device or a link to one); refusing to read it",
    doc_zh="规则包目录中以 .toml 结尾的东西不是普通文件（目录、管道、设备或指向它们的链接），"
    "读取它可能永远不结束。请删除它，或改名为不以 .toml 结尾的名字。",
    doc_en="Something in the package folder whose name ends in .toml is not a regular file (a "
    "folder, a pipe, a device or a link to one), which might never finish reading. Remove "
    "it, or rename it so that its name does not end in .toml.",
)

NUMBER_TOO_LONG = error(
    "E105",
    "number-too-long",
    "整数位数过多（超过 {limit} 位）",
    "integer has too many digits (more than {limit})",
    doc_zh="一个整数超过 40 位，是笔误（或攻击），不是数额。请核对这个数字。",
    doc_en="An integer of more than 40 digits is a slip (or an attack), not a figure. Check the number.",
)

PACKAGE_TOO_LARGE = error(
    "E106",
    "package-too-large",
    "规则包过大（规则文件共 {size} 字节，上限 {limit}）",
    "rule package too large ({size} bytes of rule files, limit {limit})",
    doc_zh="规则包的 .toml 文件合计超过 16 MiB 的上限。请检查目录中是否混入了不属于规则包的大文件。",
    doc_en="The package's .toml files together are over the 16 MiB limit. Check whether large "
    "files that are not part of the package found their way into its folder.",
)

NUMBER_OUT_OF_RANGE = error(
    "E107",
    "number-out-of-range",
    "小数超出允许范围（最多 {digits} 位有效数字，数量级在 1e-{exponent} 到 1e{exponent} 之间），实际是 {got}",
    "decimal out of range (at most {digits} significant digits, magnitude between "
    "1e-{exponent} and 1e{exponent}); got {got}",
    doc_zh="一个小数（TOML 浮点数）超过 40 位有效数字、指数超出 ±30，或是 nan / inf。"
    "真实的数额都在范围之内（金额到 10^15 元，比例到 10^-12）：请核对这个数字。",
    doc_en="A decimal (a TOML float) has more than 40 significant digits, an exponent beyond "
    "+-30, or is nan / inf. Every real figure fits (money up to 10^15 yuan, rates down to "
    "10^-12): check the number.",
    forms={"not-finite": Form("nan 和 inf 不是数字，实际是 {got}", "nan and inf are not figures; got {got}")},
)

TOO_MANY_KEYS = error(
    "E108",
    "too-many-keys",
    "规则文件的键过多（上限 {limit} 个），请拆分为几个文件",
    "too many keys in one rule file (limit {limit}); split it into several files",
    doc_zh="一个规则文件有超过 100,000 个键（每个 key = value 和每个 [表头] 各算一个），"
    "在越过上限的第一个键处报告。请把文件拆分为几个。",
    doc_en="One rule file has more than 100,000 keys (each key = value and each [table] header "
    "counts one), reported at the first key past the limit. Split the file into several.",
)

UNKNOWN_KEY = error(
    "E121",
    "unknown-key",
    "未知的键 '{key}'",
    "unknown key '{key}'",
    doc_zh="这里不接受这个键：多半是拼写错误。提示列出最接近的键和此处所有可用的键；"
    "决策表的行只接受表的输入名和 value、source、refs、assumption、note、note_en。",
    doc_en="This key is not accepted here, most often a misspelling. The hint gives the closest "
    "key and every key valid at this place; a decision-table row takes only the table's "
    "inputs and value, source, refs, assumption, note and note_en.",
)

MISSING_KEY = error(
    "E122",
    "missing-key",
    "缺少必填的键 '{key}'",
    "missing required key '{key}'",
    doc_zh="这一项缺少必填的键（例如措施的 title_en、参数的 type、决策表的 hit_policy）。"
    "删掉一个必填键不会被悄悄补上默认值：请把它写回。",
    doc_en="The entry lacks a required key (a measure's title_en, a parameter's type, a decision "
    "table's hit_policy...). Deleting one is never filled in with a default: write it back.",
    forms={
        "rows": Form(
            "决策表版本需要 rows（或在后续版本中用 changes）",
            "a table version needs rows (or, after the first version, changes)",
        ),
        "value": Form("决策表行缺少 value", "a row needs a value"),
        "format": Form(
            "缺少必填的键 'format'（money、percent、number 或 years）",
            "missing required key 'format' (money, percent, number or years)",
        ),
    },
)

BAD_VALUE = error(
    "E123",
    "bad-value",
    "'{key}' 的取值无效：{problem}",
    "bad value for '{key}': {problem}",
    doc_zh='取值的类型不对，或不在允许的范围内："true" 不是 true，1 不是说明文字，'
    '"0.5" 不是数字，标题不能是空文本。消息写明应为什么、实际是什么。',
    doc_en='The value has the wrong type or is out of its range: "true" is not true, 1 is not '
    'a note, "0.5" is not a number, a title is not empty text. The message says what was '
    "expected and what was found.",
    forms={
        "unnamed": Form("{problem}", "{problem}"),
        "refs": Form("refs 的每一项应为加引号的来源 id", "each item of refs must be a source id in quotes"),
    },
)

NO_POLICY = error(
    "E130",
    "no-policy",
    "规则包缺少 [policy] 段",
    "the package has no [policy] section",
    doc_zh="没有一个文件声明 [policy]（政策的编号、名称、发文单位和政策期）。每个规则包恰好需要一个。",
    doc_en="No file declares [policy] (the policy's id, titles, issuer and period). Every "
    "package needs exactly one.",
)

BAD_CASE = error(
    "E140",
    "bad-case",
    "测试用例格式错误: {problem}",
    "malformed test case: {problem}",
    doc_zh="cases/ 下的测试用例文件不符合格式（未知的键、缺少 name 或 as_of、取值类型不对）。"
    "由 zjtx test 报告，不是 zjtx check。",
    doc_en="A test case file under cases/ is malformed (an unknown key, a missing name or "
    "as_of, a value of the wrong type). Reported by zjtx test, not zjtx check.",
    trigger="case",
)
