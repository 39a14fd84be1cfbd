"""The line side: teams and the people in them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.core.models import Calendar, TrackedModel


class Team(TrackedModel):
    name = models.CharField(_("name"), max_length=150, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(TrackedModel):
    """Someone on the firm's staff. Cost rate is confidential: the person's manager chain and admins only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    name = models.CharField(_("name"), max_length=150)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    title = models.CharField(_("title"), max_length=150, blank=True)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    leave_date = models.DateField(_("leave date"), null=True, blank=True)
    capacity_hours_week = models.DecimalField(
        _("capacity (hours a week)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("40"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    calendar = models.ForeignKey(
        Calendar,
        verbose_name=_("calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cost_rate = models.DecimalField(
        _("cost rate (per hour)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    cost_currency = models.CharField(_("currency"), max_length=3, default="CNY")
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(manager=models.F("id")), name="person_not_own_manager"),
        ]

    def __str__(self) -> str:
        return self.name
