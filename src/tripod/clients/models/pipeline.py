"""The pipeline of the account side: opportunities (with their estimated effort by skill), contracts with their
billing milestones, and the quarterly account plan of each client. Money is a Decimal with its currency."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from tripod.clients.models.accounts import Client
from tripod.core.models import TrackedModel

__all__ = ["AccountPlan", "AccountPlanAction", "BillingMilestone", "Contract", "Opportunity", "OpportunityEffort"]

ZERO = Decimal("0")
NOT_NEGATIVE = [MinValueValidator(ZERO)]


def _money(label: object, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, validators=NOT_NEGATIVE, **kwargs)


class Opportunity(TrackedModel):
    """A deal the account team is working on, from qualification to won or lost."""

    class Stage(models.TextChoices):
        QUALIFICATION = "qualification", _("Qualification")
        NEEDS_ANALYSIS = "needs_analysis", _("Needs analysis")
        PROPOSAL = "proposal", _("Proposal")
        NEGOTIATION = "negotiation", _("Negotiation")
        WON = "won", pgettext_lazy("opportunity stage", "Won")
        LOST = "lost", pgettext_lazy("opportunity stage", "Lost")

    OPEN_STAGES = ("qualification", "needs_analysis", "proposal", "negotiation")
    CLOSED_STAGES = ("won", "lost")
    # The probability an opportunity gets when it enters a stage, unless someone set it by hand.
    DEFAULT_PROBABILITY = {
        "qualification": 10,
        "needs_analysis": 25,
        "proposal": 50,
        "negotiation": 75,
        "won": 100,
        "lost": 0,
    }

    class ReasonCategory(models.TextChoices):
        PRICE = "price", _("Price")
        SOLUTION_FIT = "solution_fit", _("Solution fit")
        RELATIONSHIP = "relationship", _("Relationship")
        TIMING = "timing", _("Timing")
        COMPETITOR = "competitor", _("Competitor")
        NO_BUDGET = "no_budget", _("No budget")
        NO_DECISION = "no_decision", _("No decision")
        OTHER = "other", _("Other")

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="opportunities")
    name = models.CharField(_("name"), max_length=200)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.QUALIFICATION)
    amount = _money(_("amount"), default=ZERO)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=10, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    probability_set = models.BooleanField(
        _("probability set by hand"),
        default=False,
        help_text=_("When set, a stage change keeps the probability instead of taking the stage's default."),
    )
    expected_close = models.DateField(_("expected close"), null=True, blank=True)
    business_line = models.ForeignKey(
        "clients.BusinessLine",
        verbose_name=_("business line"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_opportunities",
    )
    reason_category = models.CharField(_("reason category"), max_length=16, choices=ReasonCategory.choices, blank=True)
    won_reason = models.TextField(_("why we won"), blank=True)
    lost_reason = models.TextField(_("why we lost"), blank=True)
    lost_stage = models.CharField(
        _("lost at stage"),
        max_length=16,
        choices=Stage.choices,
        blank=True,
        help_text=_("The stage the opportunity was in when it was lost (for the funnel)."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    contract = models.ForeignKey(
        "clients.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["expected_close", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__gte=0, probability__lte=100), name="opportunity_probability_0_100"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="opportunity_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN_STAGES

    @property
    def weighted_amount(self) -> Decimal:
        return (self.amount * self.probability / 100).quantize(Decimal("0.01"))


class OpportunityEffort(TrackedModel):
    """Estimated effort of one skill for an opportunity: what the AM-LM review sets against the team's capacity.

    The skill is kept by name: the skill register of the people app is matched on it."""

    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="efforts"
    )
    skill = models.CharField(_("skill"), max_length=100)
    hours = models.DecimalField(
        _("hours"), max_digits=8, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("estimated effort")
        verbose_name_plural = _("estimated effort by skill")
        ordering = ["opportunity", "skill"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "skill"], name="opportunity_effort_skill_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.skill}: {self.hours} h"


class Contract(TrackedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    class RenewalStatus(models.TextChoices):
        NOT_DUE = "not_due", _("Not due")
        UPCOMING = "upcoming", _("Upcoming")
        IN_NEGOTIATION = "in_negotiation", _("In negotiation")
        RENEWED = "renewed", _("Renewed")
        LOST = "lost", _("Not renewed")

    SETTLED_RENEWALS = ("renewed", "lost")

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="contracts")
    number = models.CharField(_("contract number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    value = _money(_("value"), default=ZERO)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    scope_statement = models.TextField(_("scope statement"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    renewal_date = models.DateField(
        _("renewal date"), null=True, blank=True, help_text=_("When the renewal must be decided; the end by default.")
    )
    renewal_status = models.CharField(
        _("renewal status"), max_length=16, choices=RenewalStatus.choices, default=RenewalStatus.NOT_DUE
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-start", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="contract_end_after_start",
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="contract_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class BillingMilestone(TrackedModel):
    """A part of the contract's value billed on a date: invoiced, then paid (possibly in several payments)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("name"), max_length=200)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    due = models.DateField(_("due"))
    invoiced_at = models.DateField(_("invoiced on"), null=True, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=40, blank=True)
    paid_at = models.DateField(_("last paid on"), null=True, blank=True)
    paid_amount = _money(_("paid"), default=ZERO)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("billing milestone")
        verbose_name_plural = _("billing milestones")
        ordering = ["contract", "due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(paid_amount__gte=0, paid_amount__lte=models.F("amount")),
                name="billing_paid_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid_amount

    @property
    def is_paid(self) -> bool:
        return self.paid_amount >= self.amount


class AccountPlan(TrackedModel):
    """The account team's plan for one client and one quarter: goals, target revenue, actions, and the review."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="account_plans")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    goals = models.TextField(_("goals"), blank=True)
    target_revenue = _money(_("target revenue"), default=ZERO)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    review_notes = models.TextField(_("review notes"), blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")
        ordering = ["client", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["client", "year", "quarter"], name="account_plan_client_quarter_unique"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="account_plan_quarter_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.year} Q{self.quarter}"


class AccountPlanAction(TrackedModel):
    plan = models.ForeignKey(
        AccountPlan, verbose_name=_("account plan"), on_delete=models.CASCADE, related_name="actions"
    )
    text = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("account plan action")
        verbose_name_plural = _("account plan actions")
        ordering = ["plan", "done", "due", "pk"]

    def __str__(self) -> str:
        return self.text
