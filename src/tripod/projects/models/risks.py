"""The risk register (threats and opportunities, with responses) and the issue log (what has already happened)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.core.models import TrackedModel
from tripod.projects.models.project import Project

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Risk(TrackedModel):
    class Kind(models.TextChoices):
        THREAT = "threat", _("Threat")
        OPPORTUNITY = "opportunity", _("Opportunity")

    class Strategy(models.TextChoices):
        AVOID = "avoid", _("Avoid")
        MITIGATE = "mitigate", _("Mitigate")
        TRANSFER = "transfer", _("Transfer")
        ESCALATE = "escalate", _("Escalate")
        EXPLOIT = "exploit", _("Exploit")
        ENHANCE = "enhance", _("Enhance")
        SHARE = "share", _("Share")
        ACCEPT = "accept", _("Accept")

    THREAT_STRATEGIES = ("avoid", "mitigate", "transfer", "escalate", "accept")
    OPPORTUNITY_STRATEGIES = ("exploit", "enhance", "share", "escalate", "accept")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        OCCURRED = "occurred", _("Occurred")
        CLOSED = "closed", _("Closed")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="risks")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.THREAT)
    cause = models.TextField(_("cause"), blank=True)
    event = models.TextField(_("risk event"), blank=True)
    effect = models.TextField(_("effect"), blank=True)
    probability = models.PositiveSmallIntegerField(_("probability (1-5)"), validators=ONE_TO_FIVE, default=3)
    impact_schedule = models.PositiveSmallIntegerField(_("schedule impact (1-5)"), validators=ONE_TO_FIVE, default=1)
    impact_cost = models.PositiveSmallIntegerField(_("cost impact (1-5)"), validators=ONE_TO_FIVE, default=1)
    impact_quality = models.PositiveSmallIntegerField(_("quality impact (1-5)"), validators=ONE_TO_FIVE, default=1)
    score = models.PositiveSmallIntegerField(
        _("score"), default=3, editable=False, help_text=_("Probability x the highest impact (1-25).")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_risks",
    )
    strategy = models.CharField(_("response strategy"), max_length=10, choices=Strategy.choices, blank=True)
    triggers = models.TextField(_("triggers"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    review_date = models.DateField(_("next review"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["project", "-score", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="risk_number_unique")]

    def __str__(self) -> str:
        return f"R{self.number} {self.title}"


class RiskAction(TrackedModel):
    """A response action: something someone will do by a date to carry out the response strategy."""

    risk = models.ForeignKey(Risk, verbose_name=_("risk"), on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("risk response action")
        verbose_name_plural = _("risk response actions")
        ordering = ["risk", "due", "id"]

    def __str__(self) -> str:
        return self.description


class IssueLogEntry(TrackedModel):
    """An issue: something that has happened and needs resolving (a risk that occurred, or a surprise)."""

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="issues")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due = models.DateField(_("due"), null=True, blank=True)
    risk = models.ForeignKey(
        Risk, verbose_name=_("from risk"), null=True, blank=True, on_delete=models.SET_NULL, related_name="issues"
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issue log")
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="issue_number_unique")]

    def __str__(self) -> str:
        return f"I{self.number} {self.title}"
