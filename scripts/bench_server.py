"""Figures for "Serving" in docs/integrators.md: how long ``GET /healthz`` takes and how many
``POST /v1/evaluate`` per second ``zjtx serve`` answers, alone and while N sockets drip their
request line (each sends ``GET /hea``, then a byte every 0.5 s, and never finishes).

    python scripts/bench_server.py                               # 500 drippers, 20 clients
    python scripts/bench_server.py --drippers 100 --seconds 2 --rounds 3

The server runs as its own process (``python -m zjtx_rules serve``) on a free loopback port;
the clients and drippers are threads here, the helpers of ``tests/test_server.py``. Windows
alone and crowded alternate, so that other load on the machine falls on both, and the
medians are compared. On Linux it also gives the server's CPU time per answer, which other
load on the machine hardly moves.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_server import dripping, evaluate_rate, healthz_seconds  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (0.0 where /proc is missing)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drippers", type=int, default=500)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=3.0, help="each throughput window")
    ap.add_argument("--rounds", type=int, default=5, help="pairs of windows, alone then crowded")
    args = ap.parse_args()
    if not 0 <= args.drippers <= 5000 or not 1 <= args.clients <= 256 or not 0 < args.seconds <= 120:
        ap.error("drippers must be 0-5000, clients 1-256 and seconds 0-120")
    if not 1 <= args.rounds <= 50:
        ap.error("rounds must be 1-50")
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = args.drippers + 4 * args.clients + 256
        if soft < want <= hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    except ImportError:
        pass
    proc = subprocess.Popen(
        [sys.executable, "-m", "zjtx_rules", "serve", "--port", "0", "--quiet", "--header-timeout", "600"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    rates: dict[str, list[float]] = {"alone": [], "crowded": []}
    cpu: dict[str, list[float]] = {"alone": [], "crowded": []}
    waits: list[float] = []

    def window(kind: str) -> None:
        before, started = cpu_seconds(proc.pid), time.monotonic()
        rate = evaluate_rate(port, args.clients, args.seconds)
        rates[kind].append(rate)
        cpu[kind].append((cpu_seconds(proc.pid) - before) / (rate * (time.monotonic() - started)))

    try:
        assert proc.stdout is not None
        found = re.search(r":(\d+)/", proc.stdout.readline())
        if found is None:
            print("the server did not start", file=sys.stderr)
            return 1
        port = int(found.group(1))
        idle_wait = max(healthz_seconds(port) for _ in range(5))
        with dripping(port, args.drippers):
            time.sleep(1.0)
            before = cpu_seconds(proc.pid)
            time.sleep(args.seconds)
            drip_cpu = (cpu_seconds(proc.pid) - before) / args.seconds
        evaluate_rate(port, args.clients, 1.0)  # warm up
        for _ in range(args.rounds):
            window("alone")
            with dripping(port, args.drippers):
                time.sleep(1.0)
                waits += [healthz_seconds(port) for _ in range(5)]
                window("crowded")
                waits.append(healthz_seconds(port))
    finally:
        proc.terminate()
        proc.wait(10)
    alone, crowded = statistics.median(rates["alone"]), statistics.median(rates["crowded"])
    print(f"GET /healthz alone: max {idle_wait * 1000:.0f} ms")
    print(
        f"GET /healthz with {args.drippers} dripping sockets: max {max(waits) * 1000:.0f} ms, "
        f"median {statistics.median(waits) * 1000:.0f} ms ({len(waits)} requests)"
    )
    print(f"server CPU while only the {args.drippers} dripping sockets talk: {drip_cpu:.1%} of a core")
    for kind in ("alone", "crowded"):
        print(
            f"POST /v1/evaluate, {args.clients} clients, {kind}: "
            f"median {statistics.median(rates[kind]):.0f}/s "
            f"({', '.join(f'{r:.0f}' for r in rates[kind])}); "
            f"server CPU {statistics.median(cpu[kind]) * 1000:.2f} ms per answer"
        )
    print(f"crowded / alone (medians): {crowded / alone:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
