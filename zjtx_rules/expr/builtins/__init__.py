"""The built-in functions of the expression language, one ``Builtin`` entry each.

``REGISTRY`` is the single list of them: the checker types a call from its entry, the
interpreter and the generated code run its implementation (or its hook), and the README's
list of functions is tested against it. Entries are grouped by what they work on
(``lists``, ``maps``, ``numeric``, ``dates``, ``unknowns``); the order here is the README's,
and the one "did you mean" looks through.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from zjtx_rules.expr.builtins import dates, lists, maps, numeric, unknowns
from zjtx_rules.expr.builtins.signature import Builtin as Builtin
from zjtx_rules.expr.builtins.signature import Fn

REGISTRY: Final[Mapping[str, Builtin]] = MappingProxyType(
    {b.name: b for module in (lists, maps, numeric, dates, unknowns) for b in module.ENTRIES}
)
# name -> implementation, for code that only calls them (``values.BUILTINS``)
IMPLEMENTATIONS: Final[Mapping[str, Fn]] = MappingProxyType({n: b.impl for n, b in REGISTRY.items()})

__all__ = ["IMPLEMENTATIONS", "REGISTRY", "Builtin"]
