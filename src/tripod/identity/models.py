"""Users, their roles and their personal API tokens."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    PM = "pm", _("Project manager")
    AM = "am", _("Account manager")
    LM = "lm", _("Line manager")
    MEMBER = "member", _("Team member")
    CLIENT = "client", _("Client")


class TripodUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        """Log in by username or e-mail address, both case-insensitive."""
        value = (username or "").strip()
        if "@" in value:
            return self.get(email__iexact=value)
        return self.get(username__iexact=value)


class User(AbstractUser):
    """A person who signs in: staff of the firm, or a client-portal user bound to one client."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    objects = TripodUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def name(self) -> str:
        return str(self)

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_authenticated or self.pk is None:
            return frozenset()
        granted = frozenset(self.role_grants.values_list("role", flat=True))
        return granted | {Role.ADMIN} if self.is_superuser else granted

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_admin(self) -> bool:
        return self.is_active and Role.ADMIN in self.roles

    @property
    def is_internal(self) -> bool:
        """Staff of the firm: holds a role, and not the client role (a portal login never counts as staff, even if
        it was wrongly given another role too)."""
        return self.is_active and bool(self.roles) and Role.CLIENT not in self.roles


class RoleGrant(models.Model):
    """One role held by one user; a user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.role}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the token itself is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    hashed = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
