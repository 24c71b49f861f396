from __future__ import annotations

import zjtx_rules


def test_all_matches_exports() -> None:
    public = {n for n in dir(zjtx_rules) if not n.startswith("_")} - {
        "casefile",
        "cli",
        "engine",
        "errors",
        "expr",
        "loader",
        "periods",
        "profile",
        "report",
        "result",
        "source",
        "spec",
        "tables",
        "textfmt",
        "version",
        "PackageNotFoundError",
    }
    assert public | {"__version__"} == set(zjtx_rules.__all__)


def test_no_eval_exec_or_pickle_in_the_engine() -> None:
    import pathlib
    import re

    src = pathlib.Path(zjtx_rules.__file__).parent
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(eval|exec)\(|\bpickle\b|yaml\.load", text), path
