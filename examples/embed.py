"""Using zjtx_rules as a library: load the bundled rules once, evaluate a profile.

Run from the repository root:  python examples/embed.py
"""

from pathlib import Path

import zjtx_rules

rules = zjtx_rules.load_rules()  # the bundled Liangjiang package, checked and compiled once
profile = Path(__file__).parent / "profiles" / "new_municipal_zjtx.json"

try:
    result = rules.evaluate(profile.read_bytes(), as_of="2025-06-30")
except zjtx_rules.ProfileError as exc:  # every problem, each with its JSON path
    for problem in exc.errors:
        print(problem.path, problem.message_en)
    raise SystemExit(2) from None

talent = result.measure("talent_reward")
print(talent.status, talent.amounts["quota"], talent.amounts["reward_total"])  # Decimal
for m in result.measures:
    if m.status == "undetermined":
        print(m.id, "would be settled by", m.missing)
print(result.to_json()[:200], "...")
