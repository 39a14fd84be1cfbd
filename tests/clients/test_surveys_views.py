"""Survey pages: the public answer page, anonymously (answer, thank-you, second answer, bad links, CSRF, rate limit,
language); the staff pages for every role (lists, results, create, send, close); query counts that do not grow."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.authz.world import build_world
from tests.clients.survey_builders import add_contacts, answer, send_survey
from tripod.clients.models import Client, FollowUp, PortalUser, Survey, SurveyInvitation, SurveyResponse
from tripod.clients.services.surveys import survey_answer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the public page counts bad links per address in the cache
    yield
    cache.clear()


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def am(world):
    return world.users["am_related"]


@pytest.fixture
def contacts(world, am):
    return add_contacts(am, world.client, 3)


def public_url(token: str) -> str:
    return reverse("clients:survey_answer", args=[token])


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


# --- the public page --------------------------------------------------------------------------------------------------
def test_anonymous_contact_answers_on_the_public_page(client, world, am, contacts):
    _survey, invitations = send_survey(am, world.client, contacts, kind="nps", title="Quarterly")
    url = public_url(invitations[0].token)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "How likely is it that you would recommend us" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert html.count('name="score"') == 11  # 0-10
    assert page["X-Robots-Tag"] == "noindex, nofollow" and page["Referrer-Policy"] == "no-referrer"
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    sent = client.post(url, {"score": "9", "comment": "Responsive team"})
    assert sent.status_code == 302 and sent["Location"] == url
    thanks = client.get(url)
    assert thanks.status_code == 200 and "Thank you" in thanks.content.decode()
    assert 'name="score"' not in thanks.content.decode()
    assert SurveyResponse.objects.get().comment == "Responsive team"


def test_a_second_answer_is_refused_and_the_first_stands(client, world, am, contacts):
    _survey, invitations = send_survey(am, world.client, contacts)
    url = public_url(invitations[0].token)
    client.post(url, {"score": "10"})
    again = client.post(url, {"score": "0", "comment": "changed my mind"})
    assert again.status_code == 409
    assert "already answered" in again.content.decode()
    assert list(SurveyResponse.objects.values_list("score", flat=True)) == [10]
    assert not FollowUp.objects.exists()


def test_a_csat_page_has_five_buttons_and_a_missing_score_is_said(client, world, am, contacts):
    _survey, invitations = send_survey(am, world.client, contacts, kind="csat")
    url = public_url(invitations[0].token)
    assert client.get(url).content.decode().count('name="score"') == 5
    for data in ({"comment": "no score"}, {"score": "6"}, {"score": "abc"}):
        page = client.post(url, data)
        assert page.status_code == 200
        assert "Choose a score." in page.content.decode()
    assert "no score" in client.post(url, {"comment": "no score"}).content.decode()  # the comment is kept
    assert not SurveyResponse.objects.exists()


def test_a_detractor_answer_on_the_page_makes_a_follow_up(client, world, am, contacts):
    _survey, invitations = send_survey(am, world.client, contacts)
    client.post(public_url(invitations[0].token), {"score": "3", "comment": "Slow"})
    assert FollowUp.objects.get().owner == am


def test_unknown_and_expired_links_get_the_same_friendly_404(client, world, am, contacts):
    _old, expired = send_survey(am, world.client, contacts[:1], now=timezone.now() - timedelta(days=31))
    unknown = client.get(public_url("not-a-real-token-at-all"))
    old = client.get(public_url(expired[0].token))
    assert unknown.status_code == old.status_code == 404
    assert "This survey link is invalid or has expired" in unknown.content.decode()
    # The pages differ only by the address itself (the language switch returns to it).
    same = without_csrf(unknown.content.decode()).replace("not-a-real-token-at-all", expired[0].token)
    assert same == without_csrf(old.content.decode())
    assert client.post(public_url(expired[0].token), {"score": "9"}).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_the_answer_form_is_csrf_protected(world, am, contacts):
    _survey, invitations = send_survey(am, world.client, contacts)
    browser = WebClient(enforce_csrf_checks=True)
    url = public_url(invitations[0].token)
    assert browser.post(url, {"score": "9"}).status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', browser.get(url).content.decode()).group(1)
    assert browser.post(url, {"score": "9", "csrfmiddlewaretoken": token}).status_code == 302
    assert SurveyResponse.objects.count() == 1


def test_many_bad_links_from_one_address_are_slowed_down(client, world, am, contacts):
    _survey, invitations = send_survey(am, world.client, contacts)
    for n in range(20):
        assert client.get(public_url(f"guess-{n}")).status_code == 404
    assert client.get(public_url(invitations[0].token)).status_code == 429
    other_address = WebClient(REMOTE_ADDR="10.0.0.9")
    assert other_address.get(public_url(invitations[0].token)).status_code == 200


def test_the_page_speaks_the_invitations_language_unless_the_visitor_chose(client, world, am, contacts):
    PortalUser.objects.filter(user=world.users["client_related"]).update(contact=contacts[0])
    world.users["client_related"].language = "zh-hans"
    world.users["client_related"].save()
    _survey, invitations = send_survey(am, world.client, contacts)
    zh, en = invitations[0], invitations[1]
    assert '<html lang="zh-hans">' in client.get(public_url(zh.token)).content.decode()
    assert '<html lang="en">' in client.get(public_url(en.token)).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get(public_url(zh.token)).content.decode()


def test_the_public_page_needs_no_login_even_for_a_signed_in_user(client, world, am, contacts):
    _survey, invitations = send_survey(am, world.client, contacts)
    client.force_login(world.users["member_unrelated"])
    assert client.get(public_url(invitations[0].token)).status_code == 200


# --- staff pages: access ----------------------------------------------------------------------------------------------
@pytest.fixture
def sent(world, am, contacts):
    linked, invitations = send_survey(am, world.client, contacts, title="Linked", project=world.project)
    answer(invitations, [9, 3])
    unlinked, _ = send_survey(am, world.client, contacts, kind="csat", title="Unlinked")
    return linked, unlinked


# actor: all surveys, C1's surveys, linked survey, unlinked survey, create (GET), send / close (POST)
PAGES = {
    "admin": (200, 200, 200, 200, 200, 302),
    "am_related": (200, 200, 200, 200, 200, 302),
    "pm_related": (200, 200, 200, 404, 403, 403),
    "am_unrelated": (200, 404, 404, 404, 404, 404),
    "pm_unrelated": (200, 404, 404, 404, 404, 404),
    "lm_related": (403, 403, 404, 404, 403, 404),
    "lm_unrelated": (403, 404, 404, 404, 404, 404),
    "member_related": (403, 403, 404, 404, 403, 404),
    "member_unrelated": (403, 404, 404, 404, 404, 404),
    "client_related": (403, 403, 404, 404, 403, 404),
    "client_unrelated": (403, 404, 404, 404, 404, 404),
}


@pytest.mark.parametrize(("actor", "expected"), PAGES.items())
def test_staff_pages_per_role(client, world, sent, actor, expected):
    linked, unlinked = sent
    client.force_login(world.users[actor])
    c1 = world.client.pk
    got = (
        client.get(reverse("clients:survey_list")).status_code,
        client.get(reverse("clients:surveys", args=[c1])).status_code,
        client.get(reverse("clients:survey_detail", args=[linked.pk])).status_code,
        client.get(reverse("clients:survey_detail", args=[unlinked.pk])).status_code,
        client.get(reverse("clients:survey_create", args=[c1])).status_code,
        client.post(reverse("clients:survey_close", args=[linked.pk])).status_code,
    )
    assert got == expected
    closed = Survey.objects.get(pk=linked.pk).status == "closed"
    assert closed == (expected[5] == 302)


@pytest.mark.parametrize("actor", ["pm_related", "am_unrelated", "lm_related", "client_related"])
def test_others_cannot_send(client, world, sent, contacts, actor):
    _linked, unlinked = sent
    client.force_login(world.users[actor])
    response = client.post(reverse("clients:survey_send", args=[unlinked.pk]), {"contacts": [contacts[0].pk]})
    assert response.status_code in (403, 404)
    assert SurveyInvitation.objects.filter(survey=unlinked).count() == 3


def test_anonymous_staff_pages_go_to_login(client, world, sent):
    linked, _ = sent
    for url in (
        reverse("clients:survey_list"),
        reverse("clients:surveys", args=[world.client.pk]),
        reverse("clients:survey_detail", args=[linked.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url


def test_the_pm_sees_the_linked_survey_only_and_no_buttons(client, world, sent):
    client.force_login(world.users["pm_related"])
    listing = client.get(reverse("clients:surveys", args=[world.client.pk])).content.decode()
    assert "Linked" in listing and "Unlinked" not in listing
    assert reverse("clients:survey_create", args=[world.client.pk]) not in listing
    detail = client.get(reverse("clients:survey_detail", args=[sent[0].pk])).content.decode()
    assert reverse("clients:survey_close", args=[sent[0].pk]) not in detail
    assert reverse("clients:survey_send", args=[sent[0].pk]) not in detail


# --- staff pages: content and forms -----------------------------------------------------------------------------------
def test_list_shows_results_and_the_trend_chart(client, world, am, sent):
    client.force_login(am)
    html = client.get(reverse("clients:surveys", args=[world.client.pk])).content.decode()
    assert "NPS trend" in html and "<polyline" in html and "<svg" in html
    assert '<div class="tp-tile-value">0</div>' in html  # one promoter, one detractor: NPS 0
    assert '<div class="tp-tile-value">33%</div>' in html  # 2 of 6 invitations answered
    quarter = client.get(reverse("clients:surveys", args=[world.client.pk]), {"period": "quarter"})
    assert quarter.status_code == 200 and "Q" in quarter.content.decode()
    csat_only = client.get(reverse("clients:survey_list"), {"kind": "csat"}).content.decode()
    assert "Unlinked" in csat_only and ">Linked<" not in csat_only


def test_detail_shows_answers_comments_and_rate(client, world, am, contacts):
    survey, invitations = send_survey(am, world.client, contacts, kind="csat", title="Release 3")
    survey_answer(token=invitations[0].token, score=5, comment="Smooth release")
    survey_answer(token=invitations[1].token, score=2, comment="Two bugs in production")
    client.force_login(am)
    html = client.get(reverse("clients:survey_detail", args=[survey.pk])).content.decode()
    assert "Smooth release" in html and "Two bugs in production" in html
    assert "67%" in html  # 2 of 3 answered
    assert "3.5" in html  # (5 + 2) / 2
    assert "tp-bar-detractor" in html and "tp-score-detractor" in html


def test_create_then_send_through_the_forms(
    client, world, am, contacts, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(am)
    url = reverse("clients:survey_create", args=[world.client.pk])
    bad = client.post(url, {"kind": "nps", "title": "", "question": ""})
    assert bad.status_code == 200 and not Survey.objects.exists()
    created = client.post(url, {"kind": "nps", "title": "Mid-year NPS", "project": world.project.pk})
    survey = Survey.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse("clients:survey_detail", args=[survey.pk])
    assert (survey.project, survey.trigger, survey.created_by) == (world.project, "manual", am)
    page = client.get(created["Location"]).content.decode()
    assert all(contact.name in page for contact in contacts)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("clients:survey_send", args=[survey.pk]), {"contacts": [contacts[0].pk, contacts[2].pk]}
        )
    assert sent.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == sorted([contacts[0].email, contacts[2].email])
    empty = client.post(reverse("clients:survey_send", args=[survey.pk]), {})
    assert empty.status_code == 302 and SurveyInvitation.objects.count() == 2


# --- query counts -----------------------------------------------------------------------------------------------------
def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_detail_query_counts_do_not_grow(client, world, am, django_assert_max_num_queries):
    client.force_login(am)
    contacts = add_contacts(am, world.client, 10)  # one is never invited: both send forms list someone
    small, invitations = send_survey(am, world.client, contacts[:1], title="Small")
    answer(invitations, [9])
    lists = (reverse("clients:surveys", args=[world.client.pk]), reverse("clients:survey_list"))
    before = [_queries(client, url) for url in lists]
    one = _queries(client, reverse("clients:survey_detail", args=[small.pk]))

    big, invitations = send_survey(am, world.client, contacts[:9], title="Big")
    answer(invitations, [10, 9, 8, 7, 6, 5, 4, 3, 2])
    for n in range(6):
        _extra, invited = send_survey(am, world.client, contacts[:3], title=f"S{n}", kind="csat" if n % 2 else "nps")
        answer(invited, [4, 2, 5] if n % 2 else [10, 0, 7])
    assert [_queries(client, url) for url in lists] == before
    assert _queries(client, reverse("clients:survey_detail", args=[big.pk])) == one
    for url in lists:
        with django_assert_max_num_queries(20):
            client.get(url)


def test_client_two_is_not_counted_anywhere_on_the_pages(client, world, am, sent):
    c2 = Client.objects.get(name="C2")
    other_am = world.users["am_unrelated"]
    _s, invitations = send_survey(other_am, c2, add_contacts(other_am, c2, 2), title="Secret survey")
    answer(invitations, [0, 0])
    client.force_login(am)
    html = client.get(reverse("clients:survey_list")).content.decode()
    assert "Secret survey" not in html
    assert "2 / 6" in html or "<b>2</b> / 6" in html  # the AM's own invitations only
