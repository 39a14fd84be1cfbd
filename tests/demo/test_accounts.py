"""The demo's account records: business lines, account teams, decision chains with every role, interactions of
every kind (planned ones too), follow-ups open, overdue and done — built through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count

from tripod.clients.models import BusinessLine, Client, Contact, FollowUp, Interaction
from tripod.clients.selectors import decision_chain
from tripod.demo import accounts, organisation

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 18)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        org = organisation.build(today=TODAY)
        counts = accounts.build(org, today=TODAY)
        yield org, counts
        from django.core.management import call_command

        call_command("flush", "--no-input", verbosity=0)


def test_clients_have_business_lines_and_teams(demo) -> None:
    assert BusinessLine.objects.count() >= 5
    for client in Client.objects.all():
        assert client.business_lines.exists(), client
    assert Client.objects.filter(account_team__isnull=False).distinct().count() >= 2


def test_every_decision_role_attitude_and_an_inactive_contact(demo) -> None:
    assert set(Contact.objects.values_list("role_in_decision_chain", flat=True)) == set(Contact.DecisionRole.values)
    assert set(Contact.objects.values_list("attitude", flat=True)) == set(Contact.Attitude.values)
    assert Contact.objects.filter(active=False).exists()
    assert Contact.objects.filter(reports_to__isnull=False).count() >= 12


def test_each_clients_chain_has_one_head_and_several_levels(demo) -> None:
    org, _ = demo
    admin = org.users["admin"]
    for client in org.clients:
        chain = decision_chain(user=admin, client=client)
        assert len(chain.roots) == 1, client
        assert chain.roots[0].contact.role_in_decision_chain == "economic_buyer"
        assert max(node.depth for node in chain.walk()) >= 2, client


def test_interactions_of_every_kind_with_contacts_and_projects(demo) -> None:
    assert set(Interaction.objects.values_list("kind", flat=True)) == set(Interaction.Kind.values)
    assert not Interaction.objects.annotate(n=Count("contacts")).filter(n=0).exists()
    assert Interaction.objects.filter(project__isnull=False).count() >= 10
    per_client = dict(Interaction.objects.values_list("client__name").annotate(n=Count("pk")))
    assert len(per_client) == 4 and min(per_client.values()) >= 5
    moment = dt.datetime.combine(TODAY, dt.time(0), tzinfo=dt.UTC)
    assert Interaction.objects.filter(at__gt=moment).exists()  # planned ones
    downloads = Interaction.objects.filter(
        kind="content_download", client=demo[0].clients[0], at__gte=moment - dt.timedelta(days=14)
    )
    assert downloads.count() >= 3  # a buying signal to find


def test_follow_ups_open_overdue_and_done(demo) -> None:
    assert FollowUp.objects.filter(done_at__isnull=False).exists()
    assert FollowUp.objects.filter(done_at__isnull=True, due__lt=TODAY).exists()
    assert FollowUp.objects.filter(done_at__isnull=True, due__gte=TODAY).exists()
    assert FollowUp.objects.filter(interaction__isnull=True).exists()
    assert FollowUp.objects.values("owner").distinct().count() >= 2


def test_counts_for_the_command(demo) -> None:
    _org, counts = demo
    assert counts == {
        "business lines": BusinessLine.objects.count(),
        "contacts": Contact.objects.count(),
        "interactions": Interaction.objects.count(),
        "follow-ups": FollowUp.objects.count(),
    }
