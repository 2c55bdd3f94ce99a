"""A real headless Chromium (Debian's, driven by Playwright) against the app served by uvicorn.

Every page a test opens is watched: a JS console error, an uncaught exception or a request to
anything but this server fails the test. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from gis import accounts
from gis.database import Database, make_engine
from harness.chromium import CHROMIUM, CHROMIUM_ARGS
from harness.live import serve
from harness.paths import ROOT
from service.main import create_app
from tests.conftest import BACKENDS, OPERATOR, TEST_PASSWORD, settings_for

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@dataclass
class LiveServer:
    """The app served on a free localhost port, and the database behind it."""

    base: str
    database_url: str
    backend: str


@pytest.fixture(scope="module", params=BACKENDS)
def live_server(request: pytest.FixtureRequest, databases) -> Iterator[LiveServer]:
    """The app on a fresh copy of the sample, on each backend in turn."""
    url = databases.url(str(request.param), sample=True)
    with serve(create_app(settings_for(url))) as base:
        yield LiveServer(base, url, str(request.param))


def account(server: LiveServer, name: str, role: str, *areas: str) -> dict[str, str]:
    """A new account on the server's database (password TEST_PASSWORD), and its bearer headers."""
    db = Database(make_engine(server.database_url))
    with db.write() as session:
        user = accounts.create_user(session, OPERATOR, name, role, TEST_PASSWORD, areas=list(areas))
        token = accounts.issue_token(session, OPERATOR, user, "test", None)
    db.dispose()
    return {"Authorization": f"Bearer {token}"}


# Module scope, not session: Playwright's sync API keeps an event loop running on this thread
# until it stops, and other tests in the same worker (asyncio.run) must not find it there.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver (no browser of its own is ever downloaded)."""
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; the tests fail when it is missing."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is required for the browser tests: {CHROMIUM} not found "
            "(Debian: apt-get install chromium)",
            pytrace=False,
        )
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


class Watched:
    """A page and what it did wrong: console errors, uncaught exceptions, outside requests."""

    def __init__(self, page: Page, base: str) -> None:
        self.page, self.base = page, base
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.refusals: set[str] = set()
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.context.route("**/*", self._route)

    def _console(self, message) -> None:
        refused = (
            message.text.startswith("Failed to load resource")
            and message.location.get("url") in self.refusals
        )
        if message.type == "error" and not refused:
            self.errors.append(message.text)

    def expect_refusal(self, path: str) -> None:
        """A form post to `path` is meant to answer 4xx with the form again (no error then)."""
        self.refusals.add(self.base + path)

    def _route(self, route, request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("data", "blob") or url.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.outside.append(request.url)
            route.abort()

    def goto(self, path: str) -> None:
        """Open a path of the server and wait until the network is quiet."""
        response = self.page.goto(self.base + path, wait_until="networkidle")
        assert response is not None and response.status == 200, path

    def sign_in(self, name: str, password: str) -> None:
        """Sign in through the login form (and come back to where the form sends you)."""
        if "/login" not in self.page.url:
            self.goto("/login")
        self.page.fill("#name", name)
        self.page.fill("#password", password)
        with self.page.expect_navigation():
            self.page.click("button[type=submit]")

    def accessibility(self) -> list[str]:
        """The page's serious and critical accessibility violations, as axe-core (served by this
        server like the other browser assets) finds them: one line each, with where."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.add_script_tag(url=f"{self.base}/static/vendor/axe-core/axe.min.js")
        found = self.page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => `${v.id} (${v.impact}): ${v.help} — ` + v.nodes.slice(0, 3)
                      .map(n => `${n.target.join(' ')} ${n.any.map(a => a.message).join('; ')}`).join(' | '))"""
        )
        return [f"{self.page.url}: {line}" for line in found]

    def screenshot(self, name: str) -> None:
        """Keep a picture of the page as a test artefact."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Watched]:
    """A fresh Chinese-locale browser page on the live server; clean console and network asserted."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    watched = Watched(context.new_page(), live_server.base)
    yield watched
    context.close()
    assert watched.outside == [], "requests left the server"
    assert watched.errors == [], "JS console errors"


def signed_in_page(
    browser: Browser, server: LiveServer, name: str, role: str, *areas: str, width: int = 1440
) -> Watched:
    """A browser context of its own, `width` px wide, signed in as a new account `name` of `role`.

    Close it with `close`, which also asserts that its console and network stayed clean."""
    account(server, name, role, *areas)
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    watched = Watched(context.new_page(), server.base)
    watched.sign_in(name, TEST_PASSWORD)
    return watched


def submit(watched: Watched, selector: str) -> None:
    """Press the submit button of the form `selector` and wait for the page it leads to."""
    with watched.page.expect_navigation():
        watched.page.click(f"{selector} button[type=submit]")


def close(watched: Watched) -> None:
    """Close a page's own context: nothing asked of another server, no JS console error."""
    watched.page.context.close()
    assert watched.outside == [] and watched.errors == []


def fill_form(watched: Watched, **fields: str) -> None:
    """Enter each value in the form field `#f-<name>`, in the order given: chosen where the field is
    a list, typed where it is a box."""
    for name, value in fields.items():
        field = watched.page.locator(f"#f-{name}")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


class Sessions:
    """One browser context per role on one live server, signed in once and reused at every width
    (a park manager manages `park`); accounts are named `prefix`-role-time."""

    def __init__(self, browser: Browser, server: LiveServer, prefix: str, park: str) -> None:
        self.browser, self.server, self.prefix, self.park = browser, server, prefix, park
        self.open: dict[str | None, Watched] = {}

    def of(self, role: str | None) -> Watched:
        """The signed-in page of `role` (None: an anonymous reader), opened the first time asked."""
        if role not in self.open:
            context = self.browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
            watched = Watched(context.new_page(), self.server.base)
            if role is not None:
                name = f"{self.prefix}-{role}-{dt.datetime.now().timestamp()}"
                account(self.server, name, role, *((self.park,) if role == "park_manager" else ()))
                watched.sign_in(name, TEST_PASSWORD)
            self.open[role] = watched
        return self.open[role]

    def close(self) -> None:
        """Close every context opened."""
        for watched in self.open.values():
            watched.page.context.close()
