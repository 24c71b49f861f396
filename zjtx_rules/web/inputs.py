"""What an API request brings: its query (``as_of``, ``lang``, the true/false flags) and its
JSON body, each read within its limits and refused as a problem otherwise."""

from __future__ import annotations

import re
import time
from datetime import date
from typing import Any
from urllib.parse import parse_qs

from zjtx_rules.display import JSON, bounded
from zjtx_rules.errors import ProfileError, UsageError
from zjtx_rules.evaluate.ruleset import parse_as_of
from zjtx_rules.profile.model import parse_json
from zjtx_rules.web.problems import Problem
from zjtx_rules.web.wsgi import Environ

DRAIN_LIMIT = 16 << 20
DRAIN_SECONDS = 2.0
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def read_query(environ: Environ) -> tuple[date, str]:
    """The evaluation date (today when not given) and the language of problem details."""
    try:
        # blank values kept, so that an empty as_of= is a 400 rather than "today"
        q = parse_qs(environ.get("QUERY_STRING", ""), max_num_fields=10, keep_blank_values=True)
    except ValueError:
        raise Problem(400, "Bad Request", "查询参数过多", "too many query parameters") from None
    lang = q.get("lang", ["zh"])[0]
    if lang not in ("zh", "en"):
        raise Problem(400, "Bad Request", "lang 只能是 zh 或 en", "lang must be zh or en")
    try:
        raw = q["as_of"][0] if "as_of" in q else None
        if raw is not None and not _ISO_DATE.fullmatch(raw):
            # the OpenAPI format "date" is YYYY-MM-DD only, not every ISO 8601 spelling
            raise UsageError(
                f"评估日期应为 YYYY-MM-DD，实际为 {bounded(raw, JSON)}",
                f"as_of must be a date YYYY-MM-DD; got {bounded(raw, JSON)}",
            )
        as_of = parse_as_of(raw)
    except UsageError as exc:
        raise Problem(400, "Bad Request", exc.message_zh, exc.message_en) from None
    return as_of, lang


def read_flag(environ: Environ, name: str, default: bool) -> bool:
    """A ``true``/``false`` query parameter (``compact``, ``reasons``); anything else is a 400."""
    q = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    flag: str = q.get(name, ["true" if default else "false"])[0]
    if flag not in ("true", "false"):
        raise Problem(400, "Bad Request", f"{name} 只能是 true 或 false", f"{name} must be true or false")
    return flag == "true"


def _content_length(environ: Environ, max_body: int) -> int:
    """The announced body length, after the media type is checked; a body over ``max_body``
    is refused from the header alone, before waiting for a byte."""
    ctype = environ.get("CONTENT_TYPE", "")
    mime, _, params = ctype.partition(";")
    if mime.strip().lower() != "application/json":
        raise Problem(
            415,
            "Unsupported Media Type",
            "请求体应为 application/json",
            f"the body must be application/json; got {ctype or 'nothing'}",
        )
    charset = params.strip().lower().removeprefix("charset=").strip('"')
    if params.strip() and charset not in ("utf-8", "utf8"):
        raise Problem(415, "Unsupported Media Type", "只接受 UTF-8 编码", "only UTF-8 is accepted")
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        length = -1
    if length < 0:
        raise Problem(411, "Length Required", "需要 Content-Length", "Content-Length is required")
    if length > max_body:
        drain(environ["wsgi.input"], length)
        raise Problem(
            413,
            "Content Too Large",
            f"请求体超过 {max_body} 字节",
            f"the body is over the limit of {max_body} bytes",
        )
    return length


def read_body(environ: Environ, max_body: int) -> Any:
    """The body, parsed as JSON (bounded in depth and number length)."""
    length = _content_length(environ, max_body)
    try:
        data = environ["wsgi.input"].read(length) if length else b""
    except OSError:  # the server's body deadline (TimeoutError) or a reset connection
        raise Problem(
            408, "Request Timeout", "请求体未在时限内传完", "the body did not arrive in time"
        ) from None
    if len(data) < length:
        raise Problem(
            400,
            "Bad Request",
            f"请求体只有 {len(data)} 字节，少于 Content-Length {length}",
            f"the body has {len(data)} bytes, fewer than its Content-Length of {length}",
        )
    try:
        return parse_json(data, limit=max_body)
    except ProfileError as exc:
        raise Problem(
            400,
            "Bad Request",
            exc.errors[0].message_zh,
            exc.errors[0].message_en,
            errors=[e.to_dict() for e in exc.errors],
        ) from None


def drain(stream: Any, length: int) -> None:
    """Read and drop a refused body (up to 16 MiB, for at most 2 s), so the client can read
    our answer instead of failing mid-upload. A client that announced a body and sends none
    is not waited for beyond that (each read is also bounded by the server's body deadline);
    a read error just ends the draining, the answer is what matters."""
    left = min(length, DRAIN_LIMIT)
    stop = time.monotonic() + DRAIN_SECONDS
    shorten = getattr(stream, "shorten", None)  # zjtx_rules.server's input: wait no longer
    if callable(shorten):
        shorten(DRAIN_SECONDS)
    try:
        while left > 0 and time.monotonic() < stop:
            chunk = stream.read(min(left, 1 << 16))
            if not chunk:
                break
            left -= len(chunk)
    except OSError:
        pass
