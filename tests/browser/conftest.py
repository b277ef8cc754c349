"""Browser tests: headless Chromium (Debian's, through Playwright) against pytest-django's live server.

The live server answers from another thread, so these tests use a transactional database, which Django
empties after each test — the division codes that the root conftest loads once per session included. They
are loaded again before each browser test and again after its flush, so the ordinary `db` tests that run
later still find 440100 and the rest.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the test thread; without this Django's ORM refuses
# to run in the test body ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "correct horse battery staple"  # every persona's (accounts/tests/factories.py)
TIMEOUT_MS = 10_000

_db_blocker_key = pytest.StashKey()


def _regions_load() -> None:
    from teachnet.orgs.models import Region
    from teachnet.orgs.services import regions_load

    if not Region.objects.exists():
        regions_load()


@pytest.fixture(autouse=True)
def _browser_regions(request, live_server, django_db_blocker):
    """Every browser test starts with the division codes, whatever flushed the database before it."""
    request.node.stash[_db_blocker_key] = django_db_blocker
    _regions_load()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # Runs after every fixture of the test is torn down, the transactional flush included: a fixture's own
    # teardown would come too early, since pytest-django's live-server helper is set up before ours.
    try:
        return (yield)
    finally:
        blocker = item.stash.get(_db_blocker_key, None)
        # With no next test the session is ending and the test database may already be gone.
        if blocker is not None and nextitem is not None:
            with blocker.unblock():
                _regions_load()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            "Browser tests need Debian's Chromium at /usr/bin/chromium: "
            "apt-get install chromium fonts-noto-cjk (or `make browser`)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    # Closed before the database is flushed, so no request of this page is still open in the server.
    context.close()


@pytest.fixture
def log_in(page, live_server):
    """Log in through the login form as a person would; returns the page after the form is sent."""

    def log_in(username: str, password: str = PASSWORD):
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        return page

    return log_in
