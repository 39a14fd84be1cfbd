"""The issue log: service (numbering, owner edits, resolution rules, events), selector scope, and pages (access
cells, overdue flag, query counts)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.authz.world import build_world
from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.projects.models import IssueLogEntry, Project
from tripod.projects.selectors.risks import issue_list
from tripod.projects.services.issues import issue_create, issue_resolve, issue_update
from tripod.projects.services.risks import risk_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def log(world, actor="pm_related", **fields):
    fields.setdefault("title", "Server down")
    return issue_create(actor=world.users[actor], project=world.project, **fields)


def test_numbers_per_project_and_raised_event(world):
    i1 = log(world)
    i2 = log(world, "member_related", title="Client unhappy")
    other = Project.objects.create(code="P9", name="Other", client=world.client, pm=world.users["pm_related"])
    i3 = issue_create(actor=world.users["pm_related"], project=other, title="X")
    assert (i1.number, i2.number, i3.number) == (1, 2, 1)
    assert str(i2) == "I2 Client unhappy"
    assert BusinessEvent.objects.filter(verb="issue.raised").count() == 3


@pytest.mark.parametrize("actor", ["client_related", "pm_unrelated", "member_unrelated"])
def test_outsiders_cannot_log_issues(world, actor):
    with pytest.raises(Forbidden):
        log(world, actor)


def test_risk_must_be_of_the_same_project(world):
    other = Project.objects.create(code="P9", name="Other", client=world.client, pm=world.users["pm_related"])
    foreign = risk_create(actor=world.users["pm_related"], project=other, title="r")
    with pytest.raises(ValidationFailed) as exc:
        log(world, risk=foreign)
    assert "risk" in exc.value.errors


def test_resolving_needs_a_resolution_and_stamps_the_time(world):
    issue = log(world)
    with pytest.raises(ValidationFailed) as exc:
        issue_update(actor=world.users["pm_related"], issue=issue, version=issue.version, status="resolved")
    assert list(exc.value.errors) == ["resolution"]
    issue = issue_resolve(actor=world.users["pm_related"], issue=issue, resolution="Restarted", version=1)
    assert issue.status == "resolved" and issue.resolved_at is not None
    assert BusinessEvent.objects.filter(verb="issue.resolved").count() == 1
    # Reopening clears the stamp; a stale version writes nothing.
    issue = issue_update(actor=world.users["pm_related"], issue=issue, version=issue.version, status="open")
    assert issue.resolved_at is None
    with pytest.raises(StaleVersion):
        issue_update(actor=world.users["pm_related"], issue=issue, version=1, title="stale")


def test_owner_edits_and_resolves_others_do_not(world):
    owner = world.users["member_related"]
    issue = log(world, owner=owner)
    issue = issue_update(actor=owner, issue=issue, version=issue.version, status="in_progress")
    assert issue.status == "in_progress"
    assert BusinessEvent.objects.filter(verb="issue.status_changed").count() == 1
    with pytest.raises(Forbidden):
        issue_resolve(actor=world.users["self"], issue=issue, resolution="x")
    with pytest.raises(Forbidden):
        issue_update(actor=world.users["am_related"], issue=issue, version=issue.version, title="x")


def test_owner_must_be_staff_on_the_project(world):
    with pytest.raises(ValidationFailed) as exc:
        log(world, owner=world.users["client_related"])
    assert "owner" in exc.value.errors


@pytest.mark.parametrize(
    ("actor", "sees"),
    [("pm_related", True), ("lm_related", True), ("am_related", True), ("client_related", False),
     ("pm_unrelated", False)],
)  # fmt: skip
def test_issue_list_scope(world, actor, sees):
    log(world)
    assert issue_list(user=world.users[actor]).exists() == sees


def test_open_only_leaves_out_resolved_and_closed(world):
    log(world)
    done = log(world, title="done")
    issue_resolve(actor=world.users["pm_related"], issue=done, resolution="fixed")
    assert [i.title for i in issue_list(user=world.users["pm_related"], open_only=True)] == ["Server down"]


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
def test_issue_pages_access(client, world, actor, status):
    issue = log(world)
    if actor != "anonymous":
        client.force_login(world.users[actor])
    p = world.project.pk
    for url in (
        reverse("projects:issues", args=[p]),
        reverse("projects:issue_detail", args=[p, issue.pk]),
        reverse("projects:issue_create", args=[p]),
    ):
        assert client.get(url).status_code == status, url
    edit = client.get(reverse("projects:issue_edit", args=[p, issue.pk])).status_code
    assert edit == (200 if actor in ("admin", "pm_related") else 403 if status == 200 else status)
    client.post(reverse("projects:issue_resolve", args=[p, issue.pk]), {"resolution": "done", "version": 1})
    issue.refresh_from_db()
    assert (issue.status == "resolved") == (actor in ("admin", "pm_related"))


def test_issue_log_flags_overdue_and_filters(client, world):
    today = timezone.localdate()
    log(world, title="Late one", due=today - timedelta(days=2), priority="high")
    log(world, title="Fine one", due=today + timedelta(days=2), priority="low")
    client.force_login(world.users["pm_related"])
    url = reverse("projects:issues", args=[world.project.pk])
    html = client.get(url).content.decode()
    assert html.count("tp-overdue") == 1
    html = client.get(url, {"priority": "low"}).content.decode()
    assert "Fine one" in html and "Late one" not in html


def test_issue_form_create_and_edit(client, world):
    client.force_login(world.users["pm_related"])
    p = world.project.pk
    response = client.post(reverse("projects:issue_create", args=[p]), {"title": "", "priority": "medium"})
    assert response.status_code == 200 and not IssueLogEntry.objects.exists()
    response = client.post(reverse("projects:issue_create", args=[p]), {"title": "Outage", "priority": "high"})
    assert response.status_code == 302
    data = {"title": "Outage", "priority": "high", "status": "closed", "resolution": "", "version": 1}
    edit = reverse("projects:issue_edit", args=[p, IssueLogEntry.objects.get().pk])
    response = client.post(edit, data)
    assert response.status_code == 200 and "Say how the issue was resolved." in response.content.decode()
    response = client.post(edit, {**data, "resolution": "Fixed"})
    assert response.status_code == 302
    assert IssueLogEntry.objects.get().status == "closed"


def test_issue_pages_query_counts_are_flat(client, world):
    client.force_login(world.users["pm_related"])
    p = world.project.pk

    def build(n):
        risk = risk_create(actor=world.users["pm_related"], project=world.project, title="r")
        for i in range(n):
            log(world, title=f"I {i}", owner=world.users["member_related"], risk=risk if i % 2 else None)

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    build(3)
    second = IssueLogEntry.objects.get(number=2)
    url, detail = reverse("projects:issues", args=[p]), reverse("projects:issue_detail", args=[p, second.pk])
    queries(url)
    few = (queries(url), queries(detail))
    build(30)
    assert (queries(url), queries(detail)) == few


def test_issue_form_pages_query_counts_are_flat(client, world):
    from tests.factories import make_user
    from tripod.identity.models import Role
    from tripod.projects.models import ProjectMember

    issue = log(world)
    client.force_login(world.users["pm_related"])
    p = world.project.pk
    pages = [reverse("projects:issue_create", args=[p]), reverse("projects:issue_edit", args=[p, issue.pk])]

    def counts():
        result = []
        for url in pages:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result.append(len(ctx.captured_queries))
        return result

    for _ in range(3):
        ProjectMember.objects.create(project=world.project, user=make_user(Role.MEMBER))
    counts()
    few = counts()
    for _ in range(30):
        ProjectMember.objects.create(project=world.project, user=make_user(Role.MEMBER))
    assert counts() == few
