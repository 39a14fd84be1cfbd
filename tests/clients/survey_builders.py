"""Builders for the survey tests, through the real services: contacts, surveys sent to them, answers, milestones
and closed projects."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from tripod.clients.models import Client, Contact, Survey, SurveyInvitation
from tripod.clients.services import contact_create
from tripod.clients.services.surveys import survey_answer, survey_create, survey_send
from tripod.projects.models import Project, Task
from tripod.projects.services.gates import gate_checklist, next_phase, phase_advance
from tripod.projects.services.wbs import task_create


def add_contacts(
    actor, client: Client, count: int = 3, *, prefix: str = "Contact", email: bool = True
) -> list[Contact]:
    return [
        contact_create(
            actor=actor,
            client=client,
            name=f"{prefix} {n}",
            email=f"{prefix.lower().replace(' ', '.')}{n}@{client.pk}.example" if email else "",
        )
        for n in range(1, count + 1)
    ]


def send_survey(
    actor,
    client: Client,
    contacts: Iterable[Contact],
    *,
    kind: str = Survey.Kind.NPS,
    title: str = "Quarterly check",
    now: datetime | None = None,
    **fields,
) -> tuple[Survey, list[SurveyInvitation]]:
    """A survey created and sent by ``actor``; the invitations carry their raw ``.token``."""
    survey = survey_create(actor=actor, client=client, kind=kind, title=title, **fields)
    invitations = survey_send(actor=actor, survey=survey, contacts=contacts, now=now)
    survey.refresh_from_db()
    return survey, invitations


def answer(invitations: list[SurveyInvitation], scores: Iterable[int], *, now: datetime | None = None) -> None:
    for invitation, score in zip(invitations, scores, strict=False):
        survey_answer(token=invitation.token, score=score, comment="", now=now)


def milestone(project: Project, name: str = "Go-live", *, finished: datetime | None = None) -> Task:
    """A milestone of ``project`` made by its PM; completed at ``finished`` when given."""
    fields = {"percent_complete": 100, "actual_finish": finished} if finished else {}
    return task_create(actor=project.pm, project=project, name=name, kind=Task.Kind.MILESTONE, **fields)


def close_project(project: Project) -> Project:
    """Walk ``project`` through every gate to the closed phase, as its PM."""
    while (to := next_phase(project.phase)) is not None:
        phase_advance(
            actor=project.pm,
            project=project,
            to_phase=to,
            decision="passed",
            checklist=gate_checklist(project.phase),
            note="",
        )
        project.refresh_from_db()
    return project
