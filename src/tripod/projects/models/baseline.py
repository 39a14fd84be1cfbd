"""Baselines: numbered snapshots of the plan (dates, duration, work, budget) to measure variance against."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tripod.projects.models.project import Project
from tripod.projects.models.wbs import Task


class Baseline(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="baselines")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=120, blank=True)
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("taken by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="baseline_number_unique")]

    def __str__(self) -> str:
        return self.name or str(_("Baseline %(n)s") % {"n": self.number})


class BaselineTask(models.Model):
    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="baseline_rows")
    start = models.DateTimeField(_("baseline start"), null=True)
    finish = models.DateTimeField(_("baseline finish"), null=True)
    duration_min = models.PositiveIntegerField(_("baseline duration"), default=0)
    work_min = models.PositiveIntegerField(_("baseline work"), default=0)
    cost = models.DecimalField(_("baseline cost"), max_digits=14, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = _("baseline task")
        verbose_name_plural = _("baseline tasks")
        constraints = [models.UniqueConstraint(fields=["baseline", "task"], name="baselinetask_unique")]

    def __str__(self) -> str:
        return f"{self.baseline_id}:{self.task_id}"
