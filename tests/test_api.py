from __future__ import annotations

import inspect

import zjtx_rules


def test_all_matches_exports() -> None:
    public = {n for n, v in vars(zjtx_rules).items() if not n.startswith("_") and not inspect.ismodule(v)} - {
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
