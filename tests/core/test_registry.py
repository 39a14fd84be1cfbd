"""The record registry: generic lookups go through each kind's visible(user) queryset."""

from __future__ import annotations

import pytest

from tripod.clients.access import clients_visible_to
from tripod.core.errors import Forbidden, NotFound
from tripod.core.registry import (
    collaboration_target,
    isolated_registry,
    record_get_visible,
    record_is_visible,
    record_kind,
    record_url,
    register_record,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registry")]


def test_lookup_returns_visible_records_only(am, outsider, client_acme):
    assert record_get_visible(user=am, label="clients.client", pk=client_acme.pk) == client_acme
    assert record_get_visible(user=am, label="Clients.Client", pk=str(client_acme.pk)) == client_acme
    for user, label, pk in [
        (outsider, "clients.client", client_acme.pk),
        (am, "clients.client", 0),
        (am, "clients.client", "x"),
        (am, "clients.contact", 1),  # not registered
        (am, "nonsense", 1),
    ]:
        with pytest.raises(NotFound):
            record_get_visible(user=user, label=label, pk=pk)


def test_collaboration_is_internal_unless_the_kind_opens_it_to_the_portal(portal, client_acme):
    assert record_is_visible(user=portal, record=client_acme)
    with pytest.raises(Forbidden):
        collaboration_target(user=portal, label="clients.client", pk=client_acme.pk)
    with isolated_registry():
        register_record("clients.client", visible=clients_visible_to, portal_collaboration=True)
        assert collaboration_target(user=portal, label="clients.client", pk=client_acme.pk) == client_acme


def test_registering_twice_is_an_error_and_isolation_restores(client_acme):
    with pytest.raises(ValueError, match="already registered"):
        register_record("clients.client", visible=clients_visible_to)
    with isolated_registry():
        assert record_kind("clients.client") is None
        assert record_url(client_acme) is None
    assert record_url(client_acme) == f"/clients/{client_acme.pk}/"
