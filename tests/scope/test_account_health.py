"""The account health summary: the pure grading rules, the components over hand-built data for C1 of the authz
world (owned by am_related), who gets which component, and a query count that does not grow with the clients."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.authz.world import build_world
from tests.clients.pipeline_builders import make_contract, make_milestone
from tests.clients.survey_builders import add_contacts, answer, send_survey
from tests.clients.ticket_builders import make_policy, open_ticket
from tripod.clients.models import Client, Interaction
from tripod.clients.selectors.surveys import TrendPoint
from tripod.clients.services import contact_create, interaction_create
from tripod.scope.account_health import (
    AT_RISK,
    GOOD,
    NO_DATA,
    WATCH,
    AccountHealth,
    HealthComponent,
    account_health,
    account_health_for,
    attention_order,
    grade_collection,
    grade_coverage,
    grade_csat,
    grade_index,
    grade_nps,
    grade_renewals,
    grade_sla,
    latest_two,
    worst,
)

D = Decimal


# --- the rules, pure --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, NO_DATA),
        (D("1.10"), GOOD),
        (D("0.95"), GOOD),
        (D("0.94"), WATCH),
        (D("0.85"), WATCH),
        (D("0.84"), AT_RISK),
    ],
)
def test_grade_index(value, expected):
    assert grade_index(value) == expected


@pytest.mark.parametrize(
    ("latest", "previous", "expected"),
    [
        (None, None, NO_DATA),
        (D("50"), None, GOOD),
        (D("50"), D("55"), GOOD),  # a 5-point dip is noise
        (D("50"), D("60"), WATCH),  # a 10-point drop calls for a look
        (D("30"), None, WATCH),  # 30 is not above 30
        (D("0"), None, WATCH),
        (D("-1"), D("-20"), AT_RISK),  # more detractors than promoters, even when improving
    ],
)
def test_grade_nps(latest, previous, expected):
    assert grade_nps(latest, previous) == expected


@pytest.mark.parametrize(
    ("latest", "previous", "expected"),
    [
        (None, None, NO_DATA),
        (D("4.5"), D("4.6"), GOOD),
        (D("4.2"), D("4.7"), WATCH),
        (D("3.5"), None, WATCH),
        (D("2.9"), None, AT_RISK),
    ],
)
def test_grade_csat(latest, previous, expected):
    assert grade_csat(latest, previous) == expected


@pytest.mark.parametrize(
    ("breached", "near", "compliance", "expected"),
    [
        (0, 0, None, GOOD),
        (0, 0, 95.0, GOOD),
        (0, 0, 94.9, WATCH),
        (0, 1, 100.0, WATCH),
        (0, 0, 79.9, AT_RISK),
        (1, 0, 100.0, AT_RISK),
    ],
)
def test_grade_sla(breached, near, compliance, expected):
    assert grade_sla(breached=breached, near_breach=near, compliance=compliance) == expected


@pytest.mark.parametrize(
    ("touched", "total", "expected"), [(0, 0, WATCH), (2, 2, GOOD), (1, 2, WATCH), (1, 3, AT_RISK), (0, 1, AT_RISK)]
)
def test_grade_coverage(touched, total, expected):
    assert grade_coverage(touched=touched, total=total) == expected


@pytest.mark.parametrize(
    ("rate", "expected"), [(None, NO_DATA), (D("1"), GOOD), (D("0.9"), GOOD), (D("0.8"), WATCH), (D("0.69"), AT_RISK)]
)
def test_grade_collection(rate, expected):
    assert grade_collection(rate) == expected


def test_grade_renewals():
    assert grade_renewals(overdue=0, due=0) == GOOD
    assert grade_renewals(overdue=0, due=2) == WATCH
    assert grade_renewals(overdue=1, due=0) == AT_RISK


def test_latest_two_skips_periods_without_answers():
    day = dt.date(2026, 1, 1)
    points = [TrendPoint(day, "", 3, D("20")), TrendPoint(day, "", 0, None), TrendPoint(day, "", 2, D("40"))]
    assert latest_two(points) == (D("40"), D("20"))
    assert latest_two(points[:1]) == (D("20"), None)
    assert latest_two([]) == (None, None)


def test_overall_is_the_worst_graded_component_and_reasons_are_worst_first():
    def part(code, status):
        return HealthComponent(code, code, "", status, "")

    client = Client(name="X")
    health = AccountHealth(client, dt.date(2026, 1, 1), [part("a", WATCH), part("b", NO_DATA), part("c", AT_RISK)])
    assert health.status == AT_RISK
    assert [c.code for c in health.reasons] == ["c", "a"]
    assert AccountHealth(client, dt.date(2026, 1, 1), [part("b", NO_DATA)]).status == NO_DATA
    assert AccountHealth(client, dt.date(2026, 1, 1), []).status == NO_DATA
    assert worst([GOOD, NO_DATA]) == GOOD


def test_attention_order_puts_at_risk_first_then_watch_then_by_name():
    def health(name, *statuses):
        parts = [HealthComponent(str(i), "", "", s, "") for i, s in enumerate(statuses)]
        return AccountHealth(Client(name=name), dt.date(2026, 1, 1), parts)

    ordered = attention_order(
        [health("A good", GOOD), health("B watch", WATCH), health("C risk", AT_RISK), health("D watch2", WATCH, WATCH)]
    )
    assert [h.client.name for h in ordered] == ["C risk", "D watch2", "B watch", "A good"]


# --- over real records ------------------------------------------------------------------------------------------------
@pytest.fixture
def world(db):
    return build_world()


def _populate(world, client=None):
    """C1 (or ``client``): two key contacts of which one was touched 10 days ago, an open ticket long past its
    targets, billing 1,600 paid of 2,000 due, a renewal in 30 days, an NPS survey answered 10, 9 and 3."""
    admin = world.users["admin"]
    client = client or world.client
    owner = client.owner_am
    today = timezone.localdate()
    buyer = contact_create(actor=owner, client=client, name="Chen CEO", role_in_decision_chain="economic_buyer")
    contact_create(actor=owner, client=client, name="Ivy CIO", role_in_decision_chain="decision_maker")
    contact_create(actor=owner, client=client, name="Ian IT", role_in_decision_chain="champion")  # not a key role
    interaction_create(
        actor=owner,
        client=client,
        kind=Interaction.Kind.MEETING,
        at=timezone.now() - dt.timedelta(days=10),
        subject="Steering",
        contacts=[buyer],
    )
    from tripod.clients.models import SlaPolicy

    if not SlaPolicy.objects.exists():
        make_policy(admin)
    open_ticket(owner, client, at=timezone.now() - dt.timedelta(days=30), severity="high", subject="Reports are slow")
    contract = make_contract(world, actor="admin", client=client, renewal_date=today + dt.timedelta(days=30))
    make_milestone(contract, admin, "1000.00", today - dt.timedelta(days=40), invoiced=today - dt.timedelta(days=40),
                   paid=("1000.00", today - dt.timedelta(days=20)))  # fmt: skip
    make_milestone(contract, admin, "1000.00", today - dt.timedelta(days=10), invoiced=today - dt.timedelta(days=10),
                   paid=("600.00", today - dt.timedelta(days=5)), name="Phase 2")  # fmt: skip
    make_milestone(contract, admin, "5000.00", today + dt.timedelta(days=60))  # not due yet: not counted
    contacts = add_contacts(owner, client, 3, prefix=f"Respondent {client.pk}")
    _survey, invitations = send_survey(owner, client, contacts)
    answer(invitations, [10, 9, 3])
    return contract


def test_health_of_an_account_from_its_records(world):
    contract = _populate(world)
    health = account_health(user=world.users["am_related"], client=world.client, today=timezone.localdate())
    parts = {c.code: c for c in health.components}
    assert list(parts) == ["delivery", "satisfaction", "sla", "coverage", "collections", "renewals", "signals"]

    assert parts["delivery"].status == NO_DATA  # P1 has no baseline and no cost yet
    assert parts["delivery"].value == "0 of 1 active projects measured"
    assert parts["delivery"].records[0].label == "P1: SPI —, CPI —"

    assert parts["satisfaction"].status == GOOD  # NPS = 2/3 promoters - 1/3 detractors = 33.3 > 30
    assert parts["satisfaction"].value == "NPS 33 · CSAT —"
    assert len(parts["satisfaction"].records) == 1 and "scored 3" in parts["satisfaction"].records[0].label

    assert parts["sla"].status == AT_RISK
    assert parts["sla"].value.startswith("1 open, 1 breached, 0 near breach")
    assert "Reports are slow" in parts["sla"].records[0].label

    assert parts["coverage"].status == WATCH  # 1 of 2
    assert parts["coverage"].value == "1 of 2 decision makers and economic buyers touched in 60 days"
    assert [r.label for r in parts["coverage"].records] == ["Ivy CIO (Decision maker): last touch never"]

    assert parts["collections"].status == WATCH  # 1,600 / 2,000 = 80 %
    assert parts["collections"].value == "80.0 % (CNY 1,600.00 / 2,000.00)"
    due = timezone.localdate() - dt.timedelta(days=10)
    [unpaid] = parts["collections"].records  # the part-paid milestone; the one not due yet is not owed
    assert unpaid.label == f"{contract.number} Phase 2: 400.00 CNY outstanding, due {due:%Y-%m-%d}"

    assert parts["renewals"].status == WATCH
    assert parts["renewals"].value == "1 undecided within 90 days, 0 past the renewal date"

    assert health.status == AT_RISK
    assert health.reasons[0].code == "sla"


def test_a_clean_account_is_good(world):
    owner = world.users["am_related"]
    buyer = contact_create(actor=owner, client=world.client, name="Chen CEO", role_in_decision_chain="economic_buyer")
    interaction_create(actor=owner, client=world.client, kind=Interaction.Kind.CALL,
                       at=timezone.now() - dt.timedelta(days=2), subject="Call", contacts=[buyer])  # fmt: skip
    health = account_health(user=owner, client=world.client)
    statuses = {c.code: c.status for c in health.components}
    assert statuses["coverage"] == GOOD and statuses["sla"] == GOOD and statuses["renewals"] == GOOD
    assert statuses["collections"] == NO_DATA and statuses["satisfaction"] == NO_DATA
    assert statuses["signals"] == GOOD and health.component("signals").value == "0"
    assert health.status == GOOD
    assert health.reasons == []


@pytest.mark.parametrize(
    ("actor", "codes"),
    [
        ("admin", {"delivery", "satisfaction", "sla", "coverage", "collections", "renewals", "signals"}),
        ("am_related", {"delivery", "satisfaction", "sla", "coverage", "collections", "renewals", "signals"}),
        ("pm_related", {"delivery"}),  # the PM sees the costs of P1, not the account side
        ("pm_unrelated", set()),
        ("am_unrelated", set()),
        ("lm_related", set()),
        ("member_related", set()),
        ("client_related", set()),
        ("client_unrelated", set()),
    ],
)
def test_who_gets_which_component(world, actor, codes):
    _populate(world)
    health = account_health(user=world.users[actor], client=world.client)
    assert {c.code for c in health.components} == codes


def test_the_batch_costs_the_same_queries_for_one_client_or_many(world):
    admin = world.users["admin"]
    _populate(world)
    one = [world.client]

    def count(clients):
        with CaptureQueriesContext(connection) as ctx:
            account_health_for(user=admin, clients=clients)
        return len(ctx.captured_queries)

    baseline = count(one)
    others = []
    for n in range(3):
        client = Client.objects.create(name=f"Extra {n}", owner_am=world.users["am_related"])
        _populate(world, client)
        others.append(client)
    many = count([world.client, *others])
    assert many <= baseline
    healths = account_health_for(user=admin, clients=[world.client, *others])
    assert {h.status for h in healths.values()} == {AT_RISK}


def test_an_open_buying_signal_is_watch_and_shows_what_it_found(world):
    from tripod.clients.services.signals import signal_rules_install_defaults, signals_evaluate

    signal_rules_install_defaults(actor=world.users["admin"])
    make_contract(world, actor="admin", renewal_date=timezone.localdate() + dt.timedelta(days=20))
    signals_evaluate()
    part = account_health(user=world.users["am_related"], client=world.client).component("signals")
    assert part.status == WATCH and part.value == "1"
    assert [r.label for r in part.records] == ["Renewal coming up: A renewal to decide within 90 days"]


def test_an_account_without_key_contacts_says_so(world):
    part = account_health(user=world.users["am_related"], client=world.client).component("coverage")
    assert part.status == WATCH
    assert part.value == "No decision maker or economic buyer recorded"
    assert part.records == []
