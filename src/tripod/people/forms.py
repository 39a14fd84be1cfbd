"""Forms of the people pages. They only parse input; the services decide and write."""

from __future__ import annotations

from typing import Any

from tripod.core.htmx import RecordForm
from tripod.people.models import Person
from tripod.people.selectors import person_list, team_list


class PersonForm(RecordForm):
    model = Person
    record_fields = (
        "name",
        "title",
        "team",
        "manager",
        "hire_date",
        "leave_date",
        "capacity_hours_week",
        "cost_rate",
        "cost_currency",
    )
    field_columns = {
        "hire_date": "col-md-3",
        "leave_date": "col-md-3",
        "capacity_hours_week": "col-md-6",
        "cost_rate": "col-md-4",
        "cost_currency": "col-md-2",
    }

    def __init__(self, *args: Any, user: Any, show_cost: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = team_list(user=user)
        managers = person_list(user=user)
        if self.instance is not None:
            managers = managers.exclude(pk=self.instance.pk)
        self.fields["manager"].queryset = managers
        if not show_cost:
            del self.fields["cost_rate"]
            del self.fields["cost_currency"]
