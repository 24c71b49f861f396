"""Several rule packages served at once (issue 22 item 5): listing, describing and evaluating
each by id, and matching one enterprise against all of them, against a real server on a free
loopback port, every answer checked against the OpenAPI document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openapi_spec_validator
import pytest
from hypothesis import HealthCheck, settings

from tests.conftest import BUNDLED, EXAMPLES, ROOT
from tests.test_web_api import _closed, _start, check, request, response_schema
from zjtx_rules.errors import UsageError
from zjtx_rules.evaluate.ruleset import RuleSet, load_rules
from zjtx_rules.web.application import App, create_app

MIIT = ROOT / "rules" / "miit_innovative_sme_2022"
LJ, MI = "liangjiang_zjtx_2022", "miit_innovative_sme_2022"
LOW = MIIT / "cases" / "profiles" / "low.json"  # scores 5 of 100: ineligible


def _json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def packages() -> dict[str, RuleSet]:
    return {LJ: load_rules(BUNDLED), MI: load_rules(MIIT)}


@pytest.fixture(scope="module")
def server(packages: dict[str, RuleSet]) -> Iterator[tuple[int, dict[str, Any]]]:
    # MIIT first: the bundled package is still the default
    app = create_app([packages[MI], BUNDLED], cors_origins=["https://portal.example.gov.cn"])
    srv, port = _start(app)
    doc = json.loads(request(port, "GET", "/openapi.json")[2])
    yield port, doc
    srv.shutdown()
    srv.server_close()


def _post(port: int, path: str, doc: Any) -> tuple[int, Any]:
    status, _, body = request(port, "POST", path, json.dumps(doc, ensure_ascii=False).encode())
    return status, json.loads(body)


def _match(server: tuple[int, dict[str, Any]], query: str, profile: dict[str, Any]) -> Any:
    """POST a profile to /v1/match: the answer, once it is a 200 that fits the documented schema."""
    port, doc = server
    status, answer = _post(port, f"/v1/match?{query}", profile)
    assert status == 200
    check(_closed(doc), response_schema(doc, "/v1/match", "post", 200), answer)
    return answer


def _both(packages: dict[str, RuleSet]) -> dict[str, Any]:
    """A profile with Liangjiang's facts, MIIT's, and one that no package declares."""
    profile = {**_json(EXAMPLES / "new_municipal_zjtx.json"), **_json(LOW), "export_share": "0.15"}
    profile["id"] = "ENT-1"
    assert set(profile) - set(packages[LJ].facts) and set(profile) - set(packages[MI].facts)
    return profile


def test_the_document_is_valid_and_names_every_package(server: tuple[int, dict[str, Any]]) -> None:
    _, doc = server
    openapi_spec_validator.validate(doc)
    ops = [op for item in doc["paths"].values() for op in item.values()]
    assert len({op["operationId"] for op in ops}) == len(ops)
    for op in ops:
        assert op["summary"] and {"404", "405", "500"} <= set(op["responses"])
    (param,) = doc["paths"]["/v1/policies/{id}"]["get"]["parameters"]
    assert param["in"] == "path" and param["schema"]["enum"] == [MI, LJ]
    assert "ids served" in doc["paths"]["/v1/policies/{id}"]["get"]["responses"]["404"]["description"]
    # each package's evaluating paths take exactly its profile: MIIT's is its own component,
    # the default package's stays "Profile"
    for pid, name in ((MI, f"Profile.{MI}"), (LJ, "Profile")):
        for path in (f"/v1/policies/{pid}/evaluate", f"/v1/policies/{pid}/evaluate/batch"):
            schema = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
            assert schema.get("items", schema) == {"$ref": f"#/components/schemas/{name}"}
    assert doc["paths"][f"/v1/policies/{MI}/evaluate"]["post"]["operationId"] == f"evaluate_{MI}"
    assert doc["components"]["schemas"][f"Profile.{MI}"]["title"] == f"{MI} profile"
    assert doc["info"]["x-policy-id"] == LJ


def test_both_packages_are_listed_with_the_bundled_one_as_default(
    server: tuple[int, dict[str, Any]], packages: dict[str, RuleSet]
) -> None:
    port, doc = server
    status, _, body = request(port, "GET", "/v1/policies")
    listing = json.loads(body)
    assert status == 200 and listing["default"] == LJ
    assert [p["id"] for p in listing["policies"]] == [MI, LJ]  # in the order given
    miit = listing["policies"][0]
    assert miit["sha256"] == packages[MI].sha256 and miit["issuer_en"].startswith("Ministry")
    assert (miit["valid_from"], miit["valid_to"]) == ("2022-08-01", "2026-03-31")
    schema = response_schema(doc, "/v1/policies", "get", 200)
    check(_closed(doc), schema, listing)  # every key described
    example = doc["paths"]["/v1/policies"]["get"]["responses"]["200"]["content"]["application/json"]
    assert example["examples"]["served"]["value"] == listing


@pytest.mark.parametrize("pid", [LJ, MI])
def test_each_package_is_described_by_id(
    server: tuple[int, dict[str, Any]], packages: dict[str, RuleSet], pid: str
) -> None:
    port, doc = server
    status, _, body = request(port, "GET", f"/v1/policies/{pid}")
    assert status == 200 and json.loads(body) == json.loads(json.dumps(packages[pid].describe()))
    check(_closed(doc), response_schema(doc, "/v1/policies/{id}", "get", 200), json.loads(body))
    if pid == LJ:  # the default package: the same bytes as /v1/policy
        assert body == request(port, "GET", "/v1/policy")[2]


def test_the_miit_scores_come_back_for_an_ineligible_profile(server: tuple[int, dict[str, Any]]) -> None:
    port, doc = server
    status, result = _post(port, f"/v1/policies/{MI}/evaluate?as_of=2024-06-30", _json(LOW))
    assert status == 200 and result["policy"]["id"] == MI
    check(doc, response_schema(doc, f"/v1/policies/{MI}/evaluate", "post", 200), result)
    (m,) = result["measures"]
    assert m["id"] == "innovative_sme_recognition" and m["status"] == "ineligible"
    assert m["amounts"]["total_score"] == 5
    assert {"total_score", "innovation_score", "growth_score", "specialisation_score"} <= set(m["amounts"])


def test_each_package_evaluates_a_batch_by_id(server: tuple[int, dict[str, Any]]) -> None:
    port, doc = server
    batch = [_json(LOW), {"id": "bad", "honours": "none"}, {"id": "x"}]
    status, out = _post(port, f"/v1/policies/{MI}/evaluate/batch?as_of=2024-06-30&compact=true", batch)
    assert status == 200
    check(doc, response_schema(doc, f"/v1/policies/{MI}/evaluate/batch", "post", 200), out)
    assert out[0]["measures"][0]["amounts"]["total_score"] == 5
    assert out[1]["index"] == 1 and out[1]["errors"][0]["path"] == "$[1].honours"
    # a Liangjiang fact is unknown to MIIT: refused in place, as /v1/evaluate/batch does
    status, out = _post(port, f"/v1/policies/{MI}/evaluate/batch", [{"id": "a", "talents": []}])
    assert status == 200 and out[0]["errors"][0]["path"] == "$[0].talents"


def test_the_default_package_still_answers_the_paths_without_an_id(
    server: tuple[int, dict[str, Any]],
) -> None:
    port, doc = server
    profile = _json(EXAMPLES / "new_municipal_zjtx.json")
    status, result = _post(port, "/v1/evaluate?as_of=2025-06-30", profile)
    assert status == 200 and result["policy"]["id"] == LJ and len(result["measures"]) == 30
    check(doc, response_schema(doc, "/v1/evaluate", "post", 200), result)
    # the same as the package by id, answer for answer
    assert _post(port, f"/v1/policies/{LJ}/evaluate?as_of=2025-06-30", profile)[1] == result
    status, out = _post(port, "/v1/evaluate/batch?as_of=2025-06-30&compact=true", [profile])
    assert status == 200 and len(out[0]["measures"]) == 30
    assert json.loads(request(port, "GET", "/v1/policy")[2])["policy"]["id"] == LJ
    assert json.loads(request(port, "GET", "/healthz")[2])["policy"]["id"] == LJ


def test_match_gives_each_package_its_own_facts_and_reports_the_undeclared(
    server: tuple[int, dict[str, Any]], packages: dict[str, RuleSet]
) -> None:
    port, _ = server
    profile = _both(packages)
    answer = _match(server, "as_of=2025-06-30", profile)
    assert answer["as_of"] == "2025-06-30" and answer["profile_id"] == "ENT-1"
    assert list(answer["results"]) == [MI, LJ] and answer["undeclared_facts"] == ["export_share"]
    for pid, rules in packages.items():
        # what each package says is what it says of its own facts alone
        own = {k: v for k, v in profile.items() if k in rules.facts}
        assert answer["results"][pid] == _post(port, f"/v1/policies/{pid}/evaluate?as_of=2025-06-30", own)[1]
    miit, lj = answer["summary"][MI], answer["summary"][LJ]
    assert (miit["eligible"], miit["undetermined"], miit["ineligible"]) == (0, 0, 1)
    assert miit["headline"] == [{"name": "innovative_sme_recognition.total_score", "value": 5}]
    assert lj["eligible"] + lj["undetermined"] + lj["ineligible"] == 30
    assert lj["cash_cny"] == answer["results"][LJ]["totals"]["cash_cny"]
    assert lj["headline"] == [{"name": "cash", "value": lj["cash_cny"]}]


def test_match_answers_a_problem_for_the_one_package_a_profile_is_bad_for(
    server: tuple[int, dict[str, Any]], packages: dict[str, RuleSet]
) -> None:
    profile = {**_both(packages), "honours": "none"}  # MIIT's fact, of the wrong type
    answer = _match(server, "as_of=2025-06-30&lang=en", profile)
    problem = answer["results"][MI]["problem"]
    assert problem["status"] == 422 and problem["detail"] == problem["detail_en"]
    assert [e["path"] for e in problem["errors"]] == ["$.honours"]
    assert answer["results"][LJ]["policy"]["id"] == LJ
    assert list(answer["summary"]) == [LJ]  # a summary for each package that gave a result


def test_match_without_reasons_keeps_every_status(
    server: tuple[int, dict[str, Any]], packages: dict[str, RuleSet]
) -> None:
    port, _ = server
    profile = _both(packages)
    _, full = _post(port, "/v1/match?as_of=2025-06-30", profile)
    _, lean = _post(port, "/v1/match?as_of=2025-06-30&reasons=false", profile)
    assert lean["summary"] == full["summary"]
    assert all(m["reasons"] == [] for m in lean["results"][LJ]["measures"])
    assert any(m["reasons"] for m in full["results"][LJ]["measures"])
    assert request(port, "POST", "/v1/match?reasons=no", b"{}")[0] == 400


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"[1]", 422), (b'"x"', 422), (b'{"id": ', 400), (b"{}", 200)],
)
def test_match_refuses_a_body_that_is_not_an_object_as_evaluate_does(
    server: tuple[int, dict[str, Any]], body: bytes, status: int
) -> None:
    port, doc = server
    got, hdrs, data = request(port, "POST", "/v1/match", body)
    assert got == status
    if status != 200:
        assert hdrs["content-type"] == "application/problem+json"
        check(doc, response_schema(doc, "/v1/match", "post", status), json.loads(data))
        if body != b'"x"':  # /v1/evaluate reads a JSON string as JSON text, and says so
            assert data == request(port, "POST", "/v1/evaluate", body)[2]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/policies/miit_innovative_sme"),
        ("POST", "/v1/policies/nope/evaluate"),
        ("POST", "/v1/policies/nope/evaluate/batch"),
    ],
)
def test_an_unknown_id_is_a_404_naming_the_ids_served(
    server: tuple[int, dict[str, Any]], method: str, path: str
) -> None:
    port, doc = server
    status, hdrs, data = request(port, method, path, b"{}" if method == "POST" else None)
    assert status == 404 and hdrs["content-type"] == "application/problem+json"
    problem = json.loads(data)
    check(doc, {"$ref": "#/components/schemas/Problem"}, problem)
    assert MI in problem["detail_en"] and LJ in problem["detail_zh"]
    if "miit" in path:
        assert f"did you mean '{MI}'?" in problem["detail_en"]


def test_other_paths_under_policies_are_plain_404s_and_405s(server: tuple[int, dict[str, Any]]) -> None:
    port, _ = server
    assert request(port, "GET", f"/v1/policies/{MI}/nothing")[0] == 404
    status, hdrs, _ = request(port, "GET", f"/v1/policies/{MI}/evaluate")
    assert status == 405 and hdrs["allow"] == "POST"
    assert request(port, "POST", "/v1/policies", b"{}")[0] == 405
    assert request(port, "GET", "/v1/policies/")[0] == 200


def test_a_preflight_names_the_methods_of_a_package_path(server: tuple[int, dict[str, Any]]) -> None:
    port, _ = server
    asks = {"Origin": "https://portal.example.gov.cn", "Access-Control-Request-Method": "POST"}
    status, hdrs, _ = request(port, "OPTIONS", f"/v1/policies/{MI}/evaluate", headers=asks)
    assert status == 204 and "POST" in hdrs["access-control-allow-methods"]


def test_one_package_in_a_list_answers_as_one_package_alone() -> None:
    def get(app: App, path: str) -> bytes:
        env = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": ""}
        return b"".join(app(env, lambda *args: None))

    alone, listed = create_app(BUNDLED), create_app([BUNDLED])
    for path in ("/v1/policy", "/openapi.json", "/v1/policies", "/healthz", "/v1/schema/profile"):
        assert get(alone, path) == get(listed, path), path
    listing = json.loads(get(alone, "/v1/policies"))
    assert [p["id"] for p in listing["policies"]] == [LJ] and listing["default"] == LJ


def test_packages_without_the_bundled_one_default_to_the_first() -> None:
    app = create_app([MIIT])
    assert app.rules.policy.id == MI and app.served.ids == [MI]


@pytest.mark.parametrize("rules", [[BUNDLED, BUNDLED], []])
def test_two_packages_with_one_id_or_none_are_refused(rules: list[Path]) -> None:
    with pytest.raises(UsageError):
        create_app(rules)


# -- zjtx serve


def test_serve_with_repeated_rules_serves_both() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "zjtx_rules",
            "serve",
            "--rules",
            str(MIIT),
            "--rules",
            str(BUNDLED),
            "--port",
            "0",
            "--quiet",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "zjtx: serving a, b on http://127.0.0.1:PORT/"
        assert line.startswith(f"zjtx: serving {MI}, {LJ} on http://127.0.0.1:"), line
        port = int(line.rsplit(":", 1)[1].strip("/\n"))
        listing = json.loads(request(port, "GET", "/v1/policies")[2])
        assert [p["id"] for p in listing["policies"]] == [MI, LJ] and listing["default"] == LJ
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert err.count("规则包 / rule package:") == 2  # one line per package, on stderr


def test_serve_in_a_folder_of_several_packages_serves_them_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zjtx_rules.cli.main import main
    from zjtx_rules.web import server

    (tmp_path / "rules").mkdir()
    for folder in (BUNDLED, MIIT):
        (tmp_path / "rules" / folder.name).symlink_to(folder, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZJTX_RULES", raising=False)
    served: list[App] = []
    monkeypatch.setattr(server, "serve", lambda app, *args, **kwargs: served.append(app))
    assert main(["serve", "--port", "0"]) == 0
    assert served[0].served.ids == [LJ, MI] and served[0].rules.policy.id == LJ
    # a folder named by ZJTX_RULES is still served alone
    monkeypatch.setenv("ZJTX_RULES", str(MIIT))
    assert main(["serve", "--port", "0"]) == 0
    assert served[1].served.ids == [MI]


def test_serve_refuses_two_folders_of_one_package(capsys: pytest.CaptureFixture[str]) -> None:
    from zjtx_rules.cli.main import main

    started = time.monotonic()
    assert main(["serve", "--rules", str(BUNDLED), "--rules", str(BUNDLED), "--port", "0"]) == 2
    assert "two rule packages have the id" in capsys.readouterr().err
    assert time.monotonic() - started < 30
    assert os.environ.get("ZJTX_RULES")  # conftest's, untouched


# -- the contract of several packages, by Schemathesis (test_contract.py runs it for one)


def _st_api() -> Any:
    import schemathesis

    config = schemathesis.config.SchemathesisConfig.from_path(ROOT / "schemathesis.toml")
    app = create_app([MIIT, BUNDLED])
    return schemathesis.openapi.from_wsgi("/openapi.json", app, config=config)


_API = _st_api()


@_API.include(path_regex="^/v1/(policies|match)").parametrize()
@settings(max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_package_operation_keeps_its_openapi_contract(case: Any) -> None:
    case.call_and_validate()
