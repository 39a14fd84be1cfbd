"""Sign in by username or e-mail, lockout, session rotation, sign out, password change and reset."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.translation import get_language

from tests.identity.factories import PASSWORD
from tripod.identity.lockout import lockout_username
from tripod.identity.models import User

LOGIN = reverse("identity:login")
HOME = reverse("core:home")


def login(http: Client, username: str, password: str = PASSWORD, **extra):
    return http.post(LOGIN, {"username": username, "password": password}, **extra)


def signed_in_as(http: Client) -> int | None:
    value = http.session.get(SESSION_KEY)
    return int(value) if value is not None else None


@pytest.mark.django_db
class TestLogin:
    def test_page_renders_a_bootstrap_form(self, client: Client) -> None:
        response = client.get(LOGIN)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Tripod" in html
        assert 'class="form-control"' in html
        assert 'name="username"' in html
        assert reverse("identity:password_reset") in html

    def test_by_username_goes_home(self, client: Client, member: User) -> None:
        response = login(client, "li.na")
        assert response.status_code == 302
        assert response["Location"] == HOME
        assert signed_in_as(client) == member.pk

    def test_by_email_in_any_case(self, client: Client, member: User) -> None:
        response = login(client, "li.na@EXAMPLE.com")
        assert response.status_code == 302
        assert signed_in_as(client) == member.pk

    def test_follows_a_safe_next(self, client: Client, member: User) -> None:
        response = client.post(LOGIN, {"username": "li.na", "password": PASSWORD, "next": "/accounts/tokens/"})
        assert response["Location"] == "/accounts/tokens/"

    def test_ignores_an_offsite_next(self, client: Client, member: User) -> None:
        response = client.post(LOGIN, {"username": "li.na", "password": PASSWORD, "next": "https://evil.example/"})
        assert response["Location"] == HOME

    def test_wrong_password_shows_an_inline_error(self, client: Client, member: User) -> None:
        response = login(client, "li.na", "wrong-password")
        assert response.status_code == 200
        html = response.content.decode()
        assert "is not correct" in html
        assert "alert-danger" in html
        assert signed_in_as(client) is None

    def test_inactive_user_cannot_sign_in(self, client: Client, member: User) -> None:
        User.objects.filter(pk=member.pk).update(is_active=False)
        response = login(client, "li.na")
        assert response.status_code == 200
        assert signed_in_as(client) is None

    def test_signed_in_user_is_sent_on(self, client: Client, member: User) -> None:
        client.force_login(member)
        response = client.get(LOGIN)
        assert response.status_code == 302
        assert response["Location"] == HOME

    def test_session_key_is_rotated(self, client: Client, member: User) -> None:
        session = client.session
        session["visited"] = True
        session.save()
        before = session.session_key
        client.cookies[settings.SESSION_COOKIE_NAME] = before
        assert client.session.session_key == before

        login(client, "li.na")

        after = client.session.session_key
        assert after != before
        assert not SessionStore().exists(before), "the pre-login session must be gone"
        assert client.session.get("visited") is True, "data of the anonymous session carries over"
        assert signed_in_as(client) == member.pk


@pytest.mark.django_db
class TestLockout:
    def test_locks_after_repeated_failures_even_for_the_right_password(self, client: Client, member: User) -> None:
        limit = settings.AXES_FAILURE_LIMIT
        for _attempt in range(limit - 1):
            assert login(client, "li.na", "wrong-password").status_code == 200
        locked = login(client, "li.na", "wrong-password")
        assert locked.status_code == 429
        assert "try again later" in locked.content.decode()
        assert "identity/locked_out.html" in [t.name for t in locked.templates]

        still = login(client, "li.na")
        assert still.status_code == 429
        assert signed_in_as(client) is None

    def test_other_users_are_not_locked(self, client: Client, member: User, other: User) -> None:
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            login(client, "li.na", "wrong-password")
        response = login(client, "tom")
        assert response.status_code == 302
        assert signed_in_as(client) == other.pk

    def test_a_success_resets_the_count(self, client: Client, member: User) -> None:
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            login(client, "li.na", "wrong-password")
        assert login(client, "li.na").status_code == 302
        client.logout()
        assert login(client, "li.na", "wrong-password").status_code == 200


@pytest.mark.django_db
class TestLogout:
    def test_post_signs_out(self, client: Client, member: User) -> None:
        client.force_login(member)
        response = client.post(reverse("identity:logout"))
        assert response.status_code == 302
        assert response["Location"] == LOGIN
        assert signed_in_as(client) is None

    def test_get_is_refused(self, client: Client, member: User) -> None:
        client.force_login(member)
        assert client.get(reverse("identity:logout")).status_code == 405
        assert signed_in_as(client) == member.pk


@pytest.mark.django_db
class TestPasswordChange:
    url = reverse("identity:password_change")

    def test_needs_sign_in(self, client: Client) -> None:
        response = client.get(self.url)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)

    def test_changes_password_and_keeps_the_session(self, client: Client, member: User) -> None:
        client.force_login(member)
        new = "a-new-secret-phrase-42"
        response = client.post(self.url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
        assert response.status_code == 302
        assert response["Location"] == reverse("identity:password_change_done")
        assert client.get(reverse("identity:password_change_done")).status_code == 200
        member.refresh_from_db()
        assert member.check_password(new)

        fresh = Client()
        assert login(fresh, "li.na", PASSWORD).status_code == 200  # the old one no longer works
        assert login(fresh, "li.na", new).status_code == 302

    def test_wrong_old_password_is_an_inline_error(self, client: Client, member: User) -> None:
        client.force_login(member)
        response = client.post(
            self.url, {"old_password": "nope", "new_password1": "x-y-z-1234567", "new_password2": "x-y-z-1234567"}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "is-invalid" in html
        assert "invalid-feedback" in html


@pytest.mark.django_db
class TestPasswordReset:
    url = reverse("identity:password_reset")

    def test_mail_link_sets_a_new_password(self, client: Client, member: User, mailoutbox) -> None:
        response = client.post(self.url, {"email": "li.na@example.com"})
        assert response.status_code == 302
        assert response["Location"] == reverse("identity:password_reset_done")
        assert len(mailoutbox) == 1
        mail = mailoutbox[0]
        assert mail.to == [member.email]
        assert "Tripod" in mail.subject
        assert "li.na" in mail.body
        link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.body)
        assert link, mail.body

        response = client.get(link.group(1))
        assert response.status_code == 302  # Django moves the token out of the URL into the session
        form_url = response["Location"]
        page = client.get(form_url)
        assert page.status_code == 200
        assert page.context["validlink"] is True

        new = "reset-phrase-for-li-na-7"
        done = client.post(form_url, {"new_password1": new, "new_password2": new})
        assert done.status_code == 302
        assert done["Location"] == reverse("identity:password_reset_complete")
        assert login(Client(), "li.na", new).status_code == 302

        reused = client.get(link.group(1))
        assert reused.status_code == 200
        assert reused.context["validlink"] is False

    def test_unknown_address_tells_nothing(self, client: Client, member: User, mailoutbox) -> None:
        response = client.post(self.url, {"email": "nobody@example.com"})
        assert response.status_code == 302
        assert response["Location"] == reverse("identity:password_reset_done")
        assert mailoutbox == []

    def test_pages_render(self, client: Client) -> None:
        for name in ("password_reset", "password_reset_done", "password_reset_complete"):
            assert client.get(reverse(f"identity:{name}")).status_code == 200


@pytest.mark.django_db
class TestLockoutIsPerAccount:
    """Different spellings of one account share one count of failures."""

    def test_lockout_username_is_the_canonical_name(self, member: User) -> None:
        assert lockout_username(None, {"username": "LI.NA"}) == "li.na"
        assert lockout_username(None, {"username": " li.na@EXAMPLE.com "}) == "li.na"
        assert lockout_username(None, {"username": "Nobody"}) == "nobody"
        assert lockout_username(None, {"username": ""}) == ""

    def test_axes_is_configured_to_use_it(self) -> None:
        assert settings.AXES_USERNAME_CALLABLE == "tripod.identity.lockout.lockout_username"

    def test_spellings_share_one_count(self, client: Client, member: User) -> None:
        spellings = ["li.na", "LI.NA", "Li.Na@example.com", "li.na@EXAMPLE.COM", "lI.nA"]
        with override_settings(AXES_USERNAME_CALLABLE="tripod.identity.lockout.lockout_username"):
            for spelling in spellings[: settings.AXES_FAILURE_LIMIT]:
                login(client, spelling, "wrong-password")
            assert login(client, "Li.Na").status_code == 429
            assert signed_in_as(client) is None


@pytest.mark.django_db
def test_reset_mail_is_in_the_accounts_language(client: Client, member: User, mailoutbox, monkeypatch) -> None:
    languages = []
    real_render = render_to_string

    def spy(template_name, context=None, *args, **kwargs):
        if template_name == "registration/password_reset_email.txt":
            languages.append(get_language())
        return real_render(template_name, context, *args, **kwargs)

    monkeypatch.setattr("django.contrib.auth.forms.loader.render_to_string", spy)
    User.objects.filter(pk=member.pk).update(language="zh-hans")
    client.post(reverse("identity:password_reset"), {"email": member.email}, HTTP_ACCEPT_LANGUAGE="en")
    assert len(mailoutbox) == 1
    assert languages == ["zh-hans"]
