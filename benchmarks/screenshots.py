"""A screenshot of each page of the web app into docs/screenshots/*.png (for the README).

Run `python benchmarks/screenshots.py` (or `make screenshots`): the app is served on a
free local port over a fresh workspace, the sample is opened and solved, and the
system's Chromium (Debian's `chromium` package) visits every page.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

import openpyxl  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.web.browser import chromium, live_server  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def shot(tab: Page, name: str) -> None:
    tab.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
    print(f"docs/screenshots/{name}.png")


def main() -> None:
    executable = chromium()
    if executable is None:
        sys.exit("No Chromium: apt-get install chromium")
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as folder,
        live_server(Path(folder) / "ws") as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        tab = browser.new_context(viewport={"width": 1360, "height": 860}).new_page()
        tab.set_default_timeout(120_000)
        tab.goto(url)
        shot(tab, "home")
        tab.goto(f"{url}/program")
        tab.click("text=Open the sample")
        shot(tab, "program")
        tab.fill("input[name=time_limit]", "10")
        tab.click("#solve")
        tab.wait_for_selector("text=Stage 2")
        shot(tab, "solve")
        tab.click("#open-roster")
        roster = tab.url
        shot(tab, "roster_grid")
        for view in ("timeline", "coverage", "hours", "score"):
            tab.goto(f"{roster}?view={view}")
            shot(tab, f"roster_{view}")
        tab.goto(f"{roster}?view=timeline&by=person")
        shot(tab, "roster_timeline_by_person")
        with tab.expect_download() as download:
            tab.click("text=Download roster.xlsx")
        saved = Path(folder) / "roster.xlsx"
        download.value.save_as(saved)
        book = openpyxl.load_workbook(saved)
        book["Assignments"].delete_rows(2)
        book.save(Path(folder) / "edited.xlsx")
        tab.goto(f"{url}/check")
        tab.set_input_files("input[name=file]", str(Path(folder) / "edited.xlsx"))
        tab.click("#check")
        shot(tab, "check")
        tab.goto(roster.replace("/roster/", "/repair/"))
        tab.fill("input[name=time_limit]", "5")
        tab.click("#repair")
        tab.wait_for_selector("#changes")
        shot(tab, "repair")
        tab.goto(f"{url}/demand")
        tab.locator("form").nth(1).locator("input[name=calls]").set_input_files(
            str(ROOT / "inputs" / "hartford" / "calls" / "calls.csv")
        )
        tab.locator("form").nth(1).locator("button").click()
        tab.wait_for_selector("text=By hour of day")
        shot(tab, "simulation")
        tab.goto(url)
        tab.click("text=Hartford HEARTeam (sample)")
        tab.click("a[href^='/plan/']")
        tab.fill("input[name=time_limit]", "5")
        tab.check("input[name=frontier]")
        tab.click("#plan")
        tab.wait_for_selector("#scenarios")
        shot(tab, "plan")
        browser.close()


if __name__ == "__main__":
    main()
