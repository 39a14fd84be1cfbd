"""core.access.scope: the union of the grants registered for a model, and what an empty grant means."""

from __future__ import annotations

import pytest
from django.db.models import Q

from tests.factories import make_user
from tripod.core import access
from tripod.core.models import Calendar
from tripod.identity.models import Role

pytestmark = pytest.mark.django_db
LABEL = "core.calendar"


@pytest.fixture
def calendars():
    return [Calendar.objects.create(name=name) for name in ("Office", "Plant", "Shop")]


def _visible(monkeypatch, user, *grants):
    monkeypatch.setitem(access._grants, LABEL, list(grants))
    return set(access.scope(Calendar.objects.all(), user).values_list("name", flat=True))


def test_no_grant_shows_nothing(monkeypatch, calendars):
    assert _visible(monkeypatch, make_user(Role.AM), lambda user: None) == set()


def test_grants_are_a_union(monkeypatch, calendars):
    office, plant, _ = calendars
    grants = (lambda user: Q(pk=office.pk), lambda user: None, lambda user: Q(pk=plant.pk))
    assert _visible(monkeypatch, make_user(Role.AM), *grants) == {"Office", "Plant"}


def test_an_empty_grant_grants_every_record(monkeypatch, calendars):
    # Q() OR-ed into the union would vanish and grant nothing; it means "all of them".
    office = calendars[0]
    grants = (lambda user: Q(pk=office.pk), lambda user: Q())
    assert _visible(monkeypatch, make_user(Role.AM), *grants) == {"Office", "Plant", "Shop"}


def test_admins_see_all_and_anonymous_users_nothing(monkeypatch, calendars):
    from django.contrib.auth.models import AnonymousUser

    assert _visible(monkeypatch, make_user(Role.ADMIN, is_superuser=True), lambda user: None) == {
        "Office",
        "Plant",
        "Shop",
    }
    assert _visible(monkeypatch, AnonymousUser(), lambda user: Q()) == set()
