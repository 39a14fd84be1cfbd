"""Services of interactions and follow-ups: who records them, links within the same client (contacts, project,
opportunity), edits with versions (contacts included), deletion, and follow-ups (default owner, owner on the
account team, done / reopened, automatic ones)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.clients.accounts_builders import add_contact, ago, build_account_world, follow, record, verbs
from tripod.clients.models import Client, FollowUp, Interaction
from tripod.clients.services import (
    contact_create,
    followup_create_automatic,
    followup_set_done,
    followup_update,
    interaction_delete,
    interaction_update,
)
from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw():
    return build_account_world()


# --- interactions -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("actor", ["admin", "am_related", "am_team"])
def test_admin_and_the_account_team_record_interactions(aw, actor):
    eve = add_contact(aw, "Eve")
    interaction = record(aw, actor=actor, contacts=[eve], project=aw.project, summary=" Agreed the scope. ")
    assert list(interaction.contacts.all()) == [eve]
    assert (interaction.project, interaction.summary, interaction.created_by) == (
        aw.project,
        "Agreed the scope.",
        aw.user(actor),
    )
    event = BusinessEvent.objects.get(verb="interaction.recorded")
    assert event.data["contacts"] == [eve.pk] and event.data["kind"] == "meeting"


@pytest.mark.parametrize(
    "actor", ["am_unrelated", "pm_related", "lm_related", "member_related", "client_related", "client_unrelated"]
)
def test_others_may_not_record_interactions(aw, actor):
    with pytest.raises(Forbidden):
        record(aw, actor=actor)
    assert not Interaction.objects.exists()


def test_every_kind_of_the_issue_is_offered():
    assert set(Interaction.Kind.values) == {
        "meeting",
        "call",
        "email",
        "visit",
        "event",
        "content_download",
        "demo",
    }


def test_direction_follows_the_kind_unless_given(aw):
    assert record(aw, kind="content_download").direction == "inbound"
    assert record(aw, kind="call").direction == "outbound"
    assert record(aw, kind="call", direction="inbound").direction == "inbound"


def test_time_is_stored_in_utc_and_a_naive_time_is_local(aw, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    with timezone.override("Asia/Shanghai"):
        interaction = record(aw, at=datetime(2026, 3, 2, 10, 0))
    interaction.refresh_from_db()
    assert interaction.at == datetime(2026, 3, 2, 2, 0, tzinfo=timezone.UTC)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"subject": "  "}, "subject"),
        ({"kind": "fax"}, "kind"),
        ({"direction": "sideways"}, "direction"),
    ],
)
def test_bad_input_names_the_field(aw, fields, field):
    with pytest.raises(ValidationFailed) as exc:
        record(aw, **fields)
    assert field in exc.value.errors
    assert not Interaction.objects.exists()


def test_time_is_required(aw):
    from tripod.clients.services import interaction_create

    with pytest.raises(ValidationFailed) as exc:
        interaction_create(actor=aw.user("am_related"), client=aw.client, kind="call", at=None, subject="x")
    assert list(exc.value.errors) == ["at"]


def test_links_must_be_the_same_clients(aw):
    c2 = Client.objects.get(name="C2")
    stranger = contact_create(actor=aw.user("admin"), client=c2, name="Stranger")
    p2 = Project.objects.get(code="P2")
    with pytest.raises(ValidationFailed) as exc:
        record(aw, contacts=[stranger], project=p2)
    assert set(exc.value.errors) == {"contacts", "project"}
    assert not Interaction.objects.exists()


def test_opportunity_must_be_the_same_clients(aw):
    opportunity_model = Interaction._meta.get_field("opportunity").related_model
    theirs = opportunity_model.objects.create(client=Client.objects.get(name="C2"), name="Their renewal")
    ours = opportunity_model.objects.create(client=aw.client, name="Our renewal")
    with pytest.raises(ValidationFailed) as exc:
        record(aw, opportunity=theirs)
    assert list(exc.value.errors) == ["opportunity"]
    assert record(aw, opportunity=ours).opportunity == ours


def test_a_planned_interaction_is_recorded_too(aw):
    planned = record(aw, at=timezone.now() + timedelta(days=5))
    assert planned.at > timezone.now()


def test_update_changes_contacts_under_the_version(aw):
    eve, bob = add_contact(aw, "Eve"), add_contact(aw, "Bob")
    interaction = record(aw, contacts=[eve])
    am = aw.user("am_related")
    interaction = interaction_update(actor=am, interaction=interaction, version=1, contacts=[eve, bob])
    assert interaction.version == 2 and set(interaction.contacts.all()) == {eve, bob}
    with pytest.raises(StaleVersion):
        interaction_update(actor=am, interaction=interaction, version=1, subject="Stale")
    interaction = interaction_update(actor=am, interaction=interaction, version=2, subject="Renamed", kind="call")
    assert (interaction.version, interaction.subject, interaction.kind) == (3, "Renamed", "call")
    assert interaction.history.count() >= 3


def test_update_keeps_links_within_the_client(aw):
    interaction = record(aw)
    c2 = Client.objects.get(name="C2")
    stranger = contact_create(actor=aw.user("admin"), client=c2, name="Stranger")
    with pytest.raises(ValidationFailed) as exc:
        interaction_update(actor=aw.user("am_related"), interaction=interaction, version=1, contacts=[stranger])
    assert list(exc.value.errors) == ["contacts"]
    with pytest.raises(ValidationFailed) as exc:
        interaction_update(
            actor=aw.user("am_related"), interaction=interaction, version=1, project=Project.objects.get(code="P2")
        )
    assert list(exc.value.errors) == ["project"]
    assert not interaction.contacts.exists()


def test_the_pm_of_the_project_may_read_but_not_edit_or_delete(aw):
    interaction = record(aw, project=aw.project)
    with pytest.raises(Forbidden):
        interaction_update(actor=aw.user("pm_related"), interaction=interaction, version=1, subject="Mine now")
    with pytest.raises(Forbidden):
        interaction_delete(actor=aw.user("pm_related"), interaction=interaction)


def test_delete_keeps_the_follow_ups_and_records_it_on_the_client(aw):
    interaction = record(aw, subject="Workshop")
    followup = follow(aw, interaction=interaction)
    interaction_delete(actor=aw.user("am_team"), interaction=interaction)
    followup.refresh_from_db()
    assert followup.interaction is None
    event = BusinessEvent.objects.get(verb="interaction.deleted")
    assert event.target_id == str(aw.client.pk) and event.data["subject"] == "Workshop"


# --- follow-ups -------------------------------------------------------------------------------------------------------
def test_follow_up_goes_to_the_owning_am_by_default(aw):
    interaction = record(aw)
    followup = follow(aw, actor="am_team", interaction=interaction)
    assert (followup.owner, followup.interaction, followup.client) == (aw.user("am_related"), interaction, aw.client)
    assert BusinessEvent.objects.get(verb="followup.created").data["owner"] == aw.user("am_related").pk


def test_follow_up_owner_is_on_the_account_team(aw):
    assert follow(aw, owner=aw.user("am_team")).owner == aw.user("am_team")
    assert follow(aw, owner=aw.user("admin")).owner == aw.user("admin")
    for outsider in ("pm_related", "am_unrelated", "client_related"):
        with pytest.raises(ValidationFailed) as exc:
            follow(aw, owner=aw.user(outsider))
        assert list(exc.value.errors) == ["owner"]


@pytest.mark.parametrize(("fields", "field"), [({"text": " "}, "text"), ({"due": None}, "due")])
def test_follow_up_needs_text_and_due_date(aw, fields, field):
    with pytest.raises(ValidationFailed) as exc:
        follow(aw, **fields)
    assert field in exc.value.errors
    assert not FollowUp.objects.exists()


def test_follow_up_of_another_clients_interaction_is_refused(aw):
    c2 = Client.objects.get(name="C2")
    theirs = Interaction.objects.create(client=c2, kind="call", at=ago(1), subject="Theirs")
    with pytest.raises(ValidationFailed) as exc:
        follow(aw, interaction=theirs)
    assert list(exc.value.errors) == ["interaction"]


@pytest.mark.parametrize("actor", ["pm_related", "am_unrelated", "lm_related", "client_related"])
def test_outsiders_give_out_no_follow_ups(aw, actor):
    with pytest.raises(Forbidden):
        follow(aw, actor=actor)


def test_done_and_reopened_by_owner_or_the_team(aw):
    followup = follow(aw, owner=aw.user("am_team"))
    followup = followup_set_done(actor=aw.user("am_team"), followup=followup)
    assert followup.done_at is not None
    assert followup_set_done(actor=aw.user("am_team"), followup=followup).version == followup.version  # no-op
    followup = followup_set_done(actor=aw.user("am_related"), followup=followup, done=False)
    assert followup.done_at is None
    assert verbs()[-2:] == ["followup.done", "followup.reopened"]
    with pytest.raises(Forbidden):
        followup_set_done(actor=aw.user("pm_related"), followup=followup)


def test_update_reassigns_within_the_team(aw):
    followup = follow(aw)
    followup = followup_update(
        actor=aw.user("am_related"), followup=followup, version=1, owner=aw.user("am_team"), text="Call back"
    )
    assert (followup.owner, followup.text, followup.version) == (aw.user("am_team"), "Call back", 2)
    assert BusinessEvent.objects.get(verb="followup.reassigned").data == {
        "from": aw.user("am_related").pk,
        "to": aw.user("am_team").pk,
    }
    with pytest.raises(ValidationFailed) as exc:
        followup_update(actor=aw.user("am_related"), followup=followup, version=2, owner=aw.user("pm_related"))
    assert list(exc.value.errors) == ["owner"]
    with pytest.raises(StaleVersion):
        followup_update(actor=aw.user("am_related"), followup=followup, version=1, text="Stale")


def test_automatic_follow_up_goes_to_the_am_without_an_actor(aw):
    due = timezone.localdate() + timedelta(days=2)
    followup = followup_create_automatic(
        client=aw.client, text="Call the detractor", due=due, reason="survey.detractor"
    )
    assert (followup.owner, followup.created_by) == (aw.user("am_related"), None)
    event = BusinessEvent.objects.get(verb="followup.created")
    assert event.actor is None and event.data["reason"] == "survey.detractor"
    nobody = Client.objects.create(name="Unowned")
    assert followup_create_automatic(client=nobody, text="x", due=due, reason="signal").owner is None
