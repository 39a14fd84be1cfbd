"""Who may see and change the account side's records; one module per sub-domain. Importing the package registers
every module's visibility grants."""

from tripod.clients.access import interactions, pipeline, signals, surveys, tickets  # noqa: F401  (registers grants)
from tripod.clients.access.accounts import (
    can_create_client,
    can_edit_client,
    can_view_client,
    clients_visible_to,
    contacts_visible_to,
    portal_client_id,
)

__all__ = [
    "can_create_client",
    "can_edit_client",
    "can_view_client",
    "clients_visible_to",
    "contacts_visible_to",
    "portal_client_id",
]
