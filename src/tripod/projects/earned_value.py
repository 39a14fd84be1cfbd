"""Earned value management, as in PMI's *Practice Standard for Earned Value Management* (pure Python, no Django).

Inputs are plain dataclasses built by ``tripod.projects.selectors.budget``; every amount is a ``Decimal``.

- BAC (budget at completion): the sum of the budget lines.
- PV (planned value) at a status date: the budget of the work the **baseline** scheduled by then. Each WBS
  element's budget is spread linearly over its baseline span in **calendar days** (both ends included; the status
  date counts as a whole day), so an element planned from Monday to Wednesday has planned a third of its budget by
  the end of Monday. A milestone (start = finish) plans its whole budget on its day. Without a baseline PV is
  undefined (``None``), and so are SV and SPI.
- EV (earned value): the sum over elements of budget x % complete.
- AC (actual cost): the cost of approved time, as given.
- SV = EV - PV, CV = EV - AC, SPI = EV / PV, CPI = EV / AC.
- EAC = BAC / CPI (cost performance continues), with the two other standard forecasts alongside:
  AC + (BAC - EV) (the variance so far was atypical) and AC + (BAC - EV) / (CPI x SPI) (cost and schedule pressure
  both continue). ETC = EAC - AC, VAC = BAC - EAC, TCPI = (BAC - EV) / (BAC - AC) to meet the BAC and
  (BAC - EV) / (EAC - AC) to meet the EAC.

A ratio whose denominator is zero is undefined: ``None`` (shown as "—"), never an exception. The forecasts are
computed from the underlying amounts rather than from a rounded CPI/SPI (BAC / CPI = BAC x AC / EV), so they do not
carry a rounding error; money results are rounded to cents at the end, ratios are left exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round an amount to cents, half up (how accountants round)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(numerator: Decimal, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator, or None when the denominator is zero or unknown."""
    if denominator is None or denominator == 0:
        return None
    return numerator / denominator


@dataclass(frozen=True)
class PlannedElement:
    """One WBS element's budget and its time-phasing: the baseline span (or the fallback span the caller chose),
    and its % complete (0-100) for earned value."""

    budget: Decimal
    start: date | None
    finish: date | None
    percent_complete: Decimal = ZERO


@dataclass(frozen=True)
class EarnedValue:
    """The EV figures of a project at a status date. ``pv`` is None without a baseline; ratios are None when their
    denominator is zero. ``eac`` is the CPI forecast (BAC / CPI); ``eac_atypical`` and ``eac_cpi_spi`` are the
    other two standard forecasts; ``tcpi`` is to the BAC, ``tcpi_eac`` to the EAC."""

    status_date: date | None
    bac: Decimal
    pv: Decimal | None
    ev: Decimal
    ac: Decimal
    sv: Decimal | None
    cv: Decimal
    spi: Decimal | None
    cpi: Decimal | None
    eac: Decimal | None
    etc: Decimal | None
    vac: Decimal | None
    tcpi: Decimal | None
    eac_atypical: Decimal = ZERO
    eac_cpi_spi: Decimal | None = None
    tcpi_eac: Decimal | None = None
    percent_planned: Decimal | None = field(default=None)
    percent_complete: Decimal | None = field(default=None)

    @property
    def has_baseline(self) -> bool:
        return self.pv is not None


def planned_fraction(start: date | None, finish: date | None, status_date: date) -> Decimal:
    """The share of an element's budget planned by the end of ``status_date`` (linear in calendar days)."""
    if start is None or finish is None:
        return ZERO
    if finish < start:
        start, finish = finish, start
    if status_date < start:
        return ZERO
    if status_date >= finish:
        return Decimal(1)
    span = (finish - start).days + 1
    elapsed = (status_date - start).days + 1
    return Decimal(elapsed) / Decimal(span)


def planned_value(elements: Iterable[PlannedElement], status_date: date) -> Decimal:
    """PV at the end of ``status_date``: sum of budget x planned fraction (unrounded)."""
    return sum((e.budget * planned_fraction(e.start, e.finish, status_date) for e in elements), ZERO)


def earned_value(elements: Iterable[PlannedElement]) -> Decimal:
    """EV: sum of budget x % complete (unrounded)."""
    return sum((e.budget * e.percent_complete / HUNDRED for e in elements), ZERO)


def budget_at_completion(elements: Iterable[PlannedElement]) -> Decimal:
    return sum((e.budget for e in elements), ZERO)


def indicators(
    *, bac: Decimal, pv: Decimal | None, ev: Decimal, ac: Decimal, status_date: date | None = None
) -> EarnedValue:
    """Every variance, index and forecast from BAC, PV, EV and AC (PV None: no baseline)."""
    sv = None if pv is None else ev - pv
    cv = ev - ac
    spi = None if pv is None else ratio(ev, pv)
    cpi = ratio(ev, ac)
    # EAC = BAC / CPI = BAC x AC / EV: undefined while CPI is undefined (no cost yet) or zero (nothing earned).
    eac = ratio(bac * ac, ev) if ac != 0 else None
    # AC + (BAC - EV) / (CPI x SPI) = AC + (BAC - EV) x AC x PV / EV^2.
    eac_cpi_spi = None
    if pv is not None and ev != 0 and ac != 0 and pv != 0:
        eac_cpi_spi = ac + (bac - ev) * ac * pv / (ev * ev)
    eac_atypical = ac + (bac - ev)
    etc = None if eac is None else eac - ac
    vac = None if eac is None else bac - eac
    tcpi = ratio(bac - ev, bac - ac)
    tcpi_eac = None if eac is None else ratio(bac - ev, eac - ac)
    return EarnedValue(
        status_date=status_date,
        bac=money(bac),
        pv=None if pv is None else money(pv),
        ev=money(ev),
        ac=money(ac),
        sv=None if sv is None else money(sv),
        cv=money(cv),
        spi=spi,
        cpi=cpi,
        eac=None if eac is None else money(eac),
        etc=None if etc is None else money(etc),
        vac=None if vac is None else money(vac),
        tcpi=tcpi,
        eac_atypical=money(eac_atypical),
        eac_cpi_spi=None if eac_cpi_spi is None else money(eac_cpi_spi),
        tcpi_eac=tcpi_eac,
        percent_planned=None if pv is None else ratio(pv * HUNDRED, bac),
        percent_complete=ratio(ev * HUNDRED, bac),
    )


def earned_value_at(
    elements: Sequence[PlannedElement], *, ac: Decimal, status_date: date, baselined: bool = True
) -> EarnedValue:
    """The whole set of figures for ``elements`` at ``status_date``; ``baselined`` False leaves PV undefined."""
    pv = planned_value(elements, status_date) if baselined else None
    return indicators(
        bac=budget_at_completion(elements), pv=pv, ev=earned_value(elements), ac=ac, status_date=status_date
    )


# --- the S-curve ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CurvePoint:
    """Cumulative figures at the end of ``day``; ``ev`` and ``ac`` are None after the status date."""

    day: date
    pv: Decimal | None
    ev: Decimal | None
    ac: Decimal | None


def curve_days(first: date, last: date, *, max_points: int = 120) -> list[date]:
    """The days the S-curve is drawn at, from ``first`` to ``last`` (both included): every day for a plan of up to
    five weeks, else every week end, the step widening by whole weeks so there are at most ``max_points``."""
    if last < first:
        first, last = last, first
    span = (last - first).days
    if span <= 35:
        return [first + timedelta(days=n) for n in range(span + 1)]
    weeks = span // 7 + 1
    step = 7 * max(1, -(-weeks // max_points))
    days = [first]
    day = first + timedelta(days=6)
    while day < last:
        days.append(day)
        day += timedelta(days=step)
    days.append(last)
    return days


def cumulative_at(changes: Sequence[tuple[date, Decimal]], day: date) -> Decimal:
    """The sum of the amounts dated on or before ``day`` (``changes`` sorted by date)."""
    total = ZERO
    for when, amount in changes:
        if when > day:
            break
        total += amount
    return total


def s_curve(
    *,
    elements: Sequence[PlannedElement],
    days: Sequence[date],
    status_date: date,
    costs: Sequence[tuple[date, Decimal]],
    earned: dict[date, Decimal],
    baselined: bool = True,
) -> list[CurvePoint]:
    """PV, EV and AC at each of ``days``. ``costs``: (day, cost) of approved time, sorted; ``earned``: the EV
    known at each day up to the status date (the caller reads it from the progress history)."""
    points = []
    for day in days:
        pv = money(planned_value(elements, day)) if baselined else None
        if day <= status_date:
            points.append(CurvePoint(day, pv, money(earned.get(day, ZERO)), money(cumulative_at(costs, day))))
        else:
            points.append(CurvePoint(day, pv, None, None))
    return points
