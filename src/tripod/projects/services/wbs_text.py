"""Durations, work and predecessors as people type them (in the grid, or pasted from a spreadsheet).

Durations and lags are read the way Microsoft Project writes them: ``3d``, ``4h``, ``2w``, ``30m``, ``1.5 days``,
``0`` (a milestone); ``ed``/``eh`` are elapsed days and hours; ``%`` a lag in percent of the predecessor.
Predecessors are ``3FS+2d;5SS``: the predecessor's row number (the # column of the WBS), the link type (FS when
left out) and a lag (lead when negative). Numbers without a unit are days for durations and lags, hours for work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

DAY_UNITS = {"d", "day", "days", "dy", "天", "日"}
HOUR_UNITS = {"h", "hr", "hrs", "hour", "hours", "小时", "时"}
WEEK_UNITS = {"w", "wk", "wks", "week", "weeks", "周"}
MINUTE_UNITS = {"m", "min", "mins", "minute", "minutes", "分钟", "分"}
ELAPSED_DAY_UNITS = {"ed", "eday", "edays"}
ELAPSED_HOUR_UNITS = {"eh", "ehr", "ehour", "ehours"}
LINK_TYPES = ("FS", "SS", "FF", "SF")
MAX_MINUTES = 10_000_000  # about 57 years of working days: anything larger is a typo

_AMOUNT = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*([^\d\s?]*)\s*\??\s*$")
_PREDECESSOR = re.compile(r"^\s*(\d+)\s*(FS|SS|FF|SF)?\s*(?:([+-])\s*(.+))?$", re.IGNORECASE)


class TextError(ValueError):
    """A value that cannot be read; the message says why, in the user's language."""


@dataclass(frozen=True)
class PredecessorRef:
    row: int
    type: str = "FS"
    lag: int = 0
    lag_unit: str = "working"


def _number(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the pattern only lets numbers through
        raise TextError(_("“%(value)s” is not a number.") % {"value": text}) from exc


def _minutes(amount: Decimal, unit: str, *, minutes_per_day: int) -> int | None:
    if unit in DAY_UNITS:
        return round(amount * minutes_per_day)
    if unit in HOUR_UNITS:
        return round(amount * 60)
    if unit in WEEK_UNITS:
        return round(amount * minutes_per_day * 5)
    if unit in MINUTE_UNITS:
        return round(amount)
    return None


def duration_parse(text: str, *, minutes_per_day: int = 480, default_unit: str = "d") -> int:
    """Working minutes in ``text`` (``3d``, ``4h``, ``2w``, ``0``); a bare number is in ``default_unit``."""
    match = _AMOUNT.match(str(text or ""))
    if not match:
        raise TextError(_("“%(value)s” is not a duration such as 3d, 4h or 2w.") % {"value": text})
    amount = _number(match.group(1))
    unit = (match.group(2) or default_unit).lower()
    minutes = _minutes(amount, unit, minutes_per_day=minutes_per_day)
    if minutes is None:
        raise TextError(_("“%(unit)s” is not a unit: use m, h, d or w.") % {"unit": match.group(2)})
    if minutes < 0:
        raise TextError(_("A duration cannot be negative."))
    if minutes > MAX_MINUTES:
        raise TextError(_("“%(value)s” is too long.") % {"value": text})
    return minutes


def work_parse(text: str, *, minutes_per_day: int = 480) -> int:
    """Minutes of work in ``text`` (``24h``, ``3d``); a bare number is hours."""
    return duration_parse(text, minutes_per_day=minutes_per_day, default_unit="h")


def _trim(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.01')).normalize():f}"
    return text


def days_display(minutes: int | None, *, minutes_per_day: int = 480) -> str:
    """Working minutes as days for the grid (``2``, ``1.5``, ``0.25``)."""
    if minutes is None:
        return ""
    return _trim(Decimal(minutes) / Decimal(minutes_per_day or 480))


def hours_display(minutes: int | None) -> str:
    if minutes is None:
        return ""
    return _trim(Decimal(minutes) / Decimal(60))


def lag_parse(text: str, *, minutes_per_day: int = 480) -> tuple[int, str]:
    """(lag, lag unit) from ``2d``, ``4h``, ``3ed`` (elapsed) or ``50%``; a bare number is days."""
    match = _AMOUNT.match(text)
    if not match:
        raise TextError(_("“%(value)s” is not a lag such as 2d, 4h or 50%%.") % {"value": text})
    amount = _number(match.group(1))
    unit = (match.group(2) or "d").lower()
    if unit == "%":
        return round(amount), "percent"
    if unit in ELAPSED_DAY_UNITS:
        return round(amount * 24 * 60), "elapsed"
    if unit in ELAPSED_HOUR_UNITS:
        return round(amount * 60), "elapsed"
    minutes = _minutes(amount, unit, minutes_per_day=minutes_per_day)
    if minutes is None:
        raise TextError(_("“%(unit)s” is not a unit: use m, h, d, w, ed, eh or %%.") % {"unit": match.group(2)})
    if abs(minutes) > MAX_MINUTES:
        raise TextError(_("“%(value)s” is too long.") % {"value": text})
    return minutes, "working"


def lag_display(lag: int, lag_unit: str, *, minutes_per_day: int = 480) -> str:
    """The lag as typed back (``+2d``, ``-4h``, ``+50%``, ``+3ed``); empty for no lag."""
    if not lag:
        return ""
    sign = "+" if lag > 0 else "-"
    size = abs(lag)
    if lag_unit == "percent":
        return f"{sign}{size}%"
    if lag_unit == "elapsed":
        if size % (24 * 60) == 0:
            return f"{sign}{size // (24 * 60)}ed"
        return f"{sign}{_trim(Decimal(size) / 60)}eh"
    if size % minutes_per_day == 0:
        return f"{sign}{size // minutes_per_day}d"
    if size % 60 == 0 or size >= 60:
        return f"{sign}{_trim(Decimal(size) / 60)}h"
    return f"{sign}{size}m"


def predecessors_parse(text: str, *, minutes_per_day: int = 480) -> list[PredecessorRef]:
    """``3FS+2d;5SS`` (``;`` or ``,`` between links) as references to row numbers; a row appears once."""
    refs: list[PredecessorRef] = []
    seen: set[int] = set()
    for part in re.split(r"[;,\uff0c\uff1b]", str(text or "")):  # also the full-width comma and semicolon
        if not part.strip():
            continue
        match = _PREDECESSOR.match(part)
        if not match:
            raise TextError(_("“%(value)s” is not a predecessor such as 3, 3FS+2d or 5SS.") % {"value": part.strip()})
        row = int(match.group(1))
        if row < 1:
            raise TextError(_("Row numbers start at 1."))
        if row in seen:
            raise TextError(_("Row %(row)s is listed twice.") % {"row": row})
        seen.add(row)
        lag, unit = 0, "working"
        if match.group(3):
            lag, unit = lag_parse(match.group(4), minutes_per_day=minutes_per_day)
            if match.group(3) == "-":
                lag = -lag
        refs.append(PredecessorRef(row=row, type=(match.group(2) or "FS").upper(), lag=lag, lag_unit=unit))
    return refs


def predecessor_display(row: int, type_: str, lag: int, lag_unit: str, *, minutes_per_day: int = 480) -> str:
    """One link as Microsoft Project shows it: ``3`` for a plain finish-to-start, ``3SS+2d`` otherwise."""
    lag_text = lag_display(lag, lag_unit, minutes_per_day=minutes_per_day)
    if type_ == "FS" and not lag_text:
        return str(row)
    return f"{row}{type_}{lag_text}"
