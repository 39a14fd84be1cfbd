"""The activity timeline: history with field-level diffs, events, comments and files, newest first, in a fixed
number of queries."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tripod.clients.access import clients_visible_to
from tripod.clients.models import Client
from tripod.clients.services import client_update
from tripod.core.attachments import attachment_add
from tripod.core.comments import comment_add, comment_delete
from tripod.core.errors import Forbidden, NotFound
from tripod.core.registry import isolated_registry, register_record
from tripod.core.services import business_event_record
from tripod.core.timeline import FieldChange, register_event_label, timeline_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registry")]

PDF = b"%PDF-1.7\n%%EOF\n"


def refreshed(client: Client) -> Client:
    return Client.objects.get(pk=client.pk)


def test_entries_newest_first_with_field_diffs(am, am2, client_acme):
    comment_add(actor=am2, target=client_acme, body="Renewal is at risk")
    client = client_update(actor=am, client=refreshed(client_acme), version=1, status=Client.Status.DORMANT)
    attachment_add(actor=am, target=client, uploaded_file=SimpleUploadedFile("minutes.pdf", PDF))

    entries = timeline_for(user=am2, target=client)

    kinds = ["attachment", "event", "changed", "comment", "changed", "event", "created"]
    assert [e.kind for e in entries] == kinds
    attachment, _status_event, change, comment, team_change, _created_event, created = entries
    assert attachment.attachment.original_name == "minutes.pdf" and attachment.actor == am
    assert team_change.changes == [FieldChange("account team", "—", "Bob Li")]
    assert change.changes == [FieldChange("status", "Active", "Dormant")]
    assert change.actor == am  # from the record's updated_by when there was no request
    assert comment.comment.body == "Renewal is at risk" and comment.actor == am2
    assert created.actor is not None
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)


def test_foreign_keys_and_many_to_many_read_as_names(am, am2, admin, outsider, client_acme):
    client = client_update(actor=admin, client=refreshed(client_acme), version=1, owner_am=am2)
    client.account_team.add(outsider)

    entries = timeline_for(user=am2, target=client_acme)

    team_change, owner_change, _first_team = (e for e in entries if e.kind == "changed")
    assert owner_change.changes == [FieldChange("account manager", "Alice Wang", "Bob Li")]
    assert team_change.changes == [FieldChange("account team", "Bob Li", "Bob Li, 张伟")]


def test_event_labels_and_descriptions(am, client_acme):
    register_event_label("test.signal", "raised a signal", describe=lambda data: f"score {data['score']}")
    business_event_record(actor=am, verb="test.signal", target=client_acme, data={"score": 3, "secret": "x"})
    entry = timeline_for(user=am, target=client_acme)[0]
    assert (entry.kind, entry.summary, entry.detail) == ("event", "raised a signal", "score 3")


def test_deleted_comment_leaves_an_event_not_the_text(am, client_acme):
    comment = comment_add(actor=am, target=client_acme, body="wrong thread")
    comment_delete(actor=am, comment=comment)
    entry = timeline_for(user=am, target=client_acme)[0]
    assert (entry.kind, str(entry.summary)) == ("event", "deleted a comment")
    assert "wrong thread" not in entry.detail


def test_delete_rights_are_shown_per_entry(am, am2, admin, client_acme):
    comment_add(actor=am, target=client_acme, body="mine")
    assert [e.can_delete for e in timeline_for(user=am, target=client_acme) if e.comment] == [True]
    assert [e.can_delete for e in timeline_for(user=am2, target=client_acme) if e.comment] == [False]
    assert [e.can_delete for e in timeline_for(user=admin, target=client_acme) if e.comment] == [True]


def test_hidden_history_fields_are_left_out(am, am2, admin, client_acme):
    client = client_update(actor=admin, client=refreshed(client_acme), version=1, industry="Retail")
    client_update(actor=admin, client=client, version=2, tier=Client.Tier.KEY)
    with isolated_registry():
        register_record(
            "clients.client",
            visible=clients_visible_to,
            hidden_history_fields=lambda user, record: set() if user.is_admin else {"industry"},
        )
        for_am = [change.field for e in timeline_for(user=am2, target=client_acme) for change in e.changes]
        for_admin = [change.field for e in timeline_for(user=admin, target=client_acme) for change in e.changes]
    assert for_am == ["tier", "account team"]  # the change of industry alone is not shown at all
    assert for_admin == ["tier", "industry", "account team"]


def test_timeline_needs_sight_of_the_record(outsider, portal, client_acme):
    with pytest.raises(NotFound):
        timeline_for(user=outsider, target=client_acme)
    with pytest.raises(Forbidden):
        timeline_for(user=portal, target=client_acme)


def test_limit_keeps_the_newest(am, client_acme):
    for i in range(5):
        comment_add(actor=am, target=client_acme, body=f"c{i}")
    entries = timeline_for(user=am, target=client_acme, limit=3)
    assert [e.comment.body for e in entries] == ["c4", "c3", "c2"]


def _grow(actor, client: Client, rounds: int) -> Client:
    statuses = [Client.Status.DORMANT, Client.Status.ACTIVE]
    for i in range(rounds):
        client = client_update(actor=actor, client=client, version=client.version, status=statuses[i % 2])
        client = client_update(actor=actor, client=client, version=client.version, owner_am=actor)
        comment_add(actor=actor, target=client, body=f"@bob note {i}")
        attachment_add(actor=actor, target=client, uploaded_file=SimpleUploadedFile(f"f{i}.pdf", PDF))
        business_event_record(actor=actor, verb="test.tick", target=client)
    return client


@pytest.mark.parametrize("rounds", [1, 8])
def test_query_count_does_not_grow_with_the_timeline(admin, am2, client_acme, rounds, django_assert_num_queries):
    client = _grow(admin, refreshed(client_acme), rounds)
    fresh_user = type(am2).objects.get(pk=am2.pk)
    # access: roles, line of the user, visibility (3); history, account team history, owner names, actors of
    # changes made outside a request (4); events (1); comments and their mentions (2); attachments (1)
    with django_assert_num_queries(11):
        entries = timeline_for(user=fresh_user, target=client)
    # created, its event and the first account team; per round: status change and its event, comment, file and
    # tick; the owner changes in the first round only.
    assert len(entries) == 3 + 5 * rounds + 1
