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

    click(driver, driver.find_element(By.CSS_SELECTOR, "#import summary"))
    box = driver.find_element(By.ID, "import-json")
    driver.execute_script(
        "arguments[0].value = arguments[1]", box, (EXAMPLES / name).read_text(encoding="utf-8")
    )
    click(driver, driver.find_element(By.ID, "import-button"))


def calculate(driver: Any) -> None:
    from selenium.webdriver.common.by import By

    driver.execute_script("document.querySelector('#results').hidden = true")
    driver.find_element(By.ID, "submit").click()
    wait(driver, "return !document.querySelector('#results').hidden")


def click(driver: Any, element: Any) -> None:
    """Click as a person would, with the element scrolled clear of the sticky 计算 bar."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def results(driver: Any) -> dict[str, str]:
    return driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('article.measure')]"
        ".map(a => [a.dataset.measure, a.dataset.status]))"
    )


def no_script_errors(driver: Any) -> None:
    # the page asks GET /v1/policies whether several packages are served; one alone answers 404
    severe = [
        e
        for e in driver.get_log("browser")
        if e["level"] == "SEVERE" and not re.search(r"/v1/policies .*\b404\b", e["message"])
    ]
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
    table = "[data-measure=talent_reward] table.records"
    reward = driver.execute_script(
        f"return [...document.querySelectorAll('{table} tr.total td[data-year]')]"
        ".map(c => [c.dataset.year, c.textContent])"
    )
    assert reward == [["2024", "462,861.00"], ["2025", "479,000.50"], ["2026", "368,200.00"]]
    marks = driver.execute_script(
        f"return [...document.querySelectorAll('{table} tr[data-record]')]"
        ".map(r => [r.dataset.record, r.className])"
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
        # the host scrolls the frame, so no bar can stick: 计算 is repeated above the form
        assert driver.find_element(By.CSS_SELECTOR, ".submit-top button").is_displayed()
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
    shown = shown.replace(driver.execute_script("return lastProfile.name"), "")  # the enterprise's own data
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
    click(driver, driver.find_element(By.CSS_SELECTOR, "button[data-add=talents]"))
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
    click(driver, driver.find_element(By.CSS_SELECTOR, "[data-list=talents] button.remove"))
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
        "lastResult.totals.cash_assumed = [];"
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


def paste_import(driver: Any, text: str) -> None:
    from selenium.webdriver.common.by import By

    if not driver.execute_script("return document.querySelector('#import').open"):
        driver.find_element(By.CSS_SELECTOR, "#import summary").click()
    driver.execute_script("document.querySelector('#import-json').value = arguments[0]", text)
    driver.find_element(By.ID, "import-button").click()


def record_requests(driver: Any) -> None:
    """From now on, window.sent holds the body of every POST /v1/evaluate the page makes."""
    driver.execute_script(
        "window.sent = []; const real = window.fetch;"
        "window.fetch = (url, opts) => {"
        "  if (String(url).includes('/v1/evaluate')) window.sent.push(JSON.parse(opts.body));"
        "  return real(url, opts); };"
    )


def capture_export(driver: Any) -> dict[str, Any]:
    from selenium.webdriver.common.by import By

    driver.execute_script(
        "window.exported = null;"
        "URL.createObjectURL = (blob) => {"
        "  blob.text().then(t => { window.exported = t; }); return 'about:blank'; };"
        "HTMLAnchorElement.prototype.click = function () { window.fileName = this.download; };"
    )
    driver.find_element(By.ID, "export-json").click()
    return json.loads(wait(driver, "return window.exported"))


def test_save_then_import_restores_the_form_and_the_result(driver: Any, port: int, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    open_page(driver, port)
    fill_from_example(driver, "little_giant_11_talents.json")
    calculate(driver)
    form = driver.execute_script("return readForm().profile")
    result = driver.execute_script("return lastResult")
    doc = capture_export(driver)
    assert set(doc) == {"profile", "result", "saved_at", "policy"}
    assert doc["profile"] == form and doc["result"] == result
    policy = driver.execute_script("return policy.policy")
    assert doc["policy"] == {k: policy[k] for k in ("id", "version", "sha256")}
    assert driver.execute_script("return window.fileName") == f"{result['profile_id']}-2025-06-30.json"
    summary = driver.find_element(By.ID, "summary").text
    assert "重庆某精密传动科技有限公司" in summary  # the company's name, not only its id

    # a fresh page, another date: the file brings back the inputs, the date and the result
    # as saved, without asking the server again
    open_page(driver, port, "as_of=2024-01-01")
    record_requests(driver)
    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    driver.find_element(By.CSS_SELECTOR, "#import summary").click()
    driver.find_element(By.ID, "import-file").send_keys(str(saved))
    wait(driver, "return !document.querySelector('#results').hidden")
    assert driver.execute_script("return window.sent") == []
    assert driver.execute_script("return readForm().profile") == form
    assert driver.find_element(By.ID, "as-of").get_attribute("value") == "2025-06-30"
    assert driver.execute_script("return lastResult") == result
    assert driver.find_element(By.ID, "summary").text == summary
    assert "已恢复" in driver.find_element(By.ID, "import-note").text

    # saved under other rules: the inputs come back and the result is computed again
    other = {**doc, "policy": {**doc["policy"], "version": "2021.0", "sha256": "0" * 64}}
    open_page(driver, port)
    record_requests(driver)
    paste_import(driver, json.dumps(other, ensure_ascii=False))
    wait(driver, "return window.sent.length === 1 && document.querySelector('#cash-total')")
    assert driver.execute_script("return window.sent[0]") == form
    assert "2021.0" in driver.find_element(By.ID, "import-note").text
    assert driver.find_element(By.ID, "cash-total").get_attribute("data-total") == LITTLE_GIANT_TOTAL
    no_script_errors(driver)


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        (
            '{"id": "A1",\n  "revenue_cny": 12,,\n}',
            "不是有效的 JSON（第 2 行第",
            "not valid JSON (near line 2,",
        ),
        ("[1, 2]", "应是一个 JSON 对象", "should be one JSON object"),
        ('{"colour": "red"}', "没有本计算器认识的", "nothing this calculator asks for"),
        ("RESULT", "只有计算结果，没有企业信息", "a result without the enterprise's inputs"),
    ],
)
def test_an_unreadable_import_says_why_and_keeps_the_form(
    driver: Any, port: int, text: str, zh: str, en: str
) -> None:
    from selenium.webdriver.common.by import By

    for lang in ("zh", "en"):
        open_page(driver, port, f"as_of=2025-06-30&lang={lang}")
        fill_from_example(driver, "new_municipal_zjtx.json")
        calculate(driver)
        before = driver.execute_script("return [readForm().profile, lastResult]")
        if text == "RESULT":  # a bare result, as this page exported it before it saved the inputs
            text = json.dumps(before[1])
        paste_import(driver, text)
        message = wait(driver, "return document.querySelector('#import-error').innerText")
        assert (zh if lang == "zh" else en) in message
        assert ("表单未改动" if lang == "zh" else "The form is unchanged") in message
        assert driver.execute_script("return [readForm().profile, lastResult]") == before
        assert driver.find_element(By.ID, "results").is_displayed()
        assert driver.find_element(By.ID, "import-error").is_displayed()


def test_a_percentage_typed_as_a_fraction_is_asked_about_never_sent_silently(driver: Any, port: int) -> None:
    """The package asks debt_ratio as a percentage (ask = "percent": 45 for 45%); the API takes
    the fraction. 0.175 typed there is asked about before anything is sent: 改为 17.5% sends
    0.175, 就是 0.175% sends 0.00175 (and the field then reads 0.175%, so it is not asked again)."""
    from selenium.webdriver.common.by import By

    open_page(driver, port)
    policy = json.loads(driver.execute_script("return JSON.stringify(policy)"))
    ratios = [f for f in policy["facts"] if f["type"] == "ratio"]
    assert ratios and all(f["ask"] == "percent" for f in ratios)
    for f in ratios:  # one convention, stated once: the package's question says it, in both languages
        assert "填百分数" in f["question_zh"] and "as a percentage" in f["question_en"]
        assert "0." not in f["question_zh"] + f["question_en"]
        box = driver.find_element(By.CSS_SELECTOR, f'[data-field="{f["name"]}"]')
        assert box.find_element(By.CSS_SELECTOR, ".hint").text == f["question_zh"]
        assert box.find_element(By.CSS_SELECTOR, ".unit").text == "%"
    record_requests(driver)
    ratio = driver.find_element(By.ID, "f-debt_ratio")
    ratio.send_keys("0.175")
    driver.find_element(By.ID, "submit").click()
    doubt = wait(driver, "return document.querySelector('.ratio-doubt[data-for=f-debt_ratio]')")
    assert "0.175%" in doubt.text and "17.5%" in doubt.text
    assert driver.execute_script("return window.sent") == []  # nothing sent while in doubt
    assert driver.find_element(By.ID, "results").is_displayed() is False
    doubt.find_element(By.CSS_SELECTOR, "button.fix").click()  # 改为 17.5%
    wait(driver, "return window.sent.length === 1 && !document.querySelector('#results').hidden")
    assert driver.execute_script("return window.sent[0].debt_ratio") == "0.175"
    assert ratio.get_attribute("value") == "17.5"

    ratio.clear()
    ratio.send_keys("0.175")
    driver.find_element(By.ID, "submit").click()  # the question comes back
    doubt = wait(driver, "return document.querySelector('.ratio-doubt[data-for=f-debt_ratio]')")
    assert driver.execute_script("return window.sent.length") == 1
    doubt.find_element(By.CSS_SELECTOR, "button.keep").click()  # 就是 0.175%
    wait(driver, "return window.sent.length === 2")
    assert driver.execute_script("return window.sent[1].debt_ratio") == "0.00175"
    assert ratio.get_attribute("value") == "0.175%"
    driver.find_element(By.ID, "submit").click()  # settled: not asked again
    wait(driver, "return window.sent.length === 3")
    assert driver.execute_script("return window.sent[2].debt_ratio") == "0.00175"
    assert not driver.find_elements(By.CSS_SELECTOR, ".ratio-doubt")

    ratio.clear()
    ratio.send_keys("45")  # as the question says: no question
    driver.find_element(By.ID, "submit").click()
    wait(driver, "return window.sent.length === 4")
    assert driver.execute_script("return window.sent[3].debt_ratio") == "0.45"
    # the language switch keeps what was typed, doubt included
    ratio.clear()
    ratio.send_keys("0.3")
    driver.find_element(By.ID, "lang-en").click()
    ratio = driver.find_element(By.ID, "f-debt_ratio")
    assert ratio.get_attribute("value") == "0.3"
    driver.find_element(By.ID, "submit").click()
    doubt = wait(driver, "return document.querySelector('.ratio-doubt[data-for=f-debt_ratio]')")
    assert "Did you mean 0.3% or 30%?" in doubt.text
    driver.find_element(By.ID, "lang-zh").click()

    # a package that asks for the fraction (ask = "fraction"): 17.5 is asked about the other way
    driver.execute_script("facts.debt_ratio.ask = 'fraction'; buildForm({});")
    ratio = driver.find_element(By.ID, "f-debt_ratio")
    assert driver.find_elements(By.CSS_SELECTOR, "[data-field=debt_ratio] .unit") == []
    ratio.send_keys("17.5")
    driver.find_element(By.ID, "submit").click()
    doubt = wait(driver, "return document.querySelector('.ratio-doubt[data-for=f-debt_ratio]')")
    assert "17.5 表示 1750%" in doubt.text and "17.5%" in doubt.text
    doubt.find_element(By.CSS_SELECTOR, "button.fix").click()  # 改为 17.5%
    wait(driver, "return window.sent.length === 5")
    assert driver.execute_script("return window.sent[4].debt_ratio") == "0.175"
    assert ratio.get_attribute("value") == "0.175"
    ratio.clear()
    ratio.send_keys("2.5")
    driver.find_element(By.ID, "submit").click()
    doubt = wait(driver, "return document.querySelector('.ratio-doubt[data-for=f-debt_ratio]')")
    doubt.find_element(By.CSS_SELECTOR, "button.keep").click()  # 就是 250%
    wait(driver, "return window.sent.length === 6")
    assert driver.execute_script("return window.sent[5].debt_ratio") == "2.5"
    driver.find_element(By.ID, "lang-en").click()  # rebuilt: still confirmed
    driver.find_element(By.ID, "submit").click()
    wait(driver, "return window.sent.length === 7")
    assert driver.execute_script("return window.sent[6].debt_ratio") == "2.5"
    assert not driver.find_elements(By.CSS_SELECTOR, ".ratio-doubt")
    driver.find_element(By.ID, "lang-zh").click()
    no_script_errors(driver)


def fact_ids(policy: dict[str, Any]) -> set[str]:
    """The machine names of facts and record fields that no person should read on the page."""
    names = {x["name"] for f in policy["facts"] for x in [f, *f.get("fields", [])]}
    return {n for n in names if "_" in n}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_results_show_words_not_ids_undefined_or_null(
    driver: Any, port: int, example: str, lang: str
) -> None:
    open_page(driver, port, f"as_of=2025-06-30&lang={lang}")
    fill_from_example(driver, example)
    calculate(driver)
    policy = json.loads(driver.execute_script("return JSON.stringify(policy)"))
    # everything in the results, shown or folded (details), as on screen and in print
    text = driver.execute_script("return document.querySelector('#results').textContent")
    for word in ("undefined", "null", "NaN", "[object"):
        assert word not in text, word
    leaked = sorted(n for n in fact_ids(policy) if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text))
    assert leaked == []
    # missing facts are named by their labels
    missing = driver.execute_script(
        "return lastResult.tiers.flatMap(t => t.criteria).flatMap(c => c.missing)"
    )
    for path in set(missing):
        assert driver.execute_script("return factLabel(arguments[0])", path) in text
    # the summary shows the contract's totals, not a sum of its own
    totals = driver.execute_script("return lastResult.totals")
    shown = driver.execute_script(
        "const t = document.querySelector('#cash-total');"
        "return [t && t.dataset.total, [...document.querySelectorAll('#summary td[data-year]')]"
        ".map(c => [c.dataset.year, c.textContent])]"
    )
    money = driver.execute_script("return money(arguments[0])", totals["cash_cny"])
    assert shown[0] == (money if totals["cash_by_measure"] else None)
    as_money = "return money(arguments[0])"
    years = [[y, driver.execute_script(as_money, v)] for y, v in totals["cash_by_year"].items()]
    assert shown[1][: len(years)] == years


def test_the_summary_shows_exactly_the_contracts_totals(driver: Any, port: int) -> None:
    open_page(driver, port)
    fill_from_example(driver, "little_giant_11_talents.json")
    calculate(driver)
    # a total the measures do not add up to is still the one shown: the page sums nothing
    shown = driver.execute_script(
        "const t = lastResult.totals;"
        "t.cash_cny = '7.00'; t.cash_by_year = {'2030': '3.00'}; t.cash_unsplit_cny = '4.00';"
        "t.cash_by_measure = {patent_subsidy: '7.00'}; t.cash_assumed = [];"
        "renderResult();"
        "return [document.querySelector('#cash-total').dataset.total,"
        " [...document.querySelectorAll('#summary td[data-year]')].map(c => [c.dataset.year, c.textContent]),"
        " [...document.querySelectorAll('#summary [data-cash]')].map(c => c.dataset.cash),"
        " document.querySelector('#summary').innerText.includes('合计中含有假设数字')]"
    )
    assert shown == ["7.00", [["2030", "3.00"], ["unsplit", "4.00"]], ["patent_subsidy"], False]


STATUSES = {
    "measure": ["eligible", "ineligible", "undetermined"],
    "tier": ["held", "surpassed", "ready", "not_ready", "undetermined"],
    "criterion": ["met", "missed", "unknown"],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_status_renders_a_label(driver: Any, port: int, lang: str) -> None:
    open_page(driver, port, f"as_of=2025-06-30&lang={lang}")
    fill_from_example(driver, "half_missing.json")
    calculate(driver)
    surpassed = driver.execute_script("return document.querySelector('[data-tier=tech_sme]').innerText")
    expected = (
        "科技型中小企业：已具备更高层级资质" if lang == "zh" else "Tech-based SME: a higher tier is held"
    )
    assert surpassed.startswith(expected)
    seen: dict[str, list[str]] = {}
    for kind, statuses in STATUSES.items():
        seen[kind] = []
        for status in statuses:
            label = driver.execute_script(
                "const [kind, s] = arguments, q = (sel) => document.querySelector(sel).textContent;"
                "const m = lastResult.measures[0], tier = lastResult.tiers[2], c = tier.criteria[0];"
                "if (kind === 'measure') m.status = s;"
                "else if (kind === 'tier') tier.status = s;"
                "else c.status = s;"
                "renderResult();"
                "if (kind === 'measure') return q(`article[data-measure=${m.id}] .status`);"
                "if (kind === 'tier') return q(`[data-tier=${tier.id}] .tier-status`);"
                "return q(`[data-tier=${tier.id}] [data-criterion=${c.id}]`);",
                kind,
                status,
            )
            assert label.strip() and "undefined" not in label and "_" not in label, (kind, status, label)
            seen[kind].append(label)
        assert len(set(seen[kind])) == len(statuses)  # each status its own words
    marks = driver.execute_script(
        "return [...document.querySelectorAll('[data-criterion] .mark')].map(m => m.ariaLabel)"
    )
    assert marks and all(m and m != "undefined" for m in marks)
    # a criterion the result marks as not applying to this enterprise says so, not "met"
    text = driver.execute_script(
        "const c = lastResult.tiers[2].criteria[0]; c.status = 'met'; c.applies = false; renderResult();"
        "return document.querySelector(`[data-criterion=${c.id}]`).textContent"
    )
    assert ("不适用" if lang == "zh" else "not applicable") in text
    assert ("已满足" if lang == "zh" else ": met") not in text


def test_on_a_phone_the_talent_table_scrolls_and_calculate_stays_in_reach(driver: Any, port: int) -> None:
    from selenium.webdriver.common.by import By

    driver.set_window_size(390, 900)
    open_page(driver, port)
    intro = driver.find_element(By.ID, "intro")
    assert intro.is_displayed() and "按年度" in intro.text
    icon = driver.find_element(By.CSS_SELECTOR, "link[rel=icon]").get_attribute("href")
    assert icon.startswith("data:image/svg")  # no request for /favicon.ico
    # half-way down the long form, 计算 is on screen
    driver.execute_script("document.querySelector('#f-debt_ratio').scrollIntoView({block: 'center'})")
    bar = driver.execute_script(
        "const r = document.querySelector('#submit').getBoundingClientRect();"
        "const form = document.querySelector('#form-section').getBoundingClientRect();"
        "return [r.top, r.bottom, window.innerHeight, form.bottom]"
    )
    assert bar[0] > 0 and bar[1] <= bar[2] < bar[3]  # on screen, though the form goes on below
    fill_from_example(driver, "little_giant_11_talents.json")
    calculate(driver)
    scroll = driver.find_element(By.CSS_SELECTOR, "[data-measure=talent_reward] .scroll")
    wide = driver.execute_script("return [arguments[0].scrollWidth, arguments[0].clientWidth]", scroll)
    assert wide[0] > wide[1]  # the table scrolls inside its box ...
    cue = driver.find_element(By.CSS_SELECTOR, "[data-measure=talent_reward] .scroll-cue")
    assert cue.is_displayed() and "左右滑动" in cue.text  # ... and says so
    last = driver.execute_script(
        "const s = arguments[0]; s.scrollLeft = s.scrollWidth;"
        "const th = [...s.querySelectorAll('tr:first-child th')].pop().getBoundingClientRect();"
        "const box = s.getBoundingClientRect(); return th.right <= box.right + 1 && th.left >= box.left",
        scroll,
    )
    assert last  # the last year's column can be reached
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
    # on a wide screen the same table needs no cue
    driver.set_window_size(*DESKTOP)
    wait(driver, "return document.querySelector('[data-measure=talent_reward] .scroll-cue').hidden")
    messages = [e["message"] for e in driver.get_log("browser")]
    assert not [m for m in messages if "favicon" in m]
    no_script_errors(driver)


DOC_PAGES = [
    "index.html",
    "tiers.html",
    "facts.html",
    "assumptions.html",
    "dependencies.html",
    "sources.html",
    "all.html",
    "measures/patent_subsidy.html",
    "measures/talent_reward.html",
    "parameters/key_industries.html",
    "derived/is_sme.html",
]


def test_the_rules_document_fits_a_phone(driver: Any, port: int) -> None:
    driver.set_window_size(390, 900)
    wide = {}
    for name in DOC_PAGES:
        driver.get(f"http://127.0.0.1:{port}/rules/{name}")
        wait(driver, "return document.readyState === 'complete'")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        if width > 390:
            wide[name] = width
    assert wide == {}
    # a wide table keeps its columns and scrolls inside its own box
    driver.get(f"http://127.0.0.1:{port}/rules/measures/patent_subsidy.html")
    table = driver.execute_script(
        "const t = document.querySelector('table.assumptions');"
        "return [getComputedStyle(t).overflowX, t.scrollWidth > t.clientWidth]"
    )
    assert table == ["auto", True]


# --- the page builds itself from the package: another package, the none answer, a picker ----

MIIT = BUNDLED.parent / "miit_innovative_sme_2022"
MIIT_BASE = MIIT / "cases" / "profiles" / "base.json"
MIIT_SECTIONS = {
    "zh": ["基本信息", "知识产权", "财务", "荣誉与资质"],
    "en": ["Basic information", "Intellectual property", "Finances", "Honours and recognitions"],
}
# what only the Liangjiang package says: its clause labels, its cash headline, its name
LIANGJIANG_WORDING = {
    "zh": [r"第\s*\d+\s*条", "资金奖补", "两江", "梯度成长"],
    "en": [r"\b[Cc]lause \d", "Cash support", "Liangjiang", r"clause 3\)"],
}


def serve(app: Any) -> Iterator[int]:
    server, port = _start(app)
    try:
        yield port
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def miit_port() -> Iterator[int]:
    yield from serve(create_app(MIIT))


@pytest.fixture(scope="module")
def multi_port() -> Iterator[int]:
    from tests.multi_wsgi import MultiApp
    from zjtx_rules import load_rules

    yield from serve(MultiApp([load_rules(BUNDLED), load_rules(MIIT)]))


def legends(driver: Any) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('fieldset.section > legend')].map(l => l.textContent)"
    )


def record_urls(driver: Any) -> None:
    """From now on, window.posts holds [url, body] of every POST the page makes."""
    driver.execute_script(
        "window.posts = []; const real = window.fetch;"
        "window.fetch = (url, opts) => {"
        "  if (opts && opts.method === 'POST') window.posts.push([String(url), JSON.parse(opts.body)]);"
        "  return real(url, opts); };"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_another_package_builds_its_own_form_and_leads_with_its_score(
    driver: Any, miit_port: int, lang: str
) -> None:
    """The MIIT package served alone: its sections, its headline (the total score, the three
    sub-scores and the status in its own words), its clause label; nothing of Liangjiang's."""
    from selenium.webdriver.common.by import By

    open_page(driver, miit_port, f"as_of=2025-06-30&lang={lang}")
    assert legends(driver) == MIIT_SECTIONS[lang]
    placed = driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('fieldset.section')]"
        ".map(s => [s.dataset.section,"
        " [...s.querySelectorAll(':scope > [data-field]')].map(f => f.dataset.field)]))"
    )
    assert placed["ip"] == [
        "high_value_class1_ip_count",
        "own_class1_ip_count",
        "class1_ip_count",
        "class2_ip_count",
    ]
    assert "strategic_emerging_industry" in placed["basic"] and placed["honours"][-1] == "honours"
    assert not driver.find_element(By.ID, "picker").is_displayed()  # one package: no picker
    paste_import(driver, MIIT_BASE.read_text(encoding="utf-8"))
    assert driver.find_element(By.ID, "none-honours").is_selected()  # "honours": [] is the none answer
    record_requests(driver)
    calculate(driver)
    assert driver.execute_script("return window.sent[0].honours") == []
    summary = driver.find_element(By.ID, "summary")
    assert summary.find_element(By.TAG_NAME, "h2").text == ("评估结果" if lang == "zh" else "Your result")
    lead = summary.find_element(By.CSS_SELECTOR, ".total")
    assert lead.get_attribute("data-headline") == "innovative_sme_recognition.total_score"
    score = driver.find_element(By.ID, "headline-innovative_sme_recognition-total_score")
    assert score.get_attribute("data-value") == "80" and score.text == "80"
    assert lead.text.startswith("评价得分（满分100）" if lang == "zh" else "Evaluation score (out of 100)")
    parts = driver.execute_script(
        "return [...document.querySelectorAll('#summary .headline-parts li')]"
        ".map(li => [li.dataset.amount, li.querySelector('strong').textContent])"
    )
    assert parts == [["innovation_score", "25"], ["growth_score", "25"], ["specialisation_score", "30"]]
    status = summary.find_element(By.CSS_SELECTOR, ".headline-status").text
    assert status.endswith("符合条件" if lang == "zh" else "Meets the standard")
    assert driver.find_elements(By.ID, "cash-total") == []
    card = driver.find_element(By.CSS_SELECTOR, "[data-measure=innovative_sme_recognition]")
    assert card.find_element(By.CSS_SELECTOR, ".clause").text == ("附件" if lang == "zh" else "annex (附件)")
    groups = driver.execute_script(
        "return [...document.querySelectorAll('#groups > section')].map(s => s.dataset.group)"
    )
    assert groups == ["recognition"]
    assert driver.find_element(By.ID, "tiers").text == ""  # no tiers in the package: no tiers section
    for d in driver.find_elements(By.CSS_SELECTOR, "details"):
        driver.execute_script("arguments[0].open = true", d)
    shown = driver.execute_script("return document.body.innerText")
    for quote in driver.execute_script(
        "return [...document.querySelectorAll('.quote')].map(q => q.innerText)"
    ):
        shown = shown.replace(quote, "")
    leaked = [w for w in LIANGJIANG_WORDING[lang] if re.search(w, shown)]
    assert leaked == []
    if lang == "zh":
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(shots() / "calculator-miit.png"))
    no_script_errors(driver)


def test_the_none_answer_sends_an_empty_list_and_settles_what_an_empty_list_leaves_open(
    driver: Any, port: int
) -> None:
    """`qualifications: []` (none held) and no qualifications at all (not given) are different
    answers: with the other facts complete, the first decides 27 measures, the second leaves 24
    undetermined."""
    from selenium.webdriver.common.by import By

    profile = json.loads((EXAMPLES / "new_municipal_zjtx.json").read_text(encoding="utf-8"))
    del profile["qualifications"]
    open_page(driver, port)
    paste_import(driver, json.dumps(profile))
    record_requests(driver)
    calculate(driver)
    assert "qualifications" not in driver.execute_script("return window.sent[0]")
    count = "return lastResult.measures.filter(m => m.status === arguments[0]).length"
    assert driver.execute_script(count, "undetermined") == 24
    assert driver.execute_script(
        "return lastResult.measures.filter(m => m.status === 'undetermined')"
        ".every(m => m.missing.some(p => p.startsWith('qualifications')))"
    )
    # the questions block offers the same answer: there are none
    click(
        driver,
        driver.find_element(
            By.CSS_SELECTOR, "#merged-questions button.none-answer[data-none=qualifications]"
        ),
    )
    wait(driver, "return window.sent.length === 2 && !document.querySelector('#results').hidden")
    assert driver.execute_script("return window.sent[1].qualifications") == []
    assert driver.execute_script(count, "undetermined") == 3
    assert 30 - driver.execute_script(count, "undetermined") == 27
    box = driver.find_element(By.ID, "none-qualifications")
    assert box.is_selected()
    assert not driver.find_element(By.CSS_SELECTOR, "#list-qualifications button.add").is_displayed()
    # the language switch and a reload from the URL keep the answer
    driver.find_element(By.ID, "lang-en").click()
    assert driver.find_element(By.ID, "none-qualifications").is_selected()
    driver.find_element(By.ID, "lang-zh").click()
    url = driver.current_url
    driver.get("about:blank")
    driver.get(url)
    wait(driver, "return document.body.dataset.ready && lastResult !== null")
    assert driver.find_element(By.ID, "none-qualifications").is_selected()
    assert driver.execute_script(count, "undetermined") == 3
    # unticked, the list is not given again
    record_requests(driver)
    click(driver, driver.find_element(By.ID, "none-qualifications"))
    calculate(driver)
    assert "qualifications" not in driver.execute_script("return window.sent[0]")
    assert driver.execute_script(count, "undetermined") == 24
    no_script_errors(driver)


def test_a_picker_switches_packages_and_match_shows_every_package(driver: Any, multi_port: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    open_page(driver, multi_port)
    picker = driver.find_element(By.ID, "policy-picker")
    assert driver.find_element(By.ID, "picker").is_displayed()
    options = [o.get_attribute("value") for o in Select(picker).options]
    assert options == ["liangjiang_zjtx_2022", "miit_innovative_sme_2022", "*"]
    assert Select(picker).first_selected_option.get_attribute("value") == "liangjiang_zjtx_2022"
    assert legends(driver) == ["基本信息", "经营与研发", "资质", "人才", "专利"]
    driver.find_element(By.ID, "f-revenue_cny").send_keys("100,000,000")

    # one package: its form, its evaluate endpoint, its headline
    Select(picker).select_by_value("miit_innovative_sme_2022")
    wait(driver, "return document.querySelector('fieldset[data-section=ip]')")
    assert legends(driver) == MIIT_SECTIONS["zh"]
    assert (
        driver.find_element(By.ID, "f-revenue_cny").get_attribute("value") == "100,000,000"
    )  # shared fact kept
    assert driver.find_element(By.ID, "title").text.startswith("创新型中小企业评价标准")
    paste_import(driver, MIIT_BASE.read_text(encoding="utf-8"))
    record_urls(driver)
    calculate(driver)
    assert driver.execute_script("return window.posts[0][0]").startswith(
        "/v1/policies/miit_innovative_sme_2022/evaluate?"
    )
    assert driver.find_element(By.ID, "headline-innovative_sme_recognition-total_score").text == "80"
    assert (
        driver.find_elements(By.CSS_SELECTOR, "[data-measure=innovative_sme_recognition] a.rule-link") == []
    )

    # all of them: one form with every package's facts, one line per package, each in full on demand
    Select(picker).select_by_value("*")
    wait(driver, "return document.querySelector('fieldset[data-section=talents]')")
    assert legends(driver) == [
        "基本信息",
        "经营与研发",
        "资质",
        "人才",
        "专利",
        "知识产权",
        "财务",
        "荣誉与资质",
    ]
    assert not driver.find_element(By.ID, "results").is_displayed()
    both = json.loads((EXAMPLES / "little_giant_11_talents.json").read_text(encoding="utf-8"))
    for k, v in json.loads(MIIT_BASE.read_text(encoding="utf-8")).items():
        both.setdefault(k, v)
    paste_import(driver, json.dumps(both))
    record_urls(driver)
    calculate(driver)
    url, sent = driver.execute_script("return window.posts[0]")
    assert url.startswith("/v1/match?") and sent["honours"] == [] and len(sent["talents"]) == 11
    lines = driver.find_elements(By.CSS_SELECTOR, "#match li[data-policy]")
    assert [li.get_attribute("data-policy") for li in lines] == [
        "liangjiang_zjtx_2022",
        "miit_innovative_sme_2022",
    ]
    assert f"资金奖补合计 {LITTLE_GIANT_TOTAL} 元" in lines[0].text and "可享受 29 项" in lines[0].text
    assert re.search(r"评价得分（满分100） \d+（符合条件|不符合条件|待确定）", lines[1].text), lines[1].text
    assert not driver.find_element(By.ID, "summary").is_displayed()  # no full result until asked
    assert not driver.find_element(By.ID, "export-json").is_displayed()
    click(driver, lines[1].find_element(By.CSS_SELECTOR, "button.show-full"))
    wait(driver, "return document.querySelector('#summary [data-headline]')")
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(shots() / "calculator-match.png"))
    assert (
        driver.find_element(By.CSS_SELECTOR, "[data-measure=innovative_sme_recognition] .clause").text
        == "附件"
    )
    lines = driver.find_elements(By.CSS_SELECTOR, "#match li[data-policy]")
    click(driver, lines[0].find_element(By.CSS_SELECTOR, "button.show-full"))
    wait(driver, "return document.querySelector('#cash-total')")
    assert driver.find_element(By.ID, "cash-total").get_attribute("data-total") == LITTLE_GIANT_TOTAL
    assert driver.find_elements(By.CSS_SELECTOR, "[data-measure=talent_reward] table.records tr[data-record]")
    assert driver.find_element(By.CSS_SELECTOR, "[data-measure=talent_reward] .clause").text == "第21条"
    # English: the lines in the packages' own English words
    driver.find_element(By.ID, "lang-en").click()
    lines = driver.find_elements(By.CSS_SELECTOR, "#match li[data-policy]")
    assert f"Cash support in total {LITTLE_GIANT_TOTAL} CNY" in lines[0].text
    assert "Evaluation score (out of 100)" in lines[1].text
    driver.find_element(By.ID, "lang-zh").click()
    # the choice is kept in the URL
    url = driver.current_url
    driver.get("about:blank")
    driver.get(url)
    wait(driver, "return document.querySelector('#match li[data-policy]')")
    assert (
        Select(driver.find_element(By.ID, "policy-picker")).first_selected_option.get_attribute("value")
        == "*"
    )
    no_script_errors(driver)
