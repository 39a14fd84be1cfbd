"""Personal API tokens: the services, the bearer middleware and the web page."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tripod.core.errors import Forbidden, NotFound, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.identity.models import ApiToken, User
from tripod.identity.selectors import api_token_get, api_token_list
from tripod.identity.services import api_token_authenticate, api_token_create, api_token_revoke

TOKENS = reverse("identity:tokens")


@pytest.mark.django_db
class TestCreate:
    def test_returns_the_plaintext_once_and_stores_only_its_hash(self, member: User) -> None:
        token, raw = api_token_create(actor=member, name="  nightly export  ")
        assert raw.startswith(f"tpd_{token.prefix}_")
        assert len(token.prefix) == 8
        assert len(raw) > 50
        stored = ApiToken.objects.get(pk=token.pk)
        assert stored.name == "nightly export"
        assert stored.user == member
        assert stored.hashed == hashlib.sha256(raw.encode()).hexdigest()
        assert raw not in {str(value) for value in stored.__dict__.values()}
        assert BusinessEvent.objects.filter(verb="api_token.created", target_id=str(token.pk)).exists()

    def test_tokens_differ(self, member: User) -> None:
        raws = {api_token_create(actor=member, name=f"t{i}")[1] for i in range(5)}
        assert len(raws) == 5

    def test_name_is_required(self, member: User) -> None:
        with pytest.raises(ValidationFailed) as exc:
            api_token_create(actor=member, name="   ")
        assert set(exc.value.errors) == {"name"}

    def test_expiry_must_be_in_the_future(self, member: User) -> None:
        with pytest.raises(ValidationFailed) as exc:
            api_token_create(actor=member, name="x", expires_at=timezone.now() - timedelta(seconds=1))
        assert set(exc.value.errors) == {"expires_at"}

    def test_anonymous_and_inactive_cannot(self, member: User) -> None:
        from django.contrib.auth.models import AnonymousUser

        with pytest.raises(Forbidden):
            api_token_create(actor=AnonymousUser(), name="x")
        member.is_active = False
        with pytest.raises(Forbidden):
            api_token_create(actor=member, name="x")


@pytest.mark.django_db
class TestAuthenticate:
    def test_good_token_gives_its_user_and_records_use(self, member: User) -> None:
        token, raw = api_token_create(actor=member, name="script")
        assert api_token_authenticate(raw) == member
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_last_used_is_written_at_most_once_a_minute(self, member: User, django_assert_num_queries) -> None:
        token, raw = api_token_create(actor=member, name="script")
        api_token_authenticate(raw)
        token.refresh_from_db()
        first = token.last_used_at
        with django_assert_num_queries(1):  # the lookup only, no write
            assert api_token_authenticate(raw) == member
        token.refresh_from_db()
        assert token.last_used_at == first

        ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
        api_token_authenticate(raw)
        token.refresh_from_db()
        assert token.last_used_at > first - timedelta(minutes=2)

    @pytest.mark.parametrize(
        "raw",
        ["", "garbage", "Bearer x", "tpd_", "tpd_1234567_", "tpd_12345678_" + "x" * 43, "tpd_12345678_x" * 20],
    )
    def test_garbage_is_refused(self, member: User, raw: str) -> None:
        api_token_create(actor=member, name="script")
        assert api_token_authenticate(raw) is None

    def test_right_prefix_wrong_secret_is_refused(self, member: User) -> None:
        _token, raw = api_token_create(actor=member, name="script")
        assert api_token_authenticate(raw[:-2] + ("AA" if not raw.endswith("AA") else "BB")) is None

    def test_revoked_is_refused(self, member: User) -> None:
        token, raw = api_token_create(actor=member, name="script")
        api_token_revoke(actor=member, token=token)
        assert api_token_authenticate(raw) is None

    def test_expired_is_refused(self, member: User) -> None:
        token, raw = api_token_create(actor=member, name="script", expires_at=timezone.now() + timedelta(days=1))
        assert api_token_authenticate(raw) == member
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        assert api_token_authenticate(raw) is None

    def test_inactive_user_is_refused(self, member: User) -> None:
        _token, raw = api_token_create(actor=member, name="script")
        User.objects.filter(pk=member.pk).update(is_active=False)
        assert api_token_authenticate(raw) is None


@pytest.mark.django_db
class TestRevoke:
    def test_own_token(self, member: User) -> None:
        token, _raw = api_token_create(actor=member, name="script")
        revoked = api_token_revoke(actor=member, token=token)
        assert revoked.revoked_at is not None
        assert BusinessEvent.objects.filter(verb="api_token.revoked", target_id=str(token.pk)).count() == 1

    def test_twice_changes_nothing(self, member: User) -> None:
        token, _raw = api_token_create(actor=member, name="script")
        first = api_token_revoke(actor=member, token=token).revoked_at
        assert api_token_revoke(actor=member, token=token).revoked_at == first
        assert BusinessEvent.objects.filter(verb="api_token.revoked", target_id=str(token.pk)).count() == 1

    def test_someone_elses_is_not_found(self, member: User, other: User) -> None:
        token, raw = api_token_create(actor=member, name="script")
        with pytest.raises(NotFound):
            api_token_revoke(actor=other, token=token)
        assert api_token_authenticate(raw) == member

    def test_admin_may_revoke_any(self, member: User, admin: User) -> None:
        token, raw = api_token_create(actor=member, name="script")
        api_token_revoke(actor=admin, token=token)
        assert api_token_authenticate(raw) is None


@pytest.mark.django_db
def test_selectors_show_only_own_tokens(member: User, other: User, admin: User) -> None:
    mine, _ = api_token_create(actor=member, name="mine")
    theirs, _ = api_token_create(actor=other, name="theirs")
    assert list(api_token_list(user=member)) == [mine]
    assert list(api_token_list(user=admin)) == [], "the token page is personal, even for admins"
    assert api_token_get(user=member, pk=mine.pk) == mine
    with pytest.raises(NotFound):
        api_token_get(user=member, pk=theirs.pk)
    with pytest.raises(NotFound):
        api_token_get(user=member, pk="not-a-number")


@pytest.mark.django_db
class TestTokenPage:
    def test_needs_sign_in(self, client: Client) -> None:
        response = client.get(TOKENS)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("identity:login"))

    def test_create_shows_the_token_once(self, client: Client, member: User) -> None:
        client.force_login(member)
        response = client.post(TOKENS, {"name": "CI pipeline", "expires_in": "30"})
        assert response.status_code == 201
        assert "no-store" in response["Cache-Control"]
        raw = response.context["new_token"]["raw"]
        html = response.content.decode()
        assert raw in html
        assert "will not be shown again" in html
        token = ApiToken.objects.get(user=member)
        assert token.name == "CI pipeline"
        assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
        assert api_token_authenticate(raw) == member

        again = client.get(TOKENS).content.decode()
        assert raw not in again
        assert f"tpd_{token.prefix}_" in again
        assert "CI pipeline" in again

    def test_never_expiring(self, client: Client, member: User) -> None:
        client.force_login(member)
        client.post(TOKENS, {"name": "forever", "expires_in": "never"})
        assert ApiToken.objects.get(user=member).expires_at is None

    def test_bad_input_is_an_inline_error(self, client: Client, member: User) -> None:
        client.force_login(member)
        response = client.post(TOKENS, {"name": "", "expires_in": "7"})
        assert response.status_code == 422
        html = response.content.decode()
        assert "is-invalid" in html
        assert "invalid-feedback" in html
        assert not ApiToken.objects.exists()

    def test_list_shows_only_own_tokens(self, client: Client, member: User, other: User) -> None:
        api_token_create(actor=member, name="mine")
        api_token_create(actor=other, name="theirs")
        client.force_login(member)
        html = client.get(TOKENS).content.decode()
        assert "mine" in html
        assert "theirs" not in html

    def test_revoke(self, client: Client, member: User) -> None:
        token, raw = api_token_create(actor=member, name="old script")
        client.force_login(member)
        response = client.post(reverse("identity:token_revoke", args=[token.pk]))
        assert response.status_code == 302
        assert response["Location"] == TOKENS
        assert api_token_authenticate(raw) is None
        assert "Revoked" in client.get(TOKENS).content.decode()

    def test_revoke_needs_post(self, client: Client, member: User) -> None:
        token, raw = api_token_create(actor=member, name="old script")
        client.force_login(member)
        assert client.get(reverse("identity:token_revoke", args=[token.pk])).status_code == 405
        assert api_token_authenticate(raw) == member

    def test_revoking_someone_elses_token_is_not_found(self, client: Client, member: User, other: User) -> None:
        token, raw = api_token_create(actor=other, name="theirs")
        client.force_login(member)
        assert client.post(reverse("identity:token_revoke", args=[token.pk])).status_code == 404
        assert api_token_authenticate(raw) == other

    def test_create_needs_csrf_for_a_session(self, member: User) -> None:
        http = Client(enforce_csrf_checks=True)
        http.force_login(member)
        assert http.post(TOKENS, {"name": "x", "expires_in": "30"}).status_code == 403
        assert not ApiToken.objects.exists()


@pytest.mark.django_db
class TestBearerOnTheWeb:
    def test_valid_token_signs_the_request_in_without_a_session(self, member: User) -> None:
        _token, raw = api_token_create(actor=member, name="script")
        http = Client(enforce_csrf_checks=True)
        response = http.get(TOKENS, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200
        assert response.context["user"] == member
        assert "sessionid" not in response.cookies

    def test_token_requests_need_no_csrf(self, member: User) -> None:
        _token, raw = api_token_create(actor=member, name="script")
        http = Client(enforce_csrf_checks=True)
        response = http.post(
            TOKENS, {"name": "made by a script", "expires_in": "30"}, HTTP_AUTHORIZATION=f"Bearer {raw}"
        )
        assert response.status_code == 201

    def test_bad_token_on_a_web_page_is_ignored(self, client: Client) -> None:
        response = client.get(TOKENS, HTTP_AUTHORIZATION="Bearer tpd_00000000_nope")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("identity:login"))
