"""Reads of the clients domain, always scoped to what the user may see; one module per sub-domain."""

from tripod.clients.selectors.accounts import client_counts_by_status, client_get, client_list, contact_list

__all__ = ["client_counts_by_status", "client_get", "client_list", "contact_list"]
