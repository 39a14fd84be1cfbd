"""The top navigation, by role. Later apps add their entries to ``NAVIGATION``; the base layout shows each user
the entries their roles allow, and only those whose URL is wired."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tripod.identity.models import Role

# The order in which a user's cockpits are offered; the first one is their home page.
COCKPIT_PRIORITY: tuple[str, ...] = (Role.ADMIN, Role.PM, Role.AM, Role.LM, Role.MEMBER, Role.CLIENT)


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    icon: str
    roles: frozenset[str]


@dataclass(frozen=True)
class NavLink:
    """One entry as shown to one user on one page."""

    label: str | Promise
    url: str
    icon: str
    active: bool


ALL_ROLES = frozenset(Role.values)
STAFF = ALL_ROLES - {Role.CLIENT}

NAVIGATION: list[NavEntry] = [
    NavEntry(_("Client portal"), "portal:overview", "house", frozenset({Role.CLIENT})),
    NavEntry(_("Projects"), "projects:list", "kanban", ALL_ROLES),
    NavEntry(_("My work"), "projects:my_work", "check2-square", frozenset({Role.PM, Role.MEMBER})),
    NavEntry(_("Timesheet"), "projects:timesheet", "clock", frozenset({Role.PM, Role.MEMBER})),
    NavEntry(_("Clients"), "clients:list", "building", frozenset({Role.ADMIN, Role.AM})),
    NavEntry(_("Pipeline"), "clients:pipeline", "funnel", frozenset({Role.ADMIN, Role.AM})),
    NavEntry(_("Requirements"), "scope:requirements", "card-checklist", frozenset({Role.ADMIN, Role.AM})),
    NavEntry(_("Tickets"), "clients:tickets", "life-preserver", frozenset({Role.ADMIN, Role.AM, Role.PM, Role.MEMBER})),
    NavEntry(_("Signals"), "clients:signals", "broadcast", frozenset({Role.ADMIN, Role.AM})),
    NavEntry(_("Surveys"), "clients:survey_list", "emoji-smile", frozenset({Role.ADMIN, Role.AM})),
    NavEntry(_("People"), "people:list", "people", frozenset({Role.ADMIN, Role.LM})),
    NavEntry(_("Teams"), "people:teams", "diagram-3", frozenset({Role.ADMIN, Role.LM})),
]

# Shown on the right of the bar, apart from the domain entries.
ADMIN_ENTRY = NavEntry(_("Admin"), "admin:index", "gear", frozenset({Role.ADMIN}))


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _link(entry: NavEntry, path: str) -> NavLink | None:
    url = _url(entry.url_name)
    if url is None:
        return None
    return NavLink(entry.label, url, entry.icon, active=url != "/" and path.startswith(url))


def nav_links(user: Any, path: str = "") -> list[NavLink]:
    """The navigation entries ``user`` may use, in order, with the one for ``path`` marked active."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = user.roles
    links = [link for entry in NAVIGATION if roles & entry.roles if (link := _link(entry, path)) is not None]
    # Only the most specific entry is active ("My work" lives under "Projects").
    active = max((link for link in links if link.active), key=lambda link: len(link.url), default=None)
    return [NavLink(link.label, link.url, link.icon, link is active) for link in links]


def admin_link(user: Any) -> NavLink | None:
    if not getattr(user, "is_authenticated", False) or not user.is_admin:
        return None
    return _link(ADMIN_ENTRY, "")


def cockpit_roles(user: Any) -> list[str]:
    """The roles whose cockpit ``user`` may open, most senior first."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [role for role in COCKPIT_PRIORITY if role in user.roles]


def cockpit_links(user: Any, path: str = "") -> list[NavLink]:
    links = []
    for role in cockpit_roles(user):
        url = reverse("core:cockpit", kwargs={"role": role})
        links.append(NavLink(Role(role).label, url, COCKPIT_ICONS[role], active=path == url))
    return links


COCKPIT_ICONS: dict[str, str] = {
    Role.ADMIN: "shield-lock",
    Role.PM: "kanban",
    Role.AM: "briefcase",
    Role.LM: "people",
    Role.MEMBER: "person-workspace",
    Role.CLIENT: "building",
}
