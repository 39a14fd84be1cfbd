"""The portal on the demo organisation: the demo's client user finds their projects, requirements, tickets and
surveys in the portal, every page opens, and nothing of the other demo clients shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tripod.clients.models import Client
from tripod.demo import delivery, organisation, surveys, tickets
from tripod.demo import scope as demo_scope
from tripod.portal.selectors import portal_invitations, portal_projects
from tripod.scope.selectors import requirement_list

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 18)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        org = organisation.build(today=TODAY)
        delivery.build(org, today=TODAY)
        demo_scope.build(org, today=TODAY)
        tickets.build(org, today=TODAY)
        surveys.build(org, today=TODAY)
        yield org
        from django.core.management import call_command

        call_command("flush", "--no-input", verbosity=0)


def test_the_demo_portal_user_has_content_on_every_page(client, demo):
    portal = demo.users["client"]
    own = demo.clients[0]
    assert portal_projects(user=portal)
    assert requirement_list(user=portal).exists()
    client.force_login(portal)
    urls = [reverse(name) for name in ("portal:overview", "portal:requirements", "portal:tickets", "portal:surveys")]
    urls += [reverse("portal:project", args=[entry.project.pk]) for entry in portal_projects(user=portal)]
    urls += [reverse("portal:requirement", args=[r.pk]) for r in requirement_list(user=portal)[:5]]
    urls += [reverse("portal:survey", args=[i.pk]) for i in portal_invitations(user=portal).filter(answered_at=None)]
    others = list(Client.objects.exclude(pk=own.pk).values_list("name", flat=True))
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302), url  # an expired survey sends back to the list
        html = response.content.decode()
        assert not [name for name in others if name in html], url
    assert own.name in client.get(reverse("portal:overview")).content.decode()
