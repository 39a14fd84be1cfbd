"""Browser fixtures: Debian's Chromium driven by Playwright (``browser``, ``page``); used by every browser test."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("TRIPOD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there are
    # synchronous, so Django's async guard is lifted while the browser runs, and only then.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


TEST_PASSWORD = "x-test-pass-9"  # the password tests.factories.make_user gives


def log_in(page, base_url: str, user, password: str = TEST_PASSWORD) -> None:
    """Sign ``user`` (a User or a username) in through the login page, dropping any earlier session (the language
    chosen before signing in stays)."""
    page.context.clear_cookies(name="sessionid")
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name='username']", getattr(user, "username", user))
    page.fill("input[name='password']", password)
    page.locator("form:has(input[name='password']) button[type='submit']").click()
    page.wait_for_load_state()
