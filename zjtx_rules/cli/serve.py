"""``zjtx serve``: the JSON API and the calculator page on a local port, for one rule package
or several (``--rules`` repeated, or every package of ``./rules``)."""

from __future__ import annotations

import argparse

from zjtx_rules.cli.options import Command, port, positive
from zjtx_rules.cli.package_line import announce, served_rules
from zjtx_rules.errors import UsageError


def _arguments(sv: argparse.ArgumentParser) -> None:
    from zjtx_rules.web.application import DEFAULT_CORS_HEADERS, DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY

    # not dest "rules": main would fill that with the one default package
    sv.add_argument(
        "--rules",
        dest="packages",
        metavar="RULES",
        action="append",
        help="rule package folder; repeat it to serve several (the bundled one, else the first, "
        "answers the paths without a package id). Default: $ZJTX_RULES, else every package in "
        "./rules, else the bundled package",
    )
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on")
    sv.add_argument("--port", type=port, default=8000, help="port to listen on (0: any free port)")
    sv.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        help="allow this browser origin, e.g. https://portal.example, or * for any "
        "(repeatable; none: CORS off)",
    )
    sv.add_argument(
        "--cors-header",
        action="append",
        default=None,
        help="request header a CORS preflight may ask for "
        f"(repeatable; default: {', '.join(DEFAULT_CORS_HEADERS)})",
    )
    sv.add_argument(
        "--frame-ancestors",
        default="*",
        help="CSP frame-ancestors: pages allowed to embed the calculator, e.g. \"'self' https://portal.example\"",
    )
    sv.add_argument(
        "--max-body",
        type=positive,
        default=DEFAULT_MAX_BODY,
        help=f"largest request body in bytes (fits a batch of {DEFAULT_MAX_BATCH} profiles)",
    )
    sv.add_argument("--quiet", action="store_true", help="no access log")
    sv.add_argument("--header-timeout", type=float, default=10.0, help="seconds for the request headers")
    sv.add_argument("--body-timeout", type=float, default=30.0, help="seconds for the request body")
    sv.add_argument(
        "--max-connections",
        type=positive,
        default=64,
        help="requests processed at once (worker threads); a complete request past it gets 503",
    )
    sv.add_argument(
        "--max-open",
        type=positive,
        default=4096,
        help="connections open at once, each reading, waiting or being answered (a buffer each, "
        "no thread); a new one past it gets 503",
    )


def _serve(args: argparse.Namespace, out: list[str]) -> int:
    from zjtx_rules.web.application import DEFAULT_CORS_HEADERS, create_app
    from zjtx_rules.web.server import Limits, serve

    folders = args.packages or served_rules()
    for folder in folders:
        announce(folder, None)
    try:
        app = create_app(
            folders,
            cors_origins=args.cors_origin,
            cors_headers=args.cors_header or DEFAULT_CORS_HEADERS,
            frame_ancestors=args.frame_ancestors,
            max_body=args.max_body,
        )
    except ValueError as exc:  # a malformed --cors-origin: refuse at startup, not at run time
        raise UsageError(f"--cors-origin 无效: {exc}", f"bad --cors-origin: {exc}") from None
    limits = Limits(args.header_timeout, args.body_timeout, args.max_connections, max_open=args.max_open)
    try:
        serve(app, args.host, args.port, quiet=args.quiet, limits=limits)
    except OSError as exc:
        raise UsageError(
            f"无法监听 {args.host}:{args.port}: {exc.strerror}",
            f"cannot listen on {args.host}:{args.port}: {exc.strerror}",
        ) from None
    except KeyboardInterrupt:
        pass
    return 0


SERVE = Command(
    "serve",
    "run the JSON API and calculator page locally",
    "zjtx serve --port 8000 --cors-origin https://portal.example --frame-ancestors \"'self'\"",
    _arguments,
    _serve,
)
