"""Buying-signal services: each rule kind on hand-built data with its boundaries, dedupe and extension, the evidence
recorded, rule parameters validated naming the parameter, rule writes (admins only) and the handling of a signal
(acknowledge, dismiss with a reason, act with a follow-up) for every role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.clients.accounts_builders import record, verbs
from tests.clients.signal_builders import (
    SEES_C1_SIGNALS,
    contract,
    download,
    evaluate,
    evidence_ids,
    key_contact,
    make_rule,
    raise_download_signal,
    signal_world,
    signals_of,
)
from tests.clients.survey_builders import add_contacts, answer, send_survey
from tripod.clients.models import Client, Contract, FollowUp, Signal, SignalRule
from tripod.clients.services.interactions import interaction_delete
from tripod.clients.services.signals import (
    signal_acknowledge,
    signal_act,
    signal_dismiss,
    signal_rule_create,
    signal_rule_set_active,
    signal_rule_update,
    signal_rules_install_defaults,
)
from tripod.clients.tasks import evaluate_signals
from tripod.core.errors import Forbidden, ValidationFailed

pytestmark = pytest.mark.django_db

Kind = SignalRule.Kind


@pytest.fixture
def aw():
    return signal_world()


# --- content downloads ------------------------------------------------------------------------------------------------
def test_exactly_three_downloads_within_14_days_raise_a_signal_with_them_as_evidence(aw):
    rule = make_rule(aw, Kind.CONTENT_DOWNLOADS)
    assert rule.parameters == {"count": 3, "days": 14}
    now = timezone.now()
    first = download(aw, now - timedelta(days=14), "Downloaded: API guide")  # exactly on the window's edge
    second = download(aw, now - timedelta(days=6), "Downloaded: case study")
    third = download(aw, now - timedelta(hours=1), "Downloaded: white paper")
    assert evaluate(now) == {"rules": 1, "raised": 1, "extended": 0}
    [signal] = signals_of(rule)
    assert signal.client == aw.client and signal.status == Signal.Status.OPEN and signal.raised_at == now
    assert evidence_ids(signal) == {("interaction", first.pk), ("interaction", second.pk), ("interaction", third.pk)}
    assert [e.label for e in signal.evidence.all()] == [
        "Downloaded: API guide",
        "Downloaded: case study",
        "Downloaded: white paper",
    ]
    assert signal.last_evidence_at == third.at
    assert "signal.raised" in verbs()


def test_two_downloads_do_not_raise(aw):
    rule = make_rule(aw, Kind.CONTENT_DOWNLOADS)
    now = timezone.now()
    download(aw, now - timedelta(days=2))
    download(aw, now - timedelta(days=1))
    record(aw, "Steering committee", at=now - timedelta(days=1))  # a meeting is not a download
    evaluate(now)
    assert signals_of(rule) == []


def test_three_downloads_spread_over_15_days_do_not_raise(aw):
    rule = make_rule(aw, Kind.CONTENT_DOWNLOADS)
    now = timezone.now()
    for days in (15, 7, 0):
        download(aw, now - timedelta(days=days))
    evaluate(now)
    assert signals_of(rule) == []


def test_downloads_of_two_clients_are_not_added_together(aw):
    rule = make_rule(aw, Kind.CONTENT_DOWNLOADS)
    now = timezone.now()
    other = Client.objects.get(name="C2")
    download(aw, now - timedelta(days=2))
    download(aw, now - timedelta(days=1))
    download(aw, now - timedelta(days=1), client=other)
    download(aw, now - timedelta(days=3), client=other)
    evaluate(now)
    assert signals_of(rule) == []


def test_the_count_and_window_are_the_rules_parameters(aw):
    rule = make_rule(aw, Kind.CONTENT_DOWNLOADS, count=2, days=30)
    now = timezone.now()
    download(aw, now - timedelta(days=25))
    download(aw, now - timedelta(days=1))
    evaluate(now)
    assert len(signals_of(rule)) == 1


def test_a_lost_client_raises_nothing(aw):
    rule = make_rule(aw, Kind.CONTENT_DOWNLOADS)
    now = timezone.now()
    for days in (3, 2, 1):
        download(aw, now - timedelta(days=days))
    Client.objects.filter(pk=aw.client.pk).update(status=Client.Status.LOST)
    evaluate(now)
    assert signals_of(rule) == []


# --- dedupe and extension ---------------------------------------------------------------------------------------------
def test_the_same_evidence_does_not_raise_twice_and_new_evidence_extends_the_open_signal(aw):
    rule = make_rule(aw, Kind.CONTENT_DOWNLOADS)
    signal = raise_download_signal(aw, rule)
    assert evaluate() == {"rules": 1, "raised": 0, "extended": 0}
    assert signals_of(rule) == [signal] and signal.evidence.count() == 3
    fourth = download(aw, timezone.now() - timedelta(minutes=5))
    assert evaluate() == {"rules": 1, "raised": 0, "extended": 1}
    signal.refresh_from_db()
    assert signals_of(rule) == [signal]
    assert ("interaction", fourth.pk) in evidence_ids(signal) and signal.evidence.count() == 4
    assert signal.version == 2 and signal.last_evidence_at == fourth.at
    assert verbs().count("signal.extended") == 1


def test_an_acknowledged_signal_is_extended_too(aw):
    signal = raise_download_signal(aw)
    signal_acknowledge(actor=aw.user("am_related"), signal=signal)
    download(aw, timezone.now() - timedelta(minutes=5))
    evaluate()
    signal.refresh_from_db()
    assert signal.status == Signal.Status.ACKNOWLEDGED and signal.evidence.count() == 4


def test_a_dismissed_signal_does_not_come_back_for_the_same_records_but_new_ones_raise_again(aw):
    rule = make_rule(aw, Kind.CONTENT_DOWNLOADS)
    signal = raise_download_signal(aw, rule)
    signal_dismiss(actor=aw.user("am_related"), signal=signal, reason="Our own people testing the site")
    evaluate()
    assert signals_of(rule) == [signal]
    newest = download(aw, timezone.now() - timedelta(minutes=1))
    evaluate()
    old, new = signals_of(rule)
    assert old == signal and new.status == Signal.Status.OPEN
    assert ("interaction", newest.pk) in evidence_ids(new) and new.evidence.count() == 4


def test_evidence_keeps_its_label_when_the_record_is_deleted(aw):
    signal = raise_download_signal(aw)
    first = signal.evidence.order_by("at").first()
    from tripod.clients.models import Interaction

    interaction_delete(actor=aw.user("am_related"), interaction=Interaction.objects.get(pk=first.object_id))
    signal.refresh_from_db()
    assert signal.evidence.count() == 3 and signal.evidence.order_by("at").first().label == first.label


def test_an_inactive_rule_raises_nothing(aw):
    rule = make_rule(aw, Kind.CONTENT_DOWNLOADS)
    signal_rule_set_active(actor=aw.user("admin"), rule=rule, active=False)
    now = timezone.now()
    for days in (3, 2, 1):
        download(aw, now - timedelta(days=days))
    assert evaluate(now) == {"rules": 0, "raised": 0, "extended": 0}
    assert "signal_rule.deactivated" in verbs()


# --- new decision maker -----------------------------------------------------------------------------------------------
def test_a_new_decision_maker_raises_within_the_window_only(aw):
    rule = make_rule(aw, Kind.NEW_DECISION_MAKER)
    assert rule.parameters == {"days": 30}
    cio = key_contact(aw, "Ivy CIO", title="CIO")
    key_contact(aw, "Dora Dev", role="user")
    key_contact(aw, "Old Buyer", role="economic_buyer", active=False)
    evaluate(cio.created_at + timedelta(days=30, seconds=1))
    assert signals_of(rule) == []
    evaluate(cio.created_at + timedelta(days=30))
    [signal] = signals_of(rule)
    assert evidence_ids(signal) == {("contact", cio.pk)}
    assert signal.evidence.get().label == "Ivy CIO (CIO)"


def test_a_new_economic_buyer_counts_too_and_a_second_one_extends(aw):
    rule = make_rule(aw, Kind.NEW_DECISION_MAKER)
    ceo = key_contact(aw, "Chen CEO", role="economic_buyer")
    evaluate()
    cfo = key_contact(aw, "Carl CFO", role="decision_maker")
    evaluate()
    [signal] = signals_of(rule)
    assert evidence_ids(signal) == {("contact", ceo.pk), ("contact", cfo.pk)}


# --- renewal due ------------------------------------------------------------------------------------------------------
def test_a_renewal_within_90_days_raises_and_one_beyond_does_not(aw):
    rule = make_rule(aw, Kind.RENEWAL_DUE)
    assert rule.parameters == {"days": 90}
    today = timezone.localdate()
    due = contract(aw, today + timedelta(days=90))
    contract(aw, today + timedelta(days=91))
    evaluate()
    [signal] = signals_of(rule)
    assert evidence_ids(signal) == {("contract", due.pk)}
    assert signal.evidence.get().label == f"{due.number} Support agreement"


def test_a_settled_or_inactive_contract_raises_no_renewal_signal(aw):
    rule = make_rule(aw, Kind.RENEWAL_DUE)
    soon = timezone.localdate() + timedelta(days=30)
    contract(aw, soon, renewal_status=Contract.RenewalStatus.RENEWED)
    contract(aw, soon, renewal_status=Contract.RenewalStatus.LOST)
    contract(aw, soon, status=Contract.Status.TERMINATED)
    evaluate()
    assert signals_of(rule) == []


# --- going quiet ------------------------------------------------------------------------------------------------------
def test_decision_makers_quiet_for_60_days_raise_with_their_last_interaction(aw):
    rule = make_rule(aw, Kind.GOING_QUIET)
    ceo = key_contact(aw, "Chen CEO", role="economic_buyer")
    cio = key_contact(aw, "Ivy CIO")
    key_contact(aw, "Dora Dev", role="user")
    now = timezone.now()  # after the contacts were recorded: they have been known as long as the talk
    talk = record(aw, "Budget talk", at=now, contacts=[cio])
    evaluate(now + timedelta(days=59))
    assert signals_of(rule) == []
    evaluate(now + timedelta(days=60))
    [signal] = signals_of(rule)
    assert evidence_ids(signal) == {("contact", ceo.pk), ("contact", cio.pk), ("interaction", talk.pk)}


def test_one_decision_maker_still_in_touch_keeps_the_client_from_going_quiet(aw):
    rule = make_rule(aw, Kind.GOING_QUIET)
    now = timezone.now()
    key_contact(aw, "Chen CEO", role="economic_buyer")
    cio = key_contact(aw, "Ivy CIO")
    record(aw, "Planned QBR", at=now + timedelta(days=40), contacts=[cio])
    evaluate(now + timedelta(days=70))
    assert signals_of(rule) == []


def test_a_client_without_decision_makers_never_goes_quiet(aw):
    rule = make_rule(aw, Kind.GOING_QUIET)
    key_contact(aw, "Dora Dev", role="user")
    evaluate(timezone.now() + timedelta(days=400))
    assert signals_of(rule) == []


# --- detractors -------------------------------------------------------------------------------------------------------
def test_nps_and_csat_detractors_raise_and_passives_do_not(aw):
    rule = make_rule(aw, Kind.DETRACTOR)
    am = aw.user("am_related")
    contacts = add_contacts(am, aw.client, 3)
    nps, invitations = send_survey(am, aw.client, contacts, title="Q3 NPS")
    answer(invitations, [6, 7])
    csat, csat_invitations = send_survey(am, aw.client, contacts, kind="csat", title="Go-live CSAT")
    answer(csat_invitations, [2, 3])
    evaluate()
    [signal] = signals_of(rule)
    nps_response = contacts[0].survey_invitations.get(survey=nps).response
    csat_response = contacts[0].survey_invitations.get(survey=csat).response
    assert evidence_ids(signal) == {("surveyresponse", nps_response.pk), ("surveyresponse", csat_response.pk)}
    assert sorted(signal.evidence.values_list("label", flat=True)) == [
        "Contact 1: 2/5 · Go-live CSAT",
        "Contact 1: 6/10 · Q3 NPS",
    ]


def test_a_detractor_older_than_the_window_does_not_raise(aw):
    rule = make_rule(aw, Kind.DETRACTOR, days=30)
    am = aw.user("am_related")
    contacts = add_contacts(am, aw.client, 1)
    _survey, invitations = send_survey(am, aw.client, contacts)
    answer(invitations, [2])
    evaluate(timezone.now() + timedelta(days=31))
    assert signals_of(rule) == []


# --- rules ------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "parameters", "field", "words"),
    [
        (Kind.CONTENT_DOWNLOADS, {"count": 0}, "count", "Number of downloads must be a whole number from 1 to 100"),
        (Kind.CONTENT_DOWNLOADS, {"count": "three"}, "count", "Number of downloads"),
        (Kind.CONTENT_DOWNLOADS, {"days": 3.5}, "days", "Days must be a whole number from 1 to 365"),
        (Kind.RENEWAL_DUE, {"days": 731}, "days", "Days must be a whole number from 1 to 730"),
        (Kind.RENEWAL_DUE, {"days": True}, "days", "Days"),
        (Kind.GOING_QUIET, {"count": 3}, "count", "“count” is not a parameter"),
        ("nonsense", {}, "kind", "Choose a kind"),
    ],
)
def test_rule_parameters_are_validated_naming_the_parameter(aw, kind, parameters, field, words):
    with pytest.raises(ValidationFailed) as exc:
        signal_rule_create(actor=aw.user("admin"), code="r", name="R", kind=kind, parameters=parameters)
    assert list(exc.value.errors) == [field]
    assert words in exc.value.errors[field][0]
    assert not SignalRule.objects.exists()


def test_a_duplicate_code_and_a_bad_severity_are_refused_naming_the_field(aw):
    make_rule(aw, Kind.DETRACTOR, code="detractor")
    with pytest.raises(ValidationFailed) as exc:
        make_rule(aw, Kind.DETRACTOR, code="detractor")
    assert "code" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        signal_rule_create(actor=aw.user("admin"), code="x", name="X", kind=Kind.DETRACTOR, severity="urgent")
    assert list(exc.value.errors) == ["severity"]


def test_an_admin_edits_a_rule_and_a_kind_change_keeps_the_shared_window(aw):
    admin = aw.user("admin")
    rule = make_rule(aw, Kind.CONTENT_DOWNLOADS, count=4, days=20)
    rule = signal_rule_update(actor=admin, rule=rule, version=rule.version, parameters={"count": 5})
    assert rule.parameters == {"count": 5, "days": 14}
    rule = signal_rule_update(actor=admin, rule=rule, version=rule.version, kind=Kind.RENEWAL_DUE)
    assert rule.parameters == {"days": 14}
    with pytest.raises(ValidationFailed) as exc:
        signal_rule_update(actor=admin, rule=rule, version=rule.version, parameters={"days": 0})
    assert list(exc.value.errors) == ["days"]
    assert "signal_rule.changed" in verbs()


@pytest.mark.parametrize("actor", ["am_related", "pm_related", "lm_related", "member_related", "client_related"])
def test_only_admins_write_rules(aw, actor):
    rule = make_rule(aw, Kind.DETRACTOR)
    user = aw.user(actor)
    with pytest.raises(Forbidden):
        signal_rule_create(actor=user, code="x", name="X", kind=Kind.DETRACTOR)
    with pytest.raises(Forbidden):
        signal_rule_update(actor=user, rule=rule, version=rule.version, name="Changed")
    with pytest.raises(Forbidden):
        signal_rule_set_active(actor=user, rule=rule, active=False)
    with pytest.raises(Forbidden):
        signal_rules_install_defaults(actor=user)


def test_the_default_rules_are_installed_once(aw):
    made = signal_rules_install_defaults(actor=aw.user("admin"))
    assert sorted(r.kind for r in made) == sorted(Kind.values)
    assert signal_rules_install_defaults(actor=aw.user("admin")) == []
    assert SignalRule.objects.get(code="content-downloads").parameters == {"count": 3, "days": 14}


# --- handling ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("actor", sorted(SEES_C1_SIGNALS))
def test_who_may_handle_a_signal(aw, actor):
    signal = raise_download_signal(aw)
    user = aw.user(actor)
    if SEES_C1_SIGNALS[actor]:
        assert signal_acknowledge(actor=user, signal=signal).status == Signal.Status.ACKNOWLEDGED
    else:
        for action in (
            lambda: signal_acknowledge(actor=user, signal=signal),
            lambda: signal_dismiss(actor=user, signal=signal, reason="no"),
            lambda: signal_act(actor=user, signal=signal),
        ):
            with pytest.raises(Forbidden):
                action()
        assert Signal.objects.get(pk=signal.pk).status == Signal.Status.OPEN


def test_acknowledge_then_act_with_a_follow_up(aw):
    signal = raise_download_signal(aw)
    am = aw.user("am_related")
    signal = signal_acknowledge(actor=am, signal=signal, note="Looking into it")
    assert signal.acted_by == am and signal.note == "Looking into it"
    due = timezone.localdate() + timedelta(days=3)
    signal = signal_act(
        actor=aw.user("am_team"), signal=signal, note="Called Zhao", followup_text="Send the briefing", followup_due=due
    )
    assert signal.status == Signal.Status.ACTED and signal.acted_by == aw.user("am_team")
    followup = FollowUp.objects.get()
    assert signal.followup == followup and followup.owner == am and followup.due == due
    assert followup.text == "Send the briefing" and followup.client == aw.client
    assert verbs()[-3:] == ["signal.acknowledged", "followup.created", "signal.acted"]


def test_acting_needs_a_due_date_for_the_follow_up_and_writes_nothing_otherwise(aw):
    signal = raise_download_signal(aw)
    with pytest.raises(ValidationFailed) as exc:
        signal_act(actor=aw.user("am_related"), signal=signal, followup_text="Call")
    assert list(exc.value.errors) == ["followup_due"]
    with pytest.raises(ValidationFailed) as exc:
        signal_act(actor=aw.user("am_related"), signal=signal, followup_due=timezone.localdate())
    assert list(exc.value.errors) == ["followup_text"]
    assert not FollowUp.objects.exists() and Signal.objects.get().status == Signal.Status.OPEN


def test_dismiss_needs_a_reason_and_a_handled_signal_cannot_be_handled_again(aw):
    signal = raise_download_signal(aw)
    am = aw.user("am_related")
    with pytest.raises(ValidationFailed) as exc:
        signal_dismiss(actor=am, signal=signal, reason="  ")
    assert list(exc.value.errors) == ["reason"]
    signal = signal_dismiss(actor=am, signal=signal, reason="Competitor research")
    assert signal.status == Signal.Status.DISMISSED and signal.note == "Competitor research"
    due = timezone.localdate()
    for action in (
        lambda: signal_acknowledge(actor=am, signal=signal),
        lambda: signal_dismiss(actor=am, signal=signal, reason="again"),
        lambda: signal_act(actor=am, signal=signal, followup_text="x", followup_due=due),
    ):
        with pytest.raises(ValidationFailed) as exc:
            action()
        assert list(exc.value.errors) == ["status"]
    assert not FollowUp.objects.exists()  # the refused act rolled its follow-up back


def test_the_periodic_task_evaluates_the_rules(aw):
    make_rule(aw, Kind.CONTENT_DOWNLOADS)
    for days in (3, 2, 1):
        download(aw, timezone.now() - timedelta(days=days))
    assert evaluate_signals.call() == {"rules": 1, "raised": 1, "extended": 0}
    assert evaluate_signals.call() == {"rules": 1, "raised": 0, "extended": 0}
