"""Who may see and handle buying signals, and who keeps the rules.

Signals (and their evidence) are seen and handled (acknowledge, dismiss, act) by admins and the client's account
team (the owning AM and the account team members). Nobody else: not the PM of the client's projects, not line
managers or members, never the client portal.
Rules: admins create, edit and deactivate them; AMs read them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tripod.clients.access.accounts import is_on_account_team
from tripod.clients.models import Client, Signal, SignalRule
from tripod.core.access import grants_visibility, scope
from tripod.identity.models import Role


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


@grants_visibility("clients.signal")
def _signals_of_account(user: Any) -> Q | None:
    if not user.is_internal:
        return None
    return Q(client__owner_am=user) | Q(client__account_team=user)


@grants_visibility("clients.signalevidence")
def _evidence_of_account(user: Any) -> Q | None:
    if not user.is_internal:
        return None
    return Q(signal__client__owner_am=user) | Q(signal__client__account_team=user)


@grants_visibility("clients.signalrule")
def _rules_for_ams(user: Any) -> Q | None:
    # Not ``Q()``: an empty Q drops out of the union the scope builds, which would grant nothing.
    return Q(pk__isnull=False) if user.is_internal and user.has_role(Role.AM) else None


def signals_visible_to(user: Any) -> QuerySet[Signal]:
    return scope(Signal.objects.all(), user)


def signal_rules_visible_to(user: Any) -> QuerySet[SignalRule]:
    return scope(SignalRule.objects.all(), user)


def can_use_signals(user: Any) -> bool:
    """The signals page: admins, AMs, and staff on any client's account team (each sees their clients' only)."""
    if not (_active(user) and user.is_internal):
        return False
    if user.is_admin or user.has_role(Role.AM):
        return True
    return Client.objects.filter(Q(owner_am=user) | Q(account_team=user)).exists()


def can_handle_signal(user: Any, signal: Signal) -> bool:
    """Acknowledge, dismiss, act on: admins and the client's account team."""
    return _active(user) and (user.is_admin or is_on_account_team(user, signal.client))


def can_view_signal_rules(user: Any) -> bool:
    return _active(user) and user.is_internal and (user.is_admin or user.has_role(Role.AM))


def can_manage_signal_rules(user: Any) -> bool:
    return _active(user) and user.is_admin
