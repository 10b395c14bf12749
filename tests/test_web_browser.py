"""The planning team's day in a real browser: headless Chromium, driven by Playwright,
clicking through `carehome serve` as a planner does. It logs in, uploads the Plymouth
example, starts from the small example, plans it and watches the run page follow the run,
opens a home's page, pins a worker the plan sent there, re-plans against the first plan,
and downloads the workbook. No page may raise a script error, break the
Content-Security-Policy or fail to load a resource. Screenshots of the main pages are saved
for people to look at: into the test's temporary folder, or into $CAREHOME_SCREENSHOTS.

Playwright drives the system's Chromium (`.ci/install-chromium`); it downloads no browser.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright import sync_api

from benchmarks.live_server import add_accounts, serving
from scenarios.exporter import export_tables
from scenarios.load import load_scenario
from tests import browser
from tests.conftest import EXAMPLES
from tests.webapp import PASSWORD
from web.db import Role

pytestmark = pytest.mark.slow

SCREENSHOTS_ENV = "CAREHOME_SCREENSHOTS"
PLAN = {"time_limit": "2", "workers": "1"}
"""A short search: the test is about the app, not the plan's quality."""
RUN_SECONDS = 120_000
"""How long a run page may take to show its finished plan (ms): a busy 2-core machine."""
SHOT_HEIGHT = 2400
"""Pixels: a city's rosters run to metres, and a full one takes longer than a plan."""


@pytest.fixture(scope="module")
def chromium() -> str:
    found = browser.find_chromium()
    if found is None:
        pytest.skip("chromium not found (set $CHROMIUM or run .ci/install-chromium)")
    return found


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Visit:
    """One planner's browser tab, which remembers every error its pages raised: script
    errors, console errors and warnings (a CSP violation is one), failed requests."""

    def __init__(self, page: sync_api.Page, base: str, screenshots: Path) -> None:
        self.page = page
        self.base = base
        self.screenshots = screenshots
        self.errors: list[str] = []
        self.downloads: set[str] = set()
        self.failed: dict[str, str] = {}
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))
        page.on("console", self._console)
        page.on("download", lambda d: self.downloads.add(d.url))
        page.on("requestfailed", self._failed)

    def _console(self, message: sync_api.ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"{self.page.url}: {message.type}: {message.text}")

    def _failed(self, request: sync_api.Request) -> None:
        """A page's own resource the browser dropped because the page moved on (a
        favicon still loading when a form is sent) is aborted, not failed; a missing
        one answers 404, which the console reports."""
        aborted = request.failure == "net::ERR_ABORTED"
        if aborted and request.resource_type != "document":
            return
        self.failed[request.url] = request.failure or ""

    @property
    def problems(self) -> list[str]:
        """Every error seen; a link that downloads a file ends its navigation (reported
        before the download is), which is no failure."""
        failed = [f"{url}: {why}" for url, why in self.failed.items() if url not in self.downloads]
        return self.errors + failed

    def go(self, path: str) -> None:
        answer = self.page.goto(self.base + path)
        assert answer is not None and answer.ok, (path, answer and answer.status)

    def shoot(self, name: str) -> None:
        """The page's top, as far down as a long page is worth looking at."""
        height = min(SHOT_HEIGHT, self.page.evaluate("document.documentElement.scrollHeight"))
        self.page.screenshot(
            path=self.screenshots / f"{name}.png",
            full_page=True,
            clip={"x": 0, "y": 0, "width": 1280, "height": height},
        )

    def submit(self, form: sync_api.Locator, button: str, **fields: str) -> None:
        """Fill `fields` of `form` and press its button; the page that follows must be
        no error page."""
        for name, value in fields.items():
            field = form.locator(f'[name="{name}"]')
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)
        with self.page.expect_navigation() as done:
            form.get_by_role("button", name=button).click()
        answer = done.value
        assert answer is not None and answer.ok, (button, answer and answer.status)

    def follow(self, link: sync_api.Locator) -> None:
        with self.page.expect_navigation():
            link.click()

    def wait_for_plan(self) -> None:
        """The run page follows the run by itself and shows the plan when it is done."""
        summary = self.page.get_by_role("heading", name="Summary")
        summary.wait_for(timeout=RUN_SECONDS)
        assert self.page.locator("#run-status").inner_text() == "done"


@pytest.fixture
def visit(chromium: str, tmp_path: Path, screenshots: Path) -> Iterator[Visit]:
    data = tmp_path / "web"
    add_accounts(data, "", [("planner", Role.PLANNER)], PASSWORD)
    with serving(data) as base, sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=list(browser.FLAGS)
        )
        try:
            context = launched.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(30_000)
            yield Visit(context.new_page(), base, screenshots)
        finally:
            launched.close()


def _first_shift(visit: Visit, run_url: str) -> dict[str, str]:
    """A shift the plan gave a worker, from the roster CSV the run page offers."""
    answer = visit.page.request.get(f"{run_url}/files/staff_roster.csv")
    assert answer.ok
    return next(csv.DictReader(io.StringIO(answer.text())))


def test_a_planner_plans_pins_replans_and_downloads(visit: Visit, tmp_path: Path) -> None:
    page = visit.page
    visit.go("/login")
    visit.shoot("login")
    visit.submit(page.locator("form"), "Log in", name="planner", password=PASSWORD)
    visit.shoot("dashboard")

    visit.go("/scenarios/new")
    visit.shoot("new-scenario")
    upload = page.locator('form[action="/scenarios/upload"]')
    upload.locator('input[type="file"]').set_input_files(EXAMPLES / "plymouth-2020.yaml")
    visit.submit(upload, "Upload and check")
    assert "95 homes" in page.content()
    visit.shoot("version")
    visit.go("/scenarios/new")
    sheets = tmp_path / "sheets"
    sheets.mkdir()
    for name, text in export_tables(load_scenario(EXAMPLES / "plymouth-2020.yaml")).items():
        (sheets / name).write_text(text, encoding="utf-8")
    imported = page.locator('form[action="/scenarios/import"]')
    imported.locator('input[name="files"]').set_input_files(sorted(sheets.iterdir()))
    visit.submit(imported, "Import and check")
    assert "95 homes" in page.content()
    visit.shoot("imported")
    # The plans are of the small example: the city's take a minute each on a busy machine.
    visit.go("/scenarios/new")
    visit.submit(
        page.locator('form[action="/scenarios/example"]'), "Use this example", name="tiny.yaml"
    )

    visit.submit(page.locator('form[action$="/runs"]').first, "Plan", **PLAN)
    visit.wait_for_plan()
    run_url = page.url
    visit.shoot("run")
    for view in ("Testing roster", "Staff deployment", "Isolation", "Unmet needs", "Homes"):
        visit.follow(page.locator("nav.plan-nav").get_by_role("link", name=view))
        visit.shoot(view.split()[0].lower())

    shift = _first_shift(visit, run_url)
    visit.follow(page.locator(f'a[href$="/homes/{shift["home_id"]}"]'))
    assert page.url.endswith(f"/homes/{shift['home_id']}")
    visit.shoot("home")
    pin = page.locator('form[action$="/pins/worker"]')
    visit.submit(pin, "Pin", worker=shift["worker_id"], date=shift["date"], shift=shift["shift"])
    assert f"worker {shift['worker_id']} at {shift['home_id']}" in page.content()

    replan = page.locator('form[action$="/runs"]').nth(1)
    visit.submit(replan, "Re-plan", **PLAN)
    visit.wait_for_plan()
    assert "Re-plan of" in page.content()
    visit.follow(page.get_by_role("link", name="What changed"))
    visit.shoot("changes")
    page.go_back()
    replan_url = page.url
    visit.go(f"{replan_url.removeprefix(visit.base)}/homes/{shift['home_id']}")
    visit.follow(page.get_by_role("link", name="Who worked here, and where they go next"))
    visit.submit(page.locator('form[action$="/trace"]'), "Trace", date=shift["date"])
    assert shift["worker_id"] in page.content()
    visit.shoot("trace")
    visit.go(replan_url.removeprefix(visit.base))

    with page.expect_download() as download:
        page.get_by_role("link", name="plan.xlsx").click()
    workbook = tmp_path / "plan.xlsx"
    download.value.save_as(workbook)
    assert len(openpyxl.load_workbook(workbook, read_only=True).sheetnames) > 3
    assert visit.problems == [], "\n".join(visit.problems)
