"""Change-request pages: access for every role (the project's list, a change request's page: 200 / 404, writes 403,
the cost delta only for those who see the project's costs), the pages at work (raise from a requirement, add and
remove lines with HTMX, submit, decide, the applied change in the WBS), and query counts that do not grow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.scope.change_request_builders import DAY, add_task_line, build_cr_world, raise_cr, submitted_cr
from tests.scope.requirement_builders import capture
from tripod.projects.models import Task
from tripod.scope.models import ChangeRequest
from tripod.scope.services import change_request_line_add

pytestmark = pytest.mark.django_db

ACTORS = (
    "admin",
    "am_related",
    "am_unrelated",
    "pm_related",
    "pm_unrelated",
    "lm_related",
    "lm_unrelated",
    "member_related",
    "member_unrelated",
    "self",
    "client_related",
    "client_unrelated",
)
# The change request assigns S (managed by lm_related): its line manager sees it too.
SEES = {"admin", "am_related", "pm_related", "member_related", "self", "lm_related"}
SEES_COST = {"admin", "am_related", "pm_related"}


@pytest.fixture
def sw():
    return build_cr_world()


def login(client, sw, actor):
    client.force_login(sw.users[actor])
    return client


def detail(cr):
    return reverse("scope:change_request_detail", args=[cr.pk])


def test_anonymous_users_are_sent_to_log_in(client, sw):
    cr = submitted_cr(sw)
    for url in (reverse("scope:project_change_requests", args=[sw.project.pk]), detail(cr)):
        response = client.get(url)
        assert response.status_code == 302 and reverse("identity:login") in response["Location"]


@pytest.mark.parametrize("actor", ACTORS)
def test_detail_page_per_role(client, sw, actor):
    cr = submitted_cr(sw)
    response = login(client, sw, actor).get(detail(cr))
    assert response.status_code == (200 if actor in SEES else 404)
    if actor in SEES:
        body = response.content.decode()
        assert "Export to the audit format" in body
        assert ('data-testid="cr-cost"' in body) == (actor in SEES_COST)
        assert "321" not in body  # S's rate is never shown, only the total


@pytest.mark.parametrize("actor", ACTORS)
def test_project_list_per_role(client, sw, actor):
    cr = submitted_cr(sw)
    response = login(client, sw, actor).get(reverse("scope:project_change_requests", args=[sw.project.pk]))
    if actor in SEES:
        assert response.status_code == 200
        assert cr.reference in response.content.decode()
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("actor", ["member_related", "self", "lm_related"])
def test_read_only_viewers_cannot_write(client, sw, actor):
    cr = raise_cr(sw)
    line = add_task_line(sw, cr, person=sw.world.person)  # S is affected: lm_related sees it
    c = login(client, sw, actor)
    assert c.get(reverse("scope:change_request_create", args=[sw.project.pk])).status_code == 403
    assert c.get(reverse("scope:change_request_edit", args=[cr.pk])).status_code == 403
    url = reverse("scope:change_request_line_add", args=[cr.pk])
    assert c.post(url, {"kind": "add_task", "name": "x", "duration": "1d"}).status_code == 403
    url = reverse("scope:change_request_line_remove", args=[cr.pk, line.pk])
    assert c.post(url).status_code == 403
    assert c.post(
        reverse("scope:change_request_decide", args=[cr.pk]), {"role": "pm", "decision": "approve"}
    ).status_code in (403, 302)
    assert cr.lines.count() == 1


@pytest.mark.parametrize("actor", ["pm_unrelated", "am_unrelated", "client_related"])
def test_outsiders_get_404_on_writes(client, sw, actor):
    cr = raise_cr(sw)
    c = login(client, sw, actor)
    assert c.post(reverse("scope:change_request_submit", args=[cr.pk])).status_code == 404
    assert (
        c.post(reverse("scope:change_request_decide", args=[cr.pk]), {"role": "pm", "decision": "approve"}).status_code
        == 404
    )
    assert c.get(reverse("scope:change_request_create", args=[sw.project.pk])).status_code == 404


def test_member_decision_is_refused(client, sw):
    cr = submitted_cr(sw)
    response = login(client, sw, "member_related").post(
        reverse("scope:change_request_decide", args=[cr.pk]), {"role": "pm", "decision": "approve"}
    )
    assert response.status_code == 403
    assert not cr.approvals.exists()


# --- the pages at work -----------------------------------------------------------------------------------------------
def test_raise_from_a_requirement_add_lines_with_htmx_and_submit(client, sw):
    requirement = capture(sw)
    c = login(client, sw, "pm_related")
    page = c.get(reverse("scope:requirement_detail", args=[requirement.pk])).content.decode()
    create = reverse("scope:change_request_create", args=[sw.project.pk])
    assert f"{create}?requirement={requirement.pk}" in page
    form = c.get(f"{create}?requirement={requirement.pk}").content.decode()
    assert "Single sign-on" in form
    response = c.post(create, {"title": "SSO", "reason": "Asked", "requirements": [requirement.pk]})
    cr = ChangeRequest.objects.get(title="SSO")
    assert response.status_code == 302 and response["Location"] == detail(cr)
    assert list(cr.requirements.all()) == [requirement]
    add = reverse("scope:change_request_line_add", args=[cr.pk])
    bad = c.post(add, {"kind": "add_task", "name": "", "duration": "5d"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and "Name the task to add." in bad.content.decode()
    bad = c.post(add, {"kind": "add_task", "name": "X", "duration": "soon"}, HTTP_HX_REQUEST="true")
    assert "is not" in bad.content.decode() and not cr.lines.exists()
    good = c.post(
        add,
        {"kind": "add_task", "name": "SSO gateway", "duration": "5d", "predecessors": "2", "skill": "Security"},
        HTTP_HX_REQUEST="true",
    )
    assert good.status_code == 200 and "SSO gateway" in good.content.decode()
    assert cr.lines.get().duration_min == 5 * DAY
    c.post(reverse("scope:change_request_impact", args=[cr.pk]))
    page = c.get(detail(cr)).content.decode()
    assert "5 working days" in page and "Security" in page
    c.post(reverse("scope:change_request_submit", args=[cr.pk]))
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.SUBMITTED
    line = cr.lines.get()
    assert c.post(reverse("scope:change_request_line_remove", args=[cr.pk, line.pk])).status_code == 302
    assert cr.lines.exists()  # a submitted change request's lines no longer change


def test_decisions_through_the_page_apply_the_change(client, sw):
    cr = submitted_cr(sw)
    for actor, role in (("pm_related", "pm"), ("am_related", "am"), ("lm_related", "lm")):
        response = login(client, sw, actor).post(
            reverse("scope:change_request_decide", args=[cr.pk]), {"role": role, "decision": "approve", "comment": "ok"}
        )
        assert response.status_code == 302
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.APPLIED
    assert Task.objects.filter(project=sw.project, name="Export to the audit format").exists()
    page = login(client, sw, "am_related").get(detail(cr)).content.decode()
    assert page.count("ok") >= 3


def test_reject_needs_a_comment_on_the_page(client, sw):
    cr = submitted_cr(sw)
    c = login(client, sw, "am_related")
    c.post(reverse("scope:change_request_decide", args=[cr.pk]), {"role": "am", "decision": "reject"})
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.SUBMITTED
    c.post(reverse("scope:change_request_decide", args=[cr.pk]), {"role": "am", "decision": "reject", "comment": "No"})
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.REJECTED


def test_stale_impact_is_flagged(client, sw):
    cr = submitted_cr(sw)
    from tripod.projects.services.wbs import task_update

    build = Task.objects.get(pk=sw.tasks["Build"].pk)
    task_update(actor=sw.users["pm_related"], task=build, version=build.version, duration_min=4 * DAY)
    page = login(client, sw, "pm_related").get(detail(cr)).content.decode()
    assert "Impact may be stale" in page


# --- query counts ----------------------------------------------------------------------------------------------------
def _many(sw, count):
    for n in range(count):
        cr = raise_cr(sw, title=f"Change {n}")
        for k in range(3):
            add_task_line(sw, cr, name=f"Task {n}.{k}", person=sw.world.person)
        change_request_line_add(
            actor=sw.users["pm_related"],
            change_request=cr,
            kind="change_work",
            task=sw.tasks["Design"],
            work_min=20 * 60,
        )


def _queries(client, django_assert_max_num_queries, url, budget):
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_list_query_count_does_not_grow(client, sw, django_assert_max_num_queries):
    c = login(client, sw, "am_related")
    url = reverse("scope:project_change_requests", args=[sw.project.pk])
    _many(sw, 1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        c.get(url)
    _many(sw, 8)
    _queries(c, django_assert_max_num_queries, url, len(one))


def test_detail_query_count_does_not_grow(client, sw, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = raise_cr(sw)
    add_task_line(sw, small, person=sw.world.person)
    big = raise_cr(sw)
    for k in range(10):
        add_task_line(sw, big, name=f"Task {k}", person=sw.world.person)
    c = login(client, sw, "pm_related")
    with CaptureQueriesContext(connection) as one:
        c.get(detail(small))
    _queries(c, django_assert_max_num_queries, detail(big), len(one))


def test_the_history_never_carries_the_impact(sw):
    """The activity panel shows the history to everyone who sees the change request; the cost delta is not in it."""
    cr = submitted_cr(sw)
    fields = {f.name for f in cr.history.model._meta.get_fields()}
    assert not fields & {"impact", "impact_at", "impact_plan_at"}
    assert cr.history.count() >= 2


def test_any_line_manager_sees_a_submitted_change_that_affects_nobody(client, sw):
    draft = raise_cr(sw)
    add_task_line(sw, draft)  # nobody named: any line manager decides it once submitted
    c = login(client, sw, "lm_unrelated")
    assert c.get(detail(draft)).status_code == 404  # not while it is a draft
    from tripod.scope.services import change_request_submit

    submitted = change_request_submit(actor=sw.users["pm_related"], change_request=draft)
    page = c.get(detail(submitted))
    assert page.status_code == 200 and 'id="cr-decision-form"' in page.content.decode()
    assert 'data-testid="cr-cost"' not in page.content.decode()


def test_the_portal_sees_no_change_requests_anywhere(client, sw):
    cr = submitted_cr(sw)
    requirement = capture(sw)
    c = login(client, sw, "client_related")
    assert c.get(detail(cr)).status_code == 404
    page = c.get(reverse("scope:requirement_detail", args=[requirement.pk])).content.decode()
    assert "change-requests" not in page and "Raise a change request" not in page


def test_edit_and_withdraw_pages(client, sw):
    cr = raise_cr(sw)
    c = login(client, sw, "am_related")
    url = reverse("scope:change_request_edit", args=[cr.pk])
    assert c.get(url).status_code == 200
    response = c.post(url, {"title": "Audit export v2", "reason": "Auditors", "version": cr.version})
    assert response.status_code == 302
    cr.refresh_from_db()
    assert cr.title == "Audit export v2"
    stale = c.post(url, {"title": "Older", "reason": "x", "version": 1})
    assert stale.status_code == 200
    cr.refresh_from_db()
    assert cr.title == "Audit export v2"  # a stale version changes nothing
    withdraw = reverse("scope:change_request_withdraw", args=[cr.pk])
    assert c.post(withdraw, {"reason": ""}).status_code == 200
    assert c.post(withdraw, {"reason": "The client dropped it"}).status_code == 302
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.WITHDRAWN and cr.closing_reason == "The client dropped it"
    assert c.get(url).status_code == 403  # no longer a draft
