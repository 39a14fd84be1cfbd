"""Who may see and change the pipeline: opportunities (and their effort by skill), contracts, billing milestones and
account plans.

Seen and changed by: admins and the client's account team (the owning AM and the account team members). Nobody
else: not a PM of the client's projects (a PM does not see a contract's value), not members or line managers, never
the client portal. A page of the pipeline as a whole (the board, the lists) is a function: it is open to admins,
AMs and anyone on an account team, and shows each of them only their clients' records.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tripod.clients.access.accounts import is_on_account_team
from tripod.clients.models import AccountPlan, Client, Contract, Opportunity
from tripod.core.access import grants_visibility, scope
from tripod.identity.models import Role


def _account_team(user: Any, client_path: str) -> Q | None:
    if not user.is_internal:
        return None
    return Q(**{f"{client_path}__owner_am": user}) | Q(**{f"{client_path}__account_team": user})


@grants_visibility("clients.opportunity")
def _opportunities_of_account(user: Any) -> Q | None:
    return _account_team(user, "client")


@grants_visibility("clients.opportunityeffort")
def _effort_of_account(user: Any) -> Q | None:
    return _account_team(user, "opportunity__client")


@grants_visibility("clients.contract")
def _contracts_of_account(user: Any) -> Q | None:
    return _account_team(user, "client")


@grants_visibility("clients.billingmilestone")
def _milestones_of_account(user: Any) -> Q | None:
    return _account_team(user, "contract__client")


@grants_visibility("clients.accountplan")
def _plans_of_account(user: Any) -> Q | None:
    return _account_team(user, "client")


def opportunities_visible_to(user: Any) -> QuerySet[Opportunity]:
    return scope(Opportunity.objects.all(), user)


def contracts_visible_to(user: Any) -> QuerySet[Contract]:
    return scope(Contract.objects.all(), user)


def account_plans_visible_to(user: Any) -> QuerySet[AccountPlan]:
    return scope(AccountPlan.objects.all(), user)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_view_pipeline(user: Any, client: Client) -> bool:
    """Opportunities, contracts, billing and account plans of ``client``: admins and its account team."""
    return _active(user) and (user.is_admin or is_on_account_team(user, client))


def can_edit_pipeline(user: Any, client: Client) -> bool:
    """The same people write what they see: admins and the account team."""
    return can_view_pipeline(user, client)


def can_use_pipeline(user: Any) -> bool:
    """The pipeline's own pages (board, funnel, lists): admins, AMs, and staff on any client's account team."""
    if not (_active(user) and user.is_internal):
        return False
    if user.is_admin or user.has_role(Role.AM):
        return True
    return Client.objects.filter(Q(owner_am=user) | Q(account_team=user)).exists()


def can_create_opportunity(user: Any, client: Client) -> bool:
    return can_edit_pipeline(user, client)


def can_edit_opportunity(user: Any, opportunity: Any) -> bool:
    return can_edit_pipeline(user, opportunity.client)


def can_edit_contract(user: Any, contract: Any) -> bool:
    return can_edit_pipeline(user, contract.client)


def can_edit_account_plan(user: Any, client: Client) -> bool:
    return can_edit_pipeline(user, client)
