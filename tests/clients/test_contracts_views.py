"""Contract pages: access for every role, the billing milestones table with invoice and pay actions, the collection
rate and the renewal badge, forms, and flat query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.clients.pipeline_builders import SEES_C1, am, make_contract, make_milestone, pipeline_world
from tripod.clients.models import BillingMilestone, Contract

pytestmark = pytest.mark.django_db

ACTORS = [*SEES_C1, "anonymous"]
USES_PIPELINE = {"admin", "am_related", "am_unrelated", "team_member"}
D = dt.date


@pytest.fixture
def world():
    return pipeline_world()


def login(client, world, actor):
    client.logout()
    if actor != "anonymous":
        client.force_login(world.users[actor])


@pytest.mark.parametrize("actor", ACTORS)
def test_contract_pages_access(client, world, actor):
    contract = make_contract(world, title="Secret terms", value=Decimal("654321"))
    milestone = make_milestone(contract, am(world), "1000", D(2026, 1, 31))
    login(client, world, actor)
    page = 302 if actor == "anonymous" else 200 if actor in USES_PIPELINE else 403
    record = 302 if actor == "anonymous" else 200 if SEES_C1[actor] else 404
    for url in (reverse("clients:contract_list"), reverse("clients:contract_create")):
        response = client.get(url)
        assert response.status_code == page, url
        if page == 200 and not SEES_C1[actor]:
            assert "Secret terms" not in response.content.decode()
    for url in (
        reverse("clients:contract_detail", args=[contract.pk]),
        reverse("clients:contract_edit", args=[contract.pk]),
        reverse("clients:billing_milestone_edit", args=[contract.pk, milestone.pk]),
    ):
        assert client.get(url).status_code == record, url
    invoice = client.post(
        reverse("clients:billing_milestone_invoice", args=[contract.pk, milestone.pk]), {"invoiced_at": "2026-02-01"}
    )
    assert invoice.status_code == (302 if SEES_C1.get(actor) or actor == "anonymous" else 404)
    milestone.refresh_from_db()
    assert (milestone.invoiced_at is not None) == bool(SEES_C1.get(actor))


def test_a_pm_of_the_clients_project_sees_no_contract_value(client, world):
    make_contract(world, title="Framework", value=Decimal("654321"))
    client.force_login(world.users["pm_related"])
    for url in (reverse("clients:detail", args=[world.client.pk]), reverse("projects:detail", args=[world.project.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert "654,321" not in response.content.decode()


def test_detail_shows_milestones_states_collection_and_renewal(client, world):
    today = timezone.localdate()
    contract = make_contract(world, value=Decimal("100000"), end=today + dt.timedelta(days=30))
    actor = am(world)
    back = today - dt.timedelta(days=40)
    make_milestone(contract, actor, "30000", back, invoiced=back, paid=("30000", back), name="Kick-off")
    make_milestone(contract, actor, "30000", back, invoiced=back, name="Design sign-off")
    make_milestone(contract, actor, "40000", today + dt.timedelta(days=20), name="Go-live")
    client.force_login(actor)
    html = client.get(reverse("clients:contract_detail", args=[contract.pk])).content.decode()
    assert "Kick-off" in html and "Design sign-off" in html and "Go-live" in html
    assert html.count("tp-milestone-overdue") == 1  # the invoiced, unpaid one past its due date
    assert "50 %" in html  # 30,000 paid of 60,000 due
    assert "30,000.00 CNY paid of 60,000.00 CNY due" in html
    assert "Renewal due" in html
    assert html.count("Record payment") == 1  # the invoiced, unpaid one
    assert html.count("/invoice/") == 1  # the one not invoiced yet


def test_invoice_and_pay_through_the_page(client, world):
    contract = make_contract(world)
    milestone = make_milestone(contract, am(world), "1000", D(2026, 1, 31))
    client.force_login(am(world))
    detail = reverse("clients:contract_detail", args=[contract.pk])
    pay = reverse("clients:billing_milestone_pay", args=[contract.pk, milestone.pk])
    response = client.post(pay, {"amount": "100", "paid_at": "2026-02-10"}, follow=True)
    assert "Invoice this milestone before recording a payment." in response.content.decode()
    client.post(
        reverse("clients:billing_milestone_invoice", args=[contract.pk, milestone.pk]),
        {"invoiced_at": "2026-02-01", "invoice_number": "INV-1"},
    )
    response = client.post(pay, {"amount": "1500", "paid_at": "2026-02-10"}, follow=True)
    assert "more than is still owed" in response.content.decode()
    response = client.post(pay, {"amount": "1000", "paid_at": "2026-02-10"})
    assert response.status_code == 302 and response.url == detail
    milestone.refresh_from_db()
    assert (milestone.invoice_number, milestone.paid_amount, milestone.is_paid) == ("INV-1", Decimal("1000"), True)
    response = client.post(pay, {"amount": "abc", "paid_at": ""}, follow=True)
    assert "Amount received" in response.content.decode()


def test_add_milestone_errors_stay_on_the_page(client, world):
    contract = make_contract(world, value=Decimal("1000"))
    client.force_login(am(world))
    url = reverse("clients:billing_milestone_add", args=[contract.pk])
    response = client.post(url, {"name": "Too much", "amount": "1500", "due": "2026-03-01"})
    assert response.status_code == 422 and "more than the contract" in response.content.decode()
    response = client.post(url, {"name": "Deposit", "amount": "500", "due": "2026-03-01"})
    assert response.status_code == 302 and BillingMilestone.objects.get().name == "Deposit"


def test_contract_create_and_edit_forms(client, world):
    client.force_login(am(world))
    data = {
        "client": world.client.pk,
        "number": "CT-100",
        "title": "Support",
        "value": "12000",
        "currency": "CNY",
        "status": "active",
        "start": "2026-01-01",
        "end": "2025-12-31",
        "renewal_status": "not_due",
    }
    response = client.post(reverse("clients:contract_create"), data)
    assert response.status_code == 200 and "The end cannot be before the start." in response.content.decode()
    response = client.post(reverse("clients:contract_create"), {**data, "end": "2026-12-31"})
    contract = Contract.objects.get()
    assert response.status_code == 302 and contract.renewal_date == D(2026, 12, 31)
    edit = {k: v for k, v in data.items() if k != "client"}
    response = client.post(
        reverse("clients:contract_edit", args=[contract.pk]),
        {**edit, "end": "2026-12-31", "renewal_date": "2026-10-31", "renewal_status": "upcoming", "version": 1},
    )
    contract.refresh_from_db()
    assert response.status_code == 302 and (contract.renewal_date, contract.renewal_status) == (
        D(2026, 10, 31),
        "upcoming",
    )


def test_list_renewal_filter_and_tiles(client, world):
    today = timezone.localdate()
    make_contract(world, title="Soon", end=today + dt.timedelta(days=10))
    make_contract(world, title="Later", end=today + dt.timedelta(days=400))
    client.force_login(am(world))
    html = client.get(reverse("clients:contract_list")).content.decode()
    assert "Soon" in html and "Later" in html and "Renewal due" in html
    html = client.get(reverse("clients:contract_list"), {"renewal": "due"}).content.decode()
    assert "Soon" in html and "Later" not in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_contract_list_and_detail_query_counts_are_flat(client, world):
    client.force_login(am(world))
    first = make_contract(world, value=Decimal("1000000"))
    make_milestone(first, am(world), "10", D(2026, 1, 1))
    pages = [reverse("clients:contract_list"), reverse("clients:contract_detail", args=[first.pk])]
    [_queries(client, url) for url in pages]
    few = [_queries(client, url) for url in pages]
    for _ in range(20):
        contract = make_contract(world, end=D(2026, 12, 1))
        make_milestone(contract, am(world), "10", D(2026, 1, 1), invoiced=D(2026, 1, 1))
        make_milestone(first, am(world), "10", D(2026, 2, 1), invoiced=D(2026, 2, 1), paid=("5", D(2026, 2, 2)))
    assert [_queries(client, url) for url in pages] == few
