"""Requirement pages: access for every role (lists, detail 200 / 404, writes 403), what the client portal sees and
does (submit, confirm — which writes the confirmation record —, accept), the dialogs offered per state, the
traceability panel, the PM's project and task panels, and query counts that do not grow with the data."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.scope.requirement_builders import S, build_scope_world, capture, complete, walk
from tripod.core.models import BusinessEvent
from tripod.scope.models import Confirmation, Requirement, RequirementTrace
from tripod.scope.services import requirement_trace_add

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
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
SEES = {"admin", "am_related", "pm_related", "member_related", "self", "client_related"}


@pytest.fixture
def sw():
    return build_scope_world()


def login(client, sw, actor):
    client.force_login(sw.users[actor])
    return client


def detail(requirement):
    return reverse("scope:requirement_detail", args=[requirement.pk])


# --- access ----------------------------------------------------------------------------------------------------------
def test_anonymous_users_are_sent_to_log_in(client, sw):
    requirement = capture(sw)
    for url in (reverse("scope:requirements"), detail(requirement)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("identity:login") in response["Location"]


@pytest.mark.parametrize("actor", ACTORS)
def test_list_and_detail_pages_by_role(client, sw, actor):
    requirement = walk(sw, S.IN_SCOPE, internal_notes="Budget is tight — do not mention.")
    requirement_trace_add(actor=sw.users["pm_related"], requirement=requirement, task=sw.tasks["Build"])
    login(client, sw, actor)
    listing = client.get(reverse("scope:requirements"))
    assert listing.status_code == 200
    assert (requirement.reference in listing.content.decode()) == (actor in SEES)
    response = client.get(detail(requirement))
    assert response.status_code == (200 if actor in SEES else 404)
    if actor in SEES:
        html = response.content.decode()
        assert requirement.statement in html
        assert "Yes, that is what we need." in html  # the confirmation record, verbatim
        internal = actor != "client_related"
        assert ("Budget is tight" in html) == internal
        assert ('id="traceability"' in html) == internal
        assert ("Build" in html) == internal


@pytest.mark.parametrize("actor", ACTORS)
def test_client_and_project_pages_by_role(client, sw, actor):
    requirement = capture(sw)
    login(client, sw, actor)
    response = client.get(reverse("scope:client_requirements", args=[sw.client.pk]))
    sees_client = actor in {"admin", "am_related", "pm_related", "member_related", "self", "client_related",
                            "lm_related"}  # fmt: skip
    assert response.status_code == (200 if sees_client else 404)
    if sees_client:
        assert (requirement.reference in response.content.decode()) == (actor in SEES)
    response = client.get(reverse("scope:project_requirements", args=[sw.project.pk]))
    assert response.status_code == (200 if sees_client else 404)
    if sees_client:
        assert (requirement.title in response.content.decode()) == (actor in SEES)


@pytest.mark.parametrize("actor", ACTORS)
def test_task_panel_is_for_staff_who_see_the_plan(client, sw, actor):
    requirement = walk(sw, S.IN_SCOPE)
    requirement_trace_add(actor=sw.users["pm_related"], requirement=requirement, task=sw.tasks["Build"])
    login(client, sw, actor)
    response = client.get(reverse("scope:task_requirements", args=[sw.tasks["Build"].pk]))
    staff_on_project = {"admin", "am_related", "pm_related", "member_related", "self", "lm_related"}
    assert response.status_code == (200 if actor in staff_on_project else 404)
    if response.status_code == 200:
        assert (requirement.reference in response.content.decode()) == (actor in SEES)


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("am_related", 302),
        ("admin", 302),
        ("pm_related", 403),
        ("member_related", 403),
        ("client_related", 403),
        ("am_unrelated", 404),
        ("pm_unrelated", 404),
        ("lm_related", 404),
        ("client_unrelated", 404),
    ],
)
def test_writes_by_role(client, sw, actor, status):
    requirement = capture(sw)
    login(client, sw, actor)
    pk = requirement.pk
    assert client.post(reverse("scope:requirement_clarify", args=[pk])).status_code == status
    edit_status = 200 if status == 302 else status
    assert client.get(reverse("scope:requirement_edit", args=[pk])).status_code == edit_status
    assert client.get(reverse("scope:requirement_reject", args=[pk])).status_code == edit_status
    assert client.get(reverse("scope:requirement_scope", args=[pk])).status_code == edit_status
    expected = S.CLARIFIED if status == 302 else S.CAPTURED
    assert Requirement.objects.get(pk=pk).status == expected


@pytest.mark.parametrize(
    ("actor", "status"),
    [("pm_related", 302), ("am_related", 302), ("member_related", 403), ("client_related", 403), ("pm_unrelated", 404)],
)
def test_trace_writes_by_role(client, sw, actor, status):
    requirement = walk(sw, S.IN_SCOPE)
    login(client, sw, actor)
    url = reverse("scope:requirement_trace_add", args=[requirement.pk])
    assert client.post(url, {"task": sw.tasks["Build"].pk}).status_code == status
    assert RequirementTrace.objects.exists() == (status == 302)


# --- capture and edit ------------------------------------------------------------------------------------------------
def test_the_am_captures_from_the_client_page(client, sw):
    login(client, sw, "am_related")
    url = reverse("scope:requirement_create") + f"?client={sw.client.pk}&project={sw.project.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"title": "Audit log", "statement": "Every change is logged.", "priority": "must", "project": sw.project.pk,
         "source_contact": sw.cio.pk},
    )  # fmt: skip
    requirement = Requirement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(requirement)
    assert (requirement.client, requirement.project, requirement.source_contact) == (sw.client, sw.project, sw.cio)


def test_the_am_picks_the_client_when_none_is_given(client, sw):
    login(client, sw, "am_related")
    url = reverse("scope:requirement_create")
    html = client.get(url).content.decode()
    assert "C1" in html and "C2" not in html
    response = client.post(url, {"client": sw.other_client.pk, "title": "X", "statement": "Y", "priority": "must"})
    assert response.status_code == 200  # not a client this AM looks after
    assert not Requirement.objects.exists()
    client.post(url, {"client": sw.client.pk, "title": "X", "statement": "Y", "priority": "must"})
    assert Requirement.objects.get().client == sw.client


def test_a_portal_user_submits_a_requirement(client, sw):
    login(client, sw, "client_related")
    url = reverse("scope:requirement_create")
    html = client.get(url).content.decode()
    assert 'name="internal_notes"' not in html and 'name="source_contact"' not in html
    response = client.post(url, {"title": "Dark mode", "statement": "The app follows the phone's theme.",
                                 "priority": "could"})  # fmt: skip
    requirement = Requirement.objects.get()
    assert response.status_code == 302
    assert (requirement.client, requirement.source_contact) == (sw.client, sw.portal_contact)


@pytest.mark.parametrize("actor", ["pm_related", "member_related", "lm_related"])
def test_staff_outside_the_account_cannot_capture(client, sw, actor):
    login(client, sw, actor)
    assert client.get(reverse("scope:requirement_create")).status_code == 403
    assert client.get(reverse("scope:requirement_create") + f"?client={sw.client.pk}").status_code in (403, 404)


def test_editing_a_confirmed_statement_warns_and_sends_it_back(client, sw):
    requirement = walk(sw, S.CONFIRMED)
    login(client, sw, "am_related")
    url = reverse("scope:requirement_edit", args=[requirement.pk])
    assert "new confirmation" in client.get(url).content.decode()
    data = {"title": requirement.title, "statement": "Now with two-factor login.", "priority": "should",
            "project": sw.project.pk, "source_contact": sw.cio.pk, "version": requirement.version}  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert Requirement.objects.get().status == S.CLARIFIED
    response = client.post(url, data)  # the same, stale version again
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()


# --- the dialogs of each state ---------------------------------------------------------------------------------------
DIALOGS = {
    S.CAPTURED: {"reject", "withdraw"},
    S.CLARIFIED: {"confirm", "reject", "withdraw"},
    S.CONFIRMED: {"scope", "reject", "withdraw"},
    S.IN_SCOPE: {"scope", "withdraw"},
    S.OUT_OF_SCOPE: {"scope", "reject", "withdraw"},
    S.DELIVERED: {"accept", "refuse"},
    S.ACCEPTED: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}
ALL_DIALOGS = {"confirm", "accept", "refuse", "scope", "reject", "withdraw"}


@pytest.mark.parametrize("status", S.values)
def test_the_am_is_offered_the_actions_of_the_state(client, sw, status):
    requirement = walk(sw, status)
    html = login(client, sw, "am_related").get(detail(requirement)).content.decode()
    offered = {key for key in ALL_DIALOGS if f'id="dialog-{key}"' in html}
    assert offered == DIALOGS[status]
    assert ("Mark clarified" in html) == (status == S.CAPTURED)
    assert ("Mark delivered" in html) == (status == S.IN_SCOPE)


@pytest.mark.parametrize("status", S.values)
def test_the_portal_user_is_offered_confirm_and_accept_only(client, sw, status):
    requirement = walk(sw, status)
    html = login(client, sw, "client_related").get(detail(requirement)).content.decode()
    offered = {key for key in ALL_DIALOGS if f'id="dialog-{key}"' in html}
    expected = {S.CLARIFIED: {"confirm"}, S.DELIVERED: {"accept", "refuse"}}.get(status, set())
    assert offered == expected


def test_members_only_read(client, sw):
    requirement = walk(sw, S.IN_SCOPE)
    html = login(client, sw, "member_related").get(detail(requirement)).content.decode()
    assert 'id="dialog-' not in html
    assert "Mark delivered" not in html
    assert reverse("scope:requirement_trace_add", args=[requirement.pk]) not in html


# --- confirmation through the pages ---------------------------------------------------------------------------------
def test_a_portal_user_confirms_through_the_portal_and_the_record_is_shown(client, sw):
    requirement = walk(sw, S.CLARIFIED)
    login(client, sw, "client_related")
    url = reverse("scope:requirement_confirm", args=[requirement.pk])
    page = client.get(url).content.decode()
    assert requirement.statement in page
    response = client.post(url, {"version": requirement.version})
    assert response.status_code == 302
    confirmation = Confirmation.objects.get()
    assert (confirmation.channel, confirmation.contact, confirmation.wording) == (
        "portal", sw.portal_contact, requirement.statement
    )  # fmt: skip
    html = client.get(detail(requirement)).content.decode()
    assert "Given through the client portal" in html
    assert sw.portal_contact.name in html


def test_a_portal_confirmation_of_an_outdated_text_is_refused(client, sw):
    requirement = walk(sw, S.CLARIFIED)
    login(client, sw, "client_related")
    url = reverse("scope:requirement_confirm", args=[requirement.pk])
    response = client.post(url, {"version": requirement.version - 1})
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    assert not Confirmation.objects.exists()


def test_another_clients_portal_user_cannot_reach_the_confirmation(client, sw):
    requirement = walk(sw, S.CLARIFIED)
    login(client, sw, "client_unrelated")
    assert client.post(reverse("scope:requirement_confirm", args=[requirement.pk]), {}).status_code == 404
    assert not Confirmation.objects.exists()


def test_the_am_records_a_signed_document_and_the_client_downloads_it(client, sw):
    requirement = walk(sw, S.CLARIFIED)
    login(client, sw, "am_related")
    url = reverse("scope:requirement_confirm", args=[requirement.pk])
    response = client.post(
        url,
        {"version": requirement.version, "contact": sw.cio.pk, "channel": "signed_document", "wording": "",
         "attachment": SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf")},
    )  # fmt: skip
    assert response.status_code == 302
    confirmation = Confirmation.objects.get()
    file_url = reverse("scope:confirmation_file", args=[requirement.pk, confirmation.pk])
    assert file_url in client.get(detail(requirement)).content.decode()
    for actor, expected in (("client_related", 200), ("member_related", 200), ("client_unrelated", 404)):
        login(client, sw, actor)
        assert client.get(file_url).status_code == expected


def test_a_refused_confirmation_shows_the_errors_on_the_form(client, sw):
    requirement = walk(sw, S.CLARIFIED)
    login(client, sw, "am_related")
    response = client.post(reverse("scope:requirement_confirm", args=[requirement.pk]),
                           {"version": requirement.version, "channel": "call", "contact": sw.cio.pk})  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "Record the client&#x27;s exact words" in html  # the service's reason, on the wording field
    assert 'id="id_wording_error"' in html or "is-invalid" in html
    assert not Confirmation.objects.exists()


def test_delivery_refused_until_the_tasks_are_complete(client, sw):
    requirement = walk(sw, S.IN_SCOPE)
    requirement_trace_add(actor=sw.users["pm_related"], requirement=requirement, task=sw.tasks["Build"])
    login(client, sw, "pm_related")
    url = reverse("scope:requirement_deliver", args=[requirement.pk])
    response = client.post(url, {"version": requirement.version}, follow=True)
    assert "not complete yet" in response.content.decode()
    assert Requirement.objects.get().status == S.IN_SCOPE
    complete(sw, "Build")
    client.post(url, {"version": requirement.version})
    assert Requirement.objects.get().status == S.DELIVERED
    assert BusinessEvent.objects.filter(verb="requirement.delivered").exists()


def test_scope_and_close_pages(client, sw):
    requirement = walk(sw, S.CONFIRMED)
    login(client, sw, "am_related")
    url = reverse("scope:requirement_scope", args=[requirement.pk])
    response = client.post(url, {"version": requirement.version, "decision": "out", "reason": ""})
    assert "outside the contract" in response.content.decode()
    client.post(url, {"version": requirement.version, "decision": "out", "reason": "Needs a change request."})
    requirement = Requirement.objects.get()
    assert requirement.status == S.OUT_OF_SCOPE
    client.post(reverse("scope:requirement_reject", args=[requirement.pk]),
                {"version": requirement.version, "reason": "Too costly."})  # fmt: skip
    assert Requirement.objects.get().status == S.REJECTED


def test_the_trace_panel_links_and_unlinks_tasks(client, sw):
    requirement = walk(sw, S.IN_SCOPE)
    login(client, sw, "pm_related")
    client.post(reverse("scope:requirement_trace_add", args=[requirement.pk]), {"task": sw.tasks["Build"].pk})
    trace = RequirementTrace.objects.get()
    html = client.get(detail(requirement)).content.decode()
    assert reverse("scope:requirement_trace_remove", args=[requirement.pk, trace.pk]) in html
    client.post(reverse("scope:requirement_trace_remove", args=[requirement.pk, trace.pk]))
    assert not RequirementTrace.objects.exists()


# --- query budgets ---------------------------------------------------------------------------------------------------
def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("actor", ["am_related", "pm_related", "client_related"])
def test_list_pages_query_counts_are_flat(client, sw, actor):
    walk(sw, S.IN_SCOPE)
    login(client, sw, actor)
    pages = [
        reverse("scope:requirements"),
        reverse("scope:client_requirements", args=[sw.client.pk]),
        reverse("scope:project_requirements", args=[sw.project.pk]),
    ]
    [_queries(client, url) for url in pages]
    few = [_queries(client, url) for url in pages]
    for n in range(8):
        requirement = walk(sw, S.IN_SCOPE, title=f"Requirement {n}")
        requirement_trace_add(actor=sw.users["pm_related"], requirement=requirement, task=sw.tasks["Build"])
    assert [_queries(client, url) for url in pages] == few


@pytest.mark.parametrize("actor", ["am_related", "pm_related", "client_related"])
def test_detail_page_query_count_is_flat(client, sw, actor):
    requirement = walk(sw, S.IN_SCOPE)
    pm = sw.users["pm_related"]
    requirement_trace_add(actor=pm, requirement=requirement, task=sw.tasks["Build"])
    login(client, sw, actor)
    url = detail(requirement)
    _queries(client, url)
    few = _queries(client, url)
    requirement_trace_add(actor=pm, requirement=requirement, task=sw.tasks["Design"])
    requirement_trace_add(actor=pm, requirement=requirement, task=sw.tasks["Hand-over"])
    Confirmation.objects.bulk_create(
        Confirmation(requirement=requirement, contact=sw.cio, confirmed_at=c.confirmed_at, channel="email",
                     wording=f"Again {n}", statement=requirement.statement, recorded_by=sw.users["am_related"])
        for n, c in enumerate([Confirmation.objects.get()] * 5)
    )  # fmt: skip
    assert _queries(client, url) == few


def test_task_panel_query_count_is_flat(client, sw):
    login(client, sw, "pm_related")
    url = reverse("scope:task_requirements", args=[sw.tasks["Build"].pk])
    _queries(client, url)
    few = _queries(client, url)
    for n in range(5):
        requirement = walk(sw, S.IN_SCOPE, title=f"R{n}")
        requirement_trace_add(actor=sw.users["pm_related"], requirement=requirement, task=sw.tasks["Build"])
    assert _queries(client, url) == few
