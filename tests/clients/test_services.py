from __future__ import annotations

import pytest

from tests.factories import make_admin, make_user
from tripod.clients.models import Client
from tripod.clients.selectors import client_counts_by_status, client_list
from tripod.clients.services import client_create, client_update, contact_create
from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.identity.models import Role

pytestmark = pytest.mark.django_db


def test_am_creates_and_owns_a_client():
    am = make_user(Role.AM)
    client = client_create(actor=am, name=" 华信银行 ", owner_am=am)
    assert client.name == "华信银行"
    assert list(client_list(user=am)) == [client]


def test_duplicate_name_is_a_field_error():
    am = make_user(Role.AM)
    client_create(actor=am, name="Acme", owner_am=am)
    with pytest.raises(ValidationFailed) as exc:
        client_create(actor=am, name="Acme")
    assert "name" in exc.value.errors
    assert Client.objects.count() == 1


def test_pm_and_member_may_not_create_clients():
    for role in (Role.PM, Role.MEMBER, Role.LM, Role.CLIENT):
        with pytest.raises(Forbidden):
            client_create(actor=make_user(role), name=f"By {role}")


def test_status_change_writes_event_and_history_and_checks_version():
    am = make_user(Role.AM)
    client = client_create(actor=am, name="Acme", owner_am=am)
    client = client_update(actor=am, client=client, version=1, status=Client.Status.DORMANT)
    assert client.version == 2
    assert BusinessEvent.objects.filter(verb="client.status_changed", data={"from": "active", "to": "dormant"}).exists()
    with pytest.raises(StaleVersion):
        client_update(actor=am, client=client, version=1, status=Client.Status.ACTIVE)
    assert Client.objects.get().status == Client.Status.DORMANT


def test_only_the_owner_or_admin_edits():
    am, other = make_user(Role.AM), make_user(Role.AM)
    client = client_create(actor=am, name="Acme", owner_am=am)
    with pytest.raises(Forbidden):
        client_update(actor=other, client=client, version=1, industry="Oil")
    client_update(actor=make_admin(), client=client, version=1, industry="Banking")


def test_counts_are_over_the_visible_clients_only():
    am, other = make_user(Role.AM), make_user(Role.AM)
    client_create(actor=am, name="Mine", owner_am=am)
    client_create(actor=other, name="Theirs", owner_am=other, status=Client.Status.PROSPECT)
    assert client_counts_by_status(user=am) == {"active": 1}


def test_contact_needs_a_name():
    am = make_user(Role.AM)
    client = client_create(actor=am, name="Acme", owner_am=am)
    with pytest.raises(ValidationFailed) as exc:
        contact_create(actor=am, client=client, name="  ", email="not-an-email")
    assert {"name", "email"} <= set(exc.value.errors)


def test_a_contact_reports_only_to_someone_at_the_same_client():
    am = make_user(Role.AM)
    acme = client_create(actor=am, name="Acme", owner_am=am)
    other = client_create(actor=am, name="Other", owner_am=am)
    boss = contact_create(actor=am, client=other, name="Boss")
    with pytest.raises(ValidationFailed) as exc:
        contact_create(actor=am, client=acme, name="Clerk", reports_to=boss)
    assert "reports_to" in exc.value.errors
    assert not acme.contacts.exists()
    assert contact_create(actor=am, client=other, name="Clerk", reports_to=boss).reports_to == boss


def test_mine_is_what_the_am_owns_or_serves_on_the_account_team():
    am, colleague = make_user(Role.AM), make_user(Role.AM)
    owned = client_create(actor=am, name="Owned", owner_am=am)
    served = client_create(actor=colleague, name="Served", owner_am=colleague)
    served.account_team.add(am)
    client_create(actor=colleague, name="Not mine", owner_am=colleague)
    assert list(client_list(user=am, mine=True)) == [owned, served]
    assert client_counts_by_status(user=am, mine=True) == {"active": 2}
