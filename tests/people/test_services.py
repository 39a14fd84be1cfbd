from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import make_admin, make_user
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.identity.models import Role
from tripod.people.access import can_view_cost_rate, line_person_ids
from tripod.people.models import Person
from tripod.people.selectors import person_list, team_list
from tripod.people.services import person_create, person_update, team_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def line():
    """head -> lead -> engineer, plus an outsider."""
    admin = make_admin()
    head = person_create(actor=admin, name="Head", user=make_user(Role.LM))
    lead = person_create(actor=admin, name="Lead", user=make_user(Role.LM), manager=head)
    engineer = person_create(
        actor=admin, name="Engineer", user=make_user(Role.MEMBER), manager=lead, cost_rate=Decimal("300")
    )
    outsider = person_create(actor=admin, name="Outsider", user=make_user(Role.MEMBER))
    return admin, head, lead, engineer, outsider


def test_line_is_the_whole_manager_chain(line):
    _, head, lead, engineer, _outsider = line
    assert line_person_ids(head.user) == {lead.pk, engineer.pk}
    assert line_person_ids(lead.user) == {engineer.pk}
    assert line_person_ids(engineer.user) == frozenset()


def test_cost_rate_only_for_the_line_and_admin(line):
    admin, head, _lead, engineer, outsider = line
    assert can_view_cost_rate(head.user, engineer)
    assert can_view_cost_rate(admin, engineer)
    assert not can_view_cost_rate(engineer.user, engineer)
    assert not can_view_cost_rate(outsider.user, engineer)


def test_a_loop_in_the_line_is_refused(line):
    _, head, lead, engineer, _ = line
    with pytest.raises(ValidationFailed) as exc:
        person_update(actor=head.user, person=lead, version=lead.version, manager=engineer)
    assert "manager" in exc.value.errors
    lead.refresh_from_db()
    assert lead.manager == head


def test_only_the_line_edits_a_person(line):
    _, head, _lead, engineer, outsider = line
    with pytest.raises(Forbidden):
        person_update(actor=outsider.user, person=engineer, version=engineer.version, title="CEO")
    person_update(actor=head.user, person=engineer, version=engineer.version, title="Senior Engineer")
    assert Person.objects.get(pk=engineer.pk).title == "Senior Engineer"


def test_negative_capacity_is_a_field_error(line):
    admin = line[0]
    with pytest.raises(ValidationFailed) as exc:
        person_create(actor=admin, name="Nobody", capacity_hours_week=Decimal("-5"))
    assert "capacity_hours_week" in exc.value.errors


def test_team_headcount_counts_only_visible_people(line):
    admin, _head, lead, engineer, outsider = line
    team = team_create(actor=admin, name="Platform")
    Person.objects.filter(pk__in=[engineer.pk, outsider.pk]).update(team=team)
    assert team_list(user=admin).get(pk=team.pk).headcount == 2
    assert team_list(user=lead.user).get(pk=team.pk).headcount == 1
    assert set(person_list(user=lead.user)) == {lead, engineer}
