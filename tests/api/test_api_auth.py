"""Who an API request is: bearer token, session, or nobody (401); and trading a password for a token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.utils import timezone
from ninja.errors import HttpError

from tests.api.conftest import assert_problem, http_as
from tests.identity.factories import PASSWORD, make_user
from tripod.api.auth import SessionAuth
from tripod.identity.models import ApiToken, Role, User
from tripod.identity.services import api_token_authenticate, api_token_create, api_token_revoke

ME = "/api/v1/me"
TOKEN = "/api/v1/auth/token"


@pytest.fixture
def user(db) -> User:
    return make_user("zhang.wei", Role.PM, Role.LM, email="zhang.wei@example.com", display_name="张伟")


@pytest.mark.django_db
class TestMe:
    def test_anonymous_is_401_problem(self) -> None:
        response = HttpClient().get(ME)
        body = assert_problem(response, 401)
        assert body["type"] == "urn:tripod:problem:unauthenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")

    def test_with_bearer_token(self, user: User) -> None:
        token, raw = api_token_create(actor=user, name="script")
        response = HttpClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200
        assert response.json() == {
            "id": user.pk,
            "username": "zhang.wei",
            "email": "zhang.wei@example.com",
            "display_name": "张伟",
            "roles": ["lm", "pm"],
        }
        assert "sessionid" not in response.cookies
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_bearer_scheme_is_case_insensitive(self, user: User) -> None:
        _token, raw = api_token_create(actor=user, name="script")
        assert HttpClient().get(ME, HTTP_AUTHORIZATION=f"bearer {raw}").status_code == 200

    def test_with_session(self, user: User) -> None:
        response = http_as(user).get(ME)
        assert response.status_code == 200
        assert response.json()["username"] == "zhang.wei"

    def test_revoked_token_is_401(self, user: User) -> None:
        token, raw = api_token_create(actor=user, name="script")
        api_token_revoke(actor=user, token=token)
        assert_problem(HttpClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}"), 401)

    def test_expired_token_is_401(self, user: User) -> None:
        token, raw = api_token_create(actor=user, name="script", expires_at=timezone.now() + timedelta(hours=1))
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        assert_problem(HttpClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}"), 401)

    @pytest.mark.parametrize("header", ["Bearer garbage", "Bearer ", "Bearer tpd_0000000a_xxxxxxxxxxxxxxxx"])
    def test_garbage_token_is_401(self, user: User, header: str) -> None:
        assert_problem(HttpClient().get(ME, HTTP_AUTHORIZATION=header), 401)

    def test_bad_token_wins_over_a_session(self, user: User) -> None:
        """A script that sends a bad token is told so, even from a browser that is signed in."""
        assert_problem(http_as(user).get(ME, HTTP_AUTHORIZATION="Bearer garbage"), 401)

    def test_inactive_user_is_401(self, user: User) -> None:
        _token, raw = api_token_create(actor=user, name="script")
        User.objects.filter(pk=user.pk).update(is_active=False)
        assert_problem(HttpClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}"), 401)


@pytest.mark.django_db
class TestSessionCsrf:
    """Unsafe methods on a session need the CSRF token; token requests and anonymous ones do not get that far."""

    def _request(self, user, *, csrf: bool = False, token: bool = False):
        request = RequestFactory().post("/api/v1/anything", data="{}", content_type="application/json")
        request.user = user
        request.session = SessionStore()
        request.token_authenticated = token
        if csrf:
            request._dont_enforce_csrf_checks = True
        return request

    def test_session_post_without_csrf_is_refused(self, user: User) -> None:
        with pytest.raises(HttpError) as exc:
            SessionAuth()(self._request(user))
        assert exc.value.status_code == 403

    def test_session_post_with_csrf_passes(self, user: User) -> None:
        assert SessionAuth()(self._request(user, csrf=True)) == user

    def test_token_request_needs_no_csrf(self, user: User) -> None:
        assert SessionAuth()(self._request(user, token=True)) == user

    def test_anonymous_is_not_a_csrf_failure(self) -> None:
        assert SessionAuth()(self._request(AnonymousUser())) is None


@pytest.mark.django_db
class TestAuthToken:
    def test_good_credentials_give_a_working_token(self, user: User) -> None:
        response = HttpClient().post(
            TOKEN,
            {"username": "zhang.wei", "password": PASSWORD, "name": "backup job"},
            content_type="application/json",
        )
        assert response.status_code == 201
        body = response.json()
        assert body["name"] == "backup job"
        assert body["token"].startswith(f"tpd_{body['prefix']}_")
        assert "sessionid" not in response.cookies
        assert api_token_authenticate(body["token"]) == user
        me = HttpClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {body['token']}")
        assert me.json()["id"] == user.pk

    def test_by_email_and_default_name(self, user: User) -> None:
        response = HttpClient().post(
            TOKEN, {"username": "Zhang.Wei@example.com", "password": PASSWORD}, content_type="application/json"
        )
        assert response.status_code == 201
        assert response.json()["name"]

    def test_needs_no_csrf(self, user: User) -> None:
        response = HttpClient(enforce_csrf_checks=True).post(
            TOKEN, {"username": "zhang.wei", "password": PASSWORD}, content_type="application/json"
        )
        assert response.status_code == 201

    def test_wrong_password_is_401(self, user: User) -> None:
        response = HttpClient().post(
            TOKEN, {"username": "zhang.wei", "password": "wrong"}, content_type="application/json"
        )
        body = assert_problem(response, 401)
        assert body["type"] == "urn:tripod:problem:invalid-credentials"
        assert not ApiToken.objects.exists()

    def test_missing_fields_are_422_naming_them(self, user: User) -> None:
        response = HttpClient().post(TOKEN, {"username": "zhang.wei"}, content_type="application/json")
        body = assert_problem(response, 422)
        assert body["errors"] == [
            {"field": "password", "message": "This field is required.", "code": "missing", "in": "body"}
        ]

    def test_lockout_is_429_problem_and_holds_for_the_right_password(self, user: User) -> None:
        http = HttpClient()
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            response = http.post(TOKEN, {"username": "zhang.wei", "password": "wrong"}, content_type="application/json")
            assert response.status_code == 401
        locked = http.post(TOKEN, {"username": "zhang.wei", "password": "wrong"}, content_type="application/json")
        body = assert_problem(locked, 429)
        assert body["type"] == "urn:tripod:problem:locked-out"
        assert int(locked["Retry-After"]) > 0

        still = http.post(TOKEN, {"username": "zhang.wei", "password": PASSWORD}, content_type="application/json")
        assert_problem(still, 429)
        assert not ApiToken.objects.exists()

    def test_api_failures_count_towards_the_web_lockout(self, user: User) -> None:
        http = HttpClient()
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            http.post(TOKEN, {"username": "zhang.wei", "password": "wrong"}, content_type="application/json")
        web = http.post("/accounts/login/", {"username": "zhang.wei", "password": PASSWORD})
        assert web.status_code == 429
