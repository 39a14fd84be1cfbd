"""Writes of the clients domain, one module per sub-domain (accounts, interactions, tickets, pipeline, surveys)."""

from tripod.clients.services.accounts import (
    business_line_create,
    business_line_update,
    client_create,
    client_update,
    contact_create,
    contact_update,
    portal_user_bind,
)
from tripod.clients.services.interactions import (
    followup_create,
    followup_create_automatic,
    followup_set_done,
    followup_update,
    interaction_create,
    interaction_delete,
    interaction_update,
)

__all__ = [
    "business_line_create",
    "business_line_update",
    "client_create",
    "client_update",
    "contact_create",
    "contact_update",
    "followup_create",
    "followup_create_automatic",
    "followup_set_done",
    "followup_update",
    "interaction_create",
    "interaction_delete",
    "interaction_update",
    "portal_user_bind",
]
