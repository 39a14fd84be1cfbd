"""The delivery side: projects and who works on them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.clients.models import Client
from tripod.core.models import Calendar, TrackedModel


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
