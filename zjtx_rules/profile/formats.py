"""The annotations a profile's values are validated by, natively in pydantic-core.

Every number is validated by pydantic-core itself (no Python call per number): a union of
four members, one per Python type a number can arrive as. A ``Decimal`` (the JSON parser's
output) and an ``int`` are compared with the bounds as they are, before any Decimal
arithmetic, so a 5,000-digit integer is refused by its size, not by an exception; a
``float`` is read through its shortest repr (``0.1`` is ``Decimal("0.1")``); a string must
match a pattern that spells out the bounds and the decimal places, the same pattern the
JSON Schema publishes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import WithJsonSchema

from zjtx_rules.package.spec import FieldSpec

MONEY_PLACES = 2
FRACTION_PLACES = 30  # decimal places of a non-money decimal string
PATTERN_TEXT: dict[str, str] = {}  # decimal-string pattern -> its bounds, for messages
UNION_LABELS = frozenset({"as-decimal", "as-int", "as-float", "as-text", "as-date"})
TYPE_ERRORS = frozenset(
    {
        "decimal_type",
        "int_type",
        "float_type",
        "string_type",
        "date_type",
        "is_instance_of",
        "decimal_parsing",
    }
)


def _digits_range(lo: str, hi: str) -> str:
    """Regex for the digit strings of equal length from ``lo`` to ``hi`` (inclusive)."""
    if lo == hi:
        return lo
    if len(lo) == 1:
        return f"[{lo}-{hi}]"
    rest = len(lo) - 1
    if lo[0] == hi[0]:
        return lo[0] + "(" + _digits_range(lo[1:], hi[1:]) + ")"
    if lo[1:] == "0" * rest and hi[1:] == "9" * rest:
        return f"[{lo[0]}-{hi[0]}][0-9]{{{rest}}}"
    parts = [lo[0] + "(" + _digits_range(lo[1:], "9" * rest) + ")"]
    if int(lo[0]) + 1 <= int(hi[0]) - 1:
        parts.append(f"[{int(lo[0]) + 1}-{int(hi[0]) - 1}][0-9]{{{rest}}}")
    parts.append(hi[0] + "(" + _digits_range("0" * rest, hi[1:]) + ")")
    return "|".join(parts)


def int_range_regex(lo: int, hi: int) -> str:
    """Regex (no anchors) for the integers ``lo..hi`` written without leading zeros."""
    if lo > hi:
        return "[^\\s\\S]"  # matches nothing, in Python's, Rust's and JSON Schema's regexes
    parts = []
    for width in range(len(str(lo)), len(str(hi)) + 1):
        a = max(lo, 10 ** (width - 1) if width > 1 else 0)
        b = min(hi, 10**width - 1)
        if a <= b:
            parts.append(_digits_range(str(a), str(b)))
    return "(" + "|".join(parts) + ")"


def decimal_pattern(lo: int, hi: int, hi_inclusive: bool, places: int) -> str:
    """The anchored pattern of decimal strings in ``[lo, hi]`` (or ``[lo, hi)``), integral bounds.

    Plain digits only: no sign other than a leading ``-`` where negatives are allowed, no
    ``+``, exponent, grouping, leading zeros or bare ``.5``; at most ``places`` decimals.
    """
    if hi < 0:
        raise ValueError(f"an upper bound below 0 is not supported; got {hi}")
    frac = f"(\\.[0-9]{{1,{places}}})?" if places else ""
    zero = f"(\\.0{{1,{places}}})?" if places else ""
    if places:  # whole part below hi with any fraction; hi itself only with a zero fraction
        alts = [int_range_regex(max(lo, 0), hi - 1) + frac] + ([str(hi) + zero] if hi_inclusive else [])
    else:
        alts = [int_range_regex(max(lo, 0), hi if hi_inclusive else hi - 1)]
    if lo < 0 and places:
        alts.append("-(" + int_range_regex(0, -lo - 1) + frac + "|" + str(-lo) + zero + ")")
    elif lo < 0:
        alts.append("-" + int_range_regex(1, -lo))
    return "^(" + "|".join(alts) + ")$"


def _json_bound(v: Decimal) -> int | float:
    return int(v) if v == v.to_integral_value() else float(v)


def number_type(spec: FieldSpec, kind: str) -> tuple[Any, dict[str, Any]]:
    """The annotation of one numeric fact: native pydantic-core constraints and their schema."""
    from pydantic import GetPydanticSchema
    from pydantic_core import core_schema as cs

    # Facts without a declared bound still get one: 10^20 keeps every value a decimal128.
    lo = spec.min if spec.min is not None else Decimal(-(10**20))
    hi, inclusive = (spec.max, True) if spec.max is not None else (spec.below, False)
    if hi is None:  # (not ``spec.below or ...``: a bound of 0 is a bound)
        hi = Decimal(10**20)
    if lo != lo.to_integral_value() or hi != hi.to_integral_value():
        raise ValueError(f"number bounds must be whole numbers; got {lo}, {hi}")
    places = None
    if kind == "int":
        places = 0
    elif kind == "money":
        places = MONEY_PLACES if spec.decimals is None else spec.decimals
    pattern = decimal_pattern(int(lo), int(hi), inclusive, FRACTION_PLACES if places is None else places)
    le, lt = (hi, None) if inclusive else (None, hi)
    dec = cs.decimal_schema(allow_inf_nan=False, decimal_places=places, ge=lo, le=le, lt=lt)
    exact = cs.decimal_schema(strict=True, allow_inf_nan=False, decimal_places=places, ge=lo, le=le, lt=lt)
    whole = cs.int_schema(
        strict=True, ge=int(lo), le=None if le is None else int(le), lt=None if lt is None else int(lt)
    )
    # Members are tried in order, each rejecting any other type of input, and each member that
    # fails costs an error object (0.26 µs): so the int first (most numbers of a profile are
    # whole), then the decimal string (every number of a profile read from CSV or sent as
    # text), then the Decimal (a JSON number with a fraction) and the float (issue 21).
    core = cs.union_schema(
        [
            # the int's bounds are checked as an int; its conversion needs no Decimal check
            # (an int has no decimal places): that check cost 1 µs a number (issue 21)
            (cs.chain_schema([whole, cs.decimal_schema()]), "as-int"),
            # the pattern spells out the bounds and the places, so the conversion needs no
            # check: pydantic-core's check of decimal places cost 0.7 µs a number (issue 21)
            (cs.chain_schema([cs.str_schema(strict=True, pattern=pattern), cs.decimal_schema()]), "as-text"),
            (exact, "as-decimal"),
            # strict float_schema also takes a Decimal (as a float): a Decimal just past a bound,
            # 1.0000000000000001 for max = 1, would come back as 1.0. Floats only.
            (
                cs.chain_schema(
                    [cs.is_instance_schema(float), cs.float_schema(strict=True, allow_inf_nan=False), dec]
                ),
                "as-float",
            ),
        ],
        mode="left_to_right",
    )
    limits: dict[str, Any] = {"minimum": _json_bound(lo)}
    limits["maximum" if inclusive else "exclusiveMaximum"] = _json_bound(hi)
    # Money given as a JSON number is whole yuan in the schema, so that float-based schema
    # tools check it exactly; fen go in the string form (the server also reads a JSON number
    # with at most 2 decimals as written).
    number: dict[str, Any] = {"type": "integer" if kind in ("int", "money") else "number", **limits}
    text: dict[str, Any] = {"type": "string", "pattern": pattern}
    upper = f"{'<=' if inclusive else '<'} {hi:f}"
    decimals = "no decimals" if places == 0 else f"at most {places or FRACTION_PLACES} decimal places"
    PATTERN_TEXT[text["pattern"]] = f"{lo:f} <= x {upper}, {decimals}"
    schema = {"anyOf": [number, text]}
    return Annotated[Decimal, GetPydanticSchema(lambda _t, _h: core), WithJsonSchema(schema)], schema


ISO_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def date_type() -> Any:
    """A ``date`` object, or a string ``YYYY-MM-DD`` (JSON Schema's format "date"), natively."""
    from pydantic import GetPydanticSchema
    from pydantic_core import core_schema as cs

    core = cs.union_schema(
        [
            # text first: a profile read from JSON gives every date as a string, and each
            # member that fails costs an error object
            (cs.chain_schema([cs.str_schema(strict=True, pattern=ISO_DATE), cs.date_schema()]), "as-text"),
            (cs.date_schema(strict=True), "as-date"),
        ],
        mode="left_to_right",
    )
    schema = {"type": "string", "format": "date"}
    return Annotated[date, GetPydanticSchema(lambda _t, _h: core), WithJsonSchema(schema)]


YEAR_KEY = "^(19[0-9]{2}|2[01][0-9]{2}|2200)$"


def year_key_type() -> Any:
    from pydantic import GetPydanticSchema
    from pydantic_core import core_schema as cs

    core = cs.union_schema(
        [
            (cs.int_schema(strict=True, ge=1900, le=2200), "as-int"),
            (cs.chain_schema([cs.str_schema(strict=True, pattern=YEAR_KEY), cs.int_schema()]), "as-text"),
        ],
        mode="left_to_right",
    )
    return Annotated[int, GetPydanticSchema(lambda _t, _h: core)]


CREDIT_CODE = "^[0-9A-HJ-NPQRTUWXY]{18}$"
