"""Buying-signal reads: who sees which signals and rules (every role of the world), the live / status filters, the
evidence linked to the records' pages (a deleted record loses its link, keeps its label), the headline, and a
query count that does not grow with the number of signals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.clients.signal_builders import (
    SEES_C1_SIGNALS,
    contract,
    download,
    evaluate,
    key_contact,
    make_rule,
    raise_download_signal,
    signal_world,
)
from tests.clients.survey_builders import add_contacts, answer, send_survey
from tripod.clients.models import Client, Interaction, Signal, SignalRule
from tripod.clients.selectors.signals import (
    evidence_links,
    signal_counts,
    signal_filter_choices,
    signal_get,
    signal_headline,
    signal_list,
    signal_rule_list,
)
from tripod.clients.services.interactions import interaction_delete
from tripod.clients.services.signals import signal_acknowledge, signal_dismiss
from tripod.core.errors import NotFound

pytestmark = pytest.mark.django_db

Kind = SignalRule.Kind


@pytest.fixture
def aw():
    return signal_world()


@pytest.mark.parametrize("actor", sorted(SEES_C1_SIGNALS))
def test_who_sees_c1s_signals_and_their_evidence(aw, actor):
    signal = raise_download_signal(aw)
    user = aw.user(actor)
    sees = SEES_C1_SIGNALS[actor]
    assert list(signal_list(user=user)) == ([signal] if sees else [])
    assert signal_counts(user=user)["open"] == (1 if sees else 0)
    clients, rules = signal_filter_choices(user=user)
    assert list(clients) == ([aw.client] if sees else [])
    assert list(rules) == ([signal.rule] if sees else [])
    if sees:
        assert signal_get(user=user, pk=signal.pk) == signal
    else:
        with pytest.raises(NotFound):
            signal_get(user=user, pk=signal.pk)


def test_anonymous_sees_nothing(aw):
    from django.contrib.auth.models import AnonymousUser

    raise_download_signal(aw)
    assert list(signal_list(user=AnonymousUser())) == []


def test_the_other_am_sees_only_their_own_clients_signals(aw):
    rule = make_rule(aw, Kind.CONTENT_DOWNLOADS)
    other = Client.objects.get(name="C2")
    now = timezone.now()
    for days in (3, 2, 1):
        download(aw, now - timedelta(days=days))
        download(aw, now - timedelta(days=days), client=other)
    evaluate(now)
    theirs = Signal.objects.get(rule=rule, client=other)
    assert list(signal_list(user=aw.user("am_unrelated"))) == [theirs]
    assert len(signal_list(user=aw.user("admin"))) == 2
    assert list(signal_list(user=aw.user("admin"), client=other)) == [theirs]


@pytest.mark.parametrize(
    ("actor", "sees"),
    [("admin", True), ("am_related", True), ("am_unrelated", True), ("pm_related", False), ("lm_related", False),
     ("member_related", False), ("client_related", False)],
)  # fmt: skip
def test_rules_are_read_by_admins_and_ams(aw, actor, sees):
    rule = make_rule(aw, Kind.DETRACTOR)
    assert list(signal_rule_list(user=aw.user(actor))) == ([rule] if sees else [])


def test_open_only_and_status_filters(aw):
    am = aw.user("am_related")
    first = raise_download_signal(aw)
    signal_acknowledge(actor=am, signal=first)
    second_rule = make_rule(aw, Kind.CONTENT_DOWNLOADS)
    evaluate()
    second = Signal.objects.get(rule=second_rule)
    assert set(signal_list(user=am)) == {first, second}  # live: open and acknowledged
    assert list(signal_list(user=am, status="open")) == [second]
    signal_dismiss(actor=am, signal=second, reason="Duplicate rule")
    assert list(signal_list(user=am)) == [first]
    assert set(signal_list(user=am, open_only=False)) == {first, second}
    assert list(signal_list(user=am, rule=second_rule, open_only=False)) == [second]
    assert signal_counts(user=am) == {"open": 0, "acknowledged": 1, "high": 0}
    assert [r.live_count for r in signal_rule_list(user=am)] == [1, 0]


def test_evidence_links_point_at_each_records_page(aw):
    am = aw.user("am_related")
    for kind in Kind.values:
        make_rule(aw, kind)
    now = timezone.now()
    downloads = [download(aw, now - timedelta(days=d)) for d in (3, 2, 1)]
    cio = key_contact(aw, "Ivy CIO")
    deal = contract(aw, timezone.localdate() + timedelta(days=30))
    survey, invitations = send_survey(am, aw.client, add_contacts(am, aw.client, 1), title="NPS")
    answer(invitations, [3])
    evaluate(timezone.now() + timedelta(days=61))  # the new CIO is 61 days old by then: quiet, not new
    evaluate()
    signals = list(signal_list(user=am))
    assert {s.rule.kind for s in signals} == set(Kind.values)
    with CaptureQueriesContext(connection) as ctx:
        links = evidence_links(user=am, signals=signals)
    assert len(ctx.captured_queries) <= 4  # one per kind of record
    urls = {link.url for signal in signals for link in links[signal.pk]}
    assert reverse("clients:interaction_detail", args=[aw.client.pk, downloads[0].pk]) in urls
    assert reverse("clients:decision_chain", args=[aw.client.pk]) in urls
    assert reverse("clients:contract_detail", args=[deal.pk]) in urls
    assert reverse("clients:survey_detail", args=[survey.pk]) in urls
    assert cio.pk in {link.evidence.object_id for s in signals for link in links[s.pk] if link.icon == "person"}


def test_a_deleted_record_keeps_its_label_and_loses_its_link(aw):
    am = aw.user("am_related")
    signal = raise_download_signal(aw)
    gone = signal.evidence.order_by("at").first()
    interaction_delete(actor=am, interaction=Interaction.objects.get(pk=gone.object_id))
    links = evidence_links(user=am, signals=[signal_get(user=am, pk=signal.pk)])[signal.pk]
    assert (links[0].evidence.label, links[0].url) == (gone.label, None)
    assert all(link.url for link in links[1:])


def test_the_headline_says_what_was_found(aw):
    signal = raise_download_signal(aw)
    assert signal_headline(signal_get(user=aw.user("admin"), pk=signal.pk)) == "3 content downloads within 14 days"


def _list_queries(user) -> int:
    with CaptureQueriesContext(connection) as ctx:
        signals = list(signal_list(user=user))
        links = evidence_links(user=user, signals=signals)
        for signal in signals:
            signal_headline(signal)
            [link.url for link in links[signal.pk]]
            str(signal.client), str(signal.rule), str(signal.acted_by)
    return len(ctx.captured_queries)


def test_the_list_takes_as_many_queries_for_one_signal_as_for_many(aw):
    am = aw.user("am_related")
    raise_download_signal(aw)
    one = _list_queries(am)
    for _ in range(5):
        make_rule(aw, Kind.CONTENT_DOWNLOADS)
    download(aw, timezone.now() - timedelta(hours=1))
    evaluate()
    assert Signal.objects.count() == 6
    assert _list_queries(am) == one
