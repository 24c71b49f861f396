"""The fuzzing suite of tests/test_fuzz.py, run for minutes: every generated profile goes
through the library (as a Python dict and as JSON bytes), the HTTP API (the WSGI app in
process, and every Nth body over a socket to the bundled server) and, in groups, through
``run_batch``. Prints the counts; exits 1 if anything unexpected happened.

    python scripts/fuzz.py --minutes 5 --jobs 2

Unexpected means: an exception that is not a ``ZjtxError`` from the library, a 500 from the
API, an ``internal_error`` line from a batch.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, Verbosity, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.test_fuzz import (  # noqa: E402
    AS_OF,
    RULES,
    Unexpected,
    batch_problems,
    documents,
    encode,
    raw_bodies,
    through_batch,
    through_http,
    through_library,
)
from zjtx_rules.web.application import create_app  # noqa: E402
from zjtx_rules.web.server import Limits, make_server  # noqa: E402


class _Stop(Exception):
    pass


def fuzz(
    minutes: float, every: int, socket_every: int, batch_size: int
) -> tuple[Counter[str], Counter[int], list[str]]:
    """One process's share: the counts, the HTTP statuses and the first failures."""
    app = create_app(RULES)
    server = make_server(app, port=0, limits=Limits(header_timeout=5, body_timeout=5), quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    counts: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    pending: list[bytes] = []
    folder = Path(tempfile.mkdtemp(prefix="zjtx-fuzz-"))
    stop_at = time.monotonic() + 60 * minutes

    def fail(kind: str, text: str) -> None:
        counts[f"unexpected_{kind}"] += 1
        if len(failures) < 30:
            failures.append(f"{kind}: {text}")

    def library(doc: Any, as_of: date, kind: str) -> None:
        try:
            counts[f"library_{kind}_{through_library(doc, as_of)}"] += 1
        except Unexpected as exc:
            fail("library", str(exc))

    def post_http(body: bytes, batch: bool) -> None:
        path = "/v1/evaluate/batch" if batch else "/v1/evaluate"
        if counts["http"] % socket_every == 0:
            conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
            conn.request("POST", path + "?as_of=2025-06-30", body, {"Content-Type": "application/json"})
            status = conn.getresponse().status
            conn.close()
            counts["http_over_socket"] += 1
        else:
            status = through_http(app, body, path)
        statuses[status] += 1
        counts["http"] += 1
        if status == 500:
            fail("http_500", repr(body[:300]))

    def flush_batch() -> None:
        if not pending:
            return
        rows = through_batch(pending, folder, workers=1)
        problems = batch_problems(pending, rows)
        counts["batch_lines"] += len(rows)
        counts["batch_error_lines"] += sum("error" in r for r in rows)
        for problem in problems:
            fail("batch_internal_error", problem)
        pending.clear()

    @settings(
        max_examples=10**9,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        print_blob=False,
    )
    @given(doc=documents, how=st.integers(0, 7), as_of=st.sampled_from(AS_OF), raw=raw_bodies)
    def one(doc: Any, how: int, as_of: date, raw: bytes) -> None:
        if time.monotonic() > stop_at:
            raise _Stop
        counts["cases"] += 1
        library(doc, as_of, "dict")
        body = encode(doc, how)
        if body is not None:
            library(body, as_of, "bytes")
            if counts["cases"] % every == 0:  # the API and batch see a sample; the library all
                post_http(body, batch=False)
                pending.append(body)
        if counts["cases"] % 10 == 0:
            library(raw, as_of, "raw")
            post_http(raw, batch=True)
        if len(pending) >= batch_size:
            flush_batch()

    try:
        one()
    except _Stop:
        pass
    except BaseExceptionGroup as group:  # hypothesis may group the _Stop it saw
        if not all(isinstance(e, _Stop) for e in group.exceptions):
            raise
    flush_batch()
    server.shutdown()
    return counts, statuses, failures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=2.0)
    ap.add_argument("--jobs", type=int, default=1, help="processes, each with its own random seed")
    ap.add_argument("--every", type=int, default=3, help="send every Nth case to the API and batch too")
    ap.add_argument("--socket-every", type=int, default=50, help="send every Nth body over a real socket")
    ap.add_argument("--batch-size", type=int, default=2000, help="lines per run_batch")
    args = ap.parse_args()
    if not 0 < args.minutes <= 600 or not 1 <= args.jobs <= 16:
        ap.error("--minutes must be 0-600 and --jobs 1-16")
    started = time.monotonic()
    counts: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        runs = [
            pool.submit(fuzz, args.minutes, args.every, args.socket_every, args.batch_size)
            for _ in range(args.jobs)
        ]
        for run in runs:
            c, s, f = run.result()
            counts.update(c)
            statuses.update(s)
            failures.extend(f)
    unexpected = sum(v for k, v in counts.items() if k.startswith("unexpected_"))
    report = {
        "seconds": round(time.monotonic() - started, 1),
        "jobs": args.jobs,
        "profiles": counts["cases"],
        "counts": dict(sorted(counts.items())),
        "http_statuses": {str(k): v for k, v in sorted(statuses.items())},
        "unexpected": unexpected,
    }
    print(json.dumps(report, indent=2))
    for f in failures:
        print(f, file=sys.stderr)
    return 1 if unexpected else 0


if __name__ == "__main__":
    raise SystemExit(main())
