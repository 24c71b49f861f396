"""Count profiles that the published profile schema accepts but the engine refuses.

Draws N profiles from ``RuleSet.profile_schema()`` with hypothesis-jsonschema (seeded), sends
each as JSON text through ``evaluate`` and prints how many were refused with a ProfileError.
Used to measure the contract of issue 10 (0 is the only good answer).

    python scripts/schema_probe.py --count 400
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis_jsonschema import from_schema

import zjtx_rules


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=400, help="profiles to draw (default: 400)")
    args = ap.parse_args()
    rules = zjtx_rules.load_rules()
    schema = rules.profile_schema()
    refused: Counter[str] = Counter()
    drawn: list[Any] = []

    @seed(10)
    @settings(max_examples=args.count, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(from_schema(schema))
    def draw(profile: Any) -> None:
        drawn.append(profile)
        try:
            rules.evaluate(json.dumps(profile), "2025-01-01")
        except zjtx_rules.ProfileError as exc:
            refused[exc.errors[0].code] += 1
            refused["(profiles)"] += 1

    draw()
    print(f"{refused['(profiles)']} of {len(drawn)} schema-valid profiles refused")
    for code, n in refused.most_common():
        print(f"  {code}: {n}")


if __name__ == "__main__":
    main()
