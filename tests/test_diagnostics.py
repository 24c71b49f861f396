"""The diagnostics catalogue: every code documented, named only from the catalogue, with a
golden output (``tests/diagnostics/<CODE>/``), and the error index of ``rules/README.md``."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.golden_diagnostics import GOLDEN, folders, output
from zjtx_rules import diagnostics as D
from zjtx_rules.diagnostics import CATALOGUE, Entry, Words
from zjtx_rules.diagnostics.__main__ import main as index_main
from zjtx_rules.diagnostics.index import END, START, block, markdown, write
from zjtx_rules.errors import Location

SOURCE = ROOT / "zjtx_rules"
CATALOGUE_DIR = SOURCE / "diagnostics"
CODE = re.compile(r"\b[EW]\d{3}\b")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


# --- the golden output of each code ----------------------------------------------------


@pytest.mark.parametrize("folder", folders(), ids=lambda p: p.name)
def test_each_code_says_what_its_golden_file_says(folder: Path) -> None:
    expected = (folder / "expected.txt").read_text(encoding="utf-8")
    got = output(folder)
    assert got == expected, f"regenerate with: python -m tests.golden_diagnostics {folder.name}"
    entry = CATALOGUE[folder.name]
    assert f"{entry.severity}[{entry.code} {entry.slug}]" in got or f'"code": "{entry.code}"' in got


def test_every_code_has_a_golden_folder_or_a_direct_test() -> None:
    golden = {p.name for p in folders()}
    assert golden <= set(CATALOGUE), golden - set(CATALOGUE)
    for code, entry in CATALOGUE.items():
        if entry.trigger == "internal":
            assert f"test_{code.lower()}_directly" in globals(), f"{code} is internal: test it directly"
        else:
            assert code in golden, f"{code} needs tests/diagnostics/{code}/ (see tests/golden_diagnostics.py)"


def test_e100_directly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An operating-system read error (no permission): no repository can hold one."""
    from zjtx_rules.package.source import read_toml

    path = tmp_path / "rules.toml"
    path.write_text('[facts.x]\ntype = "bool"\n', encoding="utf-8")
    real_open = Path.open

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    src, diag = read_toml(path, "rules.toml")
    assert src is None and diag == D.UNREADABLE.at(Location("rules.toml"), reason="Permission denied")
    assert diag is not None and (diag.code, diag.name) == ("E100", "unreadable")
    assert diag.message_en == "cannot read file: Permission denied"


def test_a_file_that_is_not_utf8_is_e101_in_its_own_words(tmp_path: Path) -> None:
    from zjtx_rules.package.source import read_toml

    path = tmp_path / "rules.toml"
    path.write_bytes('[facts.x]\nlabel_zh = "已注册"\n'.encode("gb18030"))
    _, diag = read_toml(path, "rules.toml")
    assert diag is not None and (diag.code, diag.message_zh) == ("E101", "文件不是 UTF-8 编码")
    assert diag.message_en.startswith("file is not UTF-8: 'utf-8' codec can't decode")


def test_e114_and_e125_each_keep_one_meaning() -> None:
    """Regression: E114 also meant an expression tree too deep, E125 also an enum table input
    without choices. The first meanings keep the codes; the second have their own."""
    assert (D.LITERAL_TOO_LARGE.code, D.LITERAL_TOO_LARGE.slug) == ("E114", "literal-too-large")
    assert (D.CHAIN_TOO_LONG.code, D.CHAIN_TOO_LONG.slug) == ("E116", "too-long-chain")
    assert (D.BAD_FACT.code, D.BAD_FACT.slug) == ("E125", "bad-fact")
    assert (D.TABLE_INPUT_CHOICES.code, D.TABLE_INPUT_CHOICES.slug) == ("E129", "bad-table")


# --- the catalogue itself --------------------------------------------------------------


def test_codes_are_well_formed_and_every_entry_is_named_in_the_package() -> None:
    named = {e.code: e for e in vars(D).values() if isinstance(e, Entry)}
    assert named == CATALOGUE
    assert len(CATALOGUE) == len({id(e) for e in CATALOGUE.values()})
    for code, e in CATALOGUE.items():
        assert re.fullmatch(r"[EW]\d{3}", code), code
        assert e.severity == ("error" if code[0] == "E" else "warning"), code
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", e.slug), code


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_is_documented_in_both_languages(code: str) -> None:
    e = CATALOGUE[code]
    assert len(e.doc_zh) >= 20 and _CHINESE.search(e.doc_zh), code
    assert len(e.doc_en) >= 40 and re.search(r"[a-z]{3,}", e.doc_en), code
    if e.trigger == "internal":
        assert "directly" in e.doc_en and "直接测试" in e.doc_zh


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_wording_fills_in_with_its_values(code: str) -> None:
    """Each template (every form, every hint) names its values the same way in both
    languages, and a ``Words`` value gives each language its own text."""
    e = CATALOGUE[code]
    for name, form in [*e.wordings().items(), *(("hint " + n, h) for n, h in e.hints.items())]:
        names = _names(form.en)
        in_zh = names - _ZH_OMITS.get((code, name), set())
        assert _names(form.zh) == in_zh, (code, name)
        words = form.fill({n: Words(f"<{n}-zh>", f"<{n}-en>") for n in names})
        assert all(f"<{n}-en>" in words.en or "!r" in form.en for n in names), (code, name)
        assert all(f"<{n}-zh>" in words.zh or "!r" in form.zh for n in in_zh), (code, name)
    message = e(**{n: "x" for n in _names(e.en)})
    assert (message.code, message.slug, message.severity) == (e.code, e.slug, e.severity)


# wordings whose Chinese leaves out a value the English gives (as the messages always have):
# the decoder's English complaint, and the key of a list out of date order
_ZH_OMITS = {("E101", "encoding"): {"error"}, ("E407", ""): {"key"}}


def _names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _sources() -> list[Path]:
    return sorted(p for p in SOURCE.rglob("*.py") if CATALOGUE_DIR not in p.parents)


def test_no_code_is_written_as_a_string_outside_the_catalogue() -> None:
    """Call sites name entries (``D.UNKNOWN_NAME``); a literal ``"E203"`` anywhere else would
    be a code the catalogue does not document, or a second copy of one that it does."""
    literal = re.compile(r"""(["'])[EW]\d{3}\1""")
    found = [
        f"{p.relative_to(ROOT)}:{i}: {line.strip()}"
        for p in _sources()
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if literal.search(line)
    ]
    assert not found, "\n".join(found)


def test_every_code_the_source_mentions_is_in_the_catalogue() -> None:
    """Docstrings and comments that name a code name one that exists (and means that)."""
    mentioned = {m for p in _sources() for m in CODE.findall(p.read_text(encoding="utf-8"))}
    assert mentioned <= set(CATALOGUE), sorted(mentioned - set(CATALOGUE))


def _entry_of(node: ast.expr) -> Entry | None:
    """The entry ``node`` names, when it is ``D.NAME``."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "D":
        found = getattr(D, node.attr, None)
        return found if isinstance(found, Entry) else None
    return None


def _uses() -> list[tuple[str, Entry, ast.Call | None]]:
    """Every place the source names an entry: called (``D.X(...)``, ``D.X.at(where, ...)``)
    or passed whole (``loader.report(D.NO_POLICY, site)``), with where it is."""
    out: list[tuple[str, Entry, ast.Call | None]] = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            func = node.func
            called = _entry_of(func)
            if called is None and isinstance(func, ast.Attribute) and func.attr == "at":
                called = _entry_of(func.value)
            if called is not None:
                out.append((where, called, node))
            out.extend((where, e, None) for arg in node.args if (e := _entry_of(arg)) is not None)
    return out


def test_every_call_site_gives_the_values_its_wording_needs() -> None:
    """Checked from the source, so that a misspelt value or wording is found before the
    diagnostic is first reported (a ``KeyError`` then)."""
    uses = _uses()
    assert len(uses) > 100
    wrong = []
    for where, e, call in uses:
        if call is None:  # passed whole: filled in with no values
            if _names(e.en):
                wrong.append(f"{where}: {e.code} needs {sorted(_names(e.en))}")
            continue
        given = {k.arg: k.value for k in call.keywords}
        if None in given:  # **values: not checked here
            continue
        form, hint = given.pop("form", None), given.pop("hint", None)
        if isinstance(form, ast.Constant):
            forms = [e.wordings()[form.value]] if form.value in e.wordings() else []
            if not forms:
                wrong.append(f"{where}: {e.code} has no wording {form.value!r}")
        else:
            forms = list(e.wordings().values()) if form is not None else [e.wordings()[""]]
        if isinstance(hint, ast.Constant) and hint.value and hint.value not in e.hints:
            wrong.append(f"{where}: {e.code} has no hint {hint.value!r}")
        tips = [e.hints[hint.value]] if isinstance(hint, ast.Constant) and hint.value in e.hints else []
        tips += [e.hints[""]] if "" in e.hints else []
        needed = set().union(*(_names(f.en) for f in [*forms, *tips]))
        if set(given) != needed:
            wrong.append(f"{where}: {e.code} given {sorted(given)}, needs {sorted(needed)}")
    assert not wrong, "\n".join(wrong)


# --- the error index -------------------------------------------------------------------


def test_the_readme_of_rules_holds_the_current_error_index() -> None:
    readme = ROOT / "rules" / "README.md"
    got = block(readme.read_text(encoding="utf-8"))
    assert got == markdown(), "run: python -m zjtx_rules.diagnostics --write rules/README.md"


def test_the_index_lists_every_code_with_its_documentation() -> None:
    text = markdown()
    for e in CATALOGUE.values():
        assert f"| {e.code} | {e.slug} | {e.severity} |" in text
        assert f"### {e.code} `{e.slug}`" in text and e.doc_zh in text and e.doc_en in text
    assert "| E207 | unknown-template-name | error | 说明文字中的 {{name}} 不是" in text


def test_writing_the_index_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    fresh = tmp_path / "new" / "README.md"
    fresh.parent.mkdir()
    assert write(fresh) and not write(fresh)  # made once, then already current
    assert fresh.read_text(encoding="utf-8").startswith("# Rule packages")
    other = tmp_path / "README.md"
    other.write_text(f"# Packages\n\nabove\n\n{START}\nstale\n{END}\n\nbelow\n", encoding="utf-8")
    write(other)
    text = other.read_text(encoding="utf-8")
    assert text.startswith("# Packages\n\nabove\n\n") and text.endswith(f"{END}\n\nbelow\n")
    assert block(text) == markdown() and "stale" not in text


def test_the_index_command_checks_and_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "README.md"
    assert index_main(["--check", str(path)]) == 1
    assert index_main(["--write", str(path)]) == 0
    assert index_main(["--check", str(path)]) == 0
    capsys.readouterr()
    assert index_main([]) == 0
    assert capsys.readouterr().out == markdown()


def test_golden_folders_hold_a_package() -> None:
    for folder in folders():
        assert (folder / "pkg").is_dir() and (folder / "expected.txt").is_file(), folder
    assert GOLDEN == ROOT / "tests" / "diagnostics"
