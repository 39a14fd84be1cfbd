"""The demo's buying signals: the default rules evaluated over the other demo parts (accounts, pipeline, surveys)
give several open signals, each with its evidence: Huaxin Bank's downloads, a renewal due, a new decision maker
and recent detractors; one signal acknowledged, one acted on with a follow-up."""

from __future__ import annotations

import datetime as dt

import pytest

from tripod.clients.models import Signal, SignalRule
from tripod.clients.selectors.signals import evidence_links, signal_list
from tripod.demo import accounts, organisation, pipeline, signals, surveys

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 18)
Kind = SignalRule.Kind


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        org = organisation.build(today=TODAY)
        for part in (accounts, pipeline, surveys):
            part.build(org, today=TODAY)
        counts = signals.build(org, today=TODAY)
        yield org, counts
        from django.core.management import call_command

        call_command("flush", "--no-input", verbosity=0)


def test_the_default_rules_and_several_open_signals(demo):
    _org, counts = demo
    assert counts["signal rules"] == SignalRule.objects.count() == len(Kind.values)
    assert counts["signals"] == Signal.objects.count()
    assert counts["open signals"] >= 3
    assert all(signal.evidence.exists() for signal in Signal.objects.all())


def test_huaxins_downloads_raise_a_research_signal_with_the_three_downloads(demo):
    org, counts = demo
    huaxin = org.clients[0]
    signal = Signal.objects.get(rule__kind=Kind.CONTENT_DOWNLOADS, client=huaxin)
    labels = sorted(signal.evidence.values_list("label", flat=True))
    assert labels == [
        "Downloaded: Case study — cloud-native core banking",
        "Downloaded: Open banking API guide",
        "Downloaded: Real-time risk scoring white paper",
    ]
    assert counts["demo downloads"] == 0  # the accounts part already had enough


def test_renewals_new_decision_makers_and_detractors_are_found(demo):
    org, _counts = demo
    kinds = set(Signal.objects.values_list("rule__kind", flat=True))
    assert {Kind.RENEWAL_DUE, Kind.NEW_DECISION_MAKER, Kind.DETRACTOR} <= kinds
    kangjian = org.clients[2]
    newcomer = Signal.objects.get(rule__kind=Kind.NEW_DECISION_MAKER, client=kangjian)
    assert "郑华 Dean Zheng Hua (Hospital Dean)" in newcomer.evidence.values_list("label", flat=True)
    renewal = Signal.objects.filter(rule__kind=Kind.RENEWAL_DUE).first()
    assert renewal.status == Signal.Status.ACKNOWLEDGED
    assert "HX-2026-001" in " ".join(
        Signal.objects.filter(rule__kind=Kind.RENEWAL_DUE).values_list("evidence__label", flat=True)
    )


def test_the_am_sees_the_signals_linked_to_their_records(demo):
    org, _counts = demo
    am = org.users["am"]
    mine = list(signal_list(user=am, open_only=False))
    assert mine and all(s.client.owner_am == am or am in s.client.account_team.all() for s in mine)
    links = evidence_links(user=am, signals=mine)
    assert all(link.url for signal in mine for link in links[signal.pk])
    assert Signal.objects.filter(status=Signal.Status.ACTED, followup__isnull=False).exists()
