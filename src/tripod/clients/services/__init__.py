"""Writes of the clients domain, one module per sub-domain (accounts, interactions, tickets, pipeline, surveys)."""

from tripod.clients.services.accounts import client_create, client_update, contact_create, portal_user_bind

__all__ = ["client_create", "client_update", "contact_create", "portal_user_bind"]
