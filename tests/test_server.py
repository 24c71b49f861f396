"""The bundled server against slow, silent and hostile clients (issue 8, items 5 and 6), and
the documented gunicorn ``gthread`` configuration against the same slow clients."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zjtx_rules.web.application import App, create_app, escape_control
from zjtx_rules.web.server import Limits, make_server

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def app() -> App:
    return create_app()


def _run(app: App, limits: Limits, quiet: bool = True) -> tuple[object, int]:
    server = make_server(app, port=0, limits=limits, quiet=quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_port


@pytest.fixture
def port(app: App) -> Iterator[int]:
    server, p = _run(app, Limits(header_timeout=1.0, body_timeout=1.0, max_connections=16))
    yield p
    server.shutdown()  # type: ignore[attr-defined]
    server.server_close()  # type: ignore[attr-defined]


def exchange(port: int, raw: bytes, timeout: float = 10.0) -> tuple[bytes, float]:
    """Send ``raw``, read until the server closes; the status line and the seconds taken."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        started = time.monotonic()
        s.sendall(raw)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data.split(b"\r\n", 1)[0], time.monotonic() - started


def post(length: int, body: bytes, path: str = "/v1/evaluate") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode() + body


def test_healthz_answers_within_a_second_while_200_idle_sockets_are_open(port: int) -> None:
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(200)]
    try:
        time.sleep(0.2)
        status, seconds = exchange(port, b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    finally:
        for s in idle:
            s.close()
    assert status.endswith(b"200 OK")
    assert seconds < 1.0


def test_a_body_shorter_than_its_content_length_is_answered_408_at_the_deadline(port: int) -> None:
    status, seconds = exchange(port, post(100, b'{"id":'))
    assert b" 408 " in status
    assert seconds < 3.0


def test_a_body_cut_short_by_the_client_closing_is_answered_400(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(post(100, b'{"id":'))
        s.shutdown(socket.SHUT_WR)
        assert b" 400 " in s.recv(100).split(b"\r\n")[0]


def test_content_length_over_the_limit_with_no_body_is_answered_413_without_hanging(port: int) -> None:
    status, seconds = exchange(port, post(50_000_000, b""))
    assert b" 413 " in status
    assert seconds < 3.0


def test_a_silent_connection_is_closed_at_the_header_deadline(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        started = time.monotonic()
        assert s.recv(100) == b""
        assert time.monotonic() - started < 2.5


def test_a_client_dripping_its_headers_is_cut_off_at_the_header_deadline(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        started = time.monotonic()
        closed = False
        for byte in b"GET /healthz HTTP/1.1\r\nX-Slow: " + b"a" * 100:
            try:
                s.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            time.sleep(0.1)
            if time.monotonic() - started > 4:
                break
        if not closed:
            s.settimeout(3)
            try:
                closed = s.recv(100) == b""
            except OSError:
                closed = True
        assert closed
        assert time.monotonic() - started < 4


def _healthz(port: int) -> bytes:
    return exchange(port, b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")[0]


def test_stalled_requests_hold_no_worker(app: App) -> None:
    """A client that has sent part of its request waits in the loop's buffer: with two
    workers, ten such clients do not keep anyone else from being answered."""
    server, p = _run(app, Limits(header_timeout=5.0, body_timeout=5.0, max_connections=2))
    slow = []
    try:
        for i in range(10):
            s = socket.create_connection(("127.0.0.1", p))
            s.sendall(b"GET /healthz HTTP/1.1\r\n" if i % 2 else post(1000, b'{"id":'))
            slow.append(s)
        time.sleep(0.3)
        for _ in range(5):
            status, seconds = exchange(p, b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            assert status.endswith(b"200 OK") and seconds < 1.0
    finally:
        for s in slow:
            s.close()
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]


def test_bodies_past_the_body_budget_are_answered_503(app: App) -> None:
    """Bodies are buffered whole, in at most max_connections x max_body bytes: a client that
    announces a large body and stalls holds that budget (until its deadline), not memory
    without bound; the next body past it gets 503, a request without one is still served."""
    small = create_app(max_body=1000)
    server, p = _run(small, Limits(body_timeout=5.0, max_connections=1))
    stalled = socket.create_connection(("127.0.0.1", p))
    try:
        stalled.sendall(post(1000, b'{"id":'))
        time.sleep(0.3)
        assert b" 503 " in exchange(p, post(10, b'{"id":"x"}'))[0]
        assert _healthz(p).endswith(b"200 OK")
        stalled.close()
        time.sleep(0.3)
        assert exchange(p, post(10, b'{"id":"x"}'))[0].endswith(b"200 OK")
    finally:
        stalled.close()
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]


class _Gated:
    """The app, held at a gate: requests stay "being processed" until the test opens it."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.max_body = app.max_body
        self.gate = threading.Event()
        self.inside = threading.Semaphore(0)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.inside.release()
        self.gate.wait(10)
        return self.app(environ, start_response)


def test_requests_beyond_the_worker_cap_are_answered_503_at_once(app: App) -> None:
    gated = _Gated(app)
    server, p = _run(gated, Limits(max_connections=2))  # type: ignore[arg-type]
    answers: list[bytes] = []
    held = [threading.Thread(target=lambda: answers.append(_healthz(p))) for _ in range(2)]
    try:
        for t in held:
            t.start()
        for _ in held:
            assert gated.inside.acquire(timeout=5)
        status, seconds = exchange(p, b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        assert b" 503 " in status and seconds < 1.0
        gated.gate.set()
        for t in held:
            t.join(10)
        assert answers == [b"HTTP/1.0 200 OK"] * 2
        assert _healthz(p).endswith(b"200 OK")  # the workers are free again
    finally:
        gated.gate.set()
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]


def test_connections_beyond_max_open_or_max_idle_are_answered_503(app: App) -> None:
    server, p = _run(app, Limits(header_timeout=5.0, max_open=6, max_idle=3))
    held: list[socket.socket] = []
    try:
        for _ in range(3):  # silent
            held.append(socket.create_connection(("127.0.0.1", p)))
        time.sleep(0.2)
        assert b" 503 " in _healthz(p)  # a fourth silent one is refused before it can talk
        for _ in range(3):  # talking, so not idle: they fill max_open
            s = socket.create_connection(("127.0.0.1", p))
            s.sendall(b"GET /hea")
            held.append(s)
            time.sleep(0.1)
        time.sleep(0.2)
        assert b" 503 " in _healthz(p)
        held.pop().close()
        held.pop(0).close()
        time.sleep(0.2)
        assert _healthz(p).endswith(b"200 OK")
    finally:
        for s in held:
            s.close()
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]


# --- many slow clients at once (the figures in docs/integrators.md, "Serving") -----------


@contextlib.contextmanager
def dripping(port: int, count: int, every: float = 0.5) -> Iterator[list[socket.socket]]:
    """``count`` sockets that each send a partial request line, then one more byte every
    ``every`` seconds (spread over the interval), never finishing it."""
    socks: list[socket.socket] = []
    stop = threading.Event()

    def drip() -> None:
        groups = [socks[i::10] for i in range(10)]
        while True:
            for group in groups:
                if stop.wait(every / len(groups)):
                    return
                for s in group:
                    with contextlib.suppress(OSError):
                        s.send(b"a")

    dripper = threading.Thread(target=drip, daemon=True)
    try:
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"GET /hea")
            socks.append(s)
        dripper.start()
        yield socks
    finally:
        stop.set()
        if dripper.is_alive():
            dripper.join()
        for s in socks:
            s.close()


def healthz_seconds(port: int) -> float:
    """Seconds for one ``GET /healthz`` (AssertionError unless it is a 200)."""
    status, seconds = exchange(port, b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    assert status.endswith(b"200 OK"), status
    return seconds


def evaluate_rate(port: int, clients: int = 20, seconds: float = 2.0) -> float:
    """``POST /v1/evaluate`` answers per second, ``clients`` at a time, each a new connection
    with one of the example profiles (AssertionError if any answer is not a 200)."""
    bodies = [p.read_bytes() for p in sorted((ROOT / "examples" / "profiles").glob("*.json"))]
    done: list[int] = []
    bad: list[int] = []
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        ok = 0
        while time.monotonic() < stop:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(
                "POST",
                "/v1/evaluate?as_of=2025-06-30",
                bodies[i % len(bodies)],
                {"Content-Type": "application/json"},
            )
            res = conn.getresponse()
            res.read()
            conn.close()
            if res.status == 200:
                ok += 1
            else:
                bad.append(res.status)
            i += 1
        done.append(ok)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not bad, bad[:10]
    return sum(done) / (time.monotonic() - started)


def open_files_for(count: int) -> None:
    """Raise this process's soft limit on open files to ``count``, or skip the test."""
    resource = pytest.importorskip("resource")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < count:
        if hard != resource.RLIM_INFINITY and hard < count:
            pytest.skip(f"needs {count} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (count, hard))


def crowding(
    port: int, drippers: int, rounds: int = 2, seconds: float = 1.5, clients: int = 20
) -> tuple[list[float], list[float], list[float]]:
    """``evaluate_rate`` alone and with ``drippers`` dripping sockets, alternating for
    ``rounds`` (so that a change in the machine's other load falls on both), and the
    ``/healthz`` times while they drip: (alone, crowded, healthz)."""
    alone: list[float] = []
    crowded: list[float] = []
    waits: list[float] = []
    evaluate_rate(port, clients, 0.5)  # a fresh server's first answers are slower: not counted
    for _ in range(rounds):
        alone.append(evaluate_rate(port, clients, seconds))
        with dripping(port, drippers):
            time.sleep(0.7)  # a drip or so in: every socket has sent bytes and waits in the loop
            waits += [healthz_seconds(port) for _ in range(3)]
            crowded.append(evaluate_rate(port, clients, seconds))
            waits.append(healthz_seconds(port))
    return alone, crowded, waits


def test_500_dripping_sockets_neither_delay_healthz_nor_slow_evaluate(app: App) -> None:
    """The acceptance figures: with 500 sockets dripping their request line, ``/healthz``
    answers in under a second and ``/v1/evaluate`` keeps its throughput. docs/integrators.md gives
    the figures of ``scripts/bench_server.py``. Other work on a shared machine moves a
    1.5 s window's rate by tens of percent either way, so the windows alternate, the bound
    is 0.8 and a miss is measured again (twice at most): a real slowdown misses every time."""
    open_files_for(2048)  # both ends of 500 sockets, the clients, and room
    server, p = _run(app, Limits(header_timeout=60.0))
    tries: list[tuple[list[float], list[float]]] = []
    try:
        for _ in range(3):
            alone, crowded, waits = crowding(p, 500)
            assert max(waits) < 1.0, waits
            tries.append((alone, crowded))
            if sum(crowded) >= 0.8 * sum(alone):
                break
    finally:
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]
    assert sum(tries[-1][1]) >= 0.8 * sum(tries[-1][0]), tries


HOSTILE: list[Any] = [
    b"GET /static/x%0a2026-01-01%20forged%20line%00.html HTTP/1.1\r\nHost: t\r\n\r\n",
    b"GET /static/%00 HTTP/1.1\r\nHost: t\r\n\r\n",
    b"GET /static/..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: t\r\n\r\n",
    b"GET /static/%ff%fe.html HTTP/1.1\r\nHost: t\r\n\r\n",
    b"GET /static/a.html%00.js HTTP/1.1\r\nHost: t\r\n\r\n",
    b"GET /\x1b[31mred HTTP/1.1\r\nHost: t\r\n\r\n",
    b"GET /healthz?" + b"a=1&" * 50 + b" HTTP/1.1\r\nHost: t\r\n\r\n",
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b"POST /v1/evaluate HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n",
    b"POST /v1/evaluate HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: x\r\n\r\n",
    post(4, b"\xff\xfe\x00\x00"),
    post(9, b"[[[[[[[[["),
    post(3, b"nul"),
    post(2, b"[]", "/v1/evaluate/batch?as_of=2025-02-30"),
    post(53, b'{"id":"x","employees":1' + b"0" * 29 + b"}"),
    *(
        post(len(b), b)
        for b in [
            b'{"id":"x","revenue_cny":"0.000000000001","rd_expense_cny":"999999999999999"}',
            b'[{"id":"x","revenue_cny":"1e-12","rd_expense_cny":"999999999999999"}]',
        ]
    ),
]


@pytest.mark.parametrize("raw", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_requests_never_get_a_500(port: int, raw: bytes) -> None:
    status, _ = exchange(port, raw)
    assert status  # answered (an HTTP/0.9-style request gets a bare error page)
    assert b" 500 " not in status and b"Error code: 500" not in status


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /healthz HTTP/1.1\nHost: t\n\n", b"200"),  # bare LF line ends
        (b"\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", b"200"),  # a blank line first
        (b"GET /healthz HTTP/1.1\r\nX-A: 1\r\n  2\r\n\r\n", b"200"),  # a folded header
        (b"GET http://t/healthz HTTP/1.1\r\n\r\n", b"200"),  # absolute form
        (post(10, b'{"id":"x"}GET /x HTTP/1.1\r\n\r\n'), b"200"),  # pipelined bytes: ignored
        (b"GET /healthz\r\n\r\n", b"400"),  # HTTP/0.9 is not served
        (b"GET /healthz HTTP/1.1\r\nHost : t\r\n\r\n", b"400"),  # space before the colon
        (b"GET /healthz HTTP/1.1\r\nno colon\r\n\r\n", b"400"),
        (post(10, b'{"id":"x"}').replace(b"\r\n\r\n", b"\r\nContent-Length: 11\r\n\r\n"), b"400"),
        (b"GET / HTTP/2.0\r\n\r\n", b"505"),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", b"414"),
        (b"GET / HTTP/1.1\r\nX-A: " + b"a" * 70_000 + b"\r\n\r\n", b"431"),
        (b"GET / HTTP/1.1\r\n" + b"X-A: 1\r\n" * 101 + b"\r\n", b"431"),
        (
            b"POST /v1/evaluate HTTP/1.1\r\nContent-Type: application/json\r\n"
            b'Transfer-Encoding: chunked\r\n\r\na\r\n{"id":"x"}\r\n0\r\n\r\n',
            b"411",
        ),
    ],
    ids=range(14),
)
def test_the_server_reads_requests_strictly_where_parsers_could_disagree(
    port: int, raw: bytes, status: bytes
) -> None:
    got, seconds = exchange(port, raw)
    assert got.split(b" ")[1] == status, got
    assert seconds < 1.0


def test_a_request_sent_a_byte_at_a_time_within_the_deadline_is_answered(port: int) -> None:
    raw = post(10, b'{"id":"x"}')
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        for byte in raw:
            s.sendall(bytes([byte]))
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.0 200 OK") and b'"profile_id": "x"' in data


class _Big:
    """The app, except that ``/big`` answers 32 MiB: more than any socket buffer holds."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.max_body = app.max_body

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ["PATH_INFO"] != "/big":
            return self.app(environ, start_response)
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(32 << 20))])
        return [b"x" * (32 << 20)]


def test_an_answer_the_client_does_not_read_holds_no_worker(app: App) -> None:
    server, p = _run(_Big(app), Limits(max_connections=1, body_timeout=5.0))  # type: ignore[arg-type]
    big = socket.create_connection(("127.0.0.1", p))
    try:
        big.sendall(b"GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
        time.sleep(0.5)
        assert big.recv(100).startswith(b"HTTP/1.0 200 OK")  # it has begun, and stalls
        for _ in range(3):
            assert _healthz(p).endswith(b"200 OK")
    finally:
        big.close()
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]


def test_a_percent_encoded_newline_and_nul_in_a_static_name_is_404_not_500(app: App) -> None:
    seen: list[str] = []
    environ = {"PATH_INFO": "/static/x\n2026 forged\x00.html", "REQUEST_METHOD": "GET"}
    body = b"".join(app(environ, lambda status, headers: seen.append(status)))
    assert seen == ["404 Not Found"]
    assert b"\\x0a" in body and b"\\n" not in body.replace(b"\\x0a", b"")


def test_control_characters_are_escaped_in_the_access_log(
    app: App, capfd: pytest.CaptureFixture[str]
) -> None:
    server, p = _run(app, Limits(header_timeout=1.0), quiet=False)
    try:
        exchange(p, b"GET /\x1b[31m\x7fred HTTP/1.1\r\nHost: t\r\n\r\n")
        time.sleep(0.1)
    finally:
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]
    err = capfd.readouterr().err
    assert "\\x1b[31m\\x7fred" in err and "\x1b" not in err and "\x7f" not in err


def test_escape_control_leaves_printable_text_alone() -> None:
    assert escape_control("企业 a\tb\nc\u2028") == "企业 a\\x09b\\x0ac\\x2028"


# --- behind gunicorn -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(
    shutil.which("gunicorn") is None and not Path(sys.prefix, "bin", "gunicorn").exists(),
    reason="gunicorn is not installed (it is in the test extra)",
)
def test_gunicorn_gthread_keeps_answering_while_slow_clients_hold_connections() -> None:
    """The production command of docs/integrators.md: two (here eight) clients that never finish their
    request do not stall anyone else, as they stall gunicorn's default sync worker for 30 s."""
    p = _free_port()
    gunicorn = shutil.which("gunicorn") or str(Path(sys.prefix, "bin", "gunicorn"))
    proc = subprocess.Popen(
        [
            gunicorn,
            "--worker-class",
            "gthread",
            "--workers",
            "1",
            "--threads",
            "16",
            "--timeout",
            "30",
            "--keep-alive",
            "5",
            "--bind",
            f"127.0.0.1:{p}",
            "zjtx_rules.web.application:app",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    slow: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                exchange(p, b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        for i in range(8):
            s = socket.create_connection(("127.0.0.1", p))
            s.sendall(b"GET /healthz HTTP/1.1\r\n" if i % 2 else post(1000, b'{"id":'))
            slow.append(s)
        time.sleep(0.5)
        for _ in range(3):
            status, seconds = exchange(p, b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            assert status.endswith(b"200 OK") and seconds < 1.0
    finally:
        for s in slow:
            s.close()
        proc.terminate()
        proc.wait(10)
