"""Load check for the web API: N concurrent clients on loopback post the example profiles
for T seconds, then it prints requests/s, p50/p99 latency and the count of non-200 answers.

    python scripts/loadcheck.py --clients 8 --seconds 10            # starts its own server
    python scripts/loadcheck.py --url http://127.0.0.1:8000 ...      # or checks a running one

Only loopback addresses are accepted; every loop is bounded by the time given.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--url", help="a running server on loopback (default: start one here)")
    ap.add_argument("--as-of", default="2025-06-30")
    args = ap.parse_args()
    if not 1 <= args.clients <= 256 or not 0 < args.seconds <= 600:
        ap.error("clients must be 1-256 and seconds 0-600")

    server = None
    if args.url:
        target = urlparse(args.url)
        host, port = target.hostname or "", target.port or 80
        if host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("127."):
            ap.error("the load check only targets loopback addresses")
    else:
        sys.path.insert(0, str(ROOT))
        from socketserver import ThreadingMixIn
        from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

        from zjtx_rules.web.application import create_app

        class Server(ThreadingMixIn, WSGIServer):
            daemon_threads = True
            request_queue_size = 256

        class Quiet(WSGIRequestHandler):
            def log_message(self, *a: object) -> None:
                pass

        server = make_server("127.0.0.1", 0, create_app(), server_class=Server, handler_class=Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        host, port = "127.0.0.1", server.server_port

    bodies = [p.read_bytes() for p in sorted((ROOT / "examples" / "profiles").glob("*.json"))]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds

    def client(index: int) -> None:
        mine: list[float] = []
        codes: dict[int, int] = {}
        i = index
        while time.monotonic() < stop:
            body = bodies[i % len(bodies)]
            i += 1
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, port, timeout=30)
                conn.request(
                    "POST",
                    f"/v1/evaluate?as_of={args.as_of}",
                    body=body,
                    headers={"Content-Type": "application/json"},
                )
                res = conn.getresponse()
                res.read()
                code = res.status
                conn.close()
            except OSError:
                code = 0
            mine.append(time.perf_counter() - start)
            codes[code] = codes.get(code, 0) + 1
        with lock:
            latencies.extend(mine)
            for k, v in codes.items():
                statuses[k] = statuses.get(k, 0) + v

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    if server is not None:
        server.shutdown()
        server.server_close()
    total = len(latencies)
    qs = statistics.quantiles(latencies, n=100) if total > 1 else [0.0] * 99
    non200 = total - statuses.get(200, 0)
    print(f"{args.clients} clients, {elapsed:.1f}s, {total} requests: {total / elapsed:.1f} requests/s")
    print(f"latency p50 {qs[49] * 1000:.1f} ms, p99 {qs[98] * 1000:.1f} ms")
    print(f"non-200 answers: {non200} {dict(sorted(statuses.items())) if non200 else ''}".rstrip())
    return 1 if non200 else 0


if __name__ == "__main__":
    raise SystemExit(main())
