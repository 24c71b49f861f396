"""The server's one loop: a ``selectors`` loop, in whichever thread calls ``serve_forever``,
that owns every socket: it accepts, reads each request into a buffer, hands complete ones to
the worker pool, sends their answers and enforces every deadline (see ``server``)."""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import selectors
import socket
import sys
import threading
import time
from typing import Any

from zjtx_rules.web.application import App
from zjtx_rules.web.connection import (
    BUSY_RESPONSE,
    CLOSED,
    LINGERING,
    PROCESSING,
    READING,
    WRITING,
    Connection,
    LateBody,
    refuse,
)
from zjtx_rules.web.escape import escape_control
from zjtx_rules.web.httpconn import HttpError, RequestReader, error_response, wsgi_environ
from zjtx_rules.web.inputs import DRAIN_LIMIT, DRAIN_SECONDS
from zjtx_rules.web.limits import Limits
from zjtx_rules.web.workers import WorkerPool

log = logging.getLogger("zjtx_rules.web.server")

_SWEEP_EVERY = 0.05  # deadlines are checked at most this often (and so kept to this precision)
_ACCEPT_PAUSE = 0.1  # out of file descriptors: stop accepting for this long
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Server:
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
        self._conns: set[Connection] = set()
        self._silent = 0  # connections that have sent nothing yet
        # bodies are buffered whole: at most as many bytes as the workers could hold at once
        self._body_budget = limits.max_connections * app.max_body
        self._reserved = 0
        self._pool = WorkerPool(app, limits.max_connections, self._wake, self._log)
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
                        if isinstance(key.data, Connection):
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
        self._pool.stop()
        self._selector.close()
        for sock in (self.socket, self._wake_r, self._wake_w):
            sock.close()

    def __enter__(self) -> Server:
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
            assert isinstance(data, Connection)
            if data.state == WRITING:
                self._send(data)
            elif data.state != CLOSED:
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
                refuse(sock)
                continue
            sock.setblocking(False)
            reader = RequestReader(limits.max_header_bytes, self.app.max_body)
            conn = Connection(sock, address, reader, 0.0)
            self._conns.add(conn)
            self._silent += 1
            self._deadline(conn, limits.header_timeout)
            self._watch(conn, selectors.EVENT_READ)

    def _receive(self, conn: Connection) -> None:
        try:
            data = conn.sock.recv(1 << 16)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._close(conn)
            return
        if conn.state == LINGERING:
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
                self._reply(conn, BUSY_RESPONSE, "503")
                return
            conn.reserved = length
            self._reserved += length
            self._deadline(conn, self.limits.body_timeout)
        if complete:
            self._dispatch(conn, late=False)

    def _dispatch(self, conn: Connection, late: bool) -> None:
        """Give a complete request (or one whose body ran out of time) to a worker, or answer
        503 if every worker is busy."""
        request = conn.reader.request
        assert request is not None
        if not self._pool.has_room():
            self._reply(conn, BUSY_RESPONSE, "503")
            return
        environ = wsgi_environ(request, conn.address, self._base_environ)
        body = (LateBody if late else io.BytesIO)(bytes(request.body))
        self._watch(conn, 0)
        conn.state = PROCESSING
        conn.deadline = float("inf")
        self._pool.submit(conn, environ, body)

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
        for conn, data in self._pool.answers():
            if conn.state == PROCESSING:
                self._start_sending(conn, data)

    def _reply(self, conn: Connection, data: bytes, status: int | str) -> None:
        """An answer the loop makes itself (an error, or 503)."""
        self._log(conn, str(status), len(data))
        self._start_sending(conn, data)

    def _start_sending(self, conn: Connection, data: bytes) -> None:
        self._release(conn)  # the body has been read (or will never be)
        conn.state = WRITING
        conn.out = memoryview(data)
        self._deadline(conn, self.limits.body_timeout)
        self._send(conn)

    def _send(self, conn: Connection) -> None:
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
        conn.state = LINGERING
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
            elif conn.state == READING and conn.reader.request is not None:
                self._dispatch(conn, late=True)  # the body missed its deadline: the app answers 408
                if conn.state != PROCESSING:
                    upcoming = min(upcoming, conn.deadline)
            else:  # headers late, or the answer not taken, or lingering done: close, unanswered
                self._close(conn)
        self._next_sweep = upcoming

    def _deadline(self, conn: Connection, seconds: float) -> None:
        conn.deadline = time.monotonic() + seconds
        self._next_sweep = min(self._next_sweep, conn.deadline)

    def _watch(self, conn: Connection, events: int) -> None:
        if events == conn.events:
            return
        if not conn.events:
            self._selector.register(conn.sock, events, conn)
        elif not events:
            self._selector.unregister(conn.sock)
        else:
            self._selector.modify(conn.sock, events, conn)
        conn.events = events

    def _release(self, conn: Connection) -> None:
        self._reserved -= conn.reserved
        conn.reserved = 0

    def _close(self, conn: Connection) -> None:
        if conn.state == CLOSED:
            return
        self._release(conn)
        if conn.state == READING and conn.reader.received == 0:
            self._silent -= 1
        if conn.events:
            with contextlib.suppress(KeyError, ValueError, RuntimeError):
                self._selector.unregister(conn.sock)
            conn.events = 0
        conn.state = CLOSED
        conn.sock.close()
        self._conns.discard(conn)

    def _log(self, conn: Connection, status: str, size: int) -> None:
        """The access log line, in wsgiref's (common log) format, control characters escaped."""
        if self.quiet:
            return
        t = time.localtime()
        when = f"{t.tm_mday:02d}/{_MONTHS[t.tm_mon - 1]}/{t.tm_year:04d} " + time.strftime("%H:%M:%S", t)
        line = escape_control(f'"{conn.requestline()}" {status} {size}')
        sys.stderr.write(f"{conn.address[0]} - - [{when}] {line}\n")
