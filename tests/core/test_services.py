"""Shared writes: the prepared-statement row update used for computed columns of many rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tripod.core.models import BusinessEvent, Calendar
from tripod.core.services import rows_update

pytestmark = pytest.mark.django_db


def test_rows_update_writes_each_rows_own_values_and_nothing_else() -> None:
    a = Calendar.objects.create(name="A", minutes_per_day=480)
    b = Calendar.objects.create(name="B", minutes_per_day=480)
    untouched = Calendar.objects.create(name="C", minutes_per_day=480)
    a.minutes_per_day, b.minutes_per_day = 420, 450
    a.name = "renamed in memory only"

    assert rows_update(Calendar, [a, b], ["minutes_per_day"]) == 2

    assert dict(Calendar.objects.values_list("name", "minutes_per_day")) == {"A": 420, "B": 450, "C": 480}
    untouched.refresh_from_db()
    assert untouched.version == 1


def test_rows_update_adapts_datetimes_for_the_database() -> None:
    event = BusinessEvent.objects.create(verb="x", target_type_id=1, target_id="1")
    event.at = datetime(2026, 1, 5, 1, 30, tzinfo=UTC)
    rows_update(BusinessEvent, [event], ["at"])
    assert BusinessEvent.objects.get().at == datetime(2026, 1, 5, 1, 30, tzinfo=UTC)


def test_rows_update_with_no_rows_runs_nothing(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert rows_update(Calendar, [], ["name"]) == 0
