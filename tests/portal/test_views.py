"""The client portal's pages: who gets in (the client's own portal users; staff 403, anonymous to the login page),
that another client's records are 404, that nothing internal reaches the HTML, that the client's writes go through
the services and leave their records, and that the pages cost the same queries whatever the number of rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.portal.portal_builders import (
    BUDGET,
    DRAFT_SUMMARY,
    INTERNAL_NOTE,
    NARRATIVE,
    OTHER_CLIENT,
    OTHER_SUMMARY,
    PUBLIC_REPLY,
    RISK_TITLE,
    SHARED_SUMMARY,
    UNSHARED_SUMMARY,
    PortalWorld,
    build_portal_world,
)
from tests.projects.report_builders import make_milestone, make_report
from tests.scope.requirement_builders import S, walk
from tripod.clients.models import FollowUp, SurveyResponse, Ticket, TicketComment
from tripod.clients.services.tickets import ticket_open
from tripod.core.models import BusinessEvent
from tripod.projects.models import Task
from tripod.scope.models import Confirmation, Requirement

pytestmark = pytest.mark.django_db

STAFF = (
    "admin",
    "am_related",
    "am_unrelated",
    "pm_related",
    "pm_unrelated",
    "lm_related",
    "member_related",
    "self",
)


@pytest.fixture
def pw() -> PortalWorld:
    return build_portal_world()


def login(client, user):
    client.force_login(user)
    return client


def pages(pw: PortalWorld) -> dict[str, str]:
    """Every portal page (GET), with the records of client C1 where a page shows one."""
    return {
        "overview": reverse("portal:overview"),
        "project": reverse("portal:project", args=[pw.project.pk]),
        "report": reverse("portal:report", args=[pw.project.pk, pw.shared_report.pk]),
        "requirements": reverse("portal:requirements"),
        "requirement_new": reverse("portal:requirement_new"),
        "requirement": reverse("portal:requirement", args=[pw.clarified.pk]),
        "tickets": reverse("portal:tickets"),
        "ticket_new": reverse("portal:ticket_new"),
        "ticket": reverse("portal:ticket", args=[pw.ticket.pk]),
        "surveys": reverse("portal:surveys"),
        "survey": reverse("portal:survey", args=[pw.invitation.pk]),
    }


RECORD_PAGES = ("project", "report", "requirement", "ticket", "survey")


# --- who gets in ------------------------------------------------------------------------------------------------------
def test_the_clients_portal_user_opens_every_page(client, pw):
    login(client, pw.portal)
    for name, url in pages(pw).items():
        assert client.get(url).status_code == 200, name


def test_another_clients_portal_user_gets_404_on_the_records_and_only_their_own_lists(client, pw):
    login(client, pw.other_portal)
    for name in RECORD_PAGES:
        assert client.get(pages(pw)[name]).status_code == 404, name
    posts = {
        reverse("portal:requirement_confirm", args=[pw.clarified.pk]): {"version": pw.clarified.version},
        reverse("portal:requirement_accept", args=[pw.delivered.pk]): {"version": pw.delivered.version},
        reverse("portal:requirement_refuse", args=[pw.delivered.pk]): {"version": 1, "reason": "No"},
        reverse("portal:ticket_comment", args=[pw.ticket.pk]): {"body": "Hello"},
        reverse("portal:survey", args=[pw.invitation.pk]): {"score": 9},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    assert not Confirmation.objects.filter(requirement=pw.clarified).exists()
    assert not SurveyResponse.objects.exists()
    overview = client.get(pages(pw)["overview"]).content.decode()
    assert OTHER_CLIENT in overview and "Project one" not in overview and SHARED_SUMMARY not in overview
    assert OTHER_SUMMARY in overview


def test_staff_get_403_on_every_portal_page(client, pw):
    for actor in STAFF:
        login(client, pw.users[actor])
        for name, url in pages(pw).items():
            assert client.get(url).status_code == 403, (actor, name)
        response = client.post(reverse("portal:requirement_confirm", args=[pw.clarified.pk]), {"version": 1})
        assert response.status_code == 403, actor
    assert not Confirmation.objects.filter(requirement=pw.clarified).exists()


def test_a_client_login_without_a_portal_binding_gets_403(client, pw):
    from tests.factories import make_user
    from tripod.identity.models import Role

    login(client, make_user(Role.CLIENT))
    assert client.get(reverse("portal:overview")).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, pw):
    for name, url in pages(pw).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert reverse("identity:login") in response["Location"]
    response = client.post(reverse("portal:requirement_confirm", args=[pw.clarified.pk]), {"version": 1})
    assert response.status_code == 302
    assert not Confirmation.objects.filter(requirement=pw.clarified).exists()


# --- nothing internal -------------------------------------------------------------------------------------------------
def test_no_page_shows_anything_internal_or_of_another_client(client, pw):
    login(client, pw.portal)
    leaks = (
        RISK_TITLE,
        str(int(BUDGET)),
        f"{int(BUDGET):,}",
        INTERNAL_NOTE,
        OTHER_CLIENT,
        OTHER_SUMMARY,
        DRAFT_SUMMARY,
        UNSHARED_SUMMARY,
        NARRATIVE,
        "Margin is thin here",
        "Globex",
        "Subject S",
    )
    for name, url in pages(pw).items():
        html = client.get(url).content.decode()
        for leak in leaks:
            assert leak not in html, (name, leak)


def test_the_overview_shows_phase_latest_shared_report_and_milestones(client, pw):
    login(client, pw.portal)
    html = client.get(reverse("portal:overview")).content.decode()
    assert "Project one" in html and SHARED_SUMMARY in html
    assert "Go-live 上线" in html and "Kick-off signed" in html
    assert reverse("portal:report", args=[pw.project.pk, pw.shared_report.pk]) in html
    assert "1 requirement awaits your confirmation" in html
    assert "1 delivery awaits your acceptance" in html
    assert "1 survey to answer" in html


def test_the_project_page_lists_only_the_shared_published_reports_with_planned_and_forecast_dates(client, pw):
    login(client, pw.portal)
    html = client.get(reverse("portal:project", args=[pw.project.pk])).content.decode()
    golive = Task.objects.get(project=pw.project, name="Go-live 上线")
    planned = (timezone.localdate() + timedelta(days=30)).isoformat()  # in the baseline
    forecast = timezone.localdate(golive.finish).isoformat()  # as scheduled now
    assert planned != forecast
    assert f'<td class="tp-num">{planned}</td>\n                <td class="tp-num">{forecast}</td>' in html
    assert html.count(reverse("portal:project", args=[pw.project.pk]) + "reports/") == 1


def test_an_unshared_or_draft_report_is_404_in_the_portal(client, pw):
    login(client, pw.portal)
    for report in pw.project.status_reports.exclude(pk=pw.shared_report.pk):
        assert client.get(reverse("portal:report", args=[pw.project.pk, report.pk])).status_code == 404
    # a report of the other client's project, through this client's project: not found either
    url = reverse("portal:report", args=[pw.project.pk, pw.other_report.pk])
    assert client.get(url).status_code == 404


def test_the_report_page_shows_the_summary_and_status_but_not_the_cost_status(client, pw):
    login(client, pw.portal)
    html = client.get(reverse("portal:report", args=[pw.project.pk, pw.shared_report.pk])).content.decode()
    assert SHARED_SUMMARY in html and "Amber" in html
    assert "Cost" not in html


def test_the_ticket_page_shows_the_public_thread_only(client, pw):
    login(client, pw.portal)
    html = client.get(reverse("portal:ticket", args=[pw.ticket.pk])).content.decode()
    assert PUBLIC_REPLY in html and INTERNAL_NOTE not in html


# --- writes go through the services -----------------------------------------------------------------------------------
def test_confirming_writes_the_confirmation_record_with_the_portal_channel_and_the_exact_wording(client, pw):
    login(client, pw.portal)
    requirement = pw.clarified
    page = client.get(reverse("portal:requirement", args=[requirement.pk])).content.decode()
    assert requirement.statement in page and "I confirm this requirement" in page
    response = client.post(
        reverse("portal:requirement_confirm", args=[requirement.pk]), {"version": requirement.version}
    )
    assert response.status_code == 302
    record = Confirmation.objects.get(requirement=requirement)
    assert record.channel == Confirmation.Channel.PORTAL
    assert record.wording == requirement.statement == record.statement
    assert record.contact == pw.sw.portal_contact and record.recorded_by == pw.portal
    assert Requirement.objects.get(pk=requirement.pk).status == S.CONFIRMED
    assert BusinessEvent.objects.filter(verb="requirement.confirmed", actor=pw.portal).exists()


def test_a_statement_changed_since_it_was_shown_is_not_confirmed(client, pw):
    from tripod.scope.services import requirement_update

    login(client, pw.portal)
    shown = pw.clarified.version
    requirement_update(
        actor=pw.users["am_related"], requirement=pw.clarified, version=shown, statement="A different promise."
    )
    response = client.post(reverse("portal:requirement_confirm", args=[pw.clarified.pk]), {"version": shown})
    assert response.status_code == 302
    assert not Confirmation.objects.filter(requirement=pw.clarified).exists()
    page = client.get(response["Location"]).content.decode()
    assert "A different promise." in page and "changed since you opened it" in page


def test_an_answer_the_requirements_state_does_not_allow_is_explained_and_writes_nothing(client, pw):
    login(client, pw.portal)
    captured = walk(pw.sw, S.CAPTURED, title="Not clarified yet")
    response = client.post(reverse("portal:requirement_confirm", args=[captured.pk]), {"version": captured.version})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Only a clarified requirement can be confirmed" in page
    response = client.post(reverse("portal:requirement_accept", args=[pw.clarified.pk]), {"version": 1})
    assert response.status_code == 302
    assert not Confirmation.objects.filter(requirement__in=[captured, pw.clarified]).exists()


def test_accepting_and_refusing_a_delivery(client, pw):
    login(client, pw.portal)
    delivered = pw.delivered
    response = client.post(reverse("portal:requirement_refuse", args=[delivered.pk]), {"version": delivered.version})
    assert response.status_code == 422 and "reason" in response.context["refuse_form"].errors
    response = client.post(
        reverse("portal:requirement_refuse", args=[delivered.pk]),
        {"version": delivered.version, "reason": "The totals row is missing."},
    )
    assert response.status_code == 302
    assert Requirement.objects.get(pk=delivered.pk).status == S.IN_SCOPE
    again = walk(pw.sw, S.DELIVERED, title="Quarterly export")
    response = client.post(
        reverse("portal:requirement_accept", args=[again.pk]), {"version": again.version, "comment": "Works well."}
    )
    assert response.status_code == 302
    record = Confirmation.objects.get(requirement=again, kind=Confirmation.Kind.ACCEPTANCE)
    assert record.channel == Confirmation.Channel.PORTAL and record.wording == "Works well."
    assert Requirement.objects.get(pk=again.pk).status == S.ACCEPTED


def test_submitting_a_requirement(client, pw):
    login(client, pw.portal)
    url = reverse("portal:requirement_new")
    response = client.post(url, {"title": "", "statement": "", "priority": "must"})
    assert response.status_code == 422 and "title" in response.context["form"].errors
    response = client.post(
        url, {"title": "Audit trail", "statement": "Every change is logged.", "priority": "must", "project": ""}
    )
    assert response.status_code == 302
    requirement = Requirement.objects.get(title="Audit trail")
    assert requirement.client == pw.client and requirement.source_contact == pw.sw.portal_contact
    assert requirement.status == S.CAPTURED and requirement.created_by == pw.portal
    assert "internal_notes" not in response.wsgi_request.POST


def test_opening_a_ticket_and_replying(client, pw):
    login(client, pw.portal)
    response = client.post(reverse("portal:ticket_new"), {"subject": "", "severity": "high"})
    assert response.status_code == 422 and "subject" in response.context["form"].errors
    response = client.post(
        reverse("portal:ticket_new"), {"subject": "Login page is slow", "severity": "high", "description": "Since Mon"}
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(subject="Login page is slow")
    assert ticket.client == pw.client and ticket.reporter == pw.portal
    assert ticket.reporter_contact == pw.sw.portal_contact
    response = client.post(reverse("portal:ticket_comment", args=[ticket.pk]), {"body": "  "})
    assert response.status_code == 422
    response = client.post(reverse("portal:ticket_comment", args=[ticket.pk]), {"body": "Still slow today."})
    assert response.status_code == 302
    comment = TicketComment.objects.get(ticket=ticket)
    assert comment.author == pw.portal and not comment.internal


def test_answering_a_survey_in_the_portal_and_the_detractor_follow_up(client, pw):
    login(client, pw.portal)
    url = reverse("portal:survey", args=[pw.invitation.pk])
    response = client.post(url, {"score": "11"})
    assert response.status_code == 422 and "score" in response.context["form"].errors
    response = client.post(url, {"score": "3", "comment": "Too slow."})
    assert response.status_code == 302
    answer = SurveyResponse.objects.get(invitation=pw.invitation)
    assert answer.score == 3 and answer.comment == "Too slow." and answer.created_by == pw.portal
    assert FollowUp.objects.filter(client=pw.client).exists()
    response = client.get(url)  # answered: no second answer
    assert response.status_code == 302
    html = client.get(reverse("portal:surveys")).content.decode()
    assert "Quarterly NPS" in html and "Answered" in html


# --- the ticket's service level as the client reads it ----------------------------------------------------------------
def test_the_ticket_list_shows_the_client_facing_service_level(client, pw):
    login(client, pw.portal)
    html = client.get(reverse("portal:tickets")).content.decode()
    assert "Export fails" in html and "Globex invoice question" not in html
    assert "Near breach" not in html
    assert any(label in html for label in ("First answer due", "Resolution due", "Past the target time"))


# --- query budgets ----------------------------------------------------------------------------------------------------
def _grow(pw: PortalWorld, n: int) -> None:
    """More of everything a list page shows: projects with milestones and shared reports, requirements, tickets."""
    from tripod.projects.models import Project

    today = timezone.localdate()
    for i in range(n):
        project = Project.objects.create(code=f"PX{i}", name=f"Extra {i}", client=pw.client, pm=pw.users["pm_related"])
        make_milestone(project, f"Milestone {i}", 1, today + timedelta(days=i + 1))
        make_report(project, today - timedelta(days=3), client_summary=f"Summary {i}", shareable=True,
                    published_at=timezone.now())  # fmt: skip
        walk(pw.sw, S.CLARIFIED, title=f"Requirement {i}")
        ticket_open(actor=pw.portal, client=pw.client, subject=f"Ticket {i}")


@pytest.mark.parametrize("page", ["overview", "project", "requirements", "tickets", "surveys", "ticket", "requirement"])
def test_query_counts_do_not_grow_with_the_data(client, pw, page, django_assert_max_num_queries):
    login(client, pw.portal)
    url = pages(pw)[page]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grow(pw, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
