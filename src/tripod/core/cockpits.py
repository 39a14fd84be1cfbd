"""Cockpits: one page per role with a row of tiles and the tables of the records that role works on.

Core knows no domain (DESIGN.md: core imports no domain app), so each domain contributes its tiles and tables to
the cockpits of the roles it serves, from its ``views`` module::

    @cockpit_tiles(Role.PM, order=10)
    def _pm_projects(request):
        return [Tile(_("My projects"), qs.count(), icon="kanban")]

Every number comes from a selector scoped to ``request.user``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tripod.core.tables import Table
from tripod.identity.models import Role

type Label = str | Promise


@dataclass(frozen=True)
class Tile:
    """A number on a cockpit: ``delta`` is a change to show next to it (positive or negative), ``breakdown`` a few
    (label, count) pairs shown under it, ``sparkline`` its recent history; ``url`` makes the tile a link to the
    records behind the number."""

    label: Label
    value: Any
    icon: str = ""
    url: str | None = None
    delta: Any = None
    delta_good: bool = True
    hint: Label | None = None
    breakdown: Sequence[tuple[Label, Any]] = ()
    tone: str = "primary"
    sparkline: Sequence[float] = ()  # the recent values, oldest first, drawn under the number

    @property
    def delta_direction(self) -> str:
        try:
            return "up" if float(self.delta) > 0 else "down" if float(self.delta) < 0 else "flat"
        except (TypeError, ValueError):
            return "flat"

    @property
    def delta_tone(self) -> str:
        """good / bad / neutral: whether the change is welcome (``delta_good``: a rise is good)."""
        direction = self.delta_direction
        if direction == "flat":
            return "neutral"
        return "good" if (direction == "up") == self.delta_good else "bad"


@dataclass(frozen=True)
class CockpitTable:
    title: Label
    table: Table
    more_url: str | None = None
    more_label: Label = field(default=_("See all"))


@dataclass
class Cockpit:
    role: str
    title: Label
    subtitle: Label
    tiles: list[Tile] = field(default_factory=list)
    tables: list[CockpitTable] = field(default_factory=list)

    def table_for(self, target: str | None) -> CockpitTable | None:
        return next((t for t in self.tables if t.table.id == target), None) if target else None


TITLES: dict[str, tuple[Label, Label]] = {
    Role.ADMIN: (_("Administrator cockpit"), _("The whole organisation at a glance.")),
    Role.PM: (_("Project manager cockpit"), _("The projects you run and the people on them.")),
    Role.AM: (_("Account manager cockpit"), _("Your clients and their projects.")),
    Role.LM: (_("Line manager cockpit"), _("The people in your line and their teams.")),
    Role.MEMBER: (_("Team member cockpit"), _("The projects you work on.")),
    Role.CLIENT: (_("Client cockpit"), _("Your projects with us.")),
}

type TileSource = Callable[[HttpRequest], Sequence[Tile]]
type TableSource = Callable[[HttpRequest], CockpitTable | None]

_tiles: dict[str, list[tuple[int, TileSource]]] = defaultdict(list)
_tables: dict[str, list[tuple[int, TableSource]]] = defaultdict(list)


def cockpit_tiles(*roles: str, order: int = 100) -> Callable[[TileSource], TileSource]:
    """Register ``fn(request) -> [Tile]`` on the cockpits of ``roles``; lower ``order`` comes first."""

    def register(fn: TileSource) -> TileSource:
        for role in roles:
            if fn not in (source for _, source in _tiles[role]):
                _tiles[role].append((order, fn))
        return fn

    return register


def cockpit_table(*roles: str, order: int = 100) -> Callable[[TableSource], TableSource]:
    """Register ``fn(request) -> CockpitTable`` on the cockpits of ``roles``."""

    def register(fn: TableSource) -> TableSource:
        for role in roles:
            if fn not in (source for _, source in _tables[role]):
                _tables[role].append((order, fn))
        return fn

    return register


def cockpit_build(*, request: HttpRequest, role: str) -> Cockpit:
    title, subtitle = TITLES[role]
    cockpit = Cockpit(role=role, title=title, subtitle=subtitle)
    for _order, tile_source in sorted(_tiles[role], key=lambda pair: pair[0]):
        cockpit.tiles.extend(tile_source(request))
    for _order, table_source in sorted(_tables[role], key=lambda pair: pair[0]):
        table = table_source(request)
        if table is not None:
            cockpit.tables.append(table)
    return cockpit
