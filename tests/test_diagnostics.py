"""The diagnostics catalogue: each code's golden output (``tests/diagnostics/<CODE>/``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden_diagnostics import folders, output


@pytest.mark.parametrize("folder", folders(), ids=lambda p: p.name)
def test_each_code_says_what_its_golden_file_says(folder: Path) -> None:
    expected = (folder / "expected.txt").read_text(encoding="utf-8")
    got = output(folder)
    assert got == expected, f"regenerate with: python -m tests.golden_diagnostics {folder.name}"
    assert f"[{folder.name} " in got or f'"code": "{folder.name}"' in got
