"""Checks every cell of truth_table.csv against the running application (web pages, API, selectors, predicates)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests.authz.account_pages import ACCOUNT_RECORDS, CLIENT_PAGES, SEARCH_WORD
from tests.authz.project_pages import PROJECT_PAGES, RECORD_PAGES, page_url
from tests.authz.world import ACTORS, World, build_world
from tripod.clients.selectors import client_list
from tripod.core.search import search
from tripod.people.access import can_view_cost_rate
from tripod.people.selectors import person_list
from tripod.projects.access import can_view_project_internals
from tripod.projects.selectors import project_list

TABLE = Path(__file__).with_name("truth_table.csv")

ENTITIES = {
    # entity: (web namespace, API collection, attribute of World)
    "client": ("clients", "clients", "client"),
    "project": ("projects", "projects", "project"),
    "person": ("people", "people", "person"),
}


def _cells() -> list[tuple[str, str, str, str]]:
    lines = [line for line in TABLE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    reader = csv.DictReader(lines)
    assert reader.fieldnames is not None
    assert tuple(reader.fieldnames[2:]) == ACTORS, "truth table columns must be exactly the actors of world.py"
    cells = []
    for row in reader:
        for actor in ACTORS:
            cells.append((row["entity"], row["action"], actor, row[actor]))
    return cells


CELLS = _cells()


def _http(world: World, actor: str) -> HttpClient:
    http = HttpClient()
    if actor != "anonymous":
        http.force_login(world.users[actor])
    return http


def _web_outcome(http: HttpClient, url: str) -> str:
    response = http.get(url)
    if response.status_code == 302:
        assert reverse("identity:login") in response["Location"], response["Location"]
        return "login"
    return str(response.status_code)


def _user(world: World, actor: str):
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser() if actor == "anonymous" else world.users[actor]


def check_view(world: World, entity: str, actor: str) -> str:
    if entity in ACCOUNT_RECORDS:
        record = ACCOUNT_RECORDS[entity]
        return _web_outcome(_http(world, actor), record.url(record.make(world)))
    if entity in CLIENT_PAGES:
        return _web_outcome(_http(world, actor), reverse(CLIENT_PAGES[entity], args=[world.client.pk]))
    if entity in PROJECT_PAGES or entity in RECORD_PAGES:
        return _web_outcome(_http(world, actor), page_url(world, entity))
    namespace, _, attr = ENTITIES[entity]
    return _web_outcome(_http(world, actor), reverse(f"{namespace}:detail", args=[getattr(world, attr).pk]))


def check_edit(world: World, entity: str, actor: str) -> str:
    namespace, _, attr = ENTITIES[entity]
    return _web_outcome(_http(world, actor), reverse(f"{namespace}:edit", args=[getattr(world, attr).pk]))


def check_create(world: World, entity: str, actor: str) -> str:
    namespace, _, _ = ENTITIES[entity]
    return _web_outcome(_http(world, actor), reverse(f"{namespace}:create"))


def check_api_view(world: World, entity: str, actor: str) -> str:
    _, collection, attr = ENTITIES[entity]
    response = _http(world, actor).get(f"/api/v1/{collection}/{getattr(world, attr).pk}")
    if response.status_code != 200:
        assert response["Content-Type"].startswith("application/problem+json")
    return str(response.status_code)


LISTS: dict[str, Callable] = {"client": client_list, "project": project_list, "person": person_list}


def check_list(world: World, entity: str, actor: str) -> str:
    if entity in ACCOUNT_RECORDS:
        record = ACCOUNT_RECORDS[entity]
        subject = record.make(world)
        return "yes" if record.listed(_user(world, actor)).filter(pk=subject.pk).exists() else "no"
    _, collection, attr = ENTITIES[entity]
    subject = getattr(world, attr)
    in_selector = LISTS[entity](user=_user(world, actor)).filter(pk=subject.pk).exists()
    if actor != "anonymous":
        response = _http(world, actor).get(f"/api/v1/{collection}?limit=100")
        assert response.status_code == 200
        in_api = subject.pk in {item["id"] for item in response.json()["items"]}
        assert in_api == in_selector, "the API list and the selector disagree"
    return "yes" if in_selector else "no"


def check_internals(world: World, entity: str, actor: str) -> str:
    allowed = can_view_project_internals(_user(world, actor), world.project)
    if actor != "anonymous" and not allowed:
        response = _http(world, actor).get(f"/api/v1/projects/{world.project.pk}")
        if response.status_code == 200:
            assert response.json().get("budget") is None, "budget shown to a user who may not see internals"
    return "yes" if allowed else "no"


def check_cost_rate(world: World, entity: str, actor: str) -> str:
    allowed = can_view_cost_rate(_user(world, actor), world.person)
    if actor != "anonymous":
        http = _http(world, actor)
        api = http.get(f"/api/v1/people/{world.person.pk}")
        page = http.get(reverse("people:detail", args=[world.person.pk]))
        if api.status_code == 200:
            assert (api.json().get("cost_rate") is not None) == allowed
        if page.status_code == 200:
            assert ("321" in page.content.decode()) == allowed, "cost rate shown (or hidden) against the rule"
    return "yes" if allowed else "no"


def check_search(world: World, entity: str, actor: str) -> str:
    """The global search finds the record exactly when the user may see it (no hint of it otherwise)."""
    record = ACCOUNT_RECORDS[entity]
    subject = record.make(world)
    label = f"{subject._meta.app_label}.{subject._meta.model_name}"
    groups = search(user=_user(world, actor), query=SEARCH_WORD)
    found = any(group.label == label and any(r.url == record.url(subject) for r in group.results) for group in groups)
    return "yes" if found else "no"


CHECKS: dict[str, Callable[[World, str, str], str]] = {
    "view": check_view,
    "edit": check_edit,
    "create": check_create,
    "api_view": check_api_view,
    "list": check_list,
    "internals": check_internals,
    "cost_rate": check_cost_rate,
    "search": check_search,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("entity", "action", "actor", "expected"), CELLS, ids=lambda v: str(v))
def test_cell(entity: str, action: str, actor: str, expected: str) -> None:
    world = build_world()
    assert CHECKS[action](world, entity, actor) == expected


def test_table_is_complete() -> None:
    """Every entity has every action it supports, once."""
    seen = {(entity, action) for entity, action, _, _ in CELLS}
    assert len(CELLS) == len(seen) * len(ACTORS)
    for entity in ENTITIES:
        for action in ("view", "api_view", "list", "edit"):
            assert (entity, action) in seen
    for entity in [*PROJECT_PAGES, *RECORD_PAGES, *CLIENT_PAGES]:
        assert (entity, "view") in seen
    for entity in ACCOUNT_RECORDS:
        for action in ("view", "list"):
            assert (entity, action) in seen
