"""The calendar admin refuses what the calendar service refuses."""

from __future__ import annotations

import json

import pytest

from tests.core.conftest import make_user
from tripod.core.models import Calendar

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls")]

INLINE = {
    "exceptions-TOTAL_FORMS": "0",
    "exceptions-INITIAL_FORMS": "0",
    "exceptions-MIN_NUM_FORMS": "0",
    "exceptions-MAX_NUM_FORMS": "1000",
}


def test_admin_calendar_form_names_the_weekday(client, db):
    client.force_login(make_user("boss", is_staff=True, is_superuser=True))
    data = {"name": "Night", "working_hours": json.dumps({"2": [["18:00", "09:00"]]}), "minutes_per_day": "480"}
    response = client.post("/admin/core/calendar/add/", data | INLINE)
    assert response.status_code == 200
    assert "Wednesday: 18:00-09:00 must end after it starts." in response.content.decode()
    assert not Calendar.objects.exists()
    data["working_hours"] = json.dumps({"2": [["09:00", "18:00"]]})
    response = client.post("/admin/core/calendar/add/", data | INLINE)
    assert response.status_code == 302
    assert Calendar.objects.get().working_hours == {"2": [["09:00", "18:00"]]}
