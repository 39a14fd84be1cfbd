"""Reads of the clients domain, always scoped to what the user may see; one module per sub-domain."""

from tripod.clients.selectors.accounts import (
    business_line_list,
    client_counts_by_status,
    client_get,
    client_list,
    contact_get,
    contact_list,
    decision_chain,
)
from tripod.clients.selectors.interactions import followup_list, interaction_list

__all__ = [
    "business_line_list",
    "client_counts_by_status",
    "client_get",
    "client_list",
    "contact_get",
    "contact_list",
    "decision_chain",
    "followup_list",
    "interaction_list",
]
