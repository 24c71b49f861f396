from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import zjtx_rules
from tests.conftest import BUNDLED, EXAMPLES, MINI
from zjtx_rules.cli.main import main
from zjtx_rules.package.source import package_sha256

LG = str(EXAMPLES / "little_giant_11_talents.json")


def test_evaluate_text_zh_and_en(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", LG, "--as-of", "2025-06-30"]) == 0
    out = capsys.readouterr().out
    assert "第21条" in out and "奖励合计: 1,310,061.50 元" in out
    assert main(["evaluate", LG, "--as-of", "2025-06-30", "--lang", "en"]) == 0
    assert "Reward in total: CNY 1,310,061.50" in capsys.readouterr().out


def test_evaluate_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", LG, "--as-of", "2025-06-30", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["profile_id"] == "LJ-2025-0001"


@pytest.mark.parametrize(
    "argv",
    [
        ["evaluate", "missing.json"],
        ["evaluate", LG, "--as-of", "2025-13-01"],
        ["evaluate", LG, "--rules", "/nonexistent"],
        ["evaluate", LG, "--format", "xml"],
        ["schema", "nope"],
        ["test", "/nonexistent"],
        ["mutate", str(MINI), "--fail-under", "150"],
    ],
)
def test_bad_input_exits_2_without_traceback(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = int(exc.code or 0)
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err


def test_a_package_that_fails_to_load_is_still_named_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pkg = tmp_path / "mini"
    shutil.copytree(MINI, pkg)
    facts = pkg / "facts.toml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace('type = "bool"', 'typ = "bool"'), encoding="utf-8"
    )
    for argv in (["test", str(pkg)], ["mutate", str(pkg)]):
        assert main(argv) == 2
        captured = capsys.readouterr()
        assert captured.out.startswith("规则包 / rule package: ")
        assert "E121" in captured.err


def test_a_filter_that_matches_no_case_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(MINI), "-k", "no such case"]) == 1
    assert "no case name contains 'no such case'" in capsys.readouterr().out


def test_bad_profile_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x", "revenue_cny": "-5"}', encoding="utf-8")
    assert main(["evaluate", str(bad)]) == 2
    assert "$.revenue_cny" in capsys.readouterr().err


def test_check_and_test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(BUNDLED)]) == 0
    assert "0 error(s)" in capsys.readouterr().out
    assert main(["test", str(MINI)]) == 0
    broken = tmp_path / "pkg"
    import shutil

    shutil.copytree(MINI, broken)
    (broken / "derived.toml").write_text('[derived.big]\nexpr = "revenue >= treshold"\n')
    assert main(["check", str(broken)]) == 1
    assert "E203" in capsys.readouterr().out
    case = broken / "cases" / "basic.toml"
    shutil.copytree(MINI, tmp_path / "pkg2")
    case = tmp_path / "pkg2" / "cases" / "basic.toml"
    case.write_text(case.read_text().replace('amount = "500.00"', 'amount = "501.00"'))
    assert main(["test", str(tmp_path / "pkg2")]) == 1
    out = capsys.readouterr().out
    assert 'grant.amounts.amount: expected "501.00", got "500.00"' in out


def test_schema_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "profile"]) == 0
    assert "credit_code" in json.loads(capsys.readouterr().out)["properties"]
    assert main(["schema", "result"]) == 0
    assert "measures" in json.loads(capsys.readouterr().out)["properties"]


def test_schema_openapi_prints_the_served_document(capsys: pytest.CaptureFixture[str]) -> None:
    """`zjtx schema openapi` is what `zjtx serve` answers on /openapi.json (for linters, generators)."""
    from zjtx_rules.web.application import create_app

    assert main(["schema", "openapi", "--rules", str(BUNDLED)]) == 0
    printed = json.loads(capsys.readouterr().out)
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": "/openapi.json"}
    served = json.loads(b"".join(create_app(BUNDLED)(env, lambda *args: None)))
    assert printed == served and printed["openapi"].startswith("3.1")


def test_console_script_runs_as_a_process() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "zjtx_rules",
            "evaluate",
            "-",
            "--as-of",
            "2025-06-30",
            "--format",
            "json",
        ],
        input=b'{"id": "stdin"}',
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["profile_id"] == "stdin"


def test_without_rules_a_checkout_uses_its_own_rules_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(MINI, tmp_path / "rules" / "mini")
    facts = tmp_path / "rules" / "mini" / "facts.toml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace('type = "bool"', 'typ = "bool"'), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZJTX_RULES", raising=False)
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first.startswith("规则包 / rule package: rules/mini  sha256 ")
    assert "rules/mini/facts.toml:10:1: error[E121 unknown-key]" in out


@pytest.mark.parametrize("where", [".", "cases"])
def test_inside_a_package_folder_that_package_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    """Staff open a terminal beside the files they edit (or in its cases/ folder): that
    package, not the installed copy, is the one checked."""
    pkg = tmp_path / "mini"
    shutil.copytree(MINI, pkg)
    facts = pkg / "facts.toml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace('type = "bool"', 'typ = "bool"'), encoding="utf-8"
    )
    monkeypatch.chdir(pkg / where)
    monkeypatch.delenv("ZJTX_RULES", raising=False)
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(f"规则包 / rule package: {pkg.resolve()}  sha256 ")
    assert "error[E121 unknown-key]" in out


def test_several_packages_in_rules_need_a_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(MINI, tmp_path / "rules" / "a")
    shutil.copytree(MINI, tmp_path / "rules" / "b")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZJTX_RULES", raising=False)
    assert main(["check"]) == 2
    assert "ZJTX_RULES" in capsys.readouterr().err
    monkeypatch.setenv("ZJTX_RULES", str(tmp_path / "rules" / "b"))
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("规则包 / rule package: rules/b  sha256 ")


def test_data_commands_name_the_package_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--count", "1", "--rules", str(MINI)]) == 0
    captured = capsys.readouterr()
    json.loads(captured.out)
    assert captured.err.splitlines()[0].endswith(f"sha256 {package_sha256(MINI)}")


def test_the_fingerprint_covers_the_files_of_the_package_but_not_its_cases(tmp_path: Path) -> None:
    pkg = tmp_path / "p"
    shutil.copytree(MINI, pkg)
    before = package_sha256(pkg)
    assert zjtx_rules.load_rules(pkg).sha256 == before
    case = pkg / "cases" / "basic.toml"
    case.write_text(case.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert package_sha256(pkg) == before
    (pkg / "source.txt").write_text("plan text", encoding="utf-8")
    with_text = package_sha256(pkg)
    assert with_text != before
    (pkg / "source.txt").rename(pkg / "plan.txt")
    assert package_sha256(pkg) not in (before, with_text)


def test_test_takes_a_case_file_or_folder_and_a_name_filter(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(MINI / "cases" / "basic.toml"), "-k", "UNKNOWN"]) == 0
    out = capsys.readouterr().out
    assert "tests/packages/mini" in out.splitlines()[0]
    assert "PASS  unknown revenue" in out and "1 passed, 0 failed" in out
    assert main(["test", str(MINI / "cases")]) == 0
    assert "2 passed, 0 failed" in capsys.readouterr().out
    assert main(["test", str(MINI), "-k", "no such case"]) == 1
    assert main(["test", str(MINI / "cases" / "nope.toml")]) == 2


def test_version_and_python_dash_m() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "zjtx_rules", "--version"], capture_output=True, check=False, text=True
    )
    assert proc.returncode == 0 and proc.stdout.startswith("zjtx ")


@pytest.mark.parametrize(
    "command",
    [
        "evaluate",
        "check",
        "test",
        "mutate",
        "schema",
        "batch",
        "compare",
        "generate",
        "serve",
        "bench",
        "docs",
        "diff",
    ],
)
def test_every_command_help_has_an_example_and_defaults(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert f"example:\n  zjtx {command}" in text
    assert "(default: None)" not in text


def test_batch_refuses_workers_below_one(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["batch", "-", "--workers", "0"])
    assert info.value.code == 2


def test_batch_exits_1_when_a_line_is_an_error_and_answers_every_line(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a"}\n{"id": "b", "employees": -1}\n{"id": "c"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code = main(["batch", str(src), "--out", str(out), "--as-of", "2025-06-30", "--input-format", "jsonl"])
    assert code == 1
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def test_evaluate_of_a_30_digit_int_is_a_clear_error_not_a_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "zjtx_rules", "evaluate", "-"],
        input=b'{"id":"x","employees":123456789012345678901234567890}',
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 2
    assert b"$.employees" in proc.stderr and b"Traceback" not in proc.stderr
