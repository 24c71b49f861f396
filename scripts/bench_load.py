"""Time and peak memory of loading a large rule package: the bundled package with N derived
values appended to ``derived.toml`` (default 20,000), each with titles and an expression that
reads the one before it (in chains of 10, so no chain is too deep: E408) or a fact.

    python scripts/bench_load.py                  # 20,000 derived values
    python scripts/bench_load.py --derived 0      # the bundled package alone, for comparison
    python scripts/bench_load.py --keys 200000    # instead: one table of 200,000 TOML keys

Each load runs in a fresh child process (``zjtx check``'s work: ``load_rules``), so the peak
resident memory printed is that load's alone; the file size is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "rules" / "liangjiang_zjtx_2022"
CHAIN = 10

_CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
started = time.perf_counter()
from zjtx_rules.errors import RuleError
from zjtx_rules.evaluate.ruleset import load_rules
try:
    rules = load_rules(sys.argv[1])
    errors, warnings = 0, len(rules.warnings)
except RuleError as exc:
    errors = sum(d.severity == "error" for d in exc.diagnostics)
    warnings = len(exc.diagnostics) - errors
print(json.dumps({"seconds": time.perf_counter() - started, "errors": errors, "warnings": warnings,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def derived_text(count: int) -> str:
    """``count`` derived values in the bundled file's format."""
    out = []
    for i in range(count):
        reads = f"big_{i - 1} or " if i % CHAIN else ""
        out.append(
            f'\n[derived.big_{i}]\ntitle_zh = "派生值 {i}"\ntitle_en = "Derived value {i}"\n'
            f'expr = "{reads}revenue_cny > {i} and employees >= 1"\n'
        )
    return "".join(out)


def keys_text(count: int) -> str:
    """A ``choice_labels_zh`` table of ``count`` keys on a new enum fact (each key but the
    first an E209 error, up to the ``MAX_KEYS`` cap: E108)."""
    rows = "".join(f'c{i} = "x"\n' for i in range(count))
    head = '\n[facts.big_choice]\ntype = "enum"\nchoices = ["c0"]\n\n[facts.big_choice.choice_labels_zh]\n'
    return head + rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--derived", type=int, default=20_000, help="derived values to append")
    ap.add_argument("--keys", type=int, default=0, help="instead, a table of this many TOML keys")
    args = ap.parse_args()
    if not 0 <= args.derived <= 1_000_000 or not 0 <= args.keys <= 2_000_000:
        ap.error("--derived is 0-1,000,000 and --keys 0-2,000,000")
    with tempfile.TemporaryDirectory(prefix="zjtx-bench-load-") as tmp:
        pkg = Path(tmp) / "pkg"
        shutil.copytree(BUNDLED, pkg)
        if args.keys:
            target, extra = pkg / "facts.toml", keys_text(args.keys)
        else:
            target, extra = pkg / "derived.toml", derived_text(args.derived)
        with target.open("a", encoding="utf-8") as fh:
            fh.write(extra)
        size = sum(p.stat().st_size for p in pkg.glob("*.toml"))
        started = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-c", _CHILD, str(pkg), str(ROOT)], capture_output=True, text=True, check=False
        )
        if run.returncode != 0:
            sys.stderr.write(run.stderr)
            return 1
        got = json.loads(run.stdout)
    what = f"{args.keys:,} TOML keys" if args.keys else f"{args.derived:,} derived values"
    print(
        f"{what}: rule files {size / 2**20:.1f} MiB; load {got['seconds']:.2f} s "
        f"(child process {time.perf_counter() - started:.2f} s); peak RSS {got['peak_mib']:.0f} MiB; "
        f"{got['errors']} error(s), {got['warnings']} warning(s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
