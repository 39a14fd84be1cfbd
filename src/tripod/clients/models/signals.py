"""Buying signals: rules an admin configures over the account's records (content downloads, a new decision maker, a
renewal coming up, the decision makers going quiet, a detractor's answer), and the signals they raise on a client,
each with the records that triggered it (its evidence)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.clients.models.accounts import Client
from tripod.clients.models.interactions import FollowUp
from tripod.core.models import TrackedModel

__all__ = ["Signal", "SignalEvidence", "SignalRule"]


class SignalRule(TrackedModel):
    """What to look for, and how loudly to say it. ``parameters`` hold the kind's thresholds (see
    ``clients.services.signals.KIND_PARAMETERS``); the service validates them, naming the parameter."""

    class Kind(models.TextChoices):
        CONTENT_DOWNLOADS = "content_downloads", _("Content downloads")
        NEW_DECISION_MAKER = "new_decision_maker", _("New decision maker")
        RENEWAL_DUE = "renewal_due", _("Renewal due")
        GOING_QUIET = "going_quiet", _("Decision makers going quiet")
        DETRACTOR = "detractor", _("Detractor answer")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    # How much a signal of each severity weighs when clients are ordered by the attention they need.
    WEIGHTS = {"low": 1, "medium": 2, "high": 3}

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    active = models.BooleanField(_("active"), default=True, help_text=_("Inactive rules raise no new signals."))
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("signal rule")
        verbose_name_plural = _("signal rules")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def weight(self) -> int:
        return self.WEIGHTS.get(self.severity, 1)


class Signal(TrackedModel):
    """A rule fired on a client. Open until someone on the account team acknowledges it, dismisses it (with a
    reason) or acts on it; new evidence for the same rule and client extends a signal still open or acknowledged."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        DISMISSED = "dismissed", _("Dismissed")
        ACTED = "acted", _("Acted on")

    LIVE = ("open", "acknowledged")

    rule = models.ForeignKey(SignalRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="signals")
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="signals")
    raised_at = models.DateTimeField(_("raised at"), db_index=True)
    last_evidence_at = models.DateTimeField(_("latest evidence at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(_("note"), blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    followup = models.ForeignKey(
        FollowUp,
        verbose_name=_("follow-up"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signals",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["client", "rule", "status"])]

    def __str__(self) -> str:
        return f"{self.rule} · {self.client}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE


class SignalEvidence(models.Model):
    """One record that triggered a signal (an interaction, a contact, a contract, a survey answer), with a label
    written when it was found, so the signal still reads if the record is later deleted."""

    signal = models.ForeignKey(Signal, verbose_name=_("signal"), on_delete=models.CASCADE, related_name="evidence")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(_("label"), max_length=300)
    at = models.DateTimeField(_("when"), null=True, blank=True)
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("signal evidence")
        verbose_name_plural = _("signal evidence")
        ordering = ["signal", "at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["signal", "content_type", "object_id"], name="signal_evidence_once"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.label
