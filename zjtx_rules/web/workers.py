"""The worker threads that run the app: one per request being processed, never more than
``max_connections``, each writing the answer into memory for the loop to send."""

from __future__ import annotations

import io
import logging
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any
from wsgiref.handlers import SimpleHandler

from zjtx_rules.web.application import App
from zjtx_rules.web.connection import Connection

log = logging.getLogger("zjtx_rules.web.server")

Job = tuple[Connection, dict[str, Any], io.BytesIO]


class AppHandler(SimpleHandler):
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


class WorkerPool:
    """Threads started as requests need them, up to ``size`` at once. A job's answer goes
    back through a queue, and ``wake`` tells the loop there is one; ``log_request`` writes the
    access log line."""

    def __init__(
        self,
        app: App,
        size: int,
        wake: Callable[[], None],
        log_request: Callable[[Connection, str, int], None],
    ) -> None:
        self.app = app
        self.size = size
        self.running = 0  # requests handed to the workers and not yet answered
        self._wake = wake
        self._log_request = log_request
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._done: queue.SimpleQueue[tuple[Connection, bytes]] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []

    def has_room(self) -> bool:
        """Whether a request can start now: under ``size``, with a thread for it (started
        here when every thread is taken, so that no job waits in the queue)."""
        if self.running >= self.size:
            return False
        if self.running >= len(self._threads):
            worker = threading.Thread(target=self._work, name="zjtx-worker", daemon=True)
            try:
                worker.start()
            except RuntimeError:  # the system has no thread to spare
                log.warning("cannot start a worker thread; answering 503")
                return False
            self._threads.append(worker)
        return True

    def submit(self, conn: Connection, environ: dict[str, Any], body: io.BytesIO) -> None:
        self.running += 1
        self._jobs.put((conn, environ, body))

    def answers(self) -> Iterator[tuple[Connection, bytes]]:
        """The answers ready so far, each no longer counted as running."""
        while True:
            try:
                conn, data = self._done.get_nowait()
            except queue.Empty:
                return
            self.running -= 1
            yield conn, data

    def stop(self) -> None:
        for _ in self._threads:
            self._jobs.put(None)

    def _work(self) -> None:
        """A worker thread: run the app for each request, give the answer back to the loop."""
        while (job := self._jobs.get()) is not None:
            conn, environ, body = job
            out = io.BytesIO()
            try:
                handler = AppHandler(body, out, environ)
                handler.run(self.app)
                self._log_request(conn, *handler.logged)
            except Exception:  # wsgiref's own error handling failed; the client gets nothing
                log.exception("error running the app")
            finally:  # always, or the loop would count this request as running for good
                self._done.put((conn, out.getvalue()))
                self._wake()
