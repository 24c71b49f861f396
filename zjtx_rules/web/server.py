"""A small HTTP server for the WSGI app that slow, silent or hostile clients cannot stall.

``wsgiref`` alone gives each connection a thread from the moment it connects, so a client
that sends half a request line and then nothing (or a byte a second) holds a thread, and a
hundred of them hold every thread: everyone else waits or is refused. Here one thread runs
a ``selectors`` loop that owns every socket. It buffers each connection's request line,
headers and body (``httpconn.RequestReader``) until the request is complete, and only then
hands it (the environ, and the body as an ``io.BytesIO``) to a pool of at most
``max_connections`` worker threads that run the app. An idle or dripping socket costs a
buffer, not a thread; only past ``max_open`` open connections (or ``max_idle`` that have
sent nothing yet) is a new one answered ``503`` and closed, and a complete request that
finds every worker busy is answered ``503`` at once too, never queued behind them.

Deadlines are totals, not per read, so dripping does not extend them: the request line and
headers within ``header_timeout`` of connecting (else the socket is closed, unanswered), the
body within ``body_timeout`` of the headers (else the app answers 408; a client that closes
early gets 400). The request line and headers are bounded by ``max_header_bytes`` (414,
431), the body by the app's ``max_body``: a larger Content-Length is not read, the app
answers 413 from the header alone. So memory is bounded as well as threads: a head buffer
per open connection, and bodies of at most ``max_connections`` x ``max_body`` bytes in all
(what the workers could hold at once, as before); a body that would pass it gets 503.
A worker writes the app's answer into memory and gives
it back to the loop, which sends it, so a client that does not read its answer holds no
worker either; each send must make progress within ``body_timeout``. The server answers
one request per connection (HTTP/1.0 style, as wsgiref did): after the answer it shuts its
side down and reads and drops whatever the client still sends, for at most 2 s, so the
client sees the answer instead of a reset. Expect: 100-continue is not answered (as with
wsgiref); clients send the body after their own short wait.

For production behind gunicorn, see the README ("Serving").
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import queue
import selectors
import socket
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any
from wsgiref.handlers import SimpleHandler

from zjtx_rules.web.app import DRAIN_LIMIT, DRAIN_SECONDS, App, escape_control
from zjtx_rules.web.httpconn import HttpError, RequestReader, error_response, wsgi_environ

log = logging.getLogger("zjtx_rules.web.server")


@dataclass(frozen=True)
class Limits:
    """How long a client may take, how big its request head may be, and how many are served
    at once (seconds, bytes, connections)."""

    header_timeout: float = 10.0  # request line and headers, in total, from connecting
    body_timeout: float = 30.0  # the whole body, in total; also each send of the answer
    max_connections: int = 64  # requests being processed at once (one worker thread each)
    max_idle: int = 1000  # open connections that have not sent anything yet
    max_open: int = 4096  # open connections, whatever they are doing (a buffer each)
    max_header_bytes: int = 64 << 10  # request line and headers together


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
_BUSY_RESPONSE = _BUSY % (len(_BUSY_BODY), _BUSY_BODY)

_SWEEP_EVERY = 0.05  # deadlines are checked at most this often (and so kept to this precision)
_ACCEPT_PAUSE = 0.1  # out of file descriptors: stop accepting for this long
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# what a connection is doing
_READING, _PROCESSING, _WRITING, _LINGERING, _CLOSED = range(5)


class _LateBody(io.BytesIO):
    """``wsgi.input`` of a body that missed its deadline: reading past what arrived raises
    ``TimeoutError``, as a socket read would, so the app answers 408."""

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        if size is None or size < 0 or len(data) < size:
            raise TimeoutError("request body deadline passed")
        return data


class _Handler(SimpleHandler):
    """Runs the app into memory; keeps the status and size for the access log."""

    server_software = "zjtx_rules"
    http_version = "1.0"
    logged = ("-", 0)

    def __init__(self, stdin: io.BytesIO, stdout: io.BytesIO, environ: dict[str, Any]) -> None:
        super().__init__(stdin, stdout, sys.stderr, environ, multithread=True, multiprocess=False)
        self.os_environ = {}  # wsgiref would copy the process environment into every request

    def close(self) -> None:
        status: str | None = getattr(self, "status", None)
        if status:
            self.logged = (status.split(" ", 1)[0], int(getattr(self, "bytes_sent", 0)))
        super().close()


class _Conn:
    """One client socket and what the loop knows about it. Only the loop thread touches it."""

    __slots__ = ("address", "deadline", "drain_left", "events", "out", "reader", "reserved", "sock", "state")

    def __init__(self, sock: socket.socket, address: Any, reader: RequestReader, deadline: float) -> None:
        self.sock = sock
        self.address = address
        self.reader = reader
        self.deadline = deadline
        self.state = _READING
        self.events = 0  # the selector events registered for it (0: not registered)
        self.out = memoryview(b"")
        self.drain_left = DRAIN_LIMIT
        self.reserved = 0  # bytes of the body budget held for its body

    def requestline(self) -> str:
        request = self.reader.request
        if request is not None:
            return request.requestline
        return self.reader.head_start().decode("latin-1")


class _Server:
    """The listening socket, the loop (in whichever thread calls ``serve_forever``) and the
    worker pool. Same surface as a ``socketserver`` server: ``server_port``,
    ``serve_forever()``, ``shutdown()`` from another thread, ``server_close()``."""

    def __init__(self, address: tuple[str, int], limits: Limits, quiet: bool, app: App) -> None:
        self.limits = limits
        self.quiet = quiet
        self.app = app
        host, port = address
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.create_server((host, port), family=family, backlog=1024)
        self.socket.setblocking(False)
        self.server_address = self.socket.getsockname()[:2]
        self.server_port: int = self.server_address[1]
        self._base_environ = {
            "SERVER_NAME": socket.getfqdn(host),
            "SERVER_PORT": str(self.server_port),
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SCRIPT_NAME": "",
        }
        self._selector = selectors.DefaultSelector()
        self._selector.register(self.socket, selectors.EVENT_READ, "accept")
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._selector.register(self._wake_r, selectors.EVENT_READ, "wake")
        self._conns: set[_Conn] = set()
        self._silent = 0  # connections that have sent nothing yet
        self._running = 0  # requests handed to the workers and not yet answered
        # bodies are buffered whole: at most as many bytes as the workers could hold at once
        self._body_budget = limits.max_connections * app.max_body
        self._reserved = 0
        self._jobs: queue.SimpleQueue[tuple[_Conn, dict[str, Any], io.BytesIO] | None] = queue.SimpleQueue()
        self._done: queue.SimpleQueue[tuple[_Conn, bytes]] = queue.SimpleQueue()
        self._workers: list[threading.Thread] = []
        self._next_sweep = float("inf")
        self._last_sweep = 0.0
        self._accept_resume = 0.0  # while accepting is paused: when to resume
        self._accept_warned = -1e9
        self._stop = False
        self._stopped = threading.Event()
        self._stopped.set()

    # -- the socketserver-like surface
    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._stop = False
        self._stopped.clear()
        try:
            while not self._stop:
                now = time.monotonic()
                if now >= self._next_sweep and now >= self._last_sweep + _SWEEP_EVERY:
                    self._sweep(now)
                wait = max(self._next_sweep, self._last_sweep + _SWEEP_EVERY) - now
                for key, _ in self._selector.select(min(max(wait, 0.0), poll_interval)):
                    try:
                        self._event(key.data)
                    except Exception:  # a bug must cost one connection, not the server
                        log.exception("error handling a connection")
                        if isinstance(key.data, _Conn):
                            self._close(key.data)
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop ``serve_forever`` (called from another thread) and wait until it has."""
        self._stop = True
        self._wake()
        self._stopped.wait()

    def server_close(self) -> None:
        for conn in list(self._conns):
            self._close(conn)
        for _ in self._workers:
            self._jobs.put(None)
        self._selector.close()
        for sock in (self.socket, self._wake_r, self._wake_w):
            sock.close()

    def __enter__(self) -> _Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.server_close()

    # -- the loop
    def _event(self, data: Any) -> None:
        if data == "accept":
            self._accept()
        elif data == "wake":
            self._answered()
        else:
            assert isinstance(data, _Conn)
            if data.state == _WRITING:
                self._send(data)
            elif data.state != _CLOSED:
                self._receive(data)

    def _accept(self) -> None:
        limits = self.limits
        for _ in range(64):  # a burst of connections, without starving the others
            try:
                sock, address = self.socket.accept()
            except BlockingIOError:
                return
            except OSError as exc:
                if exc.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    now = time.monotonic()
                    if now - self._accept_warned > 10:  # a warning, not ten a second
                        self._accept_warned = now
                        log.warning("cannot accept connections: %s (see --max-open)", exc.strerror)
                    self._selector.unregister(self.socket)
                    self._accept_resume = now + _ACCEPT_PAUSE
                    self._next_sweep = min(self._next_sweep, self._accept_resume)
                return
            if len(self._conns) >= limits.max_open or self._silent >= limits.max_idle:
                self._refuse(sock)
                continue
            sock.setblocking(False)
            reader = RequestReader(limits.max_header_bytes, self.app.max_body)
            conn = _Conn(sock, address, reader, 0.0)
            self._conns.add(conn)
            self._silent += 1
            self._deadline(conn, limits.header_timeout)
            self._watch(conn, selectors.EVENT_READ)

    @staticmethod
    def _refuse(sock: socket.socket) -> None:
        """503 without reading anything (it fits in the socket buffer, so this never waits
        on the client), and close."""
        try:
            sock.setblocking(False)
            sock.send(_BUSY_RESPONSE)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        sock.close()

    def _receive(self, conn: _Conn) -> None:
        try:
            data = conn.sock.recv(1 << 16)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._close(conn)
            return
        if conn.state == _LINGERING:
            conn.drain_left -= len(data)
            if not data or conn.drain_left <= 0:
                self._close(conn)
            return
        reader = conn.reader
        if not data:  # the client is done sending
            if reader.request is None:
                self._close(conn)
            else:
                self._dispatch(conn, late=False)  # a short body: the app answers 400
            return
        if reader.received == 0:
            self._silent -= 1
        had_head = reader.request is not None
        try:
            complete = reader.feed(data)
        except HttpError as err:
            self._reply(conn, error_response(err), err.status)
            return
        if not had_head and reader.request is not None:  # the head is in: now the body
            length = reader.request.body_length
            if self._reserved + length > self._body_budget:
                self._reply(conn, _BUSY_RESPONSE, "503")
                return
            conn.reserved = length
            self._reserved += length
            self._deadline(conn, self.limits.body_timeout)
        if complete:
            self._dispatch(conn, late=False)

    def _dispatch(self, conn: _Conn, late: bool) -> None:
        """Give a complete request (or one whose body ran out of time) to a worker, or answer
        503 if every worker is busy."""
        request = conn.reader.request
        assert request is not None
        if self._running >= self.limits.max_connections:
            self._reply(conn, _BUSY_RESPONSE, "503")
            return
        if self._running >= len(self._workers):  # every job has a thread: none waits in the queue
            worker = threading.Thread(target=self._work, name="zjtx-worker", daemon=True)
            try:
                worker.start()
            except RuntimeError:  # the system has no thread to spare
                log.warning("cannot start a worker thread; answering 503")
                self._reply(conn, _BUSY_RESPONSE, "503")
                return
            self._workers.append(worker)
        environ = wsgi_environ(request, conn.address, self._base_environ)
        body = (_LateBody if late else io.BytesIO)(bytes(request.body))
        self._watch(conn, 0)
        conn.state = _PROCESSING
        conn.deadline = float("inf")
        self._running += 1
        self._jobs.put((conn, environ, body))

    def _work(self) -> None:
        """A worker thread: run the app for each request, give the answer back to the loop."""
        while (job := self._jobs.get()) is not None:
            conn, environ, body = job
            out = io.BytesIO()
            try:
                handler = _Handler(body, out, environ)
                handler.run(self.app)
                self._log(conn, *handler.logged)
            except Exception:  # wsgiref's own error handling failed; the client gets nothing
                log.exception("error running the app")
            finally:  # always, or the loop would count this request as running for good
                self._done.put((conn, out.getvalue()))
                self._wake()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # full (so the loop is awake anyway) or closed
            self._wake_w.send(b"\0")

    def _answered(self) -> None:
        """Take the workers' answers and start sending them."""
        try:
            while self._wake_r.recv(4096):
                pass
        except OSError:
            pass
        while True:
            try:
                conn, data = self._done.get_nowait()
            except queue.Empty:
                return
            self._running -= 1
            if conn.state == _PROCESSING:
                self._start_sending(conn, data)

    def _reply(self, conn: _Conn, data: bytes, status: int | str) -> None:
        """An answer the loop makes itself (an error, or 503)."""
        self._log(conn, str(status), len(data))
        self._start_sending(conn, data)

    def _start_sending(self, conn: _Conn, data: bytes) -> None:
        self._release(conn)  # the body has been read (or will never be)
        conn.state = _WRITING
        conn.out = memoryview(data)
        self._deadline(conn, self.limits.body_timeout)
        self._send(conn)

    def _send(self, conn: _Conn) -> None:
        try:
            sent = conn.sock.send(conn.out)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            self._close(conn)
            return
        if sent:
            conn.out = conn.out[sent:]
            self._deadline(conn, self.limits.body_timeout)
        if conn.out:
            self._watch(conn, selectors.EVENT_WRITE)
            return
        try:  # all sent: say so, and drop what the client still sends for a while
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._close(conn)
            return
        conn.state = _LINGERING
        conn.drain_left = DRAIN_LIMIT
        self._deadline(conn, DRAIN_SECONDS)
        self._watch(conn, selectors.EVENT_READ)

    def _sweep(self, now: float) -> None:
        """Act on every deadline that has passed; note when the next one is due."""
        self._last_sweep = now
        if self._accept_resume and now >= self._accept_resume:
            self._accept_resume = 0.0
            self._selector.register(self.socket, selectors.EVENT_READ, "accept")
        upcoming = self._accept_resume or float("inf")
        for conn in list(self._conns):
            if conn.deadline > now:
                upcoming = min(upcoming, conn.deadline)
            elif conn.state == _READING and conn.reader.request is not None:
                self._dispatch(conn, late=True)  # the body missed its deadline: the app answers 408
                if conn.state != _PROCESSING:
                    upcoming = min(upcoming, conn.deadline)
            else:  # headers late, or the answer not taken, or lingering done: close, unanswered
                self._close(conn)
        self._next_sweep = upcoming

    def _deadline(self, conn: _Conn, seconds: float) -> None:
        conn.deadline = time.monotonic() + seconds
        self._next_sweep = min(self._next_sweep, conn.deadline)

    def _watch(self, conn: _Conn, events: int) -> None:
        if events == conn.events:
            return
        if not conn.events:
            self._selector.register(conn.sock, events, conn)
        elif not events:
            self._selector.unregister(conn.sock)
        else:
            self._selector.modify(conn.sock, events, conn)
        conn.events = events

    def _release(self, conn: _Conn) -> None:
        self._reserved -= conn.reserved
        conn.reserved = 0

    def _close(self, conn: _Conn) -> None:
        if conn.state == _CLOSED:
            return
        self._release(conn)
        if conn.state == _READING and conn.reader.received == 0:
            self._silent -= 1
        if conn.events:
            with contextlib.suppress(KeyError, ValueError, RuntimeError):
                self._selector.unregister(conn.sock)
            conn.events = 0
        conn.state = _CLOSED
        conn.sock.close()
        self._conns.discard(conn)

    def _log(self, conn: _Conn, status: str, size: int) -> None:
        """The access log line, in wsgiref's (common log) format, control characters escaped."""
        if self.quiet:
            return
        t = time.localtime()
        when = f"{t.tm_mday:02d}/{_MONTHS[t.tm_mon - 1]}/{t.tm_year:04d} " + time.strftime("%H:%M:%S", t)
        line = escape_control(f'"{conn.requestline()}" {status} {size}')
        sys.stderr.write(f"{conn.address[0]} - - [{when}] {line}\n")


def make_server(
    app: App, host: str = "127.0.0.1", port: int = 8000, *, limits: Limits | None = None, quiet: bool = False
) -> _Server:
    """A bound server for ``app`` (port 0 picks a free one: ``server.server_port``); call
    ``serve_forever()`` on it, ``shutdown()`` from another thread to stop."""
    return _Server((host, port), limits or Limits(), quiet, app)


def _raise_fd_limit(limits: Limits) -> None:
    """Let the process hold ``max_open`` connections: raise the soft limit on open files
    towards the hard one (many systems default to 1024)."""
    try:
        import resource
    except ImportError:  # not on POSIX
        return
    wanted = limits.max_open + limits.max_connections + 64
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return
    new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
    except (ValueError, OSError):
        new = soft
    if new < wanted:
        log.warning("open files are limited to %d; fewer than --max-open connections fit", new)


def serve(
    app: App,
    host: str = "127.0.0.1",
    port: int = 8000,
    quiet: bool = False,
    limits: Limits | None = None,
) -> None:
    """Run ``app`` until interrupted."""
    limits = limits or Limits()
    _raise_fd_limit(limits)
    with make_server(app, host, port, limits=limits, quiet=quiet) as httpd:
        print(f"zjtx: serving {app.rules.policy.id} on http://{host}:{httpd.server_port}/", flush=True)
        httpd.serve_forever()
