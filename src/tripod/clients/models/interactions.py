"""What happened between us and the client (meetings, calls, e-mails, visits, events, content downloads, demos) and
the follow-ups the account team owes them afterwards."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.clients.models.accounts import Client, Contact
from tripod.core.models import TrackedModel

__all__ = ["FollowUp", "Interaction"]


class Interaction(TrackedModel):
    """One touch point with the client, at a moment (stored in UTC), with the contacts who took part. It may concern
    one of the client's projects and one of its opportunities. A time still to come is a planned interaction."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Call")
        EMAIL = "email", _("E-mail")
        VISIT = "visit", _("Visit")
        EVENT = "event", _("Event")
        CONTENT_DOWNLOAD = "content_download", _("Content download")
        DEMO = "demo", _("Demo")

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("We reached out")
        INBOUND = "inbound", _("The client reached out")

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="interactions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    direction = models.CharField(
        _("initiated by"), max_length=10, choices=Direction.choices, default=Direction.OUTBOUND
    )
    at = models.DateTimeField(_("when"), db_index=True)
    subject = models.CharField(_("subject"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    contacts = models.ManyToManyField(Contact, verbose_name=_("contacts"), blank=True, related_name="interactions")
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    opportunity = models.ForeignKey(
        "clients.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[contacts])

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "at"])]

    def __str__(self) -> str:
        return self.subject


class FollowUp(TrackedModel):
    """Something someone on our side owes the client by a date, after an interaction or on its own."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="followups")
    interaction = models.ForeignKey(
        Interaction,
        verbose_name=_("interaction"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups",
    )
    text = models.CharField(_("what to do"), max_length=300)
    due = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["owner", "done_at", "due"])]

    def __str__(self) -> str:
        return self.text
