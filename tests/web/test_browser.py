"""The web app in a real browser (Playwright driving the system's Chromium).

Skipped, saying so, when no Chromium is installed; a failure instead when
CRISIS_ROSTER_REQUIRE_BROWSER is set (.ci/run installs Chromium and sets it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from tests.web.browser import REQUIRE_BROWSER, chromium, live_server
from tests.web.conftest import SAMPLE, zipped

pytestmark = pytest.mark.browser

if TYPE_CHECKING := False:
    from playwright.sync_api import Browser, Page


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium()
    if executable is None:
        message = "browser tests skipped: no Chromium (apt-get install chromium)"
        if os.environ.get(REQUIRE_BROWSER):
            pytest.fail(message.replace("skipped", "required"))
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, tmp_path: Path) -> Iterator[tuple[Page, str]]:
    with live_server(tmp_path / "ws") as url:
        context = browser.new_context(accept_downloads=True)
        yield context.new_page(), url
        context.close()


def test_the_whole_flow(page: tuple[Page, str], tmp_path: Path) -> None:
    tab, url = page
    tab.set_default_timeout(60_000)
    tab.goto(url)
    tab.click("text=Open a program")
    tab.click("text=Open the sample")
    assert "Hartford HEARTeam" in tab.inner_text("h1")
    tab.fill("input[name=time_limit]", "3")
    tab.click("#solve")
    tab.click("#open-roster")  # waits for the live progress to finish the job
    cells = tab.locator("#grid td.assignment")
    shown = sum(len(text.split("\n")) for text in cells.all_inner_texts())
    with tab.expect_download() as download:
        tab.click("text=Download roster.xlsx")
    saved = tmp_path / "roster.xlsx"
    download.value.save_as(saved)
    rows = list(openpyxl.load_workbook(saved)["Assignments"].iter_rows(min_row=2, values_only=True))
    assigned = [r for r in rows if any(v is not None for v in r)]
    assert shown == len(assigned) > 0  # the grid shows every assignment

    tab.click("#tab-timeline")
    assert tab.locator("#timeline .bar").count() > 0

    book = openpyxl.load_workbook(saved)
    book["Assignments"].delete_rows(2)  # a unit left with one person
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    tab.goto(f"{url}/check")
    tab.set_input_files("input[name=file]", str(edited))
    tab.click("#check")
    assert "pairing" in tab.inner_text("#violations")

    tab.click("text=Record a call-out")
    tab.fill("input[name=time_limit]", "3")
    tab.click("#repair")
    tab.wait_for_selector("#changes")
    assert tab.locator("#changes tr").count() > 1

    tab.goto(url + "/")
    tab.click("text=Hartford HEARTeam (sample)")
    tab.click("a[href^='/plan/']")
    tab.fill("input[name=time_limit]", "2")
    tab.click("#plan")
    tab.wait_for_selector("#scenarios")
    assert "as is" in tab.inner_text("#scenarios")


def test_a_script_like_name_is_shown_as_text(page: tuple[Page, str], tmp_path: Path) -> None:
    tab, url = page
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    program = (SAMPLE / "Program.csv").read_text(encoding="utf-8")
    name = "<script>alert(1)</script>"
    archive = tmp_path / "program.zip"
    archive.write_bytes(
        zipped(SAMPLE, {"Program.csv": program.replace("Hartford HEARTeam (sample)", name)})
    )
    tab.goto(f"{url}/program")
    tab.set_input_files("input[name=file]", str(archive))
    tab.click("text=Upload and check")
    assert tab.inner_text("h1") == name
    assert dialogs == []
