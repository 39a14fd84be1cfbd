"""Each demo login reaches its own cockpit (the client's login, the client portal), in English and in Chinese;
repeated wrong passwords lock a login out."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import translation

from tests.browser import log_in
from tripod.core.cockpits import TITLES
from tripod.demo.organisation import DEMO_PASSWORD
from tripod.identity.models import Role

LOGINS = {
    "admin": Role.ADMIN,
    "pm": Role.PM,
    "am": Role.AM,
    "lm": Role.LM,
    "dev": Role.MEMBER,
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _choose_language(page, base_url: str, language: str) -> None:
    """Use the language switch on the login page, as a person would."""
    page.goto(f"{base_url}/accounts/login/")
    page.locator(f"form[action$='/i18n/setlang/'] button[value='{language}']").first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("username", list(LOGINS))
def test_demo_login_reaches_own_cockpit(page, live_server, demo, username, language):
    _choose_language(page, live_server.url, language)
    log_in(page, live_server.url, username, DEMO_PASSWORD)

    role = LOGINS[username]
    assert page.url.rstrip("/").endswith(f"/cockpit/{role}"), page.url
    with translation.override(language):
        title = str(TITLES[role][0])
    heading = page.locator("h1").first.inner_text()
    assert title in heading
    if language == "zh-hans":
        assert CJK.search(heading), f"cockpit heading not translated: {heading!r}"
    assert page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_demo_client_login_reaches_the_portal(page, live_server, demo, language):
    _choose_language(page, live_server.url, language)
    log_in(page, live_server.url, "client", DEMO_PASSWORD)
    assert page.url.rstrip("/").endswith("/portal"), page.url
    with translation.override(language):
        tabs = [str(translation.gettext(label)) for label in ("Overview", "Requirements", "Tickets", "Surveys")]
    nav = page.locator("nav").first.inner_text()
    assert all(tab in nav for tab in tabs), nav
    assert page.locator("html").get_attribute("lang") == language


def test_repeated_wrong_passwords_lock_the_login(page, live_server, demo):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit):
        log_in(page, live_server.url, "pm", "not-the-password")
        assert "/accounts/login" in page.url
    log_in(page, live_server.url, "pm", DEMO_PASSWORD)
    assert "/cockpit/" not in page.url
    with translation.override("en"):
        locked_heading = translation.gettext("Too many failed sign-ins")
    assert page.locator("h1").first.inner_text() == locked_heading


def test_a_login_that_is_not_locked_still_works_after_a_typo(page, live_server, demo):
    log_in(page, live_server.url, "am", "typo")
    log_in(page, live_server.url, "am", DEMO_PASSWORD)
    assert page.url.rstrip("/").endswith("/cockpit/am")
