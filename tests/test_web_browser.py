"""The calculator page in headless Chromium (Debian's chromium + chromium-driver, driven by
selenium; no browser download)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zjtx_rules.web import create_app

from .conftest import BUNDLED, EXAMPLES
from .test_web_api import _start

webdriver = pytest.importorskip("selenium.webdriver")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason="Debian chromium and chromium-driver are not installed",
)


@pytest.fixture(scope="module")
def page() -> Iterator[tuple[Any, int]]:
    from selenium.webdriver.chrome.service import Service

    server, port = _start(create_app(BUNDLED))
    opts = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,2000",
    ):
        opts.add_argument(arg)
    opts.binary_location = CHROMIUM
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    yield driver, port
    driver.quit()
    server.shutdown()
    server.server_close()


def wait(driver: Any, script: str, timeout: float = 10) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {script}")


def open_page(driver: Any, port: int) -> None:
    driver.get(f"http://127.0.0.1:{port}/?as_of=2025-06-30")
    wait(driver, "return document.body.dataset.ready")


def fill_from_example(driver: Any, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, "#import summary").click()
    box = driver.find_element(By.ID, "import-json")
    driver.execute_script(
        "arguments[0].value = arguments[1]", box, (EXAMPLES / name).read_text(encoding="utf-8")
    )
    driver.find_element(By.ID, "import-button").click()


def results(driver: Any) -> dict[str, str]:
    return driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('article.measure')]"
        ".map(a => [a.dataset.measure, a.dataset.status]))"
    )


def test_fill_submit_and_read_the_talent_table(page: tuple[Any, int], tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver, port = page
    open_page(driver, port)
    assert len(driver.find_elements(By.CSS_SELECTOR, "#profile-form [data-field]")) > 30
    fill_from_example(driver, "little_giant_11_talents.json")
    revenue = driver.find_element(By.ID, "f-revenue_cny")
    assert revenue.get_attribute("value") == "286000000.00"
    revenue.clear()
    revenue.send_keys("286000000")  # typed by hand, as a person would
    Select(driver.find_element(By.ID, "f-registered_in_area")).select_by_value("true")
    assert len(driver.find_elements(By.CSS_SELECTOR, '[data-list="talents"] > .row')) == 11
    driver.find_element(By.ID, "submit").click()
    wait(driver, "return document.querySelectorAll('article.measure').length === 30")
    statuses = results(driver)
    assert statuses["talent_reward"] == "eligible" and statuses["patent_subsidy"] == "eligible"
    rows = driver.execute_script(
        "return [...document.querySelectorAll('[data-measure=talent_reward] table.by-year tr[data-year]')]"
        ".map(r => [r.dataset.year, r.cells[1].textContent])"
    )
    assert rows == [["2024", "462,861.00"], ["2025", "479,000.50"], ["2026", "368,200.00"]]
    card = driver.find_element(By.CSS_SELECTOR, "[data-measure=talent_reward]")
    assert "第21条" in card.text and "组织人事部" in card.text
    driver.save_screenshot(str(tmp_path / "calculator.png"))
    assert (tmp_path / "calculator.png").read_bytes()[:4] == b"\x89PNG"


def test_switch_to_english(page: tuple[Any, int]) -> None:
    from selenium.webdriver.common.by import By

    driver, port = page
    open_page(driver, port)
    fill_from_example(driver, "new_municipal_zjtx.json")
    driver.find_element(By.ID, "submit").click()
    wait(driver, "return document.querySelectorAll('article.measure').length === 30")
    driver.find_element(By.ID, "lang-en").click()
    card = driver.find_element(By.CSS_SELECTOR, "[data-measure=talent_reward]")
    assert "Clause 21" in card.text and "Eligible" in card.text
    assert driver.find_element(By.ID, "submit").text == "Calculate"
    label = driver.find_element(By.CSS_SELECTOR, "label[for=f-revenue_cny]").text
    assert label == "Revenue, last year"
    assert driver.find_element(By.ID, "f-revenue_cny").get_attribute("value") == "58000000.00"


def test_answer_an_undetermined_question_in_place(page: tuple[Any, int]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver, port = page
    open_page(driver, port)
    fill_from_example(driver, "half_missing.json")
    driver.find_element(By.ID, "submit").click()
    wait(driver, "return document.querySelectorAll('article.measure').length === 30")
    assert results(driver)["talent_reward"] == "undetermined"
    box = driver.find_element(By.CSS_SELECTOR, "[data-measure=talent_reward] .missing-question")
    Select(box.find_element(By.CSS_SELECTOR, "[data-fact=registered_in_area]")).select_by_value("true")
    Select(box.find_element(By.CSS_SELECTOR, "[data-fact=serious_dishonesty]")).select_by_value("false")
    box.find_element(By.CSS_SELECTOR, "button.answer").click()
    wait(
        driver, "return document.querySelector('[data-measure=talent_reward]')?.dataset.status === 'eligible'"
    )
    assert (
        Select(driver.find_element(By.ID, "f-registered_in_area")).first_selected_option.get_attribute(
            "value"
        )
        == "true"
    )


def test_profile_errors_are_shown_on_the_fields(page: tuple[Any, int]) -> None:
    from selenium.webdriver.common.by import By

    driver, port = page
    open_page(driver, port)
    driver.find_element(By.ID, "f-id").send_keys("X")
    driver.find_element(By.ID, "f-revenue_cny").send_keys("-5")
    driver.find_element(By.ID, "submit").click()
    wait(driver, "return document.querySelector('#errors .error')")
    assert "$.revenue_cny" in driver.find_element(By.ID, "errors").text
    assert driver.find_elements(By.CSS_SELECTOR, '[data-field="revenue_cny"].invalid')
