"""Projects, their members and their phase gates."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.clients.models import Client
from tripod.core.models import Calendar, TrackedModel


def default_task_statuses() -> list[dict[str, object]]:
    """The standard task workflow: to do, in progress, in review, done (``done`` closes a task)."""
    return [
        {"code": "todo", "label": "To do", "wip": None, "done": False},
        {"code": "in_progress", "label": "In progress", "wip": None, "done": False},
        {"code": "in_review", "label": "In review", "wip": None, "done": False},
        {"code": "done", "label": "Done", "wip": None, "done": True},
    ]


class Project(TrackedModel):
    class Phase(models.TextChoices):
        INITIATING = "initiating", _("Initiating")
        PLANNING = "planning", _("Planning")
        EXECUTING = "executing", _("Executing")
        MONITORING = "monitoring", _("Monitoring and controlling")
        CLOSING = "closing", _("Closing")
        CLOSED = "closed", _("Closed")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="projects")
    pm = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_projects",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        blank=True,
        through="ProjectMember",
        related_name="projects",
    )
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, default=Phase.INITIATING)
    calendar = models.ForeignKey(
        Calendar,
        verbose_name=_("calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    start = models.DateField(_("start"), null=True, blank=True)
    target_finish = models.DateField(_("target finish"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    objectives = models.TextField(_("objectives"), blank=True)
    scope_statement = models.TextField(_("scope statement"), blank=True)
    contract_reference = models.CharField(_("contract"), max_length=100, blank=True)
    status_date = models.DateField(
        _("status date"), null=True, blank=True, help_text=_("Progress is measured as of this date; empty is today.")
    )
    task_statuses = models.JSONField(
        _("task statuses"),
        default=default_task_statuses,
        blank=True,
        help_text=_("The task workflow of this project's board, in order, with optional WIP limits."),
    )
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True, editable=False)
    schedule_error = models.TextField(_("scheduling problem"), blank=True, editable=False)
    schedule_progress = models.PositiveSmallIntegerField(
        _("scheduling progress (%)"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set while a large plan is being scheduled in the background."),
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_finish__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(target_finish__gte=models.F("start")),
                name="project_finish_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProjectMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships")
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="projectmember_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.project}"


class PhaseGate(TrackedModel):
    """A decision to leave a phase: who decided, when, against which checklist."""

    class Decision(models.TextChoices):
        PASSED = "passed", _("Passed")
        PASSED_WITH_CONDITIONS = "conditional", _("Passed with conditions")
        HELD = "held", _("Held")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="gates")
    from_phase = models.CharField(_("from phase"), max_length=16, choices=Project.Phase.choices)
    to_phase = models.CharField(_("to phase"), max_length=16, choices=Project.Phase.choices)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, default=Decision.PASSED)
    checklist = models.JSONField(
        _("checklist"), default=list, blank=True, help_text=_('Items as {"item": text, "done": true/false}.')
    )
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"))
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("phase gate")
        verbose_name_plural = _("phase gates")
        ordering = ["project", "decided_at"]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_phase} → {self.to_phase}"
