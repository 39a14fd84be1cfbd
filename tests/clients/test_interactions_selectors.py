"""Reads of interactions and follow-ups: scope for every role (the PM of a linked project sees that interaction
only, never the contacts on it), filters, planned interactions, follow-ups open / overdue / by owner, counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.clients.accounts_builders import add_contact, ago, build_account_world, follow, record
from tripod.clients.selectors import followup_list, interaction_list
from tripod.clients.selectors.interactions import (
    followup_counts,
    followup_get,
    followup_owner_choices,
    interaction_counts_by_kind,
    interaction_get,
)
from tripod.clients.services import followup_set_done
from tripod.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw():
    return build_account_world()


# actor: (sees the interaction about P1, sees the one about nothing, sees the follow-ups)
SCOPE = {
    "admin": (True, True, True),
    "am_related": (True, True, True),
    "am_team": (True, True, True),
    "pm_related": (True, False, False),
    "pm_unrelated": (False, False, False),  # runs P1B, not P1
    "am_unrelated": (False, False, False),
    "lm_related": (False, False, False),
    "member_related": (False, False, False),
    "client_related": (False, False, False),
    "client_unrelated": (False, False, False),
}


@pytest.mark.parametrize(("actor", "expected"), SCOPE.items())
def test_interaction_and_follow_up_scope(aw, actor, expected):
    about_p1 = record(aw, "About P1", project=aw.project)
    general = record(aw, "General")
    follow(aw, interaction=general)
    user = aw.user(actor)
    sees_p1, sees_general, sees_followups = expected
    assert set(interaction_list(user=user)) == {i for i, ok in ((about_p1, sees_p1), (general, sees_general)) if ok}
    assert followup_list(user=user).exists() == sees_followups
    assert sum(interaction_counts_by_kind(user=user).values()) == sees_p1 + sees_general
    if not sees_general:
        with pytest.raises(NotFound):
            interaction_get(user=user, pk=general.pk)


def test_the_pm_of_a_project_reads_the_interaction_but_not_its_contacts(aw):
    eve = add_contact(aw, "Eve")
    record(aw, project=aw.project, contacts=[eve])
    seen_by_pm = interaction_get(user=aw.user("pm_related"), pk=interaction_list(user=aw.user("admin")).get().pk)
    assert list(seen_by_pm.contacts.all()) == []
    seen_by_am = interaction_list(user=aw.user("am_related")).get()
    assert list(seen_by_am.contacts.all()) == [eve]


def test_a_follow_up_owner_sees_their_follow_up(aw):
    aw.client.account_team.add(aw.user("pm_related"))
    followup = follow(aw, owner=aw.user("pm_related"))
    aw.client.account_team.remove(aw.user("pm_related"))
    assert list(followup_list(user=aw.user("pm_related"))) == [followup]


def test_interaction_filters_and_planned_flag(aw):
    eve, bob = add_contact(aw, "Eve"), add_contact(aw, "Bob")
    old = record(aw, "Old call", kind="call", contacts=[eve], at=ago(days=40))
    demo = record(aw, "Demo", kind="demo", contacts=[bob], at=ago(days=3), project=aw.project)
    planned = record(aw, "Next visit", kind="visit", contacts=[eve, bob], at=timezone.now() + timedelta(days=7))
    am = aw.user("am_related")
    assert list(interaction_list(user=am, client=aw.client)) == [planned, demo, old]  # newest first
    assert list(interaction_list(user=am, kind="call")) == [old]
    assert list(interaction_list(user=am, contact=eve)) == [planned, old]
    assert list(interaction_list(user=am, contact=bob.pk)) == [planned, demo]
    assert list(interaction_list(user=am, since=ago(days=10))) == [planned, demo]
    assert list(interaction_list(user=am, since=date.today() - timedelta(days=10), until=timezone.now())) == [demo]
    assert list(interaction_list(user=am, project=aw.project)) == [demo]
    assert [i.is_planned for i in interaction_list(user=am)] == [True, False, False]
    assert interaction_counts_by_kind(user=am, client=aw.client) == {"call": 1, "demo": 1, "visit": 1}


def test_follow_ups_open_overdue_done_and_by_owner(aw):
    today = timezone.localdate()
    late = follow(aw, "Late", due=today - timedelta(days=2))
    soon = follow(aw, "Soon", due=today + timedelta(days=1), owner=aw.user("am_team"))
    today_one = follow(aw, "Today", due=today)
    done = follow(aw, "Done", due=today - timedelta(days=5))
    followup_set_done(actor=aw.user("am_related"), followup=done)
    am = aw.user("am_related")
    assert list(followup_list(user=am)) == [late, today_one, soon]
    assert [f.overdue for f in followup_list(user=am)] == [True, False, False]
    assert list(followup_list(user=am, open_only=False)) == [late, today_one, soon, done]  # open ones first
    assert list(followup_list(user=am, owner=am)) == [late, today_one]
    assert list(followup_list(user=am, overdue_only=True)) == [late]
    assert followup_counts(user=am, owner=am) == {"open": 2, "overdue": 1}
    assert followup_counts(user=aw.user("am_team"), owner=aw.user("am_team")) == {"open": 1, "overdue": 0}
    assert followup_counts(user=aw.user("pm_related")) == {"open": 0, "overdue": 0}
    assert followup_get(user=am, pk=done.pk).overdue is False
    with pytest.raises(NotFound):
        followup_get(user=aw.user("am_unrelated"), pk=late.pk)


def test_owner_choices_are_the_account_team(aw):
    names = {u.username for u in followup_owner_choices(client=aw.client)}
    assert names == {"am_related", "am_team"}
    also = followup_owner_choices(client=aw.client, also_id=aw.user("admin").pk)
    assert "admin" in {u.username for u in also}
