"""Reading one HTTP/1.x request from bytes as they arrive, for ``zjtx_rules.server``.

The server's event loop feeds each connection's bytes to a ``RequestReader`` and hands the
request to a worker thread only once it is complete, so a client that drips its request
costs this buffer and nothing else. The buffer is bounded: the request line and headers
together by ``max_header_bytes`` (414 or 431 past it), the body by the app's ``max_body``
(a larger ``Content-Length`` is not read at all; the app answers 413 from the header).

It parses strictly where leniency lets two parsers disagree about where a request ends
(request smuggling): a header name with spaces or no colon, two different Content-Lengths
and any Transfer-Encoding (not supported: 411, send a Content-Length) are refused. Bare LF
line ends and obsolete folded header lines are accepted, as RFC 9112 allows.

From a complete request it also makes the WSGI environ (``wsgi_environ``), and the answer
to one refused before the app runs (``error_response``, problem+json like the app's).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote
from wsgiref.handlers import format_date_time

from zjtx_rules.web.problems import Problem

MAX_HEADERS = 100  # as http.client

_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSION = re.compile(rb"HTTP/(\d)\.(\d)")


class HttpError(Exception):
    """A request the server answers itself, without running the app."""

    def __init__(self, status: int, title: str, detail_zh: str, detail_en: str) -> None:
        super().__init__(detail_en)
        self.status = status
        self.title = title
        self.detail_zh = detail_zh
        self.detail_en = detail_en


def _bad(zh: str, en: str) -> HttpError:
    return HttpError(400, "Bad Request", zh, en)


@dataclass
class Request:
    """A parsed request head, then its body as it arrives. Names and values are latin-1
    strings (the WSGI "native string" convention), names as sent."""

    method: str
    target: str
    version: str
    headers: list[tuple[str, str]]
    requestline: str
    content_length: str | None = None  # as sent (the app judges a malformed one)
    body_length: int = 0  # the bytes the server reads: 0 when absent, malformed or over max_body
    body: bytearray = field(default_factory=bytearray)

    @property
    def body_complete(self) -> bool:
        return len(self.body) >= self.body_length


def _request_line(line: bytes) -> tuple[str, str, str]:
    words = line.split()
    if len(words) != 3:
        raise _bad("请求行格式错误", "malformed request line (want: METHOD target HTTP/1.1)")
    method, target, version = words
    if not _TOKEN.fullmatch(method):
        raise _bad("请求方法无效", "malformed request method")
    found = _VERSION.fullmatch(version)
    if found is None:
        raise _bad("HTTP 版本格式错误", "malformed HTTP version")
    if found.group(1) != b"1":
        raise HttpError(
            505,
            "HTTP Version Not Supported",
            "只支持 HTTP/1.0 和 HTTP/1.1",
            "only HTTP/1.0 and 1.1 are served",
        )
    return method.decode("ascii"), target.decode("latin-1"), version.decode("ascii")


def _header_lines(lines: list[bytes]) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    for raw in lines:
        if raw[:1] in (b" ", b"\t"):  # obs-fold: a continuation of the previous value
            if not headers:
                raise _bad("首个请求头不能以空白开头", "the first header line starts with whitespace")
            previous, text = headers[-1]
            more = raw.strip(b" \t").decode("latin-1")
            headers[-1] = (previous, f"{text} {more}".strip())
            continue
        name, colon, value = raw.partition(b":")
        if not colon or not _TOKEN.fullmatch(name):
            raise _bad("请求头格式错误", "malformed header line (want: Name: value)")
        if b"\r" in value or b"\x00" in value:
            raise _bad("请求头含有非法字符", "a header value holds CR or NUL")
        headers.append((name.decode("latin-1"), value.strip(b" \t").decode("latin-1")))
        if len(headers) > MAX_HEADERS:
            raise HttpError(
                431,
                "Request Header Fields Too Large",
                f"请求头超过 {MAX_HEADERS} 个",
                f"more than {MAX_HEADERS} header lines",
            )
    return headers


def parse_head(head: bytes, max_body: int) -> Request:
    """The request line and headers (without the blank line that ends them)."""
    lines = [line.removesuffix(b"\r") for line in head.split(b"\n")]
    method, target, version = _request_line(lines[0])
    headers = _header_lines(lines[1:])
    request = Request(method, target, version, headers, lines[0].decode("latin-1"))
    names = [name.lower() for name, _ in headers]
    if "transfer-encoding" in names:
        raise HttpError(
            411,
            "Length Required",
            "不支持 Transfer-Encoding，请使用 Content-Length",
            "Transfer-Encoding is not supported; send a Content-Length",
        )
    lengths = {
        part.strip()
        for name, value in headers
        if name.lower() == "content-length"
        for part in value.split(",")
    }
    if len(lengths) > 1:
        raise _bad("Content-Length 不一致", "conflicting Content-Length values")
    if lengths:
        request.content_length = lengths.pop()
        text = request.content_length
        if text.isascii() and text.isdigit():  # else the app answers 411, as for a missing one
            length = int(text) if len(text) <= 18 else max_body + 1
            request.body_length = length if length <= max_body else 0
    return request


def wsgi_environ(request: Request, address: Any, base: dict[str, str]) -> dict[str, Any]:
    """The CGI part of the WSGI environ, as wsgiref builds it (the server adds ``wsgi.*``).
    A header name with ``_`` is dropped: ``X_User`` would pass as ``X-User`` (nginx and
    waitress drop it too)."""
    target = request.target
    if target[:7].lower() == "http://" or target[:8].lower() == "https://":  # absolute form
        target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
    path, _, query = target.partition("?")
    env: dict[str, Any] = {
        **base,
        "SERVER_PROTOCOL": request.version,
        "REQUEST_METHOD": request.method,
        "PATH_INFO": unquote(path, "iso-8859-1"),
        "QUERY_STRING": query,
        "REMOTE_ADDR": str(address[0]),
        "REMOTE_PORT": str(address[1]),
    }
    if request.content_length:
        env["CONTENT_LENGTH"] = request.content_length
    for name, value in request.headers:
        if "_" in name:
            continue
        key = name.upper().replace("-", "_")
        if key == "CONTENT_LENGTH":
            continue
        if key == "CONTENT_TYPE":
            env.setdefault(key, value)
            continue
        key = "HTTP_" + key
        env[key] = f"{env[key]},{value}" if key in env else value
    return env


def error_response(err: HttpError) -> bytes:
    """The server's own answer to a request it refuses before the app sees it."""
    problem = Problem(err.status, err.title, err.detail_zh, err.detail_en)
    body = json.dumps(problem.body(), ensure_ascii=False).encode("utf-8")
    head = (
        f"HTTP/1.0 {err.status} {HTTPStatus(err.status).phrase}\r\n"
        f"Date: {format_date_time(time.time())}\r\n"
        "Server: zjtx_rules\r\n"
        "Content-Type: application/problem+json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "Cache-Control: no-store\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


class RequestReader:
    """Collects one request from the bytes given to ``feed``; ``request`` is set once the
    head is complete, and ``feed`` answers True once the body is complete too. Bytes past
    the body (a pipelined request) are ignored: the server answers one request and closes."""

    def __init__(self, max_header_bytes: int, max_body: int) -> None:
        self.max_header_bytes = max_header_bytes
        self.max_body = max_body
        self.request: Request | None = None
        self.received = 0
        self._head = bytearray()
        self._line_checked = False

    def feed(self, data: bytes) -> bool:
        """Take the next bytes; True once the request is complete. Raises ``HttpError``."""
        self.received += len(data)
        if self.request is not None:
            body = self.request.body
            body += data[: self.request.body_length - len(body)]
            return self.request.body_complete
        seen = len(self._head)
        self._head += data
        if self._head.startswith((b"\r", b"\n")):  # blank lines before a request line are ignored
            kept = self._head.lstrip(b"\r\n")
            seen = max(seen - (len(self._head) - len(kept)), 0)
            self._head = kept
        end, rest = self._find_end(max(seen - 2, 0))  # the blank line may straddle two reads
        if not self._line_checked and b"\n" in self._head:
            # the request line is complete: refuse a bad one now, not at the header deadline
            line = self._head.split(b"\n", 1)[0]
            if len(line) <= self.max_header_bytes:
                _request_line(bytes(line.removesuffix(b"\r")))
                self._line_checked = True
        if (end if end >= 0 else len(self._head)) > self.max_header_bytes:
            raise self._too_large()
        if end < 0:
            return False
        self.request = request = parse_head(bytes(self._head[:end]), self.max_body)
        request.body += self._head[rest : rest + request.body_length]
        self._head = bytearray()
        return request.body_complete

    def head_start(self) -> bytes:
        """The first line received so far (for the access log of a refused request)."""
        return bytes(self._head.split(b"\n", 1)[0].removesuffix(b"\r")[:8192])

    def _find_end(self, start: int) -> tuple[int, int]:
        """Where the head ends and the body starts, (-1, -1) while the blank line is missing."""
        found = [
            (i, i + len(blank)) for blank in (b"\n\n", b"\n\r\n") if (i := self._head.find(blank, start)) >= 0
        ]
        return min(found) if found else (-1, -1)

    def _too_large(self) -> HttpError:
        if not self._line_checked:
            return HttpError(
                414, "URI Too Long", "请求行过长", f"the request line is over {self.max_header_bytes} bytes"
            )
        return HttpError(
            431,
            "Request Header Fields Too Large",
            "请求头过大",
            f"the request line and headers are over {self.max_header_bytes} bytes",
        )
