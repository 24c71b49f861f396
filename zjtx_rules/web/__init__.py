"""The JSON web API and the calculator page (``zjtx serve``).

``zjtx_rules.web:app`` (the bundled package, or the one ``ZJTX_RULES`` names) and
``create_app`` are the names WSGI servers and integrators use; both live in
``zjtx_rules.web.application``, imported when first asked for.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name in ("app", "create_app"):
        from zjtx_rules.web import application

        return getattr(application, name)
    raise AttributeError(name)
