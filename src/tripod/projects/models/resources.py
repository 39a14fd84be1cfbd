"""Who works on which task: assignments of people with units and planned work."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.core.models import TrackedModel
from tripod.people.models import Person
from tripod.projects.models.wbs import Task


class Assignment(TrackedModel):
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="assignments")
    units = models.DecimalField(
        _("units (%)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("1000"))],
        help_text=_("Share of the person's working time on this task; 100 is full time."),
    )
    planned_work_min = models.PositiveIntegerField(_("planned work (minutes)"), default=0)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["task", "person"], name="assignment_unique")]

    def __str__(self) -> str:
        return f"{self.person} on {self.task}"

    @property
    def planned_hours(self) -> Decimal:
        return (Decimal(self.planned_work_min) / 60).quantize(Decimal("0.01"))
