"""A new rule package from an empty folder (``zjtx new PACKAGE_DIR``).

The skeleton is the smallest package that is whole: a policy with its text, one fact, one
measure that cites a clause and quotes it, and cases for each status. It passes ``zjtx check``
and ``zjtx test`` as written, so an author starts from green and changes one thing at a time
(the rule authors' guide, ``rules/README.md``, walks from it to a full package). Every text
in it says it is an example, so none of it can pass for policy.
"""

from __future__ import annotations

import re
from pathlib import Path

from zjtx_rules.errors import UsageError

_POLICY = """\
# 政策：编号、版本、标题、发文单位、政策期和原文。Policy: id, version, titles, issuer, period, text.
[policy]
id = "{policy_id}"
version = "0.1.0"
title_zh = "示例政策（请改为政策全称）"
title_en = "Example policy (replace with the policy's full title)"
issuer_zh = "示例发文单位"
issuer_en = "Example issuer"
source_document = "示例文号 / example document number"
source_text = "policy.txt"
valid_from = 2025-01-01
valid_to = 2025-12-31
"""

_TEXT = """\
示例政策原文（请换成政策全文，每条措施的 quote 都须在此原文中）。
一、对在本区注册的企业给予一次性奖励10万元。
"""

_FACTS = """\
# 企业信息：每项都要有中文标签和问题。Facts: every one needs a Chinese label and question.
[facts.id]
type = "string"
required = true
label_zh = "企业编号"
label_en = "Enterprise id"
question_zh = "企业编号？"
question_en = "The enterprise's id?"

[facts.registered_in_area]
type = "bool"
label_zh = "在本区注册"
label_en = "Registered in the area"
question_zh = "企业是否在本区注册？"
question_en = "Is the enterprise registered in the area?"
"""

_MEASURES = """\
# 措施：条款、原文摘录、责任单位、条件和金额。Measures: clause, quote, units, conditions, amounts.
[measures.example_reward]
clause = "1"
title_zh = "示例：注册奖励"
title_en = "Example: registration reward"
quote = "对在本区注册的企业给予一次性奖励10万元"
benefit = "cash"
responsible_units = ["示例责任单位"]
responsible_units_en = ["Example unit"]

[[measures.example_reward.conditions]]
id = "registered"
expr = "registered_in_area"
pass_zh = "在本区注册"
pass_en = "registered in the area"
fail_zh = "未在本区注册"
fail_en = "not registered in the area"

[measures.example_reward.outputs.reward_cny]
type = "money"
expr = "100000"
title_zh = "奖励金额"
title_en = "Reward"
"""

_CASES = """\
# 测试用例：zjtx test 逐条运行。Cases: zjtx test runs each one.
[[cases]]
name = "在本区注册：可享受 / registered: eligible"
as_of = 2025-06-30
profile = {{ id = "a", registered_in_area = true }}
expect.example_reward = {{ status = "eligible", amounts = {{ reward_cny = "100000.00" }} }}

[[cases]]
name = "未在本区注册：不符合 / not registered: ineligible"
as_of = 2025-06-30
profile = {{ id = "b", registered_in_area = false }}
expect.example_reward = {{ status = "ineligible" }}

[[cases]]
name = "未填写：待确定 / not given: undetermined"
as_of = 2025-06-30
profile = {{ id = "c" }}
expect.example_reward = {{ status = "undetermined", missing = ["registered_in_area"] }}
"""

FILES = {
    "policy.toml": _POLICY,
    "policy.txt": _TEXT,
    "facts.toml": _FACTS,
    "measures.toml": _MEASURES,
    "cases/basic.toml": _CASES.format(),
}


def policy_id_for(folder: Path) -> str:
    """A policy id from the folder's name: lower case, digits and ``_``, starting with a letter."""
    text = re.sub(r"[^a-z0-9_]+", "_", folder.resolve().name.lower()).strip("_")
    return text if re.match(r"[a-z]", text) else f"policy_{text}".rstrip("_")


def write_skeleton(folder: Path, policy_id: str | None = None) -> list[Path]:
    """Write the skeleton into ``folder`` (new or empty); return the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(
            f"{folder} 已存在且不是空文件夹，不会覆盖",
            f"{folder} exists and is not an empty folder; nothing was overwritten",
        )
    pid = policy_id or policy_id_for(folder)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", pid):
        raise UsageError(
            f"政策编号应为小写字母开头的字母、数字和下划线，实际为 {pid!r}",
            f"a policy id is lower-case letters, digits and _ starting with a letter; got {pid!r}",
        )
    written = []
    for name, text in FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("{policy_id}", pid), encoding="utf-8")
        written.append(path)
    return written
