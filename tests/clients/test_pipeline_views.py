"""The pipeline's pages: access for every role (403 on the pipeline's own pages, 404 on records), the board with its
HTMX and no-script moves, the win and lose dialogs, the effort form, the funnel, and flat query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.clients.pipeline_builders import SEES_C1, am, make_opportunity, pipeline_world
from tripod.clients.models import Contract, Opportunity, OpportunityEffort
from tripod.clients.services.pipeline import opportunity_effort_set, opportunity_lose
from tripod.identity.models import Role
from tripod.projects.models import Project

pytestmark = pytest.mark.django_db

Stage = Opportunity.Stage
ACTORS = [*SEES_C1, "anonymous"]
# The pipeline's own pages are a function of the AM's job: admins, AMs and account-team members use them.
USES_PIPELINE = {"admin", "am_related", "am_unrelated", "team_member"}


@pytest.fixture
def world():
    return pipeline_world()


def login(client, world, actor):
    client.logout()
    if actor != "anonymous":
        client.force_login(world.users[actor])


def expected_page(actor: str) -> int:
    if actor == "anonymous":
        return 302
    return 200 if actor in USES_PIPELINE else 403


def expected_record(actor: str) -> int:
    if actor == "anonymous":
        return 302
    return 200 if SEES_C1.get(actor) else 404


@pytest.mark.parametrize("actor", ACTORS)
def test_pipeline_pages_access(client, world, actor):
    opportunity = make_opportunity(world, name="Secret deal", amount=Decimal("777777"))
    login(client, world, actor)
    for name in ("pipeline", "pipeline_funnel", "opportunity_list", "opportunity_create"):
        response = client.get(reverse(f"clients:{name}"))
        assert response.status_code == expected_page(actor), name
        if response.status_code == 200 and actor == "am_unrelated":
            assert "Secret deal" not in response.content.decode(), name
    for name in ("opportunity_detail", "opportunity_edit", "opportunity_win", "opportunity_lose"):
        response = client.get(reverse(f"clients:{name}", args=[opportunity.pk]))
        assert response.status_code == expected_record(actor), name
    board = client.get(reverse("clients:pipeline"))
    if board.status_code == 200 and SEES_C1[actor]:
        html = board.content.decode()
        assert "Secret deal" in html and "777,777.00 CNY" in html


@pytest.mark.parametrize("actor", ACTORS)
def test_pipeline_writes_access(client, world, actor):
    opportunity = make_opportunity(world)
    login(client, world, actor)
    move = client.post(reverse("clients:pipeline_move"), {"opportunity": opportunity.pk, "stage": "proposal"})
    lose = client.post(
        reverse("clients:opportunity_lose", args=[opportunity.pk]), {"reason": "x", "reason_category": "price"}
    )
    effort = client.post(
        reverse("clients:opportunity_effort", args=[opportunity.pk]),
        {"effort-TOTAL_FORMS": "1", "effort-INITIAL_FORMS": "0", "effort-0-skill": "Go", "effort-0-hours": "8"},
    )
    opportunity.refresh_from_db()
    if SEES_C1.get(actor):
        assert move.status_code == 302 and lose.status_code == 302 and effort.status_code == 302
        assert opportunity.stage == Stage.LOST
        assert OpportunityEffort.objects.filter(opportunity=opportunity).exists()
        return
    assert opportunity.stage == Stage.QUALIFICATION and not OpportunityEffort.objects.exists()
    if actor == "anonymous":
        assert {move.status_code, lose.status_code, effort.status_code} == {302}
    elif actor in USES_PIPELINE:  # may use the pipeline, may not see this one
        assert (move.status_code, lose.status_code, effort.status_code) == (404, 404, 404)
    else:
        assert move.status_code == 403
        assert (lose.status_code, effort.status_code) == (404, 404)


def test_board_shows_columns_totals_and_late_cards(client, world):
    from django.utils import timezone

    make_opportunity(world, name="Late one", stage=Stage.PROPOSAL, amount=Decimal("1000"),
                     expected_close=timezone.localdate().replace(year=2020))  # fmt: skip
    make_opportunity(world, name="Other", stage=Stage.PROPOSAL, amount=Decimal("3000"))
    lost = make_opportunity(world, name="Gone")
    opportunity_lose(actor=am(world), opportunity=lost, reason="r", reason_category="timing")
    client.force_login(am(world))
    html = client.get(reverse("clients:pipeline")).content.decode()
    assert 'data-stage="proposal"' in html and 'data-stage="won"' in html
    assert "4,000.00 CNY" in html and "weighted 2,000.00" in html  # proposal: 50 % of 4,000
    assert "(late)" in html and "Gone" in html
    assert "2 open opportunities" in html


def test_board_filter_by_client(client, world):
    make_opportunity(world, name="Mine")
    client.force_login(world.users["admin"])
    other = world.client.__class__.objects.get(name="C2")
    html = client.get(reverse("clients:pipeline"), {"client": other.pk}).content.decode()
    assert "Mine" not in html
    html = client.get(reverse("clients:pipeline"), {"client": world.client.pk}).content.decode()
    assert "Mine" in html


def test_move_over_htmx_swaps_the_columns(client, world):
    opportunity = make_opportunity(world, name="Drag me")
    client.force_login(am(world))
    response = client.post(
        reverse("clients:pipeline_move"),
        {"opportunity": opportunity.pk, "version": 1, "stage": "negotiation"},
        headers={"HX-Request": "true", "HX-Target": "pipeline-columns"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="pipeline-columns"') and f'data-moved="{opportunity.pk}"' in html
    assert "moved to Negotiation" in response.headers["HX-Trigger"]
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.probability) == ("negotiation", 75)


def test_a_stale_move_says_so_and_changes_nothing(client, world):
    opportunity = make_opportunity(world)
    client.force_login(am(world))
    data = {"opportunity": opportunity.pk, "version": 1}
    client.post(reverse("clients:pipeline_move"), {**data, "stage": "proposal"})
    response = client.post(
        reverse("clients:pipeline_move"), {**data, "stage": "negotiation"}, headers={"HX-Request": "true"}
    )
    assert "Someone else changed this opportunity" in response.headers["HX-Trigger"]
    opportunity.refresh_from_db()
    assert opportunity.stage == "proposal"


@pytest.mark.parametrize(("stage", "page"), [("won", "opportunity_win"), ("lost", "opportunity_lose")])
def test_moving_to_won_or_lost_opens_its_dialog(client, world, stage, page):
    opportunity = make_opportunity(world)
    client.force_login(am(world))
    url = reverse(f"clients:{page}", args=[opportunity.pk])
    response = client.post(reverse("clients:pipeline_move"), {"opportunity": opportunity.pk, "stage": stage})
    assert response.status_code == 302 and response.url == url
    response = client.post(
        reverse("clients:pipeline_move"),
        {"opportunity": opportunity.pk, "stage": stage},
        headers={"HX-Request": "true"},
    )
    assert response.headers["HX-Redirect"] == url
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.QUALIFICATION


def test_reopen_from_the_detail_page_returns_there(client, world):
    opportunity = make_opportunity(world, stage=Stage.PROPOSAL)
    opportunity = opportunity_lose(actor=am(world), opportunity=opportunity, reason="r", reason_category="price")
    client.force_login(am(world))
    detail = reverse("clients:opportunity_detail", args=[opportunity.pk])
    assert "Reopen" in client.get(detail).content.decode()
    response = client.post(
        reverse("clients:pipeline_move"),
        {"opportunity": opportunity.pk, "stage": "proposal", "next": detail, "version": opportunity.version},
    )
    assert response.url == detail
    response = client.post(
        reverse("clients:pipeline_move"),
        {"opportunity": opportunity.pk, "stage": "proposal", "next": "https://evil.example/"},
    )
    assert response.url.startswith(reverse("clients:pipeline"))


def test_win_page_starts_project_and_contract(client, world):
    actor = am(world)
    actor.role_grants.create(role=Role.PM)
    opportunity = make_opportunity(world, name="Portal", amount=Decimal("250000"))
    client.force_login(actor)
    url = reverse("clients:opportunity_win", args=[opportunity.pk])
    assert "Start a new project" in client.get(url).content.decode()
    data = {
        "reason": "",
        "create_project": "on",
        "project_code": "C1-PORTAL",
        "project_name": "Portal",
        "create_contract": "on",
        "contract_number": "CT-77",
        "version": 1,
    }
    response = client.post(url, data)
    assert response.status_code == 422 and "This field is required" in response.content.decode()
    response = client.post(url, {**data, "reason": "Strong references", "project_code": world.project.code})
    assert response.status_code == 422 and "project_code" in response.content.decode()
    assert not Contract.objects.exists()
    response = client.post(url, {**data, "reason": "Strong references"})
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.stage == "won"
    assert opportunity.project == Project.objects.get(code="C1-PORTAL")
    assert opportunity.contract == Contract.objects.get(number="CT-77")
    detail = client.get(reverse("clients:opportunity_detail", args=[opportunity.pk])).content.decode()
    assert "C1-PORTAL" in detail and "CT-77" in detail


def test_win_page_hides_project_start_from_an_am_who_is_not_a_pm(client, world):
    opportunity = make_opportunity(world)
    client.force_login(am(world))
    html = client.get(reverse("clients:opportunity_win", args=[opportunity.pk])).content.decode()
    assert "Start a new project" not in html and "Link an existing project" in html
    assert "P1 Project one" in html and "P2" not in html


def test_lose_page_names_the_missing_fields(client, world):
    opportunity = make_opportunity(world)
    client.force_login(am(world))
    url = reverse("clients:opportunity_lose", args=[opportunity.pk])
    response = client.post(url, {"reason": "Too dear", "version": 1})
    assert response.status_code == 422
    assert 'id="id_reason_category"' in response.content.decode() and "is-invalid" in response.content.decode()
    response = client.post(url, {"reason": "Too dear", "reason_category": "price", "version": 1})
    assert response.status_code == 302
    assert client.get(url).status_code == 302  # already closed: back to its page


def test_effort_form_reports_duplicate_skills(client, world):
    opportunity = make_opportunity(world)
    client.force_login(am(world))
    data = {
        "effort-TOTAL_FORMS": "3",
        "effort-INITIAL_FORMS": "0",
        "effort-0-skill": "Python",
        "effort-0-hours": "10",
        "effort-1-skill": "python",
        "effort-1-hours": "5",
        "effort-2-skill": "",
        "effort-2-hours": "",
    }
    response = client.post(reverse("clients:opportunity_effort", args=[opportunity.pk]), data)
    assert response.status_code == 422 and "is listed twice" in response.content.decode()
    data["effort-1-skill"] = "iOS"
    response = client.post(reverse("clients:opportunity_effort", args=[opportunity.pk]), data)
    assert response.status_code == 302
    assert OpportunityEffort.objects.count() == 2


def test_create_and_edit_forms(client, world):
    client.force_login(am(world))
    response = client.post(
        reverse("clients:opportunity_create"),
        {"client": world.client.pk, "name": "New deal", "stage": "proposal", "amount": "5000", "currency": "cny"},
    )
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302 and opportunity.currency == "CNY" and opportunity.probability == 50
    other = world.client.__class__.objects.get(name="C2")
    response = client.post(
        reverse("clients:opportunity_create"), {"client": other.pk, "name": "Not mine", "stage": "proposal"}
    )
    assert response.status_code == 200 and Opportunity.objects.count() == 1  # C2 is not among the choices
    edit = reverse("clients:opportunity_edit", args=[opportunity.pk])
    response = client.post(
        edit, {"name": "Renamed", "amount": "5000", "currency": "CNY", "probability": "", "version": 1}
    )
    assert response.status_code == 302
    response = client.post(edit, {"name": "Stale", "amount": "5000", "currency": "CNY", "version": 1})
    assert response.status_code == 200 and "Someone else changed this record" in response.content.decode()


def test_funnel_page_draws_the_funnel_and_the_win_rate(client, world):
    from tripod.clients.services.pipeline import opportunity_win

    make_opportunity(world, stage=Stage.PROPOSAL)
    opportunity_win(actor=am(world), opportunity=make_opportunity(world), reason="r")
    client.force_login(am(world))
    html = client.get(reverse("clients:pipeline_funnel")).content.decode()
    assert "<polygon" in html and html.count('class="tp-funnel-step') == 5
    assert "100 %" in html  # 1 won, 0 lost
    html = client.get(reverse("clients:pipeline_funnel"), {"start": "2001-01-01", "end": "2001-12-31"}).content.decode()
    assert "<polygon" not in html and "No opportunity was created in this period." in html


# --- query counts -----------------------------------------------------------------------------------------------------
def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_board_list_funnel_and_detail_query_counts_are_flat(client, world):
    client.force_login(am(world))
    first = make_opportunity(world)
    opportunity_effort_set(actor=am(world), opportunity=first, efforts=[("Python", 10)])
    pages = [
        reverse("clients:pipeline"),
        reverse("clients:opportunity_list"),
        reverse("clients:pipeline_funnel"),
        reverse("clients:opportunity_detail", args=[first.pk]),
    ]
    [_queries(client, url) for url in pages]
    few = [_queries(client, url) for url in pages]
    stages = [Stage.QUALIFICATION, Stage.PROPOSAL, Stage.NEGOTIATION]
    for i in range(24):
        opportunity = make_opportunity(world, stage=stages[i % 3], owner=world.users["team_member"])
        if i % 4 == 0:
            opportunity_lose(actor=am(world), opportunity=opportunity, reason="r", reason_category="price")
    opportunity_effort_set(actor=am(world), opportunity=first, efforts=[(f"Skill {i}", 1) for i in range(20)])
    assert [_queries(client, url) for url in pages] == few
