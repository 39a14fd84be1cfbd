"""The account side: clients and their business lines, the client's people with their place in the decision chain,
and the portal users who sign in for a client."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.core.models import TrackedModel

__all__ = ["BusinessLine", "Client", "Contact", "PortalUser"]


class BusinessLine(TrackedModel):
    """One line of the client's business we serve or could serve (retail banking, cold-chain logistics...); a shared
    catalogue, so the pipeline and the reports group clients by the same names."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("business line")
        verbose_name_plural = _("business lines")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Client(TrackedModel):
    class Tier(models.TextChoices):
        STRATEGIC = "strategic", _("Strategic")
        KEY = "key", _("Key")
        STANDARD = "standard", _("Standard")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", _("Active")
        DORMANT = "dormant", _("Dormant")
        LOST = "lost", _("Lost")

    name = models.CharField(_("name"), max_length=200, unique=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.STANDARD)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    business_lines = models.ManyToManyField(
        BusinessLine, verbose_name=_("business lines"), blank=True, related_name="clients"
    )
    owner_am = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_clients",
    )
    account_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account team"),
        blank=True,
        related_name="account_clients",
    )
    # Changes of business lines are recorded as business events (client.business_lines_changed), which keeps the
    # timeline's query count where it was.
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[account_team])

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contact(TrackedModel):
    """A person at the client, with their place in the decision chain.

    The last touch (the latest interaction with the contact) is not stored here: the selectors compute it from the
    interactions, so it is right at once when an interaction is recorded, moved, edited or deleted, and a planned
    interaction only counts once its time has come."""

    class DecisionRole(models.TextChoices):
        ECONOMIC_BUYER = "economic_buyer", _("Economic buyer")
        DECISION_MAKER = "decision_maker", _("Decision maker")
        INFLUENCER = "influencer", _("Influencer")
        CHAMPION = "champion", _("Champion")
        USER = "user", _("User")
        GATEKEEPER = "gatekeeper", _("Gatekeeper")
        BLOCKER = "blocker", _("Blocker")

    class Influence(models.IntegerChoices):
        VERY_LOW = 1, _("Very low")
        LOW = 2, _("Low")
        MEDIUM = 3, _("Medium")
        HIGH = 4, _("High")
        VERY_HIGH = 5, _("Very high")

    class Attitude(models.TextChoices):
        SUPPORTER = "supporter", _("Supporter")
        NEUTRAL = "neutral", _("Neutral")
        SCEPTIC = "sceptic", _("Sceptic")
        OPPONENT = "opponent", _("Opponent")

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    role_in_decision_chain = models.CharField(
        _("role in decision chain"),
        max_length=20,
        choices=DecisionRole.choices,
        default=DecisionRole.USER,
    )
    influence = models.PositiveSmallIntegerField(
        _("influence"),
        choices=Influence.choices,
        default=Influence.MEDIUM,
        help_text=_("How much this person's view weighs in the client's decisions, from 1 (very low) to 5."),
    )
    attitude = models.CharField(
        _("attitude"),
        max_length=12,
        choices=Attitude.choices,
        default=Attitude.NEUTRAL,
        help_text=_("Their attitude towards us and our proposals."),
    )
    reports_to = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Clear when the person has left or is no longer involved.")
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["client", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(influence__gte=1, influence__lte=5), name="contact_influence_1_5"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PortalUser(models.Model):
    """Binds a client-portal user to the one client whose projects they may see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="portal",
    )
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="portal_users")
    contact = models.ForeignKey(Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("portal user")
        verbose_name_plural = _("portal users")

    def __str__(self) -> str:
        return f"{self.user} @ {self.client}"
