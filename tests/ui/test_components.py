"""The shared components on their own: tables, form error mapping, conflicts, toasts, navigation, tags."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory

from tripod.clients.forms import ClientForm
from tripod.clients.models import Client
from tripod.core.cockpits import Tile
from tripod.core.htmx import apply_validation_errors, hx_toast, show_conflict, submit_form
from tripod.core.navigation import cockpit_roles, nav_links
from tripod.core.tables import Column, Table
from tripod.identity.models import Role

pytestmark = pytest.mark.django_db


class NameTable(Table):
    columns = [Column("name", "Name", sort="name"), Column("industry", "Industry")]
    default_sort = "name"


def _table(query: str = "", **kwargs: Any) -> NameTable:
    request = RequestFactory().get("/clients/" + query)
    return NameTable(request, Client.objects.all(), **kwargs)


def test_table_sorts_pages_and_ignores_unknown_sort_fields(org: Any) -> None:
    for i in range(5):
        Client.objects.create(name=f"Z{i}")
    assert [c.name for c in _table("?sort=-name", per_page=3).rows] == ["Z4", "Z3", "Z2"]
    assert _table("?sort=industry").sort == "name"  # not a sortable column: the default order
    assert _table("?sort=password").sort == "name"
    page2 = _table("?sort=name&page=2", per_page=3)
    assert page2.page.number == 2 and len(page2.rows) == 3
    assert _table("?page=999", per_page=3).page.number == 3  # out of range: the last page
    links = {link.column.key: link for link in _table("?sort=name&q=x").sort_links()}
    assert links["name"].direction == "asc" and links["name"].query == "?sort=-name&q=x"
    assert links["industry"].query == ""


def test_table_cell_renders_links_badges_and_blanks(org: Any) -> None:
    column = Column("status", "Status", accessor="get_status_display", badge=lambda c: c.status, link=lambda c: "/x")
    html = Template("{% load tripod_ui %}{% table_cell column row %}").render(
        Context({"column": column, "row": org.acme})
    )
    assert html == '<a class="tp-row-link" href="/x"><span class="badge tp-badge-success">Active</span></a>'
    empty = Template("{% load tripod_ui %}{% table_cell column row %}").render(
        Context({"column": Column("industry", "Industry"), "row": Client(name="x")})
    )
    assert "—" in empty


def test_validation_errors_map_to_fields_and_the_top() -> None:
    form = ClientForm({"name": "x", "tier": "standard", "status": "active"})
    assert form.is_valid()
    apply_validation_errors(form, {"name": ["Taken."], "__all__": ["Whole record."], "secret_field": ["Other."]})
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Whole record.", "Other."]


def test_submit_form_shows_a_conflict_and_arms_the_version(org: Any) -> None:
    current = Client.objects.get(pk=org.acme.pk)
    current.industry = "Aerospace"
    current.version = 3
    form = ClientForm(
        {"name": "Acme 科技", "industry": "Robotics", "tier": "standard", "status": "active", "version": "1"},
        instance=org.acme,
    )
    assert form.is_valid()
    conflict = show_conflict(form, current)
    rows = {row.label: row for row in conflict.rows}
    assert rows["Industry"].yours == "Robotics" and rows["Industry"].current == "Aerospace" and rows["Industry"].differs
    assert not rows["Name"].differs
    assert form.data["version"] == "3"


def test_submit_form_returns_none_on_invalid_input() -> None:
    form = ClientForm({"name": "", "tier": "standard", "status": "active"})
    assert submit_form(form, lambda data: pytest.fail("service called with invalid input")) is None
    assert "name" in form.errors


def test_hx_toast_merges_triggers() -> None:
    response = HttpResponse()
    response.headers["HX-Trigger"] = json.dumps({"other": 1})
    hx_toast(response, "Saved.", "success")
    assert json.loads(response.headers["HX-Trigger"]) == {
        "other": 1,
        "tripod:toast": {"message": "Saved.", "level": "success"},
    }


def test_navigation_and_cockpits_follow_roles(org: Any) -> None:
    assert [link.label for link in nav_links(org.am, "/clients/")] == [
        "Projects",
        "Clients",
        "Pipeline",
        "Requirements",
        "Tickets",
        "Signals",
        "Surveys",
    ]
    assert [link.label for link in nav_links(org.portal, "/portal/")] == ["Client portal", "Projects"]
    assert next(link for link in nav_links(org.am, "/clients/") if link.label == "Clients").active
    assert cockpit_roles(org.portal) == [Role.CLIENT]
    assert nav_links(None) == []


def test_only_the_most_specific_navigation_entry_is_active(org: Any) -> None:
    from tripod.core import navigation

    nested = navigation.NavEntry("Inner", "projects:create", "x", frozenset({Role.AM}))
    navigation.NAVIGATION.append(nested)
    try:
        links = nav_links(org.am, "/projects/new/")
    finally:
        navigation.NAVIGATION.remove(nested)
    assert [link.label for link in links if link.active] == ["Inner"]


def test_tile_delta_tone() -> None:
    assert Tile("x", 1, delta=2).delta_tone == "good"
    assert Tile("x", 1, delta=-2).delta_tone == "bad"
    assert Tile("x", 1, delta=2, delta_good=False).delta_tone == "bad"
    assert Tile("x", 1, delta=0).delta_tone == "neutral"
    html = Template('{% include "components/tile.html" %}').render(Context({"tile": Tile("Open", 4, delta="+2")}))
    assert "tp-delta-good" in html and "Open" in html


def test_form_component_marks_required_and_invalid_fields() -> None:
    form = ClientForm({"name": "", "tier": "standard", "status": "active"})
    form.is_valid()
    html = Template('{% include "components/form.html" %}').render(Context({"form": form}))
    assert 'class="form-control is-invalid"' in html
    assert 'aria-describedby="id_name_error"' in html
    assert 'class="tp-required"' in html
    assert "Please correct the fields marked below." in html


def test_sparkline_is_inline_svg_without_style() -> None:
    html = Template('{% include "components/tile.html" %}').render(
        Context({"tile": Tile("Utilisation", "82%", sparkline=[70, 75, 90, 82])})
    )
    assert '<svg class="tp-sparkline"' in html and "<polyline points=" in html
    assert "style=" not in html
    empty = Template('{% include "components/tile.html" %}').render(Context({"tile": Tile("x", 1, sparkline=[3])}))
    assert "<svg" not in empty
