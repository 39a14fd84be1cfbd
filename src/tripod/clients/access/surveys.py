"""Who may see and change surveys, their invitations and responses.

Seen by: admins; the client's owning AM and account team; the PM of the project a survey is linked to (read-only,
that project's surveys only). Client-portal users see nothing here yet (they answer through the private link, which
needs no login); line managers, members and everyone else see nothing.
Created, sent and closed by: admins, the owning AM and the account team.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tripod.clients.access.accounts import is_on_account_team
from tripod.clients.models import Client, Survey, SurveyResponse
from tripod.core.access import grants_visibility, scope


def _seen_by_staff(user: Any, path: str = "") -> Q | None:
    """The account team of the survey's client, and the PM of its linked project; ``path`` leads to the survey."""
    if not user.is_internal:
        return None
    return (
        Q(**{f"{path}client__owner_am": user})
        | Q(**{f"{path}client__account_team": user})
        | Q(**{f"{path}project__pm": user})
    )


@grants_visibility("clients.survey")
def _surveys(user: Any) -> Q | None:
    return _seen_by_staff(user)


@grants_visibility("clients.surveyinvitation")
def _invitations(user: Any) -> Q | None:
    return _seen_by_staff(user, "survey__")


@grants_visibility("clients.surveyresponse")
def _responses(user: Any) -> Q | None:
    return _seen_by_staff(user, "invitation__survey__")


def surveys_visible_to(user: Any) -> QuerySet[Survey]:
    return scope(Survey.objects.all(), user)


def survey_responses_visible_to(user: Any) -> QuerySet[SurveyResponse]:
    return scope(SurveyResponse.objects.all(), user)


def can_view_survey(user: Any, survey: Survey) -> bool:
    return surveys_visible_to(user).filter(pk=survey.pk).exists()


def can_manage_surveys(user: Any, client: Client) -> bool:
    """Create, send and close the client's surveys: admins, the owning AM and the account team."""
    if not (user.is_authenticated and user.is_active and user.is_internal):
        return False
    return user.is_admin or is_on_account_team(user, client)


def can_view_client_surveys(user: Any, client: Client) -> bool:
    """Open the client's survey pages at all: whoever may manage them, and the PMs of the client's projects (who
    then see the surveys of their own projects only)."""
    if can_manage_surveys(user, client):
        return True
    return bool(user.is_authenticated and user.is_internal and client.projects.filter(pm=user).exists())
