"""A small threaded HTTP server for the WSGI app that a slow or hostile client cannot stall.

``wsgiref`` alone waits forever: a client that opens a socket and sends nothing, or sends
fewer body bytes than its Content-Length, holds a thread until the process dies, and a
thousand of them hold a thousand threads. Here every connection has deadlines (one for the
request line and headers, one for the body, both total rather than per read, so a client
dripping a byte at a time is cut off too), and writes time out. A connection that has sent
nothing yet waits in one selector, not in a thread of its own; at most ``max_connections``
requests are read and answered at once, and the next one is answered ``503`` at once and
closed.
For production behind gunicorn, see the README ("Serving").
"""

from __future__ import annotations

import contextlib
import logging
import selectors
import socket
import sys
import threading
import time
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import IO, Any, cast
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from .web import App, escape_control

log = logging.getLogger("zjtx_rules.server")


@dataclass(frozen=True)
class Limits:
    """How long a client may take and how many are served at once (seconds, connections)."""

    header_timeout: float = 10.0  # request line and headers, in total
    body_timeout: float = 30.0  # the whole body, in total; also each write of the answer
    max_connections: int = 64  # requests being read or answered at once (one thread each)
    max_idle: int = 1000  # connected sockets that have not sent anything yet


_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"Content-Type: application/problem+json\r\n"
    b"Retry-After: 1\r\n"
    b"Connection: close\r\n"
    b"Content-Length: %d\r\n\r\n%s"
)
_BUSY_BODY = (
    '{"type":"https://zjtx-rules.invalid/problems/service-unavailable","title":"Service Unavailable",'
    '"status":503,"detail":"服务器繁忙，请稍后再试","detail_zh":"服务器繁忙，请稍后再试",'
    '"detail_en":"the server is busy; try again shortly"}'
).encode()


class _Reaper:
    """One thread that shuts down each connection whose deadline has passed. Shutting the
    socket down wakes the thread blocked reading it, which then ends its request."""

    def __init__(self) -> None:
        self._deadlines: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="zjtx-reaper", daemon=True)
        self._thread.start()

    def set(self, sock: socket.socket, seconds: float) -> None:
        with self._lock:
            self._deadlines[sock] = time.monotonic() + seconds

    def clear(self, sock: socket.socket) -> None:
        with self._lock:
            self._deadlines.pop(sock, None)

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            now = time.monotonic()
            with self._lock:
                expired = [s for s, t in self._deadlines.items() if t <= now]
                for s in expired:
                    del self._deadlines[s]
            for s in expired:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


class _Body:
    """``wsgi.input`` that gives at most Content-Length bytes and stops waiting at the body
    deadline (``TimeoutError``), the way a socket read times out."""

    def __init__(self, raw: Any, sock: socket.socket, length: int, seconds: float, reaper: _Reaper) -> None:
        self._raw = raw
        self._sock = sock
        self._left = max(length, 0)
        self._deadline = time.monotonic() + seconds
        self._reaper = reaper

    def read(self, size: int = -1) -> bytes:
        want = self._left if size is None or size < 0 else min(size, self._left)
        parts: list[bytes] = []
        while want > 0:
            remaining = self._deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("request body deadline passed")
            self._sock.settimeout(remaining)
            chunk = self._raw.read1(min(want, 1 << 16))
            if not chunk:
                self._left = 0
                break
            parts.append(chunk)
            want -= len(chunk)
            self._left -= len(chunk)
        if self._left == 0:
            self._reaper.clear(self._sock)
        return b"".join(parts)

    def shorten(self, seconds: float) -> None:
        """Wait at most ``seconds`` more for the body (used when draining a refused one)."""
        self._deadline = min(self._deadline, time.monotonic() + seconds)

    def readline(self, size: int = -1) -> bytes:  # WSGI requires it; the app never uses it
        out = bytearray()
        while (size < 0 or len(out) < size) and not out.endswith(b"\n"):
            byte = self.read(1)
            if not byte:
                break
            out += byte
        return bytes(out)

    def readlines(self, hint: int = -1) -> list[bytes]:
        return list(iter(self.readline, b""))

    def __iter__(self) -> Any:
        return iter(self.readline, b"")


class _Handler(WSGIRequestHandler):
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.limits.header_timeout)  # each read of the headers
        self.server.reaper.set(self.connection, self.server.limits.header_timeout)

    def handle(self) -> None:
        """One request per connection (HTTP/1.0 style, as wsgiref): the headers under their
        deadline, then the body under its own."""
        limits, reaper = self.server.limits, self.server.reaper
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if len(self.raw_requestline) > 65536:
                self.requestline = self.request_version = self.command = ""
                self.send_error(414)
                return
            if not self.parse_request():
                return
            reaper.set(self.connection, limits.body_timeout)
            self.connection.settimeout(limits.body_timeout)
            environ = self.get_environ()
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = 0
            body = _Body(self.rfile, self.connection, length, limits.body_timeout, reaper)
            handler = ServerHandler(
                cast(IO[bytes], body), cast(IO[bytes], self.wfile), self.get_stderr(), environ
            )
            handler.request_handler = self  # type: ignore[attr-defined]
            app = self.server.get_app()
            assert app is not None
            handler.run(app)
        except (TimeoutError, ConnectionError, OSError):
            self.close_connection = True
        finally:
            reaper.clear(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            sys.stderr.write(
                f"{self.address_string()} - - [{self.log_date_time_string()}] "
                f"{escape_control(format % args)}\n"
            )


class _Waiting:
    """Accepted connections that have not sent a byte yet: watched by one selector thread, not
    a thread each, so idle sockets cost a file descriptor only. A socket that starts talking
    is handed to ``ready``; one still silent at its deadline is closed."""

    def __init__(self, limits: Limits, ready: Any, drop: Any) -> None:
        self._limits = limits
        self._ready = ready
        self._drop = drop
        self._selector = selectors.DefaultSelector()
        self._deadline: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="zjtx-waiting", daemon=True)
        self._thread.start()

    def __len__(self) -> int:
        return len(self._deadline)

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._deadline[sock] = time.monotonic() + self._limits.header_timeout
            self._selector.register(sock, selectors.EVENT_READ)

    def stop(self) -> None:
        self._stop.set()

    def _take(self, sock: socket.socket) -> None:
        with self._lock:
            self._deadline.pop(sock, None)
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(sock)

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                empty = not self._deadline
            if empty:
                time.sleep(0.02)
                continue
            for key, _ in self._selector.select(0.05):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                self._take(sock)
                self._ready(sock)
            now = time.monotonic()
            with self._lock:
                expired = [s for s, t in self._deadline.items() if t <= now]
            for sock in expired:
                self._take(sock)
                self._drop(sock)


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], limits: Limits, quiet: bool) -> None:
        self.limits = limits
        self.quiet = quiet
        self.reaper = _Reaper()
        self.waiting = _Waiting(limits, self._start, self.shutdown_request)
        self._slots = threading.BoundedSemaphore(limits.max_connections)
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Park the new connection until it sends something (or refuse it if too many are
        already parked)."""
        if len(self.waiting) >= self.limits.max_idle:
            self._busy(request)
            return
        self.waiting.add(request)

    def _start(self, request: socket.socket) -> None:
        if not self._slots.acquire(blocking=False):
            self._busy(request)
            return
        try:
            address = request.getpeername()
        except OSError:
            address = ("", 0)
        try:
            threading.Thread(target=self.process_request_thread, args=(request, address), daemon=True).start()
        except BaseException:
            self._slots.release()
            self.shutdown_request(request)
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _busy(self, request: socket.socket) -> None:
        """Answer 503 without reading the request (the answer fits in the socket buffer, so
        this never waits on the client) and close."""
        try:
            request.settimeout(0.1)
            request.sendall(_BUSY % (len(_BUSY_BODY), _BUSY_BODY))
        except OSError:
            pass
        self.shutdown_request(request)

    def server_close(self) -> None:
        self.reaper.stop()
        self.waiting.stop()
        super().server_close()


def make_server(
    app: App, host: str = "127.0.0.1", port: int = 8000, *, limits: Limits | None = None, quiet: bool = False
) -> _Server:
    """A bound server for ``app`` (port 0 picks a free one: ``server.server_port``); call
    ``serve_forever()`` on it, ``shutdown()`` from another thread to stop."""
    httpd = _Server((host, port), limits or Limits(), quiet)
    httpd.set_app(app)
    return httpd


def serve(
    app: App,
    host: str = "127.0.0.1",
    port: int = 8000,
    quiet: bool = False,
    limits: Limits | None = None,
) -> None:
    """Run ``app`` until interrupted."""
    with make_server(app, host, port, limits=limits, quiet=quiet) as httpd:
        print(f"zjtx: serving {app.rules.policy.id} on http://{host}:{httpd.server_port}/", flush=True)
        httpd.serve_forever()
