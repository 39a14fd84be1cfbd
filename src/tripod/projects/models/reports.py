"""Status reports: a weekly or bi-weekly account of a project, drafted from its data and written up by the PM."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.core.models import TrackedModel
from tripod.projects.models.project import Project


class Rag(models.TextChoices):
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")


class StatusReport(TrackedModel):
    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        BIWEEKLY = "biweekly", _("Bi-weekly")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="status_reports"
    )
    cadence = models.CharField(_("cadence"), max_length=8, choices=Cadence.choices, default=Cadence.WEEKLY)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status_date = models.DateField(_("status date"))
    rag = models.CharField(_("overall"), max_length=5, choices=Rag.choices, default=Rag.GREEN)
    schedule_rag = models.CharField(_("schedule"), max_length=5, choices=Rag.choices, default=Rag.GREEN)
    cost_rag = models.CharField(_("cost"), max_length=5, choices=Rag.choices, default=Rag.GREEN)
    facts = models.JSONField(
        _("figures"),
        default=dict,
        blank=True,
        help_text=_("The figures the draft was generated from, kept as they were."),
    )
    rag_reason = models.TextField(
        _("reason for the overall status"),
        blank=True,
        help_text=_("Required when the overall status differs from the one computed from the figures."),
    )
    narrative = models.TextField(_("narrative"), blank=True)
    client_summary = models.TextField(
        _("summary for the client"), blank=True, help_text=_("What the client's portal users read.")
    )
    shareable = models.BooleanField(_("shared with the client"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["project", "-period_end"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period_end"], name="statusreport_one_per_period"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="statusreport_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.period_end}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
