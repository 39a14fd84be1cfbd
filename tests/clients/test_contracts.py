"""Contracts and billing milestones: contract create/update (dates, value vs milestones, renewal date, events),
milestones within the contract's value, invoice, pay (validations), the collection rate on a hand-worked dataset,
renewals due; all scoped to the account team."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.clients.pipeline_builders import SEES_C1, am, make_contract, make_milestone, pipeline_world
from tests.factories import make_admin
from tripod.clients.models import BillingMilestone, Client, Contract
from tripod.clients.selectors.pipeline import (
    collection_rate,
    contract_list,
    contract_milestones,
    renewal_state,
    renewals_due,
)
from tripod.clients.services.pipeline import (
    billing_milestone_add,
    billing_milestone_invoice,
    billing_milestone_pay,
    billing_milestone_update,
    contract_update,
)
from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.models import BusinessEvent

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def world():
    return pipeline_world()


def events(verb: str) -> list[dict]:
    return list(BusinessEvent.objects.filter(verb=verb).order_by("pk").values_list("data", flat=True))


# --- contracts --------------------------------------------------------------------------------------------------------
def test_contract_renewal_date_defaults_to_its_end(world):
    contract = make_contract(world, start=D(2026, 1, 1), end=D(2026, 12, 31))
    assert contract.renewal_date == D(2026, 12, 31)
    assert events("contract.created") == [{"value": "100000.00", "currency": "CNY", "status": "active"}]


def test_the_renewal_date_follows_the_end_until_set_apart(world):
    contract = make_contract(world)
    contract = contract_update(actor=am(world), contract=contract, version=1, end=D(2026, 12, 31))
    assert contract.renewal_date == D(2026, 12, 31)
    contract = contract_update(actor=am(world), contract=contract, version=2, end=D(2027, 3, 31))
    assert contract.renewal_date == D(2027, 3, 31)
    contract = contract_update(actor=am(world), contract=contract, version=3, renewal_date=D(2027, 1, 31))
    contract = contract_update(actor=am(world), contract=contract, version=4, end=D(2027, 6, 30))
    assert contract.renewal_date == D(2027, 1, 31)
    contract = contract_update(actor=am(world), contract=contract, version=5, renewal_date=None)
    assert contract.renewal_date == D(2027, 6, 30)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"start": D(2026, 6, 1), "end": D(2026, 5, 31)}, "end"),
        ({"number": " "}, "number"),
        ({"title": ""}, "title"),
        ({"value": Decimal("-5")}, "value"),
        ({"currency": "US"}, "currency"),
    ],
)
def test_contract_input_is_checked(world, fields, field):
    with pytest.raises(ValidationFailed) as exc:
        make_contract(world, **fields)
    assert field in exc.value.errors


def test_contract_numbers_are_unique(world):
    make_contract(world, number="CT-1")
    with pytest.raises(ValidationFailed) as exc:
        make_contract(world, number="CT-1")
    assert "number" in exc.value.errors


def test_status_and_renewal_changes_are_events_and_version_checked(world):
    contract = make_contract(world, status=Contract.Status.DRAFT)
    contract = contract_update(
        actor=am(world), contract=contract, version=1, status="active", renewal_status="in_negotiation"
    )
    assert events("contract.status_changed") == [{"from": "draft", "to": "active"}]
    assert events("contract.renewal_status_changed") == [{"from": "not_due", "to": "in_negotiation"}]
    with pytest.raises(StaleVersion):
        contract_update(actor=am(world), contract=contract, version=1, title="Late edit")


def test_the_value_cannot_drop_below_the_milestones(world):
    contract = make_contract(world)
    make_milestone(contract, am(world), "60000", D(2026, 3, 1))
    with pytest.raises(ValidationFailed) as exc:
        contract_update(actor=am(world), contract=contract, version=1, value=Decimal("50000"))
    assert "value" in exc.value.errors
    contract_update(actor=am(world), contract=contract, version=1, value=Decimal("60000"))


@pytest.mark.parametrize("actor", SEES_C1)
def test_who_may_write_contracts_and_billing(world, actor):
    user = world.users[actor]
    if SEES_C1[actor]:
        contract = make_contract(world, actor=actor)
        make_milestone(contract, user, "10", D(2026, 1, 1), invoiced=D(2026, 1, 1), paid=("10", D(2026, 1, 2)))
        return
    with pytest.raises(Forbidden):
        make_contract(world, actor=actor)
    contract = make_contract(world)
    milestone = make_milestone(contract, am(world), "10", D(2026, 1, 1), invoiced=D(2026, 1, 1))
    for write in (
        lambda: contract_update(actor=user, contract=contract, version=1, title="x"),
        lambda: billing_milestone_add(actor=user, contract=contract, name="m", amount=Decimal("1"), due=D(2026, 1, 1)),
        lambda: billing_milestone_pay(actor=user, milestone=milestone, amount=Decimal("1"), paid_at=D(2026, 1, 2)),
    ):
        with pytest.raises(Forbidden):
            write()


# --- milestones -------------------------------------------------------------------------------------------------------
def test_milestones_never_exceed_the_contract_value(world):
    contract = make_contract(world, value=Decimal("100000"))
    first = make_milestone(contract, am(world), "70000", D(2026, 3, 1))
    with pytest.raises(ValidationFailed) as exc:
        make_milestone(contract, am(world), "30000.01", D(2026, 6, 1))
    assert "amount" in exc.value.errors
    assert "130,000.01 CNY" not in str(exc.value.errors) and "100,000.01 CNY" in str(exc.value.errors)
    make_milestone(contract, am(world), "30000", D(2026, 6, 1))
    with pytest.raises(ValidationFailed):
        billing_milestone_update(actor=am(world), milestone=first, version=1, amount=Decimal("70000.01"))
    assert events("billing.milestone_added")[0]["amount"] == "70000"


def test_an_invoiced_milestones_amount_is_final(world):
    contract = make_contract(world)
    milestone = make_milestone(contract, am(world), "1000", D(2026, 3, 1), invoiced=D(2026, 3, 1))
    with pytest.raises(ValidationFailed) as exc:
        billing_milestone_update(actor=am(world), milestone=milestone, version=milestone.version, amount=Decimal("900"))
    assert "amount" in exc.value.errors
    renamed = billing_milestone_update(
        actor=am(world), milestone=milestone, version=milestone.version, name="Acceptance"
    )
    assert renamed.name == "Acceptance"


def test_invoice_once_with_a_date(world):
    contract = make_contract(world)
    milestone = make_milestone(contract, am(world), "1000", D(2026, 3, 1))
    with pytest.raises(ValidationFailed) as exc:
        billing_milestone_invoice(actor=am(world), milestone=milestone, invoiced_at=None)
    assert "invoiced_at" in exc.value.errors
    milestone = billing_milestone_invoice(
        actor=am(world), milestone=milestone, invoiced_at=D(2026, 3, 2), invoice_number=" INV-7 "
    )
    assert (milestone.invoiced_at, milestone.invoice_number) == (D(2026, 3, 2), "INV-7")
    with pytest.raises(ValidationFailed) as exc:
        billing_milestone_invoice(actor=am(world), milestone=milestone, invoiced_at=D(2026, 3, 3))
    assert "invoiced_at" in exc.value.errors
    assert len(events("billing.invoiced")) == 1


def test_pay_needs_an_invoice_first(world):
    contract = make_contract(world)
    milestone = make_milestone(contract, am(world), "1000", D(2026, 3, 1))
    with pytest.raises(ValidationFailed) as exc:
        billing_milestone_pay(actor=am(world), milestone=milestone, amount=Decimal("1000"), paid_at=D(2026, 3, 5))
    assert "invoiced_at" in exc.value.errors
    assert BillingMilestone.objects.get().paid_amount == 0


@pytest.mark.parametrize(
    ("amount", "paid_at", "fields"),
    [
        (Decimal("0"), D(2026, 3, 5), {"amount"}),
        (Decimal("-1"), D(2026, 3, 5), {"amount"}),
        (None, D(2026, 3, 5), {"amount"}),
        (Decimal("1000.01"), D(2026, 3, 5), {"amount"}),
        (Decimal("10"), None, {"paid_at"}),
        (Decimal("10"), D(2026, 3, 1), {"paid_at"}),  # before the invoice of 2 March
        (Decimal("2000"), D(2026, 2, 1), {"amount", "paid_at"}),
    ],
)
def test_pay_validations(world, amount, paid_at, fields):
    contract = make_contract(world)
    milestone = make_milestone(contract, am(world), "1000", D(2026, 3, 1), invoiced=D(2026, 3, 2))
    with pytest.raises(ValidationFailed) as exc:
        billing_milestone_pay(actor=am(world), milestone=milestone, amount=amount, paid_at=paid_at)
    assert set(exc.value.errors) == fields
    assert BillingMilestone.objects.get().paid_amount == 0


def test_partial_payments_add_up_to_the_amount_and_no_more(world):
    contract = make_contract(world)
    milestone = make_milestone(contract, am(world), "1000", D(2026, 3, 1), invoiced=D(2026, 3, 1))
    milestone = billing_milestone_pay(
        actor=am(world), milestone=milestone, amount=Decimal("400"), paid_at=D(2026, 3, 20)
    )
    assert (milestone.paid_amount, milestone.is_paid, milestone.paid_at) == (Decimal("400"), False, D(2026, 3, 20))
    with pytest.raises(ValidationFailed) as exc:
        billing_milestone_pay(actor=am(world), milestone=milestone, amount=Decimal("600.01"), paid_at=D(2026, 3, 25))
    assert "600.00 CNY" in exc.value.errors["amount"][0]
    milestone = billing_milestone_pay(
        actor=am(world), milestone=milestone, amount=Decimal("600"), paid_at=D(2026, 3, 10), version=milestone.version
    )
    assert (milestone.paid_amount, milestone.is_paid, milestone.paid_at) == (Decimal("1000"), True, D(2026, 3, 20))
    assert [e["fully_paid"] for e in events("billing.paid")] == [False, True]


def test_milestone_states_for_the_table(world):
    contract = make_contract(world)
    actor = am(world)
    make_milestone(contract, actor, "100", D(2026, 1, 31), invoiced=D(2026, 1, 31), paid=("100", D(2026, 2, 5)))
    make_milestone(contract, actor, "100", D(2026, 2, 28), invoiced=D(2026, 2, 28), paid=("40", D(2026, 3, 5)))
    make_milestone(contract, actor, "100", D(2026, 3, 31), invoiced=D(2026, 3, 31))
    make_milestone(contract, actor, "100", D(2026, 4, 10))
    make_milestone(contract, actor, "100", D(2026, 6, 30))
    rows = contract_milestones(contract=contract, today=D(2026, 4, 15))
    assert [(m.state, m.overdue, m.to_invoice) for m in rows] == [
        ("paid", False, False),
        ("part_paid", True, False),
        ("invoiced", True, False),
        ("planned", False, True),
        ("planned", False, False),
    ]


# --- collection rate --------------------------------------------------------------------------------------------------
def test_collection_rate_on_a_hand_worked_dataset(world):
    actor = am(world)
    contract = make_contract(world, value=Decimal("100000"))
    make_milestone(contract, actor, "30000", D(2026, 1, 31), invoiced=D(2026, 1, 31), paid=("30000", D(2026, 2, 15)))
    make_milestone(contract, actor, "30000", D(2026, 3, 31), invoiced=D(2026, 3, 31), paid=("10000", D(2026, 4, 10)))
    make_milestone(contract, actor, "40000", D(2026, 6, 30))
    # Another client's contract, in dollars: not C1's AM's business.
    c2 = Client.objects.get(name="C2")
    other = make_contract(world, actor="am_unrelated", client=c2, currency="USD", value=Decimal("500"))
    make_milestone(other, world.users["am_unrelated"], "500", D(2026, 2, 1), invoiced=D(2026, 2, 1))

    # On 30 April: due = 30,000 (Jan) + 30,000 (Mar) = 60,000; paid on those = 30,000 + 10,000 = 40,000;
    # rate = 40,000 / 60,000 = 2/3.
    rate = collection_rate(user=actor, as_of=D(2026, 4, 30))
    assert [(c.currency, c.due, c.paid) for c in rate.by_currency] == [("CNY", Decimal("60000"), Decimal("40000"))]
    assert rate.rate == Decimal(2) / Decimal(3)
    # On 1 July the June milestone is due too: 40,000 / 100,000 = 0.4.
    assert collection_rate(user=actor, client=world.client, as_of=D(2026, 7, 1)).rate == Decimal("0.4")
    # On 31 March the March milestone is due that very day: 40,000 / 60,000 again. Its 10,000 came on 10 April
    # and still counts: the rate is about the milestones due by the day, whatever the payment's date.
    assert collection_rate(user=actor, as_of=D(2026, 3, 31)).rate == Decimal(2) / Decimal(3)
    # Before anything is due there is no rate (not 0 %, not 100 %).
    assert collection_rate(user=actor, as_of=D(2026, 1, 30)).rate is None
    # One contract: the same here, as C1 has one contract.
    assert collection_rate(user=actor, contract=contract, as_of=D(2026, 4, 30)).rate == Decimal(2) / Decimal(3)
    # The admin sees both clients: two currencies, no single rate; USD: 0 paid of 500 due.
    both = collection_rate(user=make_admin(), as_of=D(2026, 4, 30))
    assert both.rate is None
    assert [(c.currency, c.due, c.paid, c.rate) for c in both.by_currency] == [
        ("CNY", Decimal("60000"), Decimal("40000"), Decimal(2) / Decimal(3)),
        ("USD", Decimal("500"), Decimal("0"), Decimal("0")),
    ]


@pytest.mark.parametrize("actor", SEES_C1)
def test_collection_rate_and_lists_are_scoped(world, actor):
    contract = make_contract(world)
    make_milestone(contract, am(world), "100", D(2026, 1, 1), invoiced=D(2026, 1, 1), paid=("50", D(2026, 1, 2)))
    user = world.users[actor]
    sees = SEES_C1[actor]
    assert collection_rate(user=user, as_of=D(2026, 2, 1)).rate == (Decimal("0.5") if sees else None)
    assert list(contract_list(user=user)) == ([contract] if sees else [])


def test_contract_list_totals(world):
    contract = make_contract(world)
    actor = am(world)
    make_milestone(contract, actor, "300", D(2026, 1, 1), invoiced=D(2026, 1, 1), paid=("200", D(2026, 1, 2)))
    make_milestone(contract, actor, "500", D(2026, 2, 1), invoiced=D(2026, 2, 1))
    make_milestone(contract, actor, "100", D(2026, 3, 1))
    make_contract(world)
    rows = {c.pk: (c.billed, c.invoiced, c.paid) for c in contract_list(user=actor)}
    assert rows[contract.pk] == (Decimal("900"), Decimal("800"), Decimal("200"))
    assert len(rows) == 2 and all(v == (0, 0, 0) for k, v in rows.items() if k != contract.pk)


# --- renewals ---------------------------------------------------------------------------------------------------------
def test_renewals_due_within_the_window(world):
    today = D(2026, 11, 18)
    due_soon = make_contract(world, end=D(2027, 1, 31))  # 74 days
    overdue = make_contract(world, end=D(2026, 11, 1))
    far = make_contract(world, end=D(2027, 6, 30))
    renewed = make_contract(world, end=D(2026, 12, 31), renewal_status="renewed")
    draft = make_contract(world, end=D(2026, 12, 31), status="draft")
    make_contract(world)  # no end, no renewal date
    make_contract(world, actor="am_unrelated", client=Client.objects.get(name="C2"), end=D(2026, 12, 1))
    assert list(renewals_due(user=am(world), today=today)) == [overdue, due_soon]
    assert list(renewals_due(user=am(world), today=today, within_days=30)) == [overdue]
    assert renewal_state(due_soon, today) == "due"
    assert renewal_state(overdue, today) == "overdue"
    assert [renewal_state(c, today) for c in (far, renewed, draft)] == [None, None, None]
    assert renewals_due(user=world.users["pm_related"], today=today).count() == 0
    assert renewals_due(user=make_admin(), today=today).count() == 3
