"""The client 360 page: who gets which section (the first paint and each lazily loaded section), what the sections
show, and query budgets that do not grow with the records."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.clients.accounts_builders import build_account_world, login, queries
from tests.clients.client360_builders import fill
from tripod.projects.models import Project

pytestmark = pytest.mark.django_db

SECTIONS = ("health", "projects", "requirements", "tickets", "satisfaction", "commercial")
TEAM = ("admin", "am_related", "am_team")
SEE_CLIENT_NOT_TEAM = ("pm_related", "pm_unrelated", "member_related", "lm_related", "client_related")
NOT_SEE_CLIENT = ("am_unrelated", "member_unrelated", "lm_unrelated", "client_unrelated")


@pytest.fixture
def aw(db):
    aw = build_account_world()
    fill(aw, 1)
    return aw


def detail_url(aw):
    return reverse("clients:detail", args=[aw.client.pk])


def section_url(aw, name):
    return reverse(f"clients:c360_{name}", args=[aw.client.pk])


def test_people_who_do_not_see_the_client_get_404_everywhere(aw, client):
    for actor in NOT_SEE_CLIENT:
        http = login(client, aw, actor)
        assert http.get(detail_url(aw)).status_code == 404, actor
        for name in SECTIONS:
            assert http.get(section_url(aw, name)).status_code == 404, (actor, name)


@pytest.mark.parametrize("actor", TEAM)
def test_the_account_team_gets_every_section(aw, client, actor):
    http = login(client, aw, actor)
    html = http.get(detail_url(aw)).content.decode()
    for name in SECTIONS:
        assert f'hx-get="{section_url(aw, name)}"' in html, name
        assert http.get(section_url(aw, name)).status_code == 200, name
    assert "Buyer 0" in html  # contacts and the decision chain in the first paint
    assert "Meeting 0" in html  # the recent timeline


@pytest.mark.parametrize("actor", SEE_CLIENT_NOT_TEAM)
def test_others_who_see_the_client_get_only_its_projects(aw, client, actor):
    http = login(client, aw, actor)
    response = http.get(detail_url(aw))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'hx-get="{section_url(aw, "projects")}"' in html
    for name in SECTIONS:
        if name != "projects":
            assert section_url(aw, name) not in html, name
            assert http.get(section_url(aw, name)).status_code == 403, name
    for leak in ("Buyer 0", "Meeting 0", "Deal 0", "Contract 0", "Ticket 0", "Requirement 0"):
        assert leak not in html, leak


def test_an_unrelated_pm_sees_only_their_own_project_with_its_indices(aw, client):
    html = login(client, aw, "pm_unrelated").get(section_url(aw, "projects")).content.decode()
    assert "P1B" in html and ">P1<" not in html
    assert "SPI" in html  # the PM sees the costs of the project they run


def test_the_portal_sees_the_projects_without_costs_or_status(aw, client):
    html = login(client, aw, "client_related").get(section_url(aw, "projects")).content.decode()
    assert "Project one" in html
    assert "SPI" not in html and "CPI" not in html and "RAG" not in html


def test_the_owner_sees_what_each_section_holds(aw, client):
    http = login(client, aw, "am_related")
    health = http.get(section_url(aw, "health")).content.decode()
    assert "Account health" in health and 'data-component="sla"' in health and "Ticket 0" in health
    assert "Requirement 0" in http.get(section_url(aw, "requirements")).content.decode()
    tickets = http.get(section_url(aw, "tickets")).content.decode()
    assert "Ticket 0" in tickets and "Breached" in tickets
    satisfaction = http.get(section_url(aw, "satisfaction")).content.decode()
    assert "NPS" in satisfaction and "nps-trend" in satisfaction
    commercial = http.get(section_url(aw, "commercial")).content.decode()
    assert "Qualification" in commercial and "Contract 0" in commercial
    assert "CNY 0.00 / 1,000.00 (0 %)" in commercial  # nothing paid of the 1,000 due
    assert "Account plan" in commercial and reverse("clients:account_plan_current", args=[aw.client.pk]) in commercial


def test_a_closed_project_keeps_its_row(aw, client):
    Project.objects.filter(pk=aw.project.pk).update(phase=Project.Phase.CLOSED)
    html = login(client, aw, "am_related").get(section_url(aw, "projects")).content.decode()
    assert "Project one" in html


def test_every_section_costs_the_same_with_one_or_many_records(aw, client):
    http = login(client, aw, "am_related")
    http.get(detail_url(aw))  # warm the session
    urls = [detail_url(aw)] + [section_url(aw, name) for name in SECTIONS]
    few = {url: queries(http, url) for url in urls}
    fill(aw, 6, tag="more-")
    for i in range(6):
        Project.objects.create(code=f"PX{i}", name=f"Extra {i}", client=aw.client, pm=aw.user("pm_related"))
    many = {url: queries(http, url) for url in urls}
    assert many == few
    assert few[detail_url(aw)] <= 12
