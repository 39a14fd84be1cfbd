"""The pure earned value module: PMI's formulas, time-phasing, undefined ratios, and two published worked examples
reproduced figure by figure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tripod.projects.earned_value import (
    PlannedElement,
    curve_days,
    earned_value_at,
    indicators,
    money,
    planned_fraction,
    s_curve,
)

D = Decimal


def three_places(value: Decimal | None) -> Decimal:
    assert value is not None
    return value.quantize(D("0.001"))


def fence(day: int) -> date:
    return date(2026, 3, day + 1)  # day 1 of the fence project is 2026-03-02 (any four consecutive days do)


FENCE = [
    PlannedElement(D("1000"), fence(1), fence(1), D("100")),
    PlannedElement(D("1000"), fence(2), fence(2), D("100")),
    PlannedElement(D("1000"), fence(3), fence(3), D("50")),
    PlannedElement(D("1000"), fence(4), fence(4), D("0")),
]


def test_fence_worked_example_figure_by_figure():
    """ "Earned Value Exercise" (the fence example from R. Mulcahy, *PMP Exam Prep*, p. 210), as published at
    https://studylib.net/doc/5898152/earned-value-exercise

    A four-sided fence, one side a day, $1,000 a side, built one after the other; status at the end of day 3:
    sides 1 and 2 complete ($1,000 and $1,200 spent), side 3 50 % done ($600 spent), side 4 not started.
    Published: PV 3,000; EV 2,500; AC 2,800; BAC 4,000; CV -300; CPI .893; SV -500; SPI .833;
    EAC 4,479 (= 4,000 / .893); ETC 1,679; VAC -479.

    The source divides by the CPI already rounded to three places (4,000 / .893 = 4,479.28); the exact forecast is
    4,000 x 2,800 / 2,500 = 4,480. Both are checked: the published figures through the same formulas fed with the
    published rounded CPI, and the exact ones as this module reports them.
    """
    ev = earned_value_at(FENCE, ac=D("1000") + D("1200") + D("600"), status_date=fence(3))

    assert ev.pv == D("3000.00")
    assert ev.ev == D("2500.00")
    assert ev.ac == D("2800.00")
    assert ev.bac == D("4000.00")
    assert ev.cv == D("-300.00")
    assert three_places(ev.cpi) == D("0.893")
    assert ev.sv == D("-500.00")
    assert three_places(ev.spi) == D("0.833")

    # The published forecast, from the rounded CPI: EAC = BAC / .893, ETC = EAC - AC, VAC = BAC - EAC.
    eac_published = (D("4000") / three_places(ev.cpi)).quantize(D("1"))
    assert eac_published == D("4479")
    assert eac_published - ev.ac == D("1679")
    assert ev.bac - eac_published == D("-479")

    # The exact forecast.
    assert ev.eac == D("4480.00")
    assert ev.etc == D("1680.00")
    assert ev.vac == D("-480.00")


def test_forecasting_worked_example_figure_by_figure():
    """ "EVM Forecasting: EAC · ETC · VAC · TCPI" (WikiSlate, Project Control Methods, poster 15),
    https://wikislate.com/view.php?p=15-evm-forecasting.html

    Worked example: BAC / EV / AC = 100 / 40 / 45 (thousands); CPI / SPI = 0.89 / 0.80 (so PV = 50);
    EAC = BAC / CPI = 112.5; ETC = 67.5; VAC = -12.5; EAC (cost x schedule) ≈ 129; TCPI to BAC = 1.09.
    """
    ev = indicators(bac=D("100"), pv=D("50"), ev=D("40"), ac=D("45"))

    assert ev.cpi.quantize(D("0.01")) == D("0.89")
    assert ev.spi == D("0.8")
    assert ev.eac == D("112.50")
    assert ev.etc == D("67.50")
    assert ev.vac == D("-12.50")
    assert ev.eac_cpi_spi.quantize(D("1")) == D("129")
    assert ev.eac_cpi_spi == D("129.38")  # 45 + 60 / (0.888… x 0.8) = 129.375
    assert ev.tcpi.quantize(D("0.01")) == D("1.09")
    # The other standard figures on the same numbers.
    assert ev.sv == D("-10.00")
    assert ev.cv == D("-5.00")
    assert ev.eac_atypical == D("105.00")  # AC + (BAC - EV)
    # TCPI to the CPI forecast: (BAC - EV) / (EAC - AC) = 60 / 67.5, today's CPI by construction.
    assert ev.tcpi_eac.quantize(D("0.0001")) == ev.cpi.quantize(D("0.0001"))


def test_ratios_are_none_when_the_denominator_is_zero():
    ev = indicators(bac=D("1000"), pv=D("0"), ev=D("0"), ac=D("0"))
    assert ev.spi is None
    assert ev.cpi is None
    assert ev.eac is None and ev.etc is None and ev.vac is None
    assert ev.tcpi == 1  # (1000 - 0) / (1000 - 0)
    assert ev.eac_cpi_spi is None


def test_nothing_earned_but_money_spent_has_no_cpi_forecast():
    ev = indicators(bac=D("1000"), pv=D("100"), ev=D("0"), ac=D("50"))
    assert ev.cpi == 0
    assert ev.eac is None
    assert ev.eac_atypical == D("1050.00")


def test_tcpi_undefined_when_the_whole_budget_is_spent():
    ev = indicators(bac=D("100"), pv=D("100"), ev=D("80"), ac=D("100"))
    assert ev.tcpi is None
    assert ev.eac == D("125.00")
    assert ev.tcpi_eac == D("20") / D("25")


def test_without_a_baseline_pv_sv_and_spi_are_undefined():
    ev = earned_value_at(FENCE, ac=D("2800"), status_date=fence(3), baselined=False)
    assert ev.pv is None and ev.sv is None and ev.spi is None
    assert not ev.has_baseline
    assert ev.ev == D("2500.00")
    assert ev.eac_cpi_spi is None


def test_planned_fraction_is_linear_in_calendar_days_with_both_ends_included():
    start, finish = date(2026, 1, 5), date(2026, 1, 7)
    assert planned_fraction(start, finish, date(2026, 1, 4)) == 0
    assert planned_fraction(start, finish, date(2026, 1, 5)) == D(1) / D(3)
    assert planned_fraction(start, finish, date(2026, 1, 6)) == D(2) / D(3)
    assert planned_fraction(start, finish, date(2026, 1, 7)) == 1
    assert planned_fraction(start, finish, date(2026, 2, 1)) == 1
    assert planned_fraction(None, finish, date(2026, 2, 1)) == 0
    # A milestone plans everything on its day.
    assert planned_fraction(finish, finish, finish) == 1


def test_money_rounds_half_up_to_cents():
    assert money(D("1.005")) == D("1.01")
    assert money(D("-1.005")) == D("-1.01")


def test_curve_days_are_daily_for_short_plans_and_weekly_for_long_ones():
    assert curve_days(date(2026, 1, 5), date(2026, 1, 8)) == [date(2026, 1, d) for d in (5, 6, 7, 8)]
    days = curve_days(date(2026, 1, 5), date(2026, 3, 1))
    assert days[:3] == [date(2026, 1, 5), date(2026, 1, 11), date(2026, 1, 18)]
    assert days[-1] == date(2026, 3, 1)
    long = curve_days(date(2020, 1, 1), date(2029, 12, 31), max_points=50)
    assert len(long) <= 52
    assert long[0] == date(2020, 1, 1) and long[-1] == date(2029, 12, 31)


def test_s_curve_is_cumulative_and_stops_ev_and_ac_at_the_status_date():
    days = [fence(1), fence(2), fence(3), fence(4)]
    points = s_curve(
        elements=FENCE,
        days=days,
        status_date=fence(3),
        costs=[(fence(1), D("1000")), (fence(2), D("1200")), (fence(3), D("600"))],
        earned={fence(1): D("1000"), fence(2): D("2000"), fence(3): D("2500")},
    )
    assert [p.pv for p in points] == [D("1000.00"), D("2000.00"), D("3000.00"), D("4000.00")]
    assert [p.ac for p in points] == [D("1000.00"), D("2200.00"), D("2800.00"), None]
    assert [p.ev for p in points] == [D("1000.00"), D("2000.00"), D("2500.00"), None]
