"""The bundled server against slow, silent and hostile clients (issue 8, items 5 and 6), and
the documented gunicorn ``gthread`` configuration against the same slow clients."""

from __future__ import annotations

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

from zjtx_rules.server import Limits, make_server
from zjtx_rules.web import App, create_app, escape_control

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


def test_requests_beyond_the_connection_cap_are_answered_503(app: App) -> None:
    server, p = _run(app, Limits(header_timeout=5.0, body_timeout=5.0, max_connections=2))
    slow = []
    try:
        for _ in range(2):  # each takes a slot: it has started a request and stalls
            s = socket.create_connection(("127.0.0.1", p))
            s.sendall(b"GET /healthz HTTP/1.1\r\n")
            slow.append(s)
        time.sleep(0.3)
        status, seconds = exchange(p, b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        assert b" 503 " in status and seconds < 1.0
    finally:
        for s in slow:
            s.close()
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]
    # the slots come back once the slow clients are gone
    server, p = _run(app, Limits(max_connections=2))
    try:
        assert exchange(p, b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")[0].endswith(b"200 OK")
    finally:
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]


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
    """The README's production command: two (here eight) clients that never finish their
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
            "zjtx_rules.web:app",
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
