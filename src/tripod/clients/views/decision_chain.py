"""The decision chain drawn as an org chart: boxes laid out by reports-to, as server-side SVG."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import ngettext

from tripod.clients.access import can_edit_client
from tripod.clients.models import Contact
from tripod.clients.selectors.accounts import DecisionChain

BOX_W, BOX_H = 212, 108
GAP_X, GAP_Y = 20, 44
MARGIN = 8
STALE_AFTER = timedelta(days=90)
DOTS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class ChainBox:
    contact: Contact
    x: int
    y: int
    name: str
    title: str
    url: str | None
    dots: list[tuple[int, bool]]  # (x of the dot inside the box, filled)
    stale: bool  # no touch in 90 days, or never


@dataclass(frozen=True)
class ChainPicture:
    width: int
    height: int
    box_w: int
    box_h: int
    boxes: list[ChainBox]
    links: list[str]  # SVG path data, manager to report
    description: str


def decision_chain_picture(chain: DecisionChain, *, user: Any = None) -> ChainPicture | None:
    """Lay the chain out as an org chart: leaves side by side in order, each manager centred over their reports,
    one row per level. Boxes link to the contact's edit page for those who may edit it."""
    if not chain.roots:
        return None
    slots: dict[int, float] = {}
    next_slot = 0

    def place(node: Any) -> float:
        nonlocal next_slot
        if node.children:
            xs = [place(child) for child in node.children]
            slot = (xs[0] + xs[-1]) / 2
        else:
            slot, next_slot = next_slot, next_slot + 1
        slots[node.contact.pk] = slot
        return slot

    for root in chain.roots:
        place(root)
    now = timezone.now()
    may_edit = bool(user is not None and can_edit_client(user, chain.client))

    def left(node: Any) -> int:
        return round(MARGIN + slots[node.contact.pk] * (BOX_W + GAP_X))

    def top(node: Any) -> int:
        return MARGIN + node.depth * (BOX_H + GAP_Y)

    boxes, links, depth = [], [], 0
    for node in chain.walk():
        contact, x, y = node.contact, left(node), top(node)
        depth = max(depth, node.depth)
        touched = getattr(contact, "last_touch_at", None)
        boxes.append(
            ChainBox(
                contact=contact,
                x=x,
                y=y,
                name=Truncator(contact.name).chars(26),
                title=Truncator(contact.title).chars(32),
                url=reverse("clients:contact_edit", args=[chain.client.pk, contact.pk]) if may_edit else None,
                dots=[(66 + 11 * (n - 1), n <= contact.influence) for n in DOTS],
                stale=touched is None or now - touched > STALE_AFTER,
            )
        )
        for child in node.children:
            x1, y1, x2, y2 = x + BOX_W // 2, y + BOX_H, left(child) + BOX_W // 2, top(child)
            links.append(f"M{x1},{y1} V{y1 + GAP_Y // 2} H{x2} V{y2}")
    width = round(2 * MARGIN + (next_slot * (BOX_W + GAP_X)) - GAP_X)
    height = 2 * MARGIN + (depth + 1) * (BOX_H + GAP_Y) - GAP_Y
    heads = ", ".join(root.contact.name for root in chain.roots)
    description = ngettext(
        "Decision chain of %(client)s: %(count)s contact; at the top: %(heads)s.",
        "Decision chain of %(client)s: %(count)s contacts; at the top: %(heads)s.",
        len(boxes),
    ) % {"client": chain.client.name, "count": len(boxes), "heads": heads}
    return ChainPicture(width, height, BOX_W, BOX_H, boxes, links, description)
