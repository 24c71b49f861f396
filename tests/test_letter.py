"""The decision letter (``zjtx evaluate --format html``): one enterprise, at most two A4
pages, its name and cash total on page 1, offline, in zh and en."""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import zjtx_rules
from tests.browser import chromium, needs_chromium
from zjtx_rules.render.letter import render_letter

ROOT = Path(__file__).resolve().parent.parent
RULES = zjtx_rules.load_rules()
PROFILES = sorted((ROOT / "examples" / "profiles").glob("*.json"))


def _letter(path: Path, lang: str) -> tuple[dict[str, Any], str]:
    profile = json.loads(path.read_text(encoding="utf-8"))
    ev = RULES.evaluate(profile, "2025-06-30")
    return profile, render_letter(ev, RULES, profile, lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_the_letter_names_the_firm_and_loads_nothing(path: Path, lang: str) -> None:
    profile, text = _letter(path, lang)
    assert profile["name"] in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), "the letter must work offline"
    assert "undefined" not in text and "None" not in text


def test_the_little_giant_letter_states_the_contract_total() -> None:
    _, zh = _letter(ROOT / "examples/profiles/little_giant_11_talents.json", "zh")
    _, en = _letter(ROOT / "examples/profiles/little_giant_11_talents.json", "en")
    assert "1,344,386.50 元" in zh and "CNY 1,344,386.50" in en
    assert "25,000,000.00" in zh  # the loan ceiling is listed as a loan, not added to the total


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as drv:
        yield drv


@needs_chromium
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_the_letter_prints_on_two_pages_with_name_and_total_on_page_one(
    driver: Any, tmp_path: Path, path: Path, lang: str
) -> None:
    from pypdf import PdfReader

    profile, text = _letter(path, lang)
    page = tmp_path / "letter.html"
    page.write_text(text, encoding="utf-8")
    driver.get(page.as_uri())
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": False, "preferCSSPageSize": True})
    reader = PdfReader(io.BytesIO(base64.b64decode(pdf["data"])))
    assert len(reader.pages) <= 2
    first = re.sub(r"\s+", "", reader.pages[0].extract_text())
    assert profile["name"] in first
    total = RULES.evaluate(profile, "2025-06-30").cash_total()
    assert f"{total:,.2f}" in first
