"""Codes and value formats shared by the MSPDI (Microsoft Project XML) reader and writer."""

from __future__ import annotations

import re
from datetime import datetime

from tripod.scheduling.model import ConstraintType, LinkType

NAMESPACE = "http://schemas.microsoft.com/project"

CONSTRAINT_FROM_CODE = {
    0: ConstraintType.ASAP,
    1: ConstraintType.ALAP,
    2: ConstraintType.MSO,
    3: ConstraintType.MFO,
    4: ConstraintType.SNET,
    5: ConstraintType.SNLT,
    6: ConstraintType.FNET,
    7: ConstraintType.FNLT,
}
CONSTRAINT_TO_CODE = {v: k for k, v in CONSTRAINT_FROM_CODE.items()}

LINK_FROM_CODE = {0: LinkType.FF, 1: LinkType.FS, 2: LinkType.SF, 3: LinkType.SS}
LINK_TO_CODE = {v: k for k, v in LINK_FROM_CODE.items()}

ELAPSED_FORMATS = frozenset({4, 6, 8, 10, 12, 20, 36, 38, 40, 42, 44, 52})
PERCENT_FORMATS = frozenset({19, 20, 51, 52})
ESTIMATED_FORMATS = frozenset(range(35, 53))
FORMAT_DAYS, FORMAT_ELAPSED_DAYS, FORMAT_PERCENT, FORMAT_ELAPSED_PERCENT = 7, 8, 19, 20
FORMAT_MINUTES, FORMAT_ELAPSED_MINUTES = 3, 4

_DURATION = re.compile(
    r"^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


def parse_duration(text: str) -> float:
    """Minutes in an ISO 8601 duration as Project writes it (``PT8H0M0S``); days count 24 hours."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValueError(f"not a duration: {text!r}")
    sign, years, months, days, hours, minutes, seconds = match.groups()
    if years or months:
        raise ValueError(f"duration with years or months is ambiguous: {text!r}")
    total = float(days or 0) * 1440 + float(hours or 0) * 60 + float(minutes or 0) + float(seconds or 0) / 60
    return -total if sign else total


def format_duration(minutes: float) -> str:
    """``PT{h}H{m}M{s}S`` for a number of minutes (whole seconds)."""
    seconds = round(minutes * 60)
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}PT{seconds // 3600}H{seconds % 3600 // 60}M{seconds % 60}S"


def parse_datetime(text: str) -> datetime:
    """A local date-time as Project writes it (``2014-10-17T08:00:00``)."""
    return datetime.fromisoformat(text.strip())


def format_datetime(moment: datetime) -> str:
    """The MSPDI form of a date-time."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def parse_time(text: str) -> int:
    """Minutes after midnight of ``HH:MM:SS``."""
    parts = text.strip().split(":")
    if len(parts) < 2:
        raise ValueError(f"not a time of day: {text!r}")
    hours, minutes = int(parts[0]), int(parts[1])
    if not (0 <= hours <= 24 and 0 <= minutes < 60):
        raise ValueError(f"not a time of day: {text!r}")
    return hours * 60 + minutes


def format_time(minutes: int) -> str:
    """``HH:MM:SS`` of minutes after midnight (1440 is written as midnight)."""
    minutes %= 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"
