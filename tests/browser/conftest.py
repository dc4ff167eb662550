"""Browser tests: Playwright for Python driving Debian's Chromium (``/usr/bin/chromium``).

Every test under ``tests/browser/`` is marked ``browser`` and runs against pytest-django's
``live_server`` (a real HTTP server over the test database, so the tests are transactional).

Fixtures
--------
``browser`` (session)
    One headless Chromium for the worker, started with ``executable_path="/usr/bin/chromium"``
    and a new, empty profile (Playwright gives each launch a fresh temporary user data dir).
    Playwright never downloads a browser here: do not run ``playwright install``.

``page``
    A fresh browser context per test (no cookies carried over), French first: locale
    ``fr-CA`` (so ``Accept-Language: fr-CA``), time zone ``America/Toronto``, a 1280x800
    viewport, and ``base_url`` set to the live server, so ``page.goto("/tableau/")`` works.

``phone_page``
    The same at a 360x740 phone viewport, with ``is_mobile`` and ``has_touch``.

``browser_login(page, live_server, email, password)``
    Logs in through the login form (not by setting a cookie) and waits until the browser has
    left the login page. Create users with the helpers of ``tests/conftest.py``
    (``make_side(...)`` and ``PASSWORD``) inside the test: the data is committed, so the live
    server sees it. Two-factor is not required in ``test`` mode.

Database
--------
A browser test is transactional: it commits, and every table is emptied when it ends. So each
one runs with ``serialized_rollback`` (the data the migrations load, regions and the audit head,
is there before the test), and that data is loaded back right after the emptying, because
pytest-xdist may run ordinary tests after it in the same worker. The audit log is append-only
in the database (triggers): the emptying drops the triggers, empties the tables and puts the
triggers back, in one transaction.

Chromium missing
----------------
Without ``/usr/bin/chromium`` the browser tests are skipped, and ``make test`` prints why
(``apt-get install chromium``). With ``CI=true`` they fail instead: CI must run them.

Event loop
----------
Playwright's sync API keeps an asyncio event loop marked as running in the worker's thread
once it has started. Two consequences, both handled here for the rest of the session in that
worker: Django refuses ORM calls from a thread with a running loop, so
``DJANGO_ALLOW_ASYNC_UNSAFE=true`` is set (Arrimage has no async views, so nothing that check
protects is lost); and Django would look its connections up in a context variable instead of
the thread, getting new connections that know nothing of the test database's setup, so the
existing connection objects are handed over when Playwright starts.
"""

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 15_000
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}
PHONE_VIEWPORT = {"width": 360, "height": 740}
BROWSER_DIR = Path(__file__).resolve().parent


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _chromium_missing() -> str | None:
    if CHROMIUM.exists():
        return None
    return (
        f"Chromium not found at {CHROMIUM}: browser tests not run "
        "(install it with: apt-get install chromium)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser ``browser`` (``-m "not browser"`` leaves them out),
    and skip them at once, before any database or server is set up, if Chromium is missing
    outside CI."""
    missing = _chromium_missing()
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if missing and not _in_ci():
                item.add_marker(pytest.mark.skip(reason=missing))


# Playwright and Chromium -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Playwright]:
    missing = _chromium_missing()
    if missing:
        if _in_ci():
            pytest.fail(f"{missing}; CI=true, so this is a failure", pytrace=False)
        pytest.skip(missing)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Django keeps database connections thread-local, but once an event loop runs in the
    # thread it looks them up in a context variable instead: new, unprepared connections.
    # Hand it the same connection objects, so the test database's state stays with them.
    wrappers = {alias: connections[alias] for alias in connections}
    manager = sync_playwright().start()
    for alias, wrapper in wrappers.items():
        connections[alias] = wrapper
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright: Playwright) -> Iterator[Browser]:
    """Headless Debian Chromium, one per test worker."""
    with tempfile.TemporaryDirectory(prefix="arrimage-chromium-") as downloads:
        chromium = _playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            downloads_path=downloads,
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _new_page(browser: Browser, live_server: Any, **options: Any) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-CA",
        timezone_id="America/Toronto",
        **options,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh context (no cookies), French first, desktop size."""
    yield from _new_page(browser, live_server, viewport=DESKTOP_VIEWPORT)


@pytest.fixture
def phone_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh context at a 360 px wide phone screen, with touch."""
    yield from _new_page(
        browser,
        live_server,
        viewport=PHONE_VIEWPORT,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )


def browser_login(page: Page, live_server: Any, email: str, password: str) -> None:
    """Log in through the login form; fails with the page's error text if it does not work."""
    login_path = reverse("accounts:login")
    page.goto(f"{live_server.url}{login_path}")
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=username]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    if page.url.split("?")[0].endswith(login_path):
        errors = page.locator("main .errorlist, main .messages").all_inner_texts()
        pytest.fail(f"login as {email} failed: {' '.join(errors) or 'still on the login page'}")
    expect(page).not_to_have_url(re.compile(re.escape(login_path) + r"(\?|$)"))


# Database ----------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _browser_database(django_db_serialized_rollback: None, transactional_db: None) -> None:
    """Browser tests are transactional; tests/conftest.py empties the database after each one
    past the audit triggers, and loads the migrations' data back."""
