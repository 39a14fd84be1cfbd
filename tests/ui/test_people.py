"""People and team pages: scoped list, cost rate only for the line, edit through the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tripod.people.models import Person

pytestmark = pytest.mark.django_db


def test_list_shows_only_visible_people(org: Any, login: Any) -> None:
    html = login(org.lm).get(reverse("people:list")).content.decode()
    assert "Dev Zhang" in html
    assert "Olga Outsider" not in html


def test_list_query_budget_does_not_grow_with_rows(org: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(30):
        Person.objects.create(name=f"Report {i:02}", team=org.team, manager=org.lead)
    client = login(org.lm)
    client.get(reverse("people:list"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("people:list"))
    assert "Report 00" in response.content.decode()


def test_cost_rate_shown_to_the_line_manager_only(org: Any, login: Any) -> None:
    url = reverse("people:detail", args=[org.dev_person.pk])
    assert "420" in login(org.lm).get(url).content.decode()
    html = login(org.pm).get(url).content.decode()  # the PM sees the person on their project ...
    assert "Dev Zhang" in html
    assert "420" not in html and "Cost rate" not in html  # ... but not the rate


def test_detail_of_an_invisible_person_is_404(org: Any, login: Any) -> None:
    assert login(org.lm).get(reverse("people:detail", args=[org.other_person.pk])).status_code == 404
    assert login(org.portal).get(reverse("people:detail", args=[org.dev_person.pk])).status_code == 404


def test_edit_person(org: Any, login: Any) -> None:
    url = reverse("people:edit", args=[org.dev_person.pk])
    client = login(org.lm)
    assert "cost_rate" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "Dev Zhang",
            "title": "Senior developer",
            "team": org.team.pk,
            "manager": org.lead.pk,
            "capacity_hours_week": "40",
            "cost_rate": "450",
            "cost_currency": "CNY",
            "version": 1,
        },
    )
    assert response.status_code == 302
    org.dev_person.refresh_from_db()
    assert org.dev_person.title == "Senior developer" and org.dev_person.cost_rate == 450


def test_edit_with_bad_input_shows_the_field_error(org: Any, login: Any) -> None:
    response = login(org.lm).post(
        reverse("people:edit", args=[org.dev_person.pk]),
        {"name": "Dev Zhang", "capacity_hours_week": "-3", "cost_currency": "CNY", "version": 1},
    )
    assert response.status_code == 200
    assert 'id="id_capacity_hours_week_error"' in response.content.decode()


def test_edit_is_forbidden_outside_the_line(org: Any, login: Any) -> None:
    assert login(org.pm).get(reverse("people:edit", args=[org.dev_person.pk])).status_code == 403


def test_team_list_shows_headcount(org: Any, login: Any) -> None:
    html = login(org.lm).get(reverse("people:teams")).content.decode()
    assert "Delivery" in html
    assert '<td class="text-end tp-num ">2</td>' in html


def test_team_detail_lists_its_people(org: Any, login: Any) -> None:
    html = login(org.lm).get(reverse("people:team_detail", args=[org.team.pk])).content.decode()
    assert "Dev Zhang" in html and "李雷" in html


def test_detail_query_budget_does_not_grow_with_reports(
    org: Any, login: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(20):
        Person.objects.create(name=f"Report {i:02}", team=org.team, manager=org.lead)
    client = login(org.lm)
    url = reverse("people:detail", args=[org.lead.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert "Report 19" in response.content.decode()
