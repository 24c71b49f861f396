"""One client connection as the server's loop sees it, and the answers the loop gives
without the app: 503 when busy."""

from __future__ import annotations

import io
import socket
from typing import Any

from zjtx_rules.web.httpconn import RequestReader
from zjtx_rules.web.inputs import DRAIN_LIMIT

# what a connection is doing
READING, PROCESSING, WRITING, LINGERING, CLOSED = range(5)

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
BUSY_RESPONSE = _BUSY % (len(_BUSY_BODY), _BUSY_BODY)


class Connection:
    """One client socket and what the loop knows about it. Only the loop thread touches it."""

    __slots__ = ("address", "deadline", "drain_left", "events", "out", "reader", "reserved", "sock", "state")

    def __init__(self, sock: socket.socket, address: Any, reader: RequestReader, deadline: float) -> None:
        self.sock = sock
        self.address = address
        self.reader = reader
        self.deadline = deadline
        self.state = READING
        self.events = 0  # the selector events registered for it (0: not registered)
        self.out = memoryview(b"")
        self.drain_left = DRAIN_LIMIT
        self.reserved = 0  # bytes of the body budget held for its body

    def requestline(self) -> str:
        request = self.reader.request
        if request is not None:
            return request.requestline
        return self.reader.head_start().decode("latin-1")


class LateBody(io.BytesIO):
    """``wsgi.input`` of a body that missed its deadline: reading past what arrived raises
    ``TimeoutError``, as a socket read would, so the app answers 408."""

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        if size is None or size < 0 or len(data) < size:
            raise TimeoutError("request body deadline passed")
        return data


def refuse(sock: socket.socket) -> None:
    """503 without reading anything (it fits in the socket buffer, so this never waits on the
    client), and close."""
    try:
        sock.setblocking(False)
        sock.send(BUSY_RESPONSE)
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    sock.close()
