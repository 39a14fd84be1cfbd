"""Budget by WBS element: an amount planned for a task or summary (money as Decimal, in the project's currency)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.core.models import TrackedModel
from tripod.projects.models.project import Project
from tripod.projects.models.wbs import Task


class BudgetLine(TrackedModel):
    class Category(models.TextChoices):
        LABOUR = "labour", _("Labour")
        EXPENSE = "expense", _("Expenses")
        MATERIAL = "material", _("Material")
        CONTINGENCY = "contingency", _("Contingency")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("WBS element"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="budget_lines",
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, default=Category.LABOUR)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["project", "task__position", "category"]

    def __str__(self) -> str:
        return f"{self.task or self.project}: {self.amount}"
