"""The risk register: services (numbering, score, strategy per kind, owner edits, close, occurred -> issue, response
actions), selectors (scope, heat map, top risks, overdue actions) and pages (access cells, filters, query counts)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.authz.world import build_world
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.projects.models import IssueLogEntry, Project, Risk, RiskAction
from tripod.projects.selectors.risks import risk_actions, risk_heat_map, risk_list, top_risks
from tripod.projects.services.risks import (
    risk_action_create,
    risk_action_delete,
    risk_action_set_done,
    risk_close,
    risk_create,
    risk_occurred,
    risk_reopen,
    risk_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def pm(world):
    return world.users["pm_related"]


def verbs():
    return list(BusinessEvent.objects.order_by("pk").values_list("verb", flat=True))


def raise_risk(world, actor="pm_related", **fields):
    fields.setdefault("title", "Supplier late")
    return risk_create(actor=world.users[actor], project=world.project, **fields)


# --- services ---------------------------------------------------------------------------------------------------------
def test_numbers_are_per_project_and_score_is_stored(world):
    r1 = raise_risk(world, probability=4, impact_schedule=2, impact_cost=5, impact_quality=1)
    r2 = raise_risk(world, "member_related", title="Key person leaves")
    other = Project.objects.create(code="P9", name="Other", client=world.client, pm=pm(world))
    r_other = risk_create(actor=pm(world), project=other, title="X")
    assert (r1.number, r2.number, r_other.number) == (1, 2, 1)
    assert r1.score == 20  # 4 x max(2, 5, 1)
    assert r2.score == 3
    assert str(r1) == "R1 Supplier late"
    assert verbs().count("risk.raised") == 3


def test_number_continues_after_the_highest(world):
    r1 = raise_risk(world)
    raise_risk(world)
    r1.delete()
    assert raise_risk(world).number == 3


@pytest.mark.parametrize(
    ("kind", "strategy", "ok"),
    [
        ("threat", "mitigate", True),
        ("threat", "escalate", True),
        ("threat", "exploit", False),
        ("threat", "share", False),
        ("opportunity", "enhance", True),
        ("opportunity", "accept", True),
        ("opportunity", "avoid", False),
        ("opportunity", "transfer", False),
    ],
)
def test_strategy_must_fit_the_kind(world, kind, strategy, ok):
    if ok:
        assert raise_risk(world, kind=kind, strategy=strategy).strategy == strategy
    else:
        with pytest.raises(ValidationFailed) as exc:
            raise_risk(world, kind=kind, strategy=strategy)
        assert list(exc.value.errors) == ["strategy"]
        assert not Risk.objects.exists()


def test_changing_kind_revalidates_the_strategy(world):
    risk = raise_risk(world, strategy="mitigate")
    with pytest.raises(ValidationFailed) as exc:
        risk_update(actor=pm(world), risk=risk, version=risk.version, kind="opportunity")
    assert "strategy" in exc.value.errors


@pytest.mark.parametrize("field", ["probability", "impact_schedule", "impact_cost", "impact_quality"])
def test_scores_must_be_one_to_five(world, field):
    with pytest.raises(ValidationFailed) as exc:
        raise_risk(world, **{field: 6})
    assert field in exc.value.errors


def test_title_is_required(world):
    with pytest.raises(ValidationFailed) as exc:
        raise_risk(world, title="  ")
    assert "title" in exc.value.errors


def test_update_recomputes_the_score_and_records_the_change(world):
    risk = raise_risk(world, probability=2, impact_cost=2)
    risk = risk_update(actor=pm(world), risk=risk, version=risk.version, impact_quality=5)
    assert risk.score == 10
    event = BusinessEvent.objects.get(verb="risk.score_changed")
    assert event.data == {"from": 4, "to": 10}
    risk_update(actor=pm(world), risk=risk, version=risk.version, title="Renamed")
    assert verbs().count("risk.score_changed") == 1


def test_the_owner_edits_their_risk_other_members_do_not(world):
    owner = world.users["member_related"]
    risk = raise_risk(world, owner=owner)
    risk = risk_update(actor=owner, risk=risk, version=risk.version, probability=5)
    assert risk.score == 5
    with pytest.raises(Forbidden):
        risk_update(actor=world.users["self"], risk=risk, version=risk.version, probability=1)
    with pytest.raises(Forbidden):
        risk_close(actor=world.users["am_related"], risk=risk)


@pytest.mark.parametrize("actor", ["client_related", "pm_unrelated", "member_unrelated"])
def test_outsiders_cannot_raise_risks(world, actor):
    with pytest.raises(Forbidden):
        raise_risk(world, actor)


def test_owner_must_be_staff_on_the_project(world):
    with pytest.raises(ValidationFailed) as exc:
        raise_risk(world, owner=world.users["client_related"])
    assert "owner" in exc.value.errors
    with pytest.raises(ValidationFailed):
        raise_risk(world, owner=world.users["pm_unrelated"])


def test_close_and_reopen(world):
    risk = raise_risk(world)
    risk = risk_close(actor=pm(world), risk=risk)
    assert risk.status == Risk.Status.CLOSED
    with pytest.raises(ValidationFailed):
        risk_close(actor=pm(world), risk=risk)
    risk = risk_reopen(actor=pm(world), risk=risk)
    assert risk.status == Risk.Status.OPEN
    assert verbs()[-2:] == ["risk.closed", "risk.reopened"]


def test_an_occurred_risk_raises_an_issue(world):
    owner = world.users["member_related"]
    risk = raise_risk(world, owner=owner, effect="Two weeks late")
    issue = risk_occurred(actor=pm(world), risk=risk, priority="critical")
    risk.refresh_from_db()
    assert risk.status == Risk.Status.OCCURRED
    assert (issue.number, issue.risk, issue.owner, issue.title) == (1, risk, owner, "Supplier late")
    assert issue.description == "Two weeks late" and issue.priority == "critical"
    assert verbs()[-2:] == ["risk.occurred", "issue.raised"]
    with pytest.raises(ValidationFailed):
        risk_occurred(actor=pm(world), risk=risk)
    assert IssueLogEntry.objects.count() == 1


def test_response_actions_overdue_done_and_deleted(world):
    risk = raise_risk(world)
    today = timezone.localdate()
    member = world.users["member_related"]
    late = risk_action_create(actor=pm(world), risk=risk, description="Call supplier", due=today - timedelta(days=1))
    risk_action_create(actor=pm(world), risk=risk, description="Second source", due=today, owner=member)
    row = risk_list(user=pm(world), project=world.project).get(pk=risk.pk)
    assert (row.open_action_count, row.overdue_action_count) == (2, 1)
    assert [a.overdue for a in risk_actions(risk=risk)] == [True, False]
    risk_action_set_done(actor=pm(world), action=late)
    row = risk_list(user=pm(world), project=world.project).get(pk=risk.pk)
    assert (row.open_action_count, row.overdue_action_count) == (1, 0)
    # The action's owner ticks their own action even without edit rights on the risk.
    theirs = RiskAction.objects.get(owner=member)
    assert risk_action_set_done(actor=member, action=theirs).done_at is not None
    with pytest.raises(Forbidden):
        risk_action_delete(actor=member, action=theirs)
    risk_action_delete(actor=pm(world), action=theirs)
    assert RiskAction.objects.count() == 1


# --- selectors --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("actor", "sees"),
    [
        ("admin", True),
        ("pm_related", True),
        ("member_related", True),
        ("lm_related", True),
        ("am_related", True),
        ("pm_unrelated", False),
        ("am_unrelated", False),
        ("client_related", False),
        ("client_unrelated", False),
    ],
)
def test_risk_list_scope(world, actor, sees):
    raise_risk(world)
    assert risk_list(user=world.users[actor]).exists() == sees
    assert sum(c.count for row in risk_heat_map(user=world.users[actor]) for c in row) == (1 if sees else 0)


def test_heat_map_counts_by_probability_and_highest_impact(world):
    raise_risk(world, probability=5, impact_cost=4)
    raise_risk(world, probability=5, impact_schedule=4, impact_quality=2)
    raise_risk(world, probability=1)
    grid = risk_heat_map(user=pm(world), project=world.project)
    assert [c.probability for c in (row[0] for row in grid)] == [5, 4, 3, 2, 1]
    assert grid[0][3].count == 2 and grid[0][3].band == "high"
    assert grid[4][0].count == 1 and grid[4][0].band == "low"
    assert sum(c.count for row in grid for c in row) == 3
    assert list(risk_list(user=pm(world), probability=5, impact=4).values_list("number", flat=True)) == [1, 2]


def test_top_risks_are_open_and_highest_first(world):
    low = raise_risk(world, probability=1)
    high = raise_risk(world, probability=5, impact_cost=5)
    closed = raise_risk(world, probability=5, impact_cost=4)
    risk_close(actor=pm(world), risk=closed)
    assert top_risks(user=pm(world), projects=[world.project]) == [high, low]
    assert top_risks(user=pm(world), projects=[world.project], limit=1) == [high]
    assert top_risks(user=world.users["client_related"], projects=[world.project]) == []


# --- pages ------------------------------------------------------------------------------------------------------------
CELLS = {
    "admin": 200,
    "pm_related": 200,
    "member_related": 200,
    "lm_related": 200,
    "am_related": 200,
    "client_related": 404,
    "pm_unrelated": 404,
    "client_unrelated": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize(("actor", "status"), CELLS.items())
def test_risk_pages_access(client, world, actor, status):
    risk = raise_risk(world)
    if actor != "anonymous":
        client.force_login(world.users[actor])
    p = world.project.pk
    for url in (
        reverse("projects:risks", args=[p]),
        reverse("projects:risk_detail", args=[p, risk.pk]),
        reverse("projects:risk_create", args=[p]),
    ):
        assert client.get(url).status_code == status, url
    edit = client.get(reverse("projects:risk_edit", args=[p, risk.pk])).status_code
    assert edit == (200 if actor in ("admin", "pm_related") else 403 if status == 200 else status)
    client.post(reverse("projects:risk_close", args=[p, risk.pk]))
    risk.refresh_from_db()
    assert (risk.status == Risk.Status.CLOSED) == (actor in ("admin", "pm_related"))


def test_client_portal_sees_no_risk_counts(client, world):
    raise_risk(world)
    client.force_login(world.users["client_related"])
    html = client.get(reverse("projects:detail", args=[world.project.pk])).content.decode()
    assert reverse("projects:risks", args=[world.project.pk]) not in html


def test_register_filters_heat_cell_and_flags_overdue_actions(client, world):
    today = timezone.localdate()
    r1 = raise_risk(world, title="Late supplier", probability=5, impact_cost=5)
    raise_risk(world, title="Budget cut", probability=2, kind="opportunity")
    risk_action_create(actor=pm(world), risk=r1, description="Chase", due=today - timedelta(days=3))
    client.force_login(pm(world))
    url = reverse("projects:risks", args=[world.project.pk])
    html = client.get(url).content.decode()
    assert "Late supplier" in html and "Budget cut" in html
    assert "1 overdue" in html and "tp-overdue" in html
    assert 'href="?probability=5&amp;impact=5"' in html
    html = client.get(url, {"probability": 5, "impact": 5}).content.decode()
    assert "Late supplier" in html and "Budget cut" not in html
    assert 'aria-current="true"' in html
    html = client.get(url, {"kind": "opportunity"}).content.decode()
    assert "Budget cut" in html and "Late supplier" not in html
    detail = client.get(reverse("projects:risk_detail", args=[world.project.pk, r1.pk])).content.decode()
    assert "tp-action-overdue" in detail


def test_risk_forms_create_edit_and_occur(client, world):
    client.force_login(pm(world))
    p = world.project.pk
    data = {
        "title": "Scope creep",
        "kind": "threat",
        "probability": "4",
        "impact_schedule": "3",
        "impact_cost": "2",
        "impact_quality": "1",
        "strategy": "exploit",
    }
    response = client.post(reverse("projects:risk_create", args=[p]), data)
    assert response.status_code == 200 and "A threat&#x27;s response is one of" in response.content.decode()
    response = client.post(reverse("projects:risk_create", args=[p]), {**data, "strategy": "mitigate"})
    risk = Risk.objects.get()
    assert response.status_code == 302 and risk.score == 12
    response = client.post(
        reverse("projects:risk_edit", args=[p, risk.pk]),
        {**data, "strategy": "avoid", "probability": "5", "version": 1},
    )
    risk.refresh_from_db()
    assert response.status_code == 302 and (risk.strategy, risk.score) == ("avoid", 15)
    response = client.post(reverse("projects:risk_action_add", args=[p, risk.pk]), {"description": "Freeze scope"})
    assert response.status_code == 302 and risk.actions.count() == 1
    response = client.post(reverse("projects:risk_occurred", args=[p, risk.pk]), {"title": "", "priority": "high"})
    assert response.status_code == 302
    assert response.url == reverse("projects:issue_detail", args=[p, IssueLogEntry.objects.get(risk=risk).pk])


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_register_and_detail_query_counts_are_flat(client, world):
    client.force_login(pm(world))
    p = world.project.pk
    today = timezone.localdate()

    def build(n):
        for i in range(n):
            risk = raise_risk(world, title=f"R {i}", probability=1 + i % 5, owner=world.users["member_related"])
            risk_action_create(actor=pm(world), risk=risk, description="a", due=today - timedelta(days=i % 3))

    build(3)
    first = Risk.objects.order_by("number").first()
    for _ in range(2):
        risk_action_create(actor=pm(world), risk=first, description="more", due=today)
    register = reverse("projects:risks", args=[p])
    detail = reverse("projects:risk_detail", args=[p, first.pk])
    _queries(client, register)
    few = (_queries(client, register), _queries(client, detail))
    build(30)
    for _ in range(30):
        risk_action_create(actor=pm(world), risk=first, description="more", due=today - timedelta(days=1))
    assert (_queries(client, register), _queries(client, detail)) == few


def test_register_summary_counts_open_risks_and_overdue_actions(world):
    from tripod.projects.selectors.risks import risk_summary

    today = timezone.localdate()
    high = raise_risk(world, probability=5, impact_cost=3)
    raise_risk(world, kind="opportunity", strategy="exploit")
    closed = raise_risk(world, probability=5, impact_cost=5)
    risk_action_create(actor=pm(world), risk=high, description="late", due=today - timedelta(days=1))
    risk_action_create(actor=pm(world), risk=closed, description="late too", due=today - timedelta(days=1))
    risk_close(actor=pm(world), risk=closed)
    summary = risk_summary(user=pm(world), project=world.project)
    assert summary == {"threats": 1, "opportunities": 1, "high": 1, "overdue_actions": 1}
    assert risk_summary(user=world.users["client_related"], project=world.project) == {
        "threats": 0,
        "opportunities": 0,
        "high": 0,
        "overdue_actions": 0,
    }


def test_form_pages_query_counts_are_flat(client, world):
    from tests.factories import make_user
    from tripod.identity.models import Role
    from tripod.projects.models import ProjectMember

    risk = raise_risk(world)
    client.force_login(pm(world))
    p = world.project.pk
    pages = [reverse("projects:risk_create", args=[p]), reverse("projects:risk_edit", args=[p, risk.pk])]

    def add_members(n):
        for _ in range(n):
            ProjectMember.objects.create(project=world.project, user=make_user(Role.MEMBER))

    add_members(3)
    [_queries(client, url) for url in pages]
    few = [_queries(client, url) for url in pages]
    add_members(30)
    assert [_queries(client, url) for url in pages] == few
