"""Buying-signal pages for every role: the list (403 for whoever has no account, empty for an AM without signals),
a signal's page (404 when not visible), the HTMX actions (acknowledge from the list, dismiss and act on the page),
the rules pages (admins write, AMs read); evidence linked on the page; query counts that do not grow."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.clients.accounts_builders import login, queries
from tests.clients.signal_builders import (
    SEES_C1_SIGNALS,
    download,
    evaluate,
    make_rule,
    raise_download_signal,
    signal_world,
)
from tripod.clients.models import FollowUp, Signal, SignalRule

pytestmark = pytest.mark.django_db

Kind = SignalRule.Kind
HTMX = {"HX-Request": "true"}

# Who may open the signals page at all: admins, AMs, staff on an account team (am_team is an AM too).
USES_SIGNALS = {"admin", "am_related", "am_team", "am_unrelated"}


@pytest.fixture
def aw():
    return signal_world()


@pytest.fixture
def signal(aw):
    return raise_download_signal(aw)


def detail(signal: Signal) -> str:
    return reverse("clients:signal_detail", args=[signal.pk])


@pytest.mark.parametrize("actor", sorted(SEES_C1_SIGNALS))
def test_the_list_page_for_every_role(client, aw, signal, actor):
    page = login(client, aw, actor).get(reverse("clients:signals"))
    if actor not in USES_SIGNALS:
        assert page.status_code == 403
        return
    assert page.status_code == 200
    html = page.content.decode()
    assert ("3 content downloads within 14 days" in html) == SEES_C1_SIGNALS[actor]


def test_anonymous_is_sent_to_the_login(client, aw, signal):
    assert client.get(reverse("clients:signals")).status_code == 302
    assert client.get(detail(signal)).status_code == 302


@pytest.mark.parametrize("actor", sorted(SEES_C1_SIGNALS))
def test_the_signal_page_for_every_role(client, aw, signal, actor):
    page = login(client, aw, actor).get(detail(signal))
    if SEES_C1_SIGNALS[actor]:
        assert page.status_code == 200
    else:
        assert page.status_code == (404 if actor in USES_SIGNALS else 403)


@pytest.mark.parametrize("actor", sorted(SEES_C1_SIGNALS))
def test_actions_for_every_role(client, aw, signal, actor):
    login(client, aw, actor)
    url = reverse("clients:signal_acknowledge", args=[signal.pk])
    answer = client.post(url, {"note": "seen"})
    if SEES_C1_SIGNALS[actor]:
        assert answer.status_code == 302
        assert Signal.objects.get().status == Signal.Status.ACKNOWLEDGED
    else:
        assert answer.status_code == (404 if actor in USES_SIGNALS else 403)
        dismiss = client.post(reverse("clients:signal_dismiss", args=[signal.pk]), {"reason": "x"})
        act = client.post(reverse("clients:signal_act", args=[signal.pk]), {})
        assert dismiss.status_code == act.status_code == answer.status_code
        assert Signal.objects.get().status == Signal.Status.OPEN


def test_the_page_links_each_piece_of_evidence(client, aw, signal):
    html = login(client, aw, "am_related").get(detail(signal)).content.decode()
    for action in ("signal_act", "signal_acknowledge", "signal_dismiss"):
        assert f'hx-post="{reverse("clients:" + action, args=[signal.pk])}"' in html
    for evidence in signal.evidence.all():
        assert reverse("clients:interaction_detail", args=[aw.client.pk, evidence.object_id]) in html
        assert evidence.label in html
    listing = client.get(reverse("clients:signals")).content.decode()
    assert reverse("clients:interaction_detail", args=[aw.client.pk, signal.evidence.first().object_id]) in listing


def test_acknowledge_from_the_list_over_htmx_swaps_the_status_cell(client, aw, signal):
    login(client, aw, "am_related")
    answer = client.post(reverse("clients:signal_acknowledge", args=[signal.pk]), {"from": "list"}, headers=HTMX)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert f'id="signal-status-{signal.pk}"' in html and "Acknowledged" in html and "<html" not in html
    assert json.loads(answer["HX-Trigger"])["tripod:toast"]["message"] == "Signal acknowledged."
    assert Signal.objects.get().status == Signal.Status.ACKNOWLEDGED


def test_dismiss_without_a_reason_over_htmx_shows_the_error_and_changes_nothing(client, aw, signal):
    login(client, aw, "am_related")
    answer = client.post(reverse("clients:signal_dismiss", args=[signal.pk]), {"reason": ""}, headers=HTMX)
    assert answer.status_code == 200
    assert 'id="signal-panel"' in answer.content.decode()
    assert json.loads(answer["HX-Trigger"])["tripod:toast"]["level"] == "error"
    assert Signal.objects.get().status == Signal.Status.OPEN
    done = client.post(reverse("clients:signal_dismiss", args=[signal.pk]), {"reason": "Our own staff"}, headers=HTMX)
    assert "Our own staff" in done.content.decode()
    assert Signal.objects.get().status == Signal.Status.DISMISSED


def test_act_with_a_follow_up_on_the_page(client, aw, signal):
    login(client, aw, "am_team")
    due = (timezone.localdate() + timedelta(days=2)).isoformat()
    url = reverse("clients:signal_act", args=[signal.pk])
    missing = client.post(url, {"followup_text": "Call Zhao"}, headers=HTMX)
    assert "Give the follow-up a due date." in missing.content.decode()
    assert not FollowUp.objects.exists()
    answer = client.post(url, {"note": "Briefing offered", "followup_text": "Call Zhao", "followup_due": due})
    assert answer.status_code == 302 and answer["Location"] == detail(signal)
    acted = Signal.objects.get()
    assert acted.status == Signal.Status.ACTED and acted.followup.text == "Call Zhao"
    assert acted.followup.owner == aw.user("am_related")


def test_the_status_pills_filter_the_list(client, aw, signal):
    login(client, aw, "am_related")
    client.post(reverse("clients:signal_dismiss", args=[signal.pk]), {"reason": "noise"})
    marker = "3 content downloads within 14 days"
    assert marker not in client.get(reverse("clients:signals")).content.decode()
    assert marker in client.get(reverse("clients:signals") + "?state=dismissed").content.decode()
    assert marker in client.get(reverse("clients:signals") + "?state=all").content.decode()
    assert marker not in client.get(reverse("clients:signals") + "?state=open").content.decode()


def test_the_list_takes_as_many_queries_for_one_signal_as_for_many(client, aw, signal):
    login(client, aw, "am_related")
    url = reverse("clients:signals")
    one = queries(client, url)
    for _ in range(6):
        make_rule(aw, Kind.CONTENT_DOWNLOADS)
    download(aw, timezone.now() - timedelta(hours=1))
    evaluate()
    assert Signal.objects.count() == 7
    assert queries(client, url) == one
    assert queries(client, detail(signal)) <= one


# --- rules pages ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("actor", "status"),
    [("admin", 200), ("am_related", 200), ("am_unrelated", 200), ("pm_related", 403), ("lm_related", 403),
     ("member_related", 403), ("client_related", 403)],
)  # fmt: skip
def test_the_rules_page_for_every_role(client, aw, actor, status):
    make_rule(aw, Kind.RENEWAL_DUE, days=60)
    page = login(client, aw, actor).get(reverse("clients:signal_rules"))
    assert page.status_code == status
    if status == 200:
        html = page.content.decode()
        assert "Rule renewal_due" in html and "60" in html
        assert (reverse("clients:signal_rule_create") in html) == (actor == "admin")


@pytest.mark.parametrize("actor", ["am_related", "pm_related", "client_related"])
def test_only_admins_open_the_rule_forms(client, aw, actor):
    rule = make_rule(aw, Kind.DETRACTOR)
    login(client, aw, actor)
    assert client.get(reverse("clients:signal_rule_create")).status_code == 403
    assert client.get(reverse("clients:signal_rule_edit", args=[rule.pk])).status_code == 403
    assert client.post(reverse("clients:signal_rule_active", args=[rule.pk]), {"active": "0"}).status_code == 403
    assert client.post(reverse("clients:signals_evaluate")).status_code == 403
    assert SignalRule.objects.get().active


def test_an_admin_creates_edits_and_deactivates_a_rule(client, aw):
    login(client, aw, "admin")
    url = reverse("clients:signal_rule_create")
    data = {"code": "hot-lead", "name": "Hot lead", "kind": "content_downloads", "severity": "high", "active": "on"}
    bad = client.post(url, {**data, "count": "0", "days": "14"})
    assert bad.status_code == 200
    assert "Number of downloads must be a whole number from 1 to 100." in bad.content.decode()
    assert not SignalRule.objects.exists()
    assert client.post(url, {**data, "count": "4", "days": "10"}).status_code == 302
    rule = SignalRule.objects.get()
    assert rule.parameters == {"count": 4, "days": 10} and rule.severity == "high"
    edit = reverse("clients:signal_rule_edit", args=[rule.pk])
    assert 'value="4"' in client.get(edit).content.decode()
    changed = {"name": "Hot lead", "kind": "renewal_due", "severity": "medium", "days": "45", "version": rule.version}
    assert client.post(edit, {**changed, "active": "on"}).status_code == 302
    rule.refresh_from_db()
    assert rule.kind == "renewal_due" and rule.parameters == {"days": 45} and rule.code == "hot-lead"
    client.post(reverse("clients:signal_rule_active", args=[rule.pk]), {"active": "0"})
    rule.refresh_from_db()
    assert not rule.active


def test_an_admin_evaluates_now(client, aw):
    make_rule(aw, Kind.CONTENT_DOWNLOADS)
    for days in (3, 2, 1):
        download(aw, timezone.now() - timedelta(days=days))
    login(client, aw, "admin")
    assert client.post(reverse("clients:signals_evaluate")).status_code == 302
    assert Signal.objects.count() == 1
