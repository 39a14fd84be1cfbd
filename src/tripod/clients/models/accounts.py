"""The account side: clients, their people, and the portal users who sign in for a client."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tripod.core.models import TrackedModel

__all__ = ["Client", "Contact", "PortalUser"]


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
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[account_team])

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contact(TrackedModel):
    """A person at the client, with their place in the decision chain."""

    class DecisionRole(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("Decision maker")
        INFLUENCER = "influencer", _("Influencer")
        GATEKEEPER = "gatekeeper", _("Gatekeeper")
        USER = "user", _("User")
        CHAMPION = "champion", _("Champion")

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
    reports_to = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["client", "name"]

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
