"""Headless Debian Chromium for the browser tests (calculator page, rules document).

One place for the flags this machine needs: no sandbox as root, no background networking
(the closed network refuses it), and a fresh profile per browser. The tests skip only for
what pip cannot install: Debian's chromium and chromium-driver, and (for the tests that read
Chinese text back from a printed PDF) a CJK font; ``.ci/run`` installs all three with apt.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
needs_chromium = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason="Debian chromium and chromium-driver are not installed "
    "(apt-get install -y chromium chromium-driver)",
)


def cjk_fonts() -> list[str] | None:
    """The font families fontconfig has for Chinese (``fc-list :lang=zh``), or None when
    fc-list itself is missing and the answer is unknown (then the tests run and say so)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    out = subprocess.run(
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    return [line for line in out.splitlines() if line.strip()]


# Without a CJK font Chromium prints every Chinese character as a box (U+0000 in the PDF's text).
needs_cjk_font = pytest.mark.skipif(
    cjk_fonts() == [],
    reason="no CJK font is installed (fc-list :lang=zh is empty), so Chromium prints Chinese as boxes "
    "(apt-get install -y fonts-wqy-microhei)",
)
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@contextmanager
def chromium(*extra: str, browser_log: bool = False) -> Iterator[Any]:
    """A Selenium driver for a fresh headless Chromium, quit and its profile removed after."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile_dir = tempfile.mkdtemp(prefix="zjtx-chromium-")
    opts = webdriver.ChromeOptions()
    for arg in (*FLAGS, f"--user-data-dir={profile_dir}", *extra):
        opts.add_argument(arg)
    opts.binary_location = CHROMIUM
    if browser_log:
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile_dir, ignore_errors=True)
