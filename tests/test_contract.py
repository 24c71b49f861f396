"""One contract for integrators (issue 10): the published schemas, checked with tools we did
not write. Profiles drawn from ``/v1/schema/profile`` by hypothesis-jsonschema must evaluate,
and Schemathesis exercises every operation of ``/openapi.json`` against the WSGI app."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import hypothesis_jsonschema
import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings

import zjtx_rules
from tests.conftest import ROOT
from zjtx_rules import UsageError

_RULES = zjtx_rules.load_rules()
_SCHEMA = _RULES.profile_schema()
_CHECK = jsonschema.Draft202012Validator(_SCHEMA, format_checker=jsonschema.FormatChecker())
_DRAWN = settings(max_examples=1000, database=None, deadline=None, suppress_health_check=list(HealthCheck))


@seed(10)
@_DRAWN
@given(hypothesis_jsonschema.from_schema(_SCHEMA))
def test_every_profile_the_schema_accepts_evaluates(profile: Any) -> None:
    _RULES.evaluate(json.dumps(profile), "2025-06-30")  # JSON text, as a portal sends it
    _RULES.evaluate(profile, "2025-06-30")  # a dict with floats, as json.load gives it


@seed(11)
@_DRAWN
@given(hypothesis_jsonschema.from_schema({**_SCHEMA, "additionalProperties": True}))
def test_every_profile_the_engine_accepts_matches_the_schema(profile: Any) -> None:
    """Drawn from a looser schema (unknown keys allowed): what the engine accepts, the schema accepts."""
    try:
        _RULES.validate_profile(json.dumps(profile))
    except zjtx_rules.ProfileError:
        return
    _CHECK.validate(profile)


def test_example_profiles_load_with_json_load() -> None:
    from tests.conftest import EXAMPLES

    for path in sorted((EXAMPLES / "profiles").glob("*.json")):
        with path.open(encoding="utf-8") as f:
            _RULES.evaluate(json.load(f), "2025-06-30")


@pytest.mark.parametrize(
    ("as_of", "day"),
    [
        (date(2025, 1, 2), date(2025, 1, 2)),
        (datetime(2025, 1, 2, 23, 59), date(2025, 1, 2)),
        ("2025-01-02", date(2025, 1, 2)),
    ],
)
def test_as_of_accepts_dates_datetimes_and_iso_strings(as_of: Any, day: date) -> None:
    assert _RULES.evaluate({"id": "x"}, as_of).as_of == day


@pytest.mark.parametrize("as_of", [20250102, 2025.0, b"2025-01-02", ["2025-01-02"]])
def test_as_of_of_another_type_is_a_usage_error_naming_it(as_of: Any) -> None:
    with pytest.raises(UsageError) as info:
        _RULES.evaluate({"id": "x"}, as_of)
    assert type(as_of).__name__ in str(info.value)


def _app() -> Any:
    from zjtx_rules.web.application import create_app

    return create_app(_RULES)


# The repository's schemathesis.toml, the settings `schemathesis run` reads: 413 for over-long
# input is a rejection, and a batch answers an invalid element in place (200).
_ST_CONFIG = schemathesis.config.SchemathesisConfig.from_path(ROOT / "schemathesis.toml")
_API = schemathesis.openapi.from_wsgi("/openapi.json", _app(), config=_ST_CONFIG)


@_API.parametrize()
@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_openapi_contract(case: Any) -> None:
    case.call_and_validate()
