"""The server's limits: time, request head size and concurrency."""

from __future__ import annotations

from dataclasses import dataclass


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
