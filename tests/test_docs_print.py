"""The rules document prints: headless Chromium renders the index and a measure page to PDF
through the DevTools ``Page.printToPDF`` command (Debian's chromium + chromium-driver)."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import selenium.webdriver  # noqa: F401  (a test extra: missing is a failure, not a skip)

from tests.browser import chromium, needs_chromium
from tests.conftest import BUNDLED
from zjtx_rules.render.docsite import write_site
from zjtx_rules.render.package_view import load_view

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("printed")
    write_site(load_view(BUNDLED), out)
    return out


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as drv:
        yield drv


def _print(driver: Any, url: str) -> bytes:
    driver.get(url)
    result = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": False, "preferCSSPageSize": True})
    return base64.b64decode(result["data"])


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize("page", ["index.html", "measures/talent_reward.html"])
def test_page_prints_to_pdf(driver: Any, site: Path, page: str) -> None:
    pdf = _print(driver, (site / page).as_uri())
    assert pdf.startswith(b"%PDF-")
    assert _pages(pdf) >= 1
    # the print stylesheet applies: the site navigation is hidden on paper, shown on screen
    nav = "return getComputedStyle(document.querySelector('nav.site')).display"
    assert driver.execute_script(nav) != "none"
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert driver.execute_script(nav) == "none"
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_whole_document_prints_a_page_per_chapter(driver: Any, site: Path) -> None:
    pdf = _print(driver, (site / "all.html").as_uri())
    chapters = driver.execute_script("return document.querySelectorAll('main > article').length")
    assert chapters > 30
    assert _pages(pdf) >= chapters  # each chapter starts on a new page


def test_result_card_links_to_the_served_rule_page(driver: Any) -> None:
    """The calculator's result card opens the measure's page of the rules document."""
    from selenium.webdriver.common.by import By

    from tests.test_web_api import _start
    from tests.test_web_browser import click, fill_from_example, open_page, wait
    from zjtx_rules.web.application import create_app

    server, port = _start(create_app(BUNDLED))
    try:
        open_page(driver, port)
        fill_from_example(driver, "little_giant_11_talents.json")
        click(driver, driver.find_element(By.ID, "submit"))
        wait(driver, "return document.querySelectorAll('article.measure').length === 30")
        link = driver.find_element(By.CSS_SELECTOR, "[data-measure=talent_reward] a.rule-link")
        assert link.get_attribute("href") == f"http://127.0.0.1:{port}/rules/measures/talent_reward.html"
        click(driver, link)
        wait(driver, "return document.querySelector('blockquote.quote') !== null")
        assert "第21条" in driver.find_element(By.TAG_NAME, "h1").text
        # the stylesheet loaded under the CSP: the quote is styled, not browser-default
        border = driver.execute_script(
            "return getComputedStyle(document.querySelector('blockquote.quote')).borderLeftStyle"
        )
        assert border == "solid"
    finally:
        server.shutdown()
        server.server_close()
