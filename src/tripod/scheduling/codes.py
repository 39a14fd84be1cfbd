"""Integer codes the passes use for link types, lag kinds and constraints (fast to compare)."""

from __future__ import annotations

from tripod.scheduling.model import ConstraintType, LinkType

FS, SS, FF, SF = 0, 1, 2, 3
LINK_CODES = {LinkType.FS: FS, LinkType.SS: SS, LinkType.FF: FF, LinkType.SF: SF}
WORKING_LAG, ELAPSED_LAG = 0, 1
ASAP, ALAP, SNET, SNLT, FNET, FNLT, MSO, MFO = range(8)
CONSTRAINT_CODES = {
    ConstraintType.ASAP: ASAP,
    ConstraintType.ALAP: ALAP,
    ConstraintType.SNET: SNET,
    ConstraintType.SNLT: SNLT,
    ConstraintType.FNET: FNET,
    ConstraintType.FNLT: FNLT,
    ConstraintType.MSO: MSO,
    ConstraintType.MFO: MFO,
}
BIG = 1 << 62
"""Larger than any working position."""
UNKNOWN_GAP = BIG * 2
"""Free slack not found during the backward pass (links across calendars): computed afterwards."""
