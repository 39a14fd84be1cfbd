"""Complaints and tickets under SLA: policies with per-severity targets counted in business time, tickets with
their SLA clock, and the comment thread (public replies and internal notes).

The clock fields are written by ``clients.services.tickets`` only: a ticket's targets are copied from its policy
when it is opened (and again when its severity changes), so editing a policy later never rewrites history.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.clients.models.accounts import Client, Contact
from tripod.core.models import Calendar, TrackedModel

__all__ = ["SlaPolicy", "SlaTarget", "Ticket", "TicketComment", "TicketSeverity"]


class TicketSeverity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class SlaPolicy(TrackedModel):
    """How fast the firm answers and resolves a client's ticket, per severity, in the business hours of a calendar."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    calendar = models.ForeignKey(
        Calendar, verbose_name=_("business hours"), on_delete=models.PROTECT, related_name="sla_policies"
    )
    escalation_percent = models.PositiveSmallIntegerField(
        _("escalate at (percent of target)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("The assignee and the account manager are alerted when this share of a target has elapsed."),
    )
    is_default = models.BooleanField(_("default policy"), default=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="sla_policy_one_default")
        ]

    def __str__(self) -> str:
        return self.name


class SlaTarget(TrackedModel):
    """The targets of one severity under a policy, in business minutes of the policy's calendar."""

    policy = models.ForeignKey(
        SlaPolicy, verbose_name=_("SLA policy"), on_delete=models.CASCADE, related_name="targets"
    )
    severity = models.CharField(_("severity"), max_length=10, choices=TicketSeverity.choices)
    first_response_minutes = models.PositiveIntegerField(_("first response (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (business minutes)"))
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["policy", "severity"]
        constraints = [models.UniqueConstraint(fields=["policy", "severity"], name="sla_target_one_per_severity")]

    def __str__(self) -> str:
        return f"{self.policy} · {self.get_severity_display()}"


class Ticket(TrackedModel):
    """A complaint, question, incident or request from a client, worked under an SLA policy."""

    Severity = TicketSeverity

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        QUESTION = "question", _("Question")
        INCIDENT = "incident", _("Incident")
        REQUEST = "request", _("Request")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        WAITING_ON_CLIENT = "waiting_on_client", _("Waiting on client")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    DONE = (Status.RESOLVED, Status.CLOSED)

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="tickets")
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.QUESTION)
    severity = models.CharField(
        _("severity"), max_length=10, choices=TicketSeverity.choices, default=TicketSeverity.MEDIUM
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_tickets",
    )
    reporter_contact = models.ForeignKey(
        Contact,
        verbose_name=_("reporting contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    resolution = models.TextField(_("resolution"), blank=True)

    # --- the SLA clock (business minutes of the policy's calendar) ---
    policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    opened_at = models.DateTimeField(_("opened at"), db_index=True)
    response_target_minutes = models.PositiveIntegerField(
        _("first response target (business minutes)"), null=True, blank=True
    )
    resolution_target_minutes = models.PositiveIntegerField(
        _("resolution target (business minutes)"), null=True, blank=True
    )
    first_responded_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    response_minutes = models.PositiveIntegerField(
        _("time to first response (business minutes)"), null=True, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(_("time to resolution (business minutes)"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(_("paused (business minutes)"), default=0)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    response_escalated_at = models.DateTimeField(_("first response escalated at"), null=True, blank=True)
    resolution_escalated_at = models.DateTimeField(_("resolution escalated at"), null=True, blank=True)
    response_breached = models.BooleanField(_("first response breached"), default=False)
    resolution_breached = models.BooleanField(_("resolution breached"), default=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "opened_at"]), models.Index(fields=["client", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_done(self) -> bool:
        return self.status in self.DONE

    @property
    def breached(self) -> bool:
        return self.response_breached or self.resolution_breached


class TicketComment(TrackedModel):
    """One message on a ticket's thread. Internal notes are for the firm's staff and never reach the portal."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="ticket_comments"
    )
    body = models.TextField(_("comment"))
    internal = models.BooleanField(_("internal note"), default=False)
    at = models.DateTimeField(_("at"))
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("ticket comment")
        verbose_name_plural = _("ticket comments")
        ordering = ["ticket", "at", "id"]

    def __str__(self) -> str:
        return self.body[:60]
