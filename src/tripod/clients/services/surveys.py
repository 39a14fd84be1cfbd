"""Writes on surveys: create, send (one private link per contact, e-mailed in the contact's language), close, the
public answer, and the periodic job that creates the quarterly, project-close and milestone surveys.

Who: admins, the client's owning AM and account team create, send and close (``can_manage_surveys``). The answer
needs no login: the private token is the credential; in the client portal, the login of the invited contact stands in
for it (``survey_answer_portal``). The periodic job runs as the system (no actor).

One answer per invitation: a second answer through the same link is refused (:class:`SurveyAlreadyAnswered`), never
merged or overwritten. A detractor's score may already have put a follow-up on the AM's list; letting the score
change afterwards would leave that follow-up pointing at an answer that no longer exists.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from tripod.clients.access.surveys import can_manage_surveys
from tripod.clients.models import Client, Contact, PortalUser, Survey, SurveyInvitation, SurveyResponse
from tripod.clients.services.interactions import followup_create_automatic
from tripod.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update
from tripod.identity.models import Role

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits; never guessed
OPEN_DAYS = 30  # a survey without a closing time collects answers for this long after it is first sent
QUARTERLY_EVERY_DAYS = 90
PROJECT_CLOSE_LOOKBACK_DAYS = 60
MILESTONE_LOOKBACK_DAYS = 14
FOLLOW_UP_DAYS = 2
FOLLOW_UP_TEXT_MAX = 300  # FollowUp.text
MAX_COMMENT = 2000

Kind = Survey.Kind
Trigger = Survey.Trigger


class SurveyAlreadyAnswered(DomainError):
    """The invitation was answered already; the first answer stands."""

    status = 409
    default_message = gettext_lazy("You have already answered this survey. Your first answer stands; thank you!")


def is_detractor(kind: str, score: int) -> bool:
    """NPS 0-6, CSAT 1-2."""
    return score <= 6 if kind == Kind.NPS else score <= 2


def survey_link(token: str) -> str:
    """The absolute public link of a token (built on TRIPOD_BASE_URL)."""
    base = getattr(settings, "TRIPOD_BASE_URL", "").rstrip("/")
    return base + reverse("clients:survey_answer", args=[token])


# --- create, send, close ----------------------------------------------------------------------------------------------
@transaction.atomic
def survey_create(
    *,
    actor: Any,
    client: Client,
    kind: str,
    title: str,
    question: str = "",
    trigger: str | None = None,
    project: Any = None,
    task: Any = None,
    closes_at: datetime | None = None,
) -> Survey:
    """A new survey (a draft until sent). ``trigger`` defaults to milestone when ``task`` is given, else manual; a
    milestone's project is taken from the milestone."""
    if not can_manage_surveys(actor, client):
        raise Forbidden()
    if closes_at is not None and closes_at <= timezone.now():
        raise ValidationFailed({"closes_at": [gettext("Choose a closing time in the future.")]})
    return _survey_create(
        actor=actor,
        client=client,
        kind=kind,
        title=title,
        question=question,
        trigger=trigger,
        project=project,
        task=task,
        closes_at=closes_at,
    )


def _survey_create(
    *,
    actor: Any,
    client: Client,
    kind: str,
    title: str,
    question: str = "",
    trigger: str | None = None,
    project: Any = None,
    task: Any = None,
    closes_at: datetime | None = None,
) -> Survey:
    if kind not in Kind.values:
        raise ValidationFailed({"kind": [gettext("Choose CSAT or NPS.")]})
    if task is not None:
        if task.kind != "milestone":
            raise ValidationFailed({"task": [gettext("Choose a milestone, not an ordinary task.")]})
        if project is None:
            project = task.project
        elif task.project_id != project.pk:
            raise ValidationFailed({"task": [gettext("The milestone must belong to the survey's project.")]})
    if project is not None and project.client_id != client.pk:
        raise ValidationFailed({"project": [gettext("Choose one of this client's projects.")]})
    trigger = trigger or (Trigger.MILESTONE if task is not None else Trigger.MANUAL)
    if trigger == Trigger.MILESTONE and task is None:
        raise ValidationFailed({"task": [gettext("A milestone survey needs its milestone.")]})
    if trigger == Trigger.PROJECT_CLOSE and project is None:
        raise ValidationFailed({"project": [gettext("A project-close survey needs its project.")]})
    survey = tracked_create(
        Survey,
        actor=actor,
        client=client,
        project=project,
        task=task,
        kind=kind,
        title=(title or "").strip(),
        question=(question or "").strip(),
        trigger=trigger,
        closes_at=closes_at,
    )
    business_event_record(actor=actor, verb="survey.created", target=survey, data={"kind": kind, "trigger": trigger})
    return survey


@transaction.atomic
def survey_send(
    *, actor: Any, survey: Survey, contacts: Iterable[Contact], now: datetime | None = None, email: bool = True
) -> list[SurveyInvitation]:
    """Invite ``contacts`` (of the survey's client, with an e-mail address); contacts already invited are skipped.

    Each invitation gets its own private link, e-mailed once the transaction commits, in the contact's language. The
    returned invitations carry the raw token in ``.token`` (it is not stored; see the models module). ``now``: when
    it was sent (default: now; the demo back-dates); ``email=False`` records the invitations without e-mailing."""
    if not can_manage_surveys(actor, survey.client):
        raise Forbidden()
    return _survey_send(actor=actor, survey=survey, contacts=list(contacts), now=now, email=email)


def _check_recipients(survey: Survey, contacts: list[Contact]) -> list[Contact]:
    if not contacts:
        raise ValidationFailed({"contacts": [gettext("Choose at least one contact.")]})
    if any(contact.client_id != survey.client_id for contact in contacts):
        raise ValidationFailed({"contacts": [gettext("Only the client's own contacts can be invited.")]})
    unreachable = sorted(contact.name for contact in contacts if not contact.email)
    if unreachable:
        message = gettext("No e-mail address for: %(names)s.") % {"names": ", ".join(unreachable)}
        raise ValidationFailed({"contacts": [message]})
    invited = set(survey.invitations.values_list("contact_id", flat=True))
    fresh = [contact for contact in {c.pk: c for c in contacts}.values() if contact.pk not in invited]
    if not fresh:
        raise ValidationFailed({"contacts": [gettext("These contacts are already invited.")]})
    return fresh


def _contact_languages(contacts: list[Contact]) -> dict[Any, str]:
    """Each contact's language if it is known (on the contact, or on the portal login bound to them), else ""."""
    portal = dict(
        PortalUser.objects.filter(contact__in=contacts)
        .exclude(user__language="")
        .values_list("contact_id", "user__language")
    )
    return {contact.pk: getattr(contact, "language", "") or portal.get(contact.pk, "") for contact in contacts}


def _survey_send(
    *, actor: Any, survey: Survey, contacts: list[Contact], now: datetime | None, email: bool
) -> list[SurveyInvitation]:
    now = now or timezone.now()
    locked = Survey.objects.select_for_update().select_related("client").get(pk=survey.pk)
    if locked.closes_at is not None and locked.closes_at <= now:
        raise ValidationFailed({"closes_at": [gettext("This survey is closed; create a new one to ask again.")]})
    fresh = _check_recipients(locked, contacts)
    changes = {"sent_at": locked.sent_at or now, "closes_at": locked.closes_at or now + timedelta(days=OPEN_DAYS)}
    locked, _changed = versioned_update(locked, actor=actor, version=None, changes=changes)
    languages = _contact_languages(fresh)
    invitations = []
    for contact in fresh:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        invitation = tracked_create(
            SurveyInvitation,
            actor=actor,
            survey=locked,
            contact=contact,
            token_hash=SurveyInvitation.hash_token(token),
            language=languages[contact.pk],
            sent_at=now,
            expires_at=locked.closes_at,
        )
        invitation.token = token  # type: ignore[attr-defined]  # handed back once, never stored
        invitations.append(invitation)
        if email:
            # Sent in this process after commit, not through the task queue: a queued task would store the raw
            # token in the queue's table.
            transaction.on_commit(partial(invitation_email_send, invitation_id=invitation.pk, token=token))
    business_event_record(actor=actor, verb="survey.sent", target=locked, data={"invited": len(invitations)})
    survey.sent_at, survey.closes_at, survey.version = locked.sent_at, locked.closes_at, locked.version
    return invitations


def invitation_email_send(*, invitation_id: int, token: str) -> bool:
    """E-mail one invitation's private link to its contact, in the invitation's language."""
    invitation = SurveyInvitation.objects.select_related("survey__client", "contact").filter(pk=invitation_id).first()
    if invitation is None or not invitation.contact.email:
        return False
    survey = invitation.survey
    with translation.override(invitation.language or settings.LANGUAGE_CODE):
        closes = date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT")
        subject = gettext("A quick question from your project team: %(title)s") % {"title": survey.title}
        lines = [
            gettext("Dear %(name)s,") % {"name": invitation.contact.name},
            "",
            survey.question_text,
            "",
            gettext("Answering takes less than a minute:"),
            survey_link(token),
            "",
            gettext("This link is yours alone and works once, until %(date)s.") % {"date": closes},
            gettext("Thank you for your time."),
        ]
        send_mail(subject, "\n".join(lines), None, [invitation.contact.email])
    return True


@transaction.atomic
def survey_close(*, actor: Any, survey: Survey, now: datetime | None = None) -> Survey:
    """Stop collecting answers now; the links of those who have not answered stop working."""
    if not can_manage_surveys(actor, survey.client):
        raise Forbidden()
    now = now or timezone.now()
    if survey.closes_at is not None and survey.closes_at <= now:
        raise ValidationFailed({"closes_at": [gettext("This survey is already closed.")]})
    survey, _changed = versioned_update(survey, actor=actor, version=None, changes={"closes_at": now})
    business_event_record(actor=actor, verb="survey.closed", target=survey)
    return survey


# --- the public answer ------------------------------------------------------------------------------------------------
def invitation_open(invitation: SurveyInvitation, now: datetime) -> bool:
    """Whether the link still works: not expired and its survey not closed (answered or not)."""
    closes_at = invitation.survey.closes_at
    return invitation.expires_at > now and (closes_at is None or closes_at > now)


def _check_answer(survey: Survey, score: Any, comment: str) -> tuple[int, str]:
    low, high = survey.score_range
    if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
        message = gettext("The score must be a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
        raise ValidationFailed({"score": [message]})
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        message = gettext("Keep the comment under %(max)s characters.") % {"max": MAX_COMMENT}
        raise ValidationFailed({"comment": [message]})
    return score, comment


@transaction.atomic
def survey_answer(*, token: str, score: int, comment: str = "", now: datetime | None = None) -> SurveyResponse:
    """Record a contact's answer through their private link.

    An unknown token and an expired one are the same :class:`NotFound` (the page must not tell them apart); a
    second answer raises :class:`SurveyAlreadyAnswered`. A detractor's answer (NPS 0-6, CSAT 1-2) puts a follow-up
    on the owning AM's list and records ``survey.detractor``."""
    now = now or timezone.now()
    token = token or ""
    invitation = None
    if 0 < len(token) <= SurveyInvitation.MAX_TOKEN_LENGTH:
        invitation = (
            SurveyInvitation.objects.select_for_update(of=("self",))  # the owner AM is an outer join: lock only the row
            .select_related("survey__client__owner_am", "contact")
            .filter(token_hash=SurveyInvitation.hash_token(token))
            .first()
        )
    if invitation is None or not invitation_open(invitation, now):
        raise NotFound(gettext("Survey link"))
    return _record_answer(invitation, score=score, comment=comment, now=now, actor=None)


@transaction.atomic
def survey_answer_portal(
    *, actor: Any, invitation: SurveyInvitation, score: int, comment: str = "", now: datetime | None = None
) -> SurveyResponse:
    """Record the answer a client-portal user gives in the portal to an invitation sent to their own contact.

    The portal login stands in for the private link (whose token is not stored): only the portal user bound to the
    invited contact may answer, anyone else is refused (:class:`Forbidden`). Otherwise the same rules as the link:
    an expired invitation or a closed survey is :class:`NotFound`, a second answer :class:`SurveyAlreadyAnswered`,
    the same score range and comment limit, and a detractor's answer puts the same follow-up on the AM's list."""
    binding = (
        PortalUser.objects.filter(user=actor).values_list("client_id", "contact_id").first()
        if getattr(actor, "is_authenticated", False) and actor.is_active and Role.CLIENT in actor.roles
        else None
    )
    if binding is None or binding[1] is None or binding[1] != invitation.contact_id:
        raise Forbidden()
    now = now or timezone.now()
    locked = (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .select_related("survey__client__owner_am", "contact")
        .get(pk=invitation.pk)
    )
    if locked.survey.client_id != binding[0] or not invitation_open(locked, now):
        raise NotFound(gettext("Survey"))
    return _record_answer(locked, score=score, comment=comment, now=now, actor=actor)


def _record_answer(
    invitation: SurveyInvitation, *, score: Any, comment: str, now: datetime, actor: Any
) -> SurveyResponse:
    """Write the answer on the locked, open ``invitation`` (once), record ``survey.answered`` and, for a detractor,
    the AM's follow-up. ``actor``: the portal user answering, None through the private link."""
    if invitation.answered_at is not None:
        raise SurveyAlreadyAnswered()
    survey = invitation.survey
    score, comment = _check_answer(survey, score, comment)
    response = tracked_create(
        SurveyResponse, actor=actor, invitation=invitation, score=score, comment=comment, answered_at=now
    )
    invitation.answered_at = now
    invitation.version += 1
    invitation._change_reason = "answered"
    invitation.save()
    data = {"score": score, "contact": invitation.contact_id, "response": response.pk}
    if actor is not None:
        data["via"] = "portal"
    business_event_record(actor=actor, verb="survey.answered", target=survey, data=data)
    if is_detractor(survey.kind, score):
        _detractor_follow_up(invitation, response)
    return response


def _detractor_follow_up(invitation: SurveyInvitation, response: SurveyResponse) -> None:
    """Put a call-back on the owning AM's list, written in the AM's language, and record ``survey.detractor``. The
    follow-up is the system's (the respondent is not a user), due two days after the answer."""
    survey = invitation.survey
    owner = survey.client.owner_am
    with translation.override(getattr(owner, "language", "") or settings.LANGUAGE_CODE):
        text = gettext("Call %(contact)s: scored %(score)s of %(high)s in “%(survey)s”.") % {
            "contact": invitation.contact.name,
            "score": response.score,
            "high": survey.score_range[1],
            "survey": survey.title,
        }
        if response.comment:
            text += " " + gettext("Comment: %(comment)s") % {"comment": response.comment}
    followup = followup_create_automatic(
        client=survey.client,
        text=Truncator(text).chars(FOLLOW_UP_TEXT_MAX),
        due=timezone.localdate(response.answered_at) + timedelta(days=FOLLOW_UP_DAYS),
        reason="survey.detractor",
    )
    data = {"score": response.score, "contact": invitation.contact_id, "response": response.pk, "followup": followup.pk}
    business_event_record(actor=None, verb="survey.detractor", target=survey, data=data)


# --- the periodic job -------------------------------------------------------------------------------------------------
def _moment(today: date) -> datetime:
    """When a run for ``today`` happens: now if today is today, else 09:00 local on that day (back-filling)."""
    if today == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(today, time(9, 0)))


def _reachable_contacts(client: Client) -> list[Contact]:
    return [contact for contact in client.contacts.all() if contact.email]


def _create_and_send(*, client: Client, now: datetime, email: bool, **fields: Any) -> bool:
    contacts = _reachable_contacts(client)
    if not contacts:
        return False
    survey = _survey_create(actor=None, client=client, **fields)
    _survey_send(actor=None, survey=survey, contacts=contacts, now=now, email=email)
    return True


# Titles of automatic surveys are written in the site's language: they are data, read by everyone alike.
PROJECT_CLOSE_TITLE = gettext_noop("Project close: %(project)s")
MILESTONE_TITLE = gettext_noop("Milestone: %(milestone)s (%(project)s)")


def _system_title(message: str, **values: Any) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return (gettext(message) % values)[:200]


def _quarterly(now: datetime, email: bool) -> int:
    cutoff = now - timedelta(days=QUARTERLY_EVERY_DAYS)
    recent = Survey.objects.filter(client=OuterRef("pk"), kind=Kind.NPS).filter(
        Q(sent_at__gt=cutoff) | Q(sent_at__isnull=True, created_at__gt=cutoff)
    )
    clients = Client.objects.filter(status=Client.Status.ACTIVE).exclude(Exists(recent)).prefetch_related("contacts")
    local = timezone.localdate(now)
    title = f"NPS {local.year} Q{(local.month - 1) // 3 + 1}"
    created = 0
    for client in clients:
        created += _create_and_send(
            client=client, now=now, email=email, kind=Kind.NPS, title=title, trigger=Trigger.QUARTERLY
        )
    return created


def _project_close(now: datetime, email: bool) -> int:
    project_model = Survey._meta.get_field("project").related_model
    cutoff = now - timedelta(days=PROJECT_CLOSE_LOOKBACK_DAYS)
    closed = "closed"
    projects = (
        project_model.objects.filter(phase=closed)
        .filter(Q(gates__to_phase=closed, gates__decided_at__gte=cutoff) | Q(updated_at__gte=cutoff))
        .exclude(surveys__trigger=Trigger.PROJECT_CLOSE)
        .select_related("client")
        .prefetch_related("client__contacts")
        .distinct()
        .order_by("code")
    )
    created = 0
    for project in projects:
        title = _system_title(PROJECT_CLOSE_TITLE, project=project.name)
        created += _create_and_send(
            client=project.client,
            now=now,
            email=email,
            kind=Kind.CSAT,
            title=title,
            trigger=Trigger.PROJECT_CLOSE,
            project=project,
        )
    return created


def _milestones(now: datetime, email: bool) -> int:
    task_model = Survey._meta.get_field("task").related_model
    cutoff = now - timedelta(days=MILESTONE_LOOKBACK_DAYS)
    milestones = (
        task_model.objects.filter(kind="milestone", percent_complete=100)
        .filter(
            Q(actual_finish__gte=cutoff, actual_finish__lte=now) | Q(actual_finish__isnull=True, updated_at__gte=cutoff)
        )
        .exclude(surveys__isnull=False)
        .select_related("project__client")
        .prefetch_related("project__client__contacts")
        .order_by("project_id", "position")
    )
    created = 0
    for milestone in milestones:
        project = milestone.project
        title = _system_title(MILESTONE_TITLE, milestone=milestone.name, project=project.code)
        created += _create_and_send(
            client=project.client,
            now=now,
            email=email,
            kind=Kind.CSAT,
            title=title,
            trigger=Trigger.MILESTONE,
            project=project,
            task=milestone,
        )
    return created


@transaction.atomic
def surveys_due(*, today: date, email: bool = True) -> dict[str, int]:
    """Create and send the surveys that are due on ``today``; run daily. Safe to run again: nothing is sent twice.

    - quarterly NPS to every active client whose last NPS survey is more than 90 days old;
    - project-close CSAT for each project that reached the closed phase recently (60 days) without one;
    - milestone CSAT for each milestone completed in the last 14 days that has none.
    Each goes to all the client's contacts with an e-mail address (a client without any is skipped)."""
    now = _moment(today)
    return {
        "quarterly": _quarterly(now, email),
        "project_close": _project_close(now, email),
        "milestone": _milestones(now, email),
    }
