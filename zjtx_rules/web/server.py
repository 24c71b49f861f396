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

The parts: ``loop`` (the selector loop), ``workers`` (the pool that runs the app),
``connection`` (one client, and the 503 answer), ``limits``; this module binds and runs them.

For production behind gunicorn, see the README ("Serving").
"""

from __future__ import annotations

import logging

from zjtx_rules.web.application import App
from zjtx_rules.web.limits import Limits as Limits
from zjtx_rules.web.loop import Server

log = logging.getLogger("zjtx_rules.web.server")


def make_server(
    app: App, host: str = "127.0.0.1", port: int = 8000, *, limits: Limits | None = None, quiet: bool = False
) -> Server:
    """A bound server for ``app`` (port 0 picks a free one: ``server.server_port``); call
    ``serve_forever()`` on it, ``shutdown()`` from another thread to stop."""
    return Server((host, port), limits or Limits(), quiet, app)


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
        print(f"zjtx: serving {', '.join(app.served.ids)} on http://{host}:{httpd.server_port}/", flush=True)
        httpd.serve_forever()
