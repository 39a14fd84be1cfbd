"""Builders for the portal tests: the requirement world (tests/scope/requirement_builders.py: clients C1 and C2,
projects P1 and P2, portal users bound to a contact at each) dressed with what a portal page could leak if it were
wrong: a risk, a budget, draft and unshared reports, internal ticket notes, and the other client's records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from tests.clients.survey_builders import send_survey
from tests.clients.ticket_builders import make_policy
from tests.projects.report_builders import make_baseline, make_milestone, make_report, make_risk
from tests.scope.requirement_builders import ScopeWorld, build_scope_world, walk
from tripod.clients.models import Client, SurveyInvitation, Ticket
from tripod.clients.services.tickets import ticket_comment, ticket_open
from tripod.projects.models import Project, StatusReport
from tripod.scope.models import Requirement
from tripod.scope.services import requirement_capture

OTHER_CLIENT = "Globex Rival 竞争者"
RISK_TITLE = "Vendor insolvency threatens the data migration"
BUDGET = Decimal("987654.00")
INTERNAL_NOTE = "INTERNAL: the vendor patch is late again, do not tell the client"
PUBLIC_REPLY = "We are looking into the export problem."
SHARED_SUMMARY = "Design complete; build started on schedule."
DRAFT_SUMMARY = "Draft summary nobody has approved"
UNSHARED_SUMMARY = "Published but kept internal"
OTHER_SUMMARY = "Globex summary for their own eyes"
NARRATIVE = "Narrative: the PM's own words about the team"


@dataclass
class PortalWorld:
    sw: ScopeWorld
    other_project: Project
    shared_report: StatusReport
    other_report: StatusReport
    ticket: Ticket
    other_ticket: Ticket
    clarified: Requirement
    delivered: Requirement
    other_requirement: Requirement
    invitation: SurveyInvitation
    other_invitation: SurveyInvitation

    @property
    def users(self):
        return self.sw.users

    @property
    def client(self) -> Client:
        return self.sw.client

    @property
    def project(self) -> Project:
        return self.sw.project

    @property
    def portal(self):
        return self.sw.users["client_related"]

    @property
    def other_portal(self):
        return self.sw.users["client_unrelated"]


def _published(project: Project, period_end: date, *, shareable: bool, summary: str, **fields) -> StatusReport:
    return make_report(
        project,
        period_end,
        client_summary=summary,
        narrative=NARRATIVE,
        shareable=shareable,
        published_at=timezone.now() - timedelta(days=1),
        **fields,
    )


def build_portal_world() -> PortalWorld:
    sw = build_scope_world()
    users = sw.users
    am, other_am = users["am_related"], users["am_unrelated"]
    Client.objects.filter(pk=sw.other_client.pk).update(name=OTHER_CLIENT)
    sw.other_client.refresh_from_db()
    Project.objects.filter(pk=sw.project.pk).update(budget=BUDGET)
    other_project = Project.objects.get(code="P2")

    # Projects: milestones (one done), a baseline, reports in every state, a risk.
    today = timezone.localdate()
    kickoff = make_milestone(sw.project, "Kick-off signed", 90, today - timedelta(days=20), percent_complete=100)
    golive = make_milestone(sw.project, "Go-live 上线", 91, today + timedelta(days=40))
    make_baseline(sw.project, {kickoff: today - timedelta(days=21), golive: today + timedelta(days=30)})
    make_milestone(other_project, "Globex cut-over", 1, today + timedelta(days=10))
    shared = _published(sw.project, today - timedelta(days=7), shareable=True, summary=SHARED_SUMMARY, rag="amber")
    _published(sw.project, today - timedelta(days=14), shareable=False, summary=UNSHARED_SUMMARY)
    make_report(sw.project, today, client_summary=DRAFT_SUMMARY, narrative=NARRATIVE, shareable=True)
    other_report = _published(other_project, today - timedelta(days=7), shareable=True, summary=OTHER_SUMMARY)
    make_risk(sw.project, 1, 5, 5, title=RISK_TITLE)

    # Tickets: one of each client, with a public reply and an internal note on C1's.
    make_policy(users["admin"])
    ticket = ticket_open(actor=users["client_related"], client=sw.client, subject="Export fails")
    ticket_comment(actor=am, ticket=ticket, body=PUBLIC_REPLY)
    ticket_comment(actor=am, ticket=ticket, body=INTERNAL_NOTE, internal=True)
    other_ticket = ticket_open(actor=other_am, client=sw.other_client, subject="Globex invoice question")

    # Requirements: one awaiting confirmation, one delivered, one of the other client.
    clarified = walk(sw, Requirement.Status.CLARIFIED, title="Single sign-on", internal_notes="Margin is thin here")
    delivered = walk(sw, Requirement.Status.DELIVERED, title="Monthly export")
    other_requirement = requirement_capture(
        actor=other_am,
        client=sw.other_client,
        title="Globex warehouse feed",
        statement="Feed the warehouse nightly.",
        source_contact=sw.other_contact,
    )

    # Surveys: one sent to each portal user's contact.
    sw.portal_contact.email = "qian.li@c1.example"
    sw.portal_contact.save()
    sw.other_contact.email = "laura@globex.example"
    sw.other_contact.save()
    _survey, (invitation,) = send_survey(am, sw.client, [sw.portal_contact], title="Quarterly NPS")
    _other, (other_invitation,) = send_survey(other_am, sw.other_client, [sw.other_contact], title="Globex NPS")
    return PortalWorld(
        sw,
        other_project,
        shared,
        other_report,
        ticket,
        other_ticket,
        clarified,
        delivered,
        other_requirement,
        invitation,
        other_invitation,
    )
