"""Requirements and their confirmation records, traceability to the WBS, change requests.

A requirement is what the client needs, in the client's words, carried from the account manager to the project:
captured -> clarified -> confirmed -> in scope / out of scope (of the contract) -> delivered -> accepted, or rejected
(we decline it) or withdrawn (the client no longer wants it). Confirming a requirement, and the client's acceptance of
what was delivered, each leave a confirmation record: who at the client said so, when, how, in which exact words or
with which document. Transitions are made by ``tripod.scope.services`` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.clients.models import Client, Contact
from tripod.core.models import Attachment, TrackedModel
from tripod.projects.models import Project, Task

__all__ = ["Confirmation", "Requirement", "RequirementTrace"]


class Requirement(TrackedModel):
    class Priority(models.TextChoices):
        """MoSCoW: what the client must have, should have, could have, and won't have this time."""

        MUST = "must", _("Must have")
        SHOULD = "should", _("Should have")
        COULD = "could", _("Could have")
        WONT = "wont", _("Won't have this time")

    class Status(models.TextChoices):
        CAPTURED = "captured", _("Captured")
        CLARIFIED = "clarified", _("Clarified")
        CONFIRMED = "confirmed", _("Confirmed")
        IN_SCOPE = "in_scope", _("In scope")
        OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
        DELIVERED = "delivered", _("Delivered")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # No further change once a requirement is in one of these.
    CLOSED = (Status.ACCEPTED, Status.REJECTED, Status.WITHDRAWN)
    # A change of what the client asked for sends these back to "clarified", to be confirmed again.
    CONFIRMED_STATES = (Status.CONFIRMED, Status.IN_SCOPE, Status.OUT_OF_SCOPE)

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="requirements")
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requirements",
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    reference = models.CharField(_("reference"), max_length=20, editable=False)
    title = models.CharField(_("title"), max_length=200)
    statement = models.TextField(_("statement"), help_text=_("What the client needs, in the client's words."))
    acceptance_criteria = models.TextField(
        _("acceptance criteria"), blank=True, help_text=_("How the client will judge that it was delivered.")
    )
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.SHOULD)
    source_contact = models.ForeignKey(
        Contact,
        verbose_name=_("source contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requirements_raised",
        help_text=_("The person at the client who asked for it."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CAPTURED)
    contract = models.ForeignKey(
        "clients.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requirements",
    )
    scope_reason = models.TextField(
        _("scope decision"), blank=True, help_text=_("Why the requirement is in or out of the contract's scope.")
    )
    closing_reason = models.TextField(_("reason"), blank=True, help_text=_("Why it was rejected or withdrawn."))
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("For the account and project teams; never shown to the client.")
    )
    status_since = models.DateTimeField(_("in this status since"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, editable=False)
    # status_since moves with every status change, which the history already shows.
    history = HistoricalRecords(excluded_fields=["updated_at", "status_since"])

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["client_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="requirement_number_unique"),
            models.UniqueConstraint(fields=["client", "reference"], name="requirement_reference_unique"),
        ]
        indexes = [models.Index(fields=["client", "status"]), models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    @property
    def awaits_confirmation(self) -> bool:
        return self.status == self.Status.CLARIFIED


class Confirmation(TrackedModel):
    """The record that someone at the client confirmed a requirement (or accepted its delivery): who, when, how, and
    the exact words they used or the document they signed. ``statement`` keeps the requirement's text as it stood
    when it was confirmed; a later change of the statement supersedes the record (it stays, as history)."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation")
        ACCEPTANCE = "acceptance", _("Acceptance")

    class Channel(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        EMAIL = "email", _("Email")
        CALL = "call", _("Call")
        SIGNED_DOCUMENT = "signed_document", _("Signed document")
        PORTAL = "portal", _("Client portal")

    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.CASCADE, related_name="confirmations"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CONFIRMATION)
    contact = models.ForeignKey(
        Contact, verbose_name=_("confirmed by"), on_delete=models.PROTECT, related_name="confirmations"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    wording = models.TextField(_("exact wording"), blank=True, help_text=_("The client's words, verbatim."))
    statement = models.TextField(_("statement confirmed"), editable=False)
    acceptance_criteria = models.TextField(_("acceptance criteria confirmed"), blank=True, editable=False)
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("attachment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("confirmation record")
        verbose_name_plural = _("confirmation records")
        ordering = ["-confirmed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.requirement_id} {self.kind} {self.contact_id} {self.confirmed_at:%Y-%m-%d}"


class RequirementTrace(TrackedModel):
    """A requirement is delivered by this WBS task (a deliverable when ``Task.deliverable`` is set)."""

    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.CASCADE, related_name="traces"
    )
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="requirement_traces")
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("requirement trace")
        verbose_name_plural = _("requirement traces")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["requirement", "task"], name="requirement_trace_unique")]

    def __str__(self) -> str:
        return f"{self.requirement_id} -> {self.task_id}"
