"""Services of the account records: business lines, a client's lines and account team, contacts with their place
in the decision chain (roles, influence, attitude, reports-to within the client and without loops), events."""

from __future__ import annotations

import pytest

from tests.clients.accounts_builders import add_contact, build_account_world, build_chain, verbs
from tests.factories import make_admin, make_user
from tripod.clients.models import BusinessLine, Client, Contact
from tripod.clients.services import (
    business_line_create,
    business_line_update,
    client_create,
    client_update,
    contact_create,
    contact_update,
)
from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.identity.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw():
    return build_account_world()


# --- business lines ---------------------------------------------------------------------------------------------------
def test_admins_and_ams_keep_the_business_line_catalogue():
    am = make_user(Role.AM)
    line = business_line_create(actor=am, name=" Retail banking ", description="Branches and cards")
    assert (line.name, line.created_by) == ("Retail banking", am)
    line = business_line_update(actor=make_admin(), line=line, version=1, name="Retail & SME banking")
    assert (line.name, line.version) == ("Retail & SME banking", 2)
    with pytest.raises(StaleVersion):
        business_line_update(actor=am, line=line, version=1, name="Old")
    for role in (Role.PM, Role.LM, Role.MEMBER, Role.CLIENT):
        with pytest.raises(Forbidden):
            business_line_create(actor=make_user(role), name=f"By {role}")
    assert "business_line.created" in verbs()


def test_business_line_names_are_unique_and_required():
    am = make_user(Role.AM)
    business_line_create(actor=am, name="Logistics IT")
    with pytest.raises(ValidationFailed) as exc:
        business_line_create(actor=am, name="Logistics IT")
    assert list(exc.value.errors) == ["name"]
    with pytest.raises(ValidationFailed) as exc:
        business_line_create(actor=am, name="  ")
    assert "name" in exc.value.errors
    assert BusinessLine.objects.count() == 1


# --- clients: business lines and account team -------------------------------------------------------------------------
def test_client_takes_business_lines_and_an_account_team():
    am, colleague = make_user(Role.AM), make_user(Role.AM)
    cards = business_line_create(actor=am, name="Cards")
    loans = business_line_create(actor=am, name="Loans")
    client = client_create(actor=am, name="Acme", owner_am=am, business_lines=[cards], account_team=[colleague])
    assert list(client.business_lines.all()) == [cards]
    assert list(client.account_team.all()) == [colleague]
    client = client_update(actor=am, client=client, version=1, business_lines=[cards, loans])
    assert client.version == 2  # a change of lines alone is a new version
    assert set(client.business_lines.all()) == {cards, loans}
    client = client_update(actor=am, client=client, version=2, business_lines=[loans, cards], industry="Banking")
    assert client.version == 3 and client.industry == "Banking"
    with pytest.raises(StaleVersion):
        client_update(actor=am, client=client, version=2, business_lines=[])
    assert client.business_lines.count() == 2
    events = BusinessEvent.objects.filter(verb="client.business_lines_changed").order_by("pk")
    assert [event.data for event in events] == [{"lines": ["Cards", "Loans"]}]


def test_account_team_change_is_an_event_and_staff_only():
    am, colleague = make_user(Role.AM), make_user(Role.PM)
    client = client_create(actor=am, name="Acme", owner_am=am)
    client = client_update(actor=am, client=client, version=1, account_team=[colleague])
    event = BusinessEvent.objects.get(verb="client.account_team_changed")
    assert event.data == {"from": [], "to": [colleague.pk]}
    with pytest.raises(ValidationFailed) as exc:
        client_update(actor=am, client=client, version=2, account_team=[make_user(Role.CLIENT)])
    assert list(exc.value.errors) == ["account_team"]
    assert list(Client.objects.get().account_team.all()) == [colleague]


def test_unchanged_members_make_no_new_version():
    am = make_user(Role.AM)
    line = business_line_create(actor=am, name="Cards")
    client = client_create(actor=am, name="Acme", owner_am=am, business_lines=[line])
    assert client_update(actor=am, client=client, version=1, business_lines=[line]).version == 1


# --- contacts ---------------------------------------------------------------------------------------------------------
def test_contact_carries_role_influence_attitude_and_records_an_event(aw):
    contact = add_contact(aw, "Eve", role_in_decision_chain="economic_buyer", influence=5, attitude="sceptic")
    assert (contact.role_in_decision_chain, contact.influence, contact.attitude, contact.active) == (
        "economic_buyer",
        5,
        "sceptic",
        True,
    )
    assert contact.get_influence_display() == "Very high"
    event = BusinessEvent.objects.get(verb="contact.created")
    assert event.data == {"client": aw.client.pk, "role": "economic_buyer"}
    plain = add_contact(aw, "Plain")
    assert (plain.role_in_decision_chain, plain.influence, plain.attitude) == ("user", 3, "neutral")


def test_every_decision_role_of_the_issue_is_offered():
    assert set(Contact.DecisionRole.values) == {
        "economic_buyer",
        "decision_maker",
        "influencer",
        "champion",
        "user",
        "gatekeeper",
        "blocker",
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [("influence", 0), ("influence", 6), ("attitude", "hostile"), ("role_in_decision_chain", "boss")],
)
def test_bad_values_name_their_field(aw, field, value):
    with pytest.raises(ValidationFailed) as exc:
        add_contact(aw, "Bad", **{field: value})
    assert list(exc.value.errors) == [field]
    assert not Contact.objects.exists()


def test_contact_update_checks_the_version_and_records_role_changes(aw):
    contact = add_contact(aw, "Eve", role_in_decision_chain="influencer")
    contact = contact_update(
        actor=aw.user("am_related"), contact=contact, version=1, role_in_decision_chain="decision_maker", influence=4
    )
    assert (contact.version, contact.influence) == (2, 4)
    assert BusinessEvent.objects.get(verb="contact.role_changed").data == {"from": "influencer", "to": "decision_maker"}
    with pytest.raises(StaleVersion):
        contact_update(actor=aw.user("am_related"), contact=contact, version=1, title="Stale")
    contact = contact_update(actor=aw.user("admin"), contact=contact, version=2, active=False)
    assert not contact.active and verbs()[-1] == "contact.deactivated"
    contact_update(actor=aw.user("admin"), contact=contact, version=3, title="Back")
    assert verbs()[-1] == "contact.deactivated"  # a title change is history, not an event


@pytest.mark.parametrize(
    "actor", ["am_team", "am_unrelated", "pm_related", "lm_related", "member_related", "client_related"]
)
def test_only_admin_and_the_owning_am_edit_contacts(aw, actor):
    contact = add_contact(aw, "Eve")
    with pytest.raises(Forbidden):
        contact_update(actor=aw.user(actor), contact=contact, version=1, title="CTO")
    with pytest.raises(Forbidden):
        contact_create(actor=aw.user(actor), client=aw.client, name="New")
    contact_update(actor=aw.user("admin"), contact=contact, version=1, title="CTO")


def test_reports_to_stays_within_the_client(aw):
    other_client = Client.objects.get(name="C2")
    stranger = contact_create(actor=aw.user("admin"), client=other_client, name="Stranger")
    contact = add_contact(aw, "Eve")
    with pytest.raises(ValidationFailed) as exc:
        contact_update(actor=aw.user("am_related"), contact=contact, version=1, reports_to=stranger)
    assert list(exc.value.errors) == ["reports_to"]
    contact.refresh_from_db()
    assert contact.reports_to is None and contact.version == 1


def test_reports_to_never_forms_a_loop(aw):
    people = build_chain(aw)
    am = aw.user("am_related")
    ceo, dev = people["ceo"], people["dev"]
    with pytest.raises(ValidationFailed) as exc:
        contact_update(actor=am, contact=ceo, version=ceo.version, reports_to=dev)
    assert list(exc.value.errors) == ["reports_to"]
    assert "Dora Dev already reports to Chen CEO" in exc.value.errors["reports_to"][0]
    with pytest.raises(ValidationFailed) as exc:
        contact_update(actor=am, contact=ceo, version=ceo.version, reports_to=ceo)
    assert list(exc.value.errors) == ["reports_to"]
    ceo.refresh_from_db()
    assert ceo.reports_to is None
    # Moving someone sideways is fine: the developer now reports to the CFO.
    dev = contact_update(actor=am, contact=dev, version=dev.version, reports_to=people["cfo"])
    assert dev.reports_to == people["cfo"]
    # Clearing the line is fine too.
    assert contact_update(actor=am, contact=dev, version=dev.version, reports_to=None).reports_to is None
