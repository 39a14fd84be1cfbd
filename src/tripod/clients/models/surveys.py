"""Satisfaction surveys: CSAT (1-5) and NPS (0-10), sent to a client's contacts at a milestone, at project close,
every quarter or by hand; each contact answers once through a private link.

The link's token is stored only as its SHA-256 hash (like API tokens): whoever reads the database, a backup or the
history tables cannot answer in a client's name. The raw token exists only in the e-mail sent to the contact, so
a lost link is replaced by inviting again, not shown again.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.clients.models.accounts import Client, Contact
from tripod.core.models import TrackedModel

__all__ = ["Survey", "SurveyInvitation", "SurveyResponse"]

DEFAULT_QUESTIONS = {
    "csat": _("How satisfied are you with our work?"),
    "nps": _("How likely is it that you would recommend us to a friend or colleague?"),
}


class Survey(TrackedModel):
    class Kind(models.TextChoices):
        CSAT = "csat", _("CSAT (1-5)")
        NPS = "nps", _("NPS (0-10)")

    class Trigger(models.TextChoices):
        MILESTONE = "milestone", _("Milestone reached")
        PROJECT_CLOSE = "project_close", _("Project closed")
        QUARTERLY = "quarterly", _("Quarterly")
        MANUAL = "manual", _("Manual")

    class Status(models.TextChoices):
        """Derived from the dates, never stored: not sent yet, collecting answers, closed."""

        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    # The range of a score, per kind.
    SCORE_RANGE = {Kind.CSAT: (1, 5), Kind.NPS: (0, 10)}

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="surveys")
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
    )
    task = models.ForeignKey(
        "projects.Task",
        verbose_name=_("milestone"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.NPS)
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(
        _("question"), blank=True, help_text=_("Leave empty to ask the standard question in each contact's language.")
    )
    trigger = models.CharField(_("trigger"), max_length=16, choices=Trigger.choices, default=Trigger.MANUAL)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "kind", "sent_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def question_text(self) -> str:
        """The question as asked: the survey's own wording, or the standard one in the active language."""
        return self.question or str(DEFAULT_QUESTIONS[self.kind])

    @property
    def score_range(self) -> tuple[int, int]:
        return self.SCORE_RANGE[self.kind]

    @property
    def status(self) -> str:
        if self.sent_at is None:
            return self.Status.DRAFT
        if self.closes_at is not None and self.closes_at <= timezone.now():
            return self.Status.CLOSED
        return self.Status.OPEN

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)


class SurveyInvitation(TrackedModel):
    """One contact asked to answer one survey, through a private link that works once and until it expires."""

    MAX_TOKEN_LENGTH = 100  # tokens are 43 characters; anything much longer is not one of ours

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="invitations")
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="survey_invitations"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("The contact's language, when known.")
    )
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["survey", "contact__name", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "contact"], name="survey_invitation_once")]

    def __str__(self) -> str:
        return f"{self.survey} → {self.contact}"

    @staticmethod
    def hash_token(token: str) -> str:
        """What is stored of a link's token: its SHA-256, in hex."""
        return hashlib.sha256(token.encode()).hexdigest()


class SurveyResponse(TrackedModel):
    """A contact's answer: the score (its range depends on the survey's kind) and an optional comment."""

    invitation = models.OneToOneField(
        SurveyInvitation, verbose_name=_("invitation"), on_delete=models.CASCADE, related_name="response"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-answered_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(score__lte=10), name="survey_score_max_10")]

    def __str__(self) -> str:
        return f"{self.invitation} = {self.score}"
