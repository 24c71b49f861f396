"""The calculator page in headless Chromium (Debian's chromium + chromium-driver, driven by
selenium; no browser download), used as an enterprise's finance manager would use it.

Set ZJTX_SCREENSHOT_DIR to write the screenshots of docs/integrators.md there (desktop, phone, English,
print); otherwise they go to a temporary folder and are only checked to be PNG images."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
import selenium.webdriver  # noqa: F401  (a test extra: missing is a failure, not a skip)

from tests.browser import chromium, needs_chromium, needs_cjk_font
from tests.conftest import BUNDLED, EXAMPLES
from tests.test_web_api import _start
from zjtx_rules.web.application import create_app

pytestmark = needs_chromium
LITTLE_GIANT_TOTAL = "1,344,386.50"  # talent reward 1,310,061.50 + patent subsidy 34,325.00
DESKTOP = (1400, 1000)


@pytest.fixture(scope="module")
def page() -> Iterator[tuple[Any, int]]:
    server, port = _start(create_app(BUNDLED))
    try:
        with chromium(f"--window-size={DESKTOP[0]},{DESKTOP[1]}", browser_log=True) as driver:
            yield driver, port
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def driver(page: tuple[Any, int]) -> Iterator[Any]:
    """The shared browser, back at desktop size and screen media after each test."""
    d = page[0]
    yield d
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    d.set_window_size(*DESKTOP)
    d.switch_to.default_content()


@pytest.fixture()
def port(page: tuple[Any, int]) -> int:
    return page[1]


def shots() -> Path:
    return Path(os.environ.get("ZJTX_SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="zjtx-shots-"))


def wait(driver: Any, script: str, timeout: float = 10) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {script}")


def open_page(driver: Any, port: int, query: str = "as_of=2025-06-30") -> None:
    driver.get_log("browser")  # what earlier tests logged is theirs
    driver.get(f"http://127.0.0.1:{port}/?{query}")
    wait(driver, "return document.body.dataset.ready")


def fill_from_example(driver: Any, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, "#import summary").click()
    box = driver.find_element(By.ID, "import-json")
    driver.execute_script(
        "arguments[0].value = arguments[1]", box, (EXAMPLES / name).read_text(encoding="utf-8")
    )
    driver.find_element(By.ID, "import-button").click()


def calculate(driver: Any) -> None:
    from selenium.webdriver.common.by import By

    driver.execute_script("document.querySelector('#results').hidden = true")
    driver.find_element(By.ID, "submit").click()
    wait(driver, "return !document.querySelector('#results').hidden")


def results(driver: Any) -> dict[str, str]:
    return driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('article.measure')]"
        ".map(a => [a.dataset.measure, a.dataset.status]))"
    )


def no_script_errors(driver: Any) -> None:
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []


def test_the_summary_leads_with_the_cash_total(driver: Any, port: int) -> None:
    from selenium.webdriver.common.by import By

    open_page(driver, port)
    fill_from_example(driver, "little_giant_11_talents.json")
    calculate(driver)
    summary = driver.find_element(By.ID, "summary")
    assert driver.find_element(By.ID, "cash-total").get_attribute("data-total") == LITTLE_GIANT_TOTAL
    split = driver.execute_script(
        "return [...document.querySelectorAll('#summary td[data-year]')]"
        ".map(c => [c.dataset.year, c.textContent])"
    )
    assert split == [
        ["2022", "4,325.00"],
        ["2023", "10,000.00"],
        ["2024", "482,861.00"],
        ["2025", "479,000.50"],
        ["2026", "368,200.00"],
    ]
    assert "25,000,000.00 元（2500 万元）" in summary.text  # the growth loan's ceiling
    assert "资金奖补 2 项" in summary.text and "融资贷款 1 项" in summary.text  # clause 18 is a service
    # the summary is the first thing in the results, and focus moved there after 计算
    assert driver.execute_script("return document.activeElement.id") == "summary"
    order = driver.execute_script(
        "return [...document.querySelectorAll('#groups > section')].map(s => s.dataset.group)"
    )
    assert order[0] == "cash" and order[1] == "loan"
    # only the summary is announced to screen readers
    assert driver.execute_script(
        "return [...document.querySelectorAll('#results [aria-live]')].map(n => n.id)"
    ) == ["summary"]
    no_script_errors(driver)


def test_fill_submit_and_read_the_talent_table(driver: Any, port: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    open_page(driver, port)
    assert len(driver.find_elements(By.CSS_SELECTOR, "#fields [data-field]")) > 30
    sections = driver.execute_script(
        "return [...document.querySelectorAll('fieldset.section > legend')].map(l => l.textContent)"
    )
    assert sections == ["基本信息", "经营与研发", "资质", "人才", "专利"]
    fill_from_example(driver, "little_giant_11_talents.json")
    revenue = driver.find_element(By.ID, "f-revenue_cny")
    assert revenue.get_attribute("value") == "286000000.00"
    assert driver.find_element(By.ID, "f-debt_ratio").get_attribute("value") == "46"  # 0.46 shown as %
    revenue.clear()
    revenue.send_keys("286,000,000")  # typed by hand, with separators, as a person would
    Select(driver.find_element(By.ID, "f-registered_in_area")).select_by_value("true")
    assert len(driver.find_elements(By.CSS_SELECTOR, '[data-list="talents"] > .row')) == 11
    calculate(driver)
    assert len(results(driver)) == 30
    statuses = results(driver)
    assert statuses["talent_reward"] == "eligible" and statuses["patent_subsidy"] == "eligible"
    table = "[data-measure=talent_reward] table.talents"
    reward = driver.execute_script(
        f"return [...document.querySelectorAll('{table} tr.reward td[data-year]')]"
        ".map(c => [c.dataset.year, c.textContent])"
    )
    assert reward == [["2024", "462,861.00"], ["2025", "479,000.50"], ["2026", "368,200.00"]]
    marks = driver.execute_script(
        f"return [...document.querySelectorAll('{table} tr[data-talent]')]"
        ".map(r => [r.dataset.talent, r.className])"
    )
    assert len(marks) == 11 and marks[0] == ["T01", "in"] and marks[-1] == ["T11", "out"]
    card = driver.find_element(By.CSS_SELECTOR, "[data-measure=talent_reward]")
    assert "第21条" in card.text and "奖励起始年度：2024" in card.text
    card.find_element(By.CSS_SELECTOR, "details.more summary").click()
    assert "组织人事部" in card.text and "工资薪金" in card.find_element(By.CSS_SELECTOR, ".quote").text
    path = shots() / "calculator.png"
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(path))
    assert path.read_bytes()[:4] == b"\x89PNG"
    no_script_errors(driver)


def test_undetermined_measures_share_one_questions_block(driver: Any, port: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    open_page(driver, port)
    fill_from_example(driver, "half_missing.json")
    calculate(driver)
    block = driver.find_element(By.ID, "merged-questions")
    assert block.get_attribute("data-questions") == "3" and block.get_attribute("data-measures") == "19"
    assert block.find_element(By.TAG_NAME, "h2").text == "补充 3 项信息可确定 19 项政策"
    assert "“待确定”不是“不符合”" in block.text
    assert not driver.find_elements(By.CSS_SELECTOR, "article.measure .missing-question")
    asked = driver.execute_script(
        "return [...document.querySelectorAll('#merged-questions [data-question]')]"
        ".map(n => n.dataset.question)"
    )
    assert sorted(asked) == ["listed", "registered_in_area", "serious_dishonesty"]  # each once
    Select(block.find_element(By.ID, "q-registered_in_area")).select_by_value("true")
    Select(block.find_element(By.ID, "q-serious_dishonesty")).select_by_value("false")
    Select(block.find_element(By.ID, "q-listed")).select_by_value("false")
    block.find_element(By.CSS_SELECTOR, "button.answer").click()
    wait(driver, "return !document.querySelector('#merged-questions')")
    assert results(driver)["talent_reward"] == "eligible"
    listed = Select(driver.find_element(By.ID, "f-listed")).first_selected_option
    assert listed.get_attribute("value") == "false"


@pytest.mark.parametrize("phone_width", [360, 390])
def test_no_horizontal_overflow_on_a_phone(driver: Any, port: int, phone_width: int) -> None:
    from selenium.webdriver.common.by import By

    driver.set_window_size(phone_width, 900)
    open_page(driver, port)
    fill_from_example(driver, "little_giant_11_talents.json")
    calculate(driver)
    width, scroll = driver.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
    assert width <= phone_width and scroll <= width
    # labels sit above their inputs
    label = driver.find_element(By.CSS_SELECTOR, "label[for=f-revenue_cny]").rect
    box = driver.find_element(By.ID, "f-revenue_cny").rect
    assert box["y"] >= label["y"] + label["height"] - 1
    if phone_width == 390:
        driver.save_screenshot(str(shots() / "calculator-phone.png"))


@needs_cjk_font
def test_print_starts_with_the_summary(driver: Any, port: int) -> None:
    open_page(driver, port)
    fill_from_example(driver, "little_giant_11_talents.json")
    calculate(driver)
    pdf = base64.b64decode(
        driver.execute_cdp_cmd(
            "Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True}
        )["data"]
    )
    assert pdf[:5] == b"%PDF-"
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    first = driver.execute_script(
        "const all = [...document.querySelectorAll('body *')].filter(n => n.offsetParent !== null"
        " && n.children.length === 0 && n.textContent.trim());"
        "return [all[0].closest('[id]').id, document.querySelector('#form-section').offsetParent]"
    )
    assert first == ["summary", None]  # the summary first, the form not printed
    driver.set_window_size(900, 1200)
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(shots() / "calculator-print.png"))
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert text.lstrip().startswith("可获得的资金"), text[:200]
    assert LITTLE_GIANT_TOTAL in text and "必填" not in text  # the form is not printed


def test_embedded_page_posts_its_height_to_the_host(driver: Any, port: int) -> None:
    from selenium.webdriver.common.by import By

    origin = f"http://127.0.0.1:{port}"
    host_html = (
        f"<!doctype html><title>portal</title><h1>Portal</h1>"
        f'<iframe id="calc" src="{origin}/?embed=1&as_of=2025-06-30"'
        ' style="width:100%;height:150px;border:0"></iframe>'
        "<script>window.heights = [];"
        'window.addEventListener("message", (e) => {'
        f'  if (e.origin !== "{origin}" || !e.data || e.data.type !== "zjtx-calculator-height") return;'
        "  window.heights.push(e.data.height);"
        '  document.getElementById("calc").style.height = e.data.height + "px";'
        "});</script>"
    ).encode()

    def host_app(environ: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [host_html]

    server, host_port = _start(host_app)  # type: ignore[arg-type]
    try:
        driver.get(f"http://127.0.0.1:{host_port}/")
        height = wait(driver, "return window.heights.length && window.heights[window.heights.length - 1]")
        assert height > 400
        frame = driver.find_element(By.ID, "calc")
        wait(driver, "return document.getElementById('calc').offsetHeight > 400")  # grew, not scrolled
        driver.switch_to.frame(frame)
        wait(driver, "return document.body.dataset.ready")
        assert not driver.find_element(By.ID, "page-header").is_displayed()
        assert driver.execute_script("return document.documentElement.scrollHeight <= window.innerHeight + 1")
        fill_from_example(driver, "little_giant_11_talents.json")
        calculate(driver)  # the results make the page taller: the host hears of it
        driver.switch_to.default_content()
        # the frame settles at the last height posted, well above the empty form's
        last = "window.heights[window.heights.length - 1]"
        wait(
            driver,
            f"return {last} > {height} + 1000 && document.getElementById('calc').offsetHeight === {last}",
        )
    finally:
        driver.switch_to.default_content()
        server.shutdown()
        server.server_close()


def test_english_mode_shows_no_raw_values_and_no_chinese(driver: Any, port: int) -> None:
    from selenium.webdriver.common.by import By

    open_page(driver, port, "as_of=2025-06-30&lang=en")
    fill_from_example(driver, "little_giant_11_talents.json")
    calculate(driver)
    for d in driver.find_elements(By.CSS_SELECTOR, "details"):
        driver.execute_script("arguments[0].open = true", d)
    policy = json.loads(driver.execute_script("return JSON.stringify(policy)"))
    raw = set()
    for f in policy["facts"]:
        for sub in [f, *f.get("fields", [])]:
            # plain words like "invention" may appear in English text; machine names may not
            raw |= {
                c["value"]
                for c in sub.get("choices", [])
                if c["value"] != c["label_en"] and ("_" in c["value"] or not c["value"].isascii())
            }
    assert {"municipal_zjtx", "utility_model", "汽车"} <= raw
    shown = driver.execute_script(
        "return document.body.innerText + '\\n'"
        " + [...document.querySelectorAll('option')].map(o => o.text).join('\\n')"
    )
    # the clause quote is the Chinese original, and is marked lang=zh; nothing else is Chinese
    quotes = driver.execute_script("return [...document.querySelectorAll('[lang=zh]')].map(n => n.innerText)")
    for q in quotes:
        shown = shown.replace(q, "")
    leaked = [v for v in raw if re.search(rf"(?<![\w-]){re.escape(v)}(?![\w-])", shown)]
    assert leaked == []
    assert re.findall(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+", shown) == []  # CJK, full-width too
    assert "Finance Bureau" in driver.find_element(By.CSS_SELECTOR, "[data-measure=talent_reward]").text
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(shots() / "calculator-en.png"))
    no_script_errors(driver)


def test_keyboard_only_fill_in_of_a_small_profile(driver: Any, port: int) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    open_page(driver, port)
    keys = ActionChains(driver)

    def tab_to(field_id: str) -> None:
        for _ in range(80):
            if driver.execute_script("return document.activeElement.id") == field_id:
                return
            keys.send_keys(Keys.TAB).perform()
        raise AssertionError(f"Tab never reached #{field_id}")

    tab_to("f-id")
    keys.send_keys("KB-0001").perform()
    tab_to("f-registered_in_area")
    keys.send_keys(Keys.DOWN).perform()  # 是
    tab_to("f-serious_dishonesty")
    keys.send_keys(Keys.DOWN, Keys.DOWN).perform()  # 否
    tab_to("f-revenue_cny")
    keys.send_keys("58,000,000").perform()
    tab_to("f-debt_ratio")
    keys.send_keys("46").perform()
    keys.send_keys(Keys.ENTER).perform()
    wait(driver, "return !document.querySelector('#results').hidden")
    sent = driver.execute_script("return readForm().profile")
    assert sent == {
        "id": "KB-0001",
        "registered_in_area": True,
        "serious_dishonesty": False,
        "revenue_cny": "58000000",
        "debt_ratio": "0.46",
    }
    assert driver.execute_script("return document.activeElement.id") == "summary"
    assert len(results(driver)) == 30


def test_errors_are_in_the_users_language_beside_the_field(driver: Any, port: int) -> None:
    from selenium.webdriver.common.by import By

    open_page(driver, port)
    driver.find_element(By.ID, "f-founded_on").send_keys("2012-05")  # half-typed: flagged, not dropped
    driver.find_element(By.CSS_SELECTOR, "button[data-add=talents]").click()
    driver.find_element(By.CSS_SELECTOR, "[data-list=talents] textarea").send_keys("2025 a lot")
    calculate_click = driver.find_element(By.ID, "submit")
    calculate_click.click()
    wait(driver, "return document.querySelector('#errors li')")
    holder = driver.find_element(By.CSS_SELECTOR, '[data-field="founded_on"]')
    assert "invalid" in holder.get_attribute("class")
    assert "YYYY-MM-DD" in holder.find_element(By.CSS_SELECTOR, ".field-error").text
    assert driver.execute_script("return document.activeElement.id") == "f-founded_on"
    talents = driver.find_element(By.CSS_SELECTOR, "#list-talents h3").text
    assert f"{talents} · 第 1 行 · " in driver.find_element(By.ID, "errors").text  # a row's field, by name
    driver.find_element(By.ID, "f-founded_on").clear()
    driver.find_element(By.CSS_SELECTOR, "[data-list=talents] button.remove").click()
    driver.find_element(By.ID, "f-revenue_cny").send_keys("-5")  # the server's bound check
    calculate_click.click()
    wait(driver, "return document.querySelector('[data-field=revenue_cny].invalid')")
    errors = driver.find_element(By.ID, "errors").text
    label = driver.find_element(By.CSS_SELECTOR, "label[for=f-revenue_cny]").text.rstrip(" *")
    assert label in errors and "$." not in errors
    assert re.search(r"[a-z]{4,}", errors) is None  # no English inside the Chinese messages
    assert driver.find_element(By.ID, "f-id").get_attribute("value").startswith("web-")  # id generated


def test_the_date_defaults_to_the_plan_period(driver: Any, port: int) -> None:
    from datetime import date

    from selenium.webdriver.common.by import By

    open_page(driver, port, "")
    as_of = driver.find_element(By.ID, "as-of").get_attribute("value")
    banner = driver.find_element(By.ID, "date-banner")
    today = date.today().isoformat()
    if "2022-01-01" <= today <= "2025-12-31":
        assert as_of == today and not banner.is_displayed()
    else:
        assert as_of == "2025-12-31" and "2025-12-31" in banner.text


def test_a_result_reopens_from_the_url_and_import_clears_it(driver: Any, port: int) -> None:
    from selenium.webdriver.common.by import By

    open_page(driver, port)
    fill_from_example(driver, "little_giant_11_talents.json")
    calculate(driver)
    url = driver.current_url
    assert "#" in url
    driver.get("about:blank")
    driver.get(url)
    wait(driver, "return document.querySelector('#cash-total')")
    assert driver.find_element(By.ID, "cash-total").get_attribute("data-total") == LITTLE_GIANT_TOTAL
    fill_from_example(driver, "half_missing.json")
    assert not driver.find_element(By.ID, "results").is_displayed()  # no stale result beside new data


def test_assumed_figures_are_marked_when_the_result_says_so(driver: Any, port: int) -> None:
    open_page(driver, port)
    fill_from_example(driver, "little_giant_11_talents.json")
    calculate(driver)
    # the engine lists what each outcome rested on; every id it names is marked on the page
    expected = driver.execute_script(
        "const m = lastResult.measures.find(x => x.id === 'patent_subsidy');"
        "return m.assumptions.map(a => a.id);"
    )
    assert "other_subsidies_cny" in expected
    marked = driver.execute_script(
        "return [...document.querySelectorAll('[data-measure=patent_subsidy] [data-assumed]')]"
        ".map(n => n.dataset.assumed).join(' ').split(' ')"
    )
    assert set(marked) <= set(expected) and "other_subsidies_cny" in marked
    assert "合计中含有假设数字" in driver.find_element("id", "summary").text
    # with no assumptions in the result, nothing is marked
    cleared = driver.execute_script(
        "for (const m of lastResult.measures) m.assumptions = [];"
        "for (const t of lastResult.tiers) t.assumptions = [];"
        "renderResult();"
        "return [document.querySelectorAll('#groups [data-assumed], #tiers [data-assumed]').length,"
        " document.querySelector('#summary').innerText.includes('合计中含有假设数字')]"
    )
    assert cleared == [0, False]


def test_a_policy_that_cannot_load_says_so(driver: Any, port: int) -> None:
    from selenium.webdriver.common.by import By

    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/v1/policy"]})
    try:
        driver.get(f"http://127.0.0.1:{port}/")
        wait(driver, "return document.body.dataset.ready === 'failed'")
        message = driver.find_element(By.ID, "load-failure")
        assert message.is_displayed() and "could not be loaded" in message.text
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        driver.execute_cdp_cmd("Network.disable", {})


def test_the_result_exports_as_json(driver: Any, port: int) -> None:
    from selenium.webdriver.common.by import By

    open_page(driver, port)
    fill_from_example(driver, "new_municipal_zjtx.json")
    calculate(driver)
    driver.execute_script(
        "window.exported = null;"
        "URL.createObjectURL = (blob) => {"
        "  blob.text().then(t => { window.exported = t; }); return 'about:blank'; };"
        "HTMLAnchorElement.prototype.click = function () { window.fileName = this.download; };"
    )
    driver.find_element(By.ID, "export-json").click()
    doc = json.loads(wait(driver, "return window.exported"))
    assert doc["as_of"] == "2025-06-30" and len(doc["measures"]) == 30
    assert driver.execute_script("return window.fileName") == f"{doc['profile_id']}-2025-06-30.json"
