"""What the budget page shows of the EV figures: each indicator with its formula and a plain-language reading, and
the S-curve as server-rendered SVG geometry (no JavaScript, no chart library)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from tripod.projects.earned_value import CurvePoint, EarnedValue

DASH = "—"


def fmt_money(value: Decimal | None, currency: str = "") -> str:
    if value is None:
        return DASH
    text = number_format(value, 2, use_l10n=True, force_grouping=True)
    return f"{text} {currency}".strip()


def fmt_ratio(value: Decimal | None) -> str:
    return DASH if value is None else number_format(value, 2, use_l10n=True)


@dataclass(frozen=True)
class Figure:
    code: str
    name: str
    value: str
    formula: str
    reading: str
    tone: str = "neutral"  # good / bad / neutral


def _sign_tone(value: Decimal | None, *, higher_is_good: bool = True) -> str:
    if value is None or value == 0:
        return "neutral"
    return "good" if (value > 0) == higher_is_good else "bad"


def _index_tone(value: Decimal | None, *, above_one_is_good: bool = True) -> str:
    if value is None or value == 1:
        return "neutral"
    return "good" if (value > 1) == above_one_is_good else "bad"


MINUS, TIMES, DIVIDE = "\u2212", "\u00d7", "\u00f7"


def _formula(text: str) -> str:
    """A formula written with ASCII operators, shown with the typographic ones."""
    return text.replace(" - ", f" {MINUS} ").replace(" * ", f" {TIMES} ").replace(" / ", f" {DIVIDE} ")


def _schedule_readings(ev: EarnedValue, m: Any) -> tuple[str, str]:
    if ev.sv is None:
        sv = _("Undefined without a baseline.")
    elif ev.sv < 0:
        sv = _("Behind schedule: %(amount)s of planned work is not done yet.") % {"amount": m(-ev.sv)}
    elif ev.sv > 0:
        sv = _("Ahead of schedule by %(amount)s of work.") % {"amount": m(ev.sv)}
    else:
        sv = _("Exactly on schedule.")
    if ev.spi is None:
        spi = _("Undefined: nothing was planned yet.")
    else:
        spi = _("For every unit of work planned, %(spi)s has been done.") % {"spi": fmt_ratio(ev.spi)}
    return sv, spi


def _cost_readings(ev: EarnedValue, m: Any) -> tuple[str, str]:
    if ev.cv < 0:
        cv = _("Over budget: the work done cost %(amount)s more than planned.") % {"amount": m(-ev.cv)}
    elif ev.cv > 0:
        cv = _("Under budget: the work done cost %(amount)s less than planned.") % {"amount": m(ev.cv)}
    else:
        cv = _("The work done cost exactly what was planned.")
    if ev.cpi is None:
        cpi = _("Undefined: nothing has been spent yet.")
    else:
        cpi = _("Each unit of money spent has earned %(cpi)s of work.") % {"cpi": fmt_ratio(ev.cpi)}
    return cv, cpi


def _forecast_figures(ev: EarnedValue, m: Any) -> list[Figure]:
    no_eac = _("Undefined without an estimate at completion.")
    if ev.eac is None:
        eac = _("Undefined until money has been spent and work earned.")
    else:
        eac = _("If cost performance stays as it is, the project will cost %(eac)s.") % {"eac": m(ev.eac)}
    if ev.eac_cpi_spi is None:
        eac_cpi_spi = _("Undefined while CPI or SPI is undefined.")
    else:
        eac_cpi_spi = _("If being late keeps making the work dearer: %(eac)s.") % {"eac": m(ev.eac_cpi_spi)}
    etc = no_eac if ev.etc is None else _("%(etc)s more is needed to finish.") % {"etc": m(ev.etc)}
    if ev.vac is None:
        vac = no_eac
    elif ev.vac < 0:
        vac = _("Expected to finish %(amount)s over budget.") % {"amount": m(-ev.vac)}
    else:
        vac = _("Expected to finish %(amount)s under budget.") % {"amount": m(ev.vac)}
    if ev.tcpi is None:
        tcpi = _("Undefined: the whole budget is spent.")
    else:
        tcpi = _("To finish within the budget, each unit of money left must earn %(tcpi)s of work.") % {
            "tcpi": fmt_ratio(ev.tcpi)
        }
    if ev.tcpi_eac is None:
        tcpi_eac = no_eac
    else:
        tcpi_eac = _("To finish at the estimate, each unit of money left must earn %(tcpi)s of work.") % {
            "tcpi": fmt_ratio(ev.tcpi_eac)
        }
    atypical = _("If the rest of the work costs what was budgeted: %(eac)s.") % {"eac": m(ev.eac_atypical)}
    return [
        Figure("EAC", _("Estimate at completion"), m(ev.eac), _formula("BAC / CPI"), eac),
        Figure(
            "EAC",
            _("Estimate at completion, variance so far atypical"),
            m(ev.eac_atypical),
            _formula("AC + (BAC - EV)"),
            atypical,
        ),
        Figure(
            "EAC",
            _("Estimate at completion, cost and schedule pressure"),
            m(ev.eac_cpi_spi),
            _formula("AC + (BAC - EV) / (CPI * SPI)"),
            eac_cpi_spi,
        ),
        Figure("ETC", _("Estimate to complete"), m(ev.etc), _formula("EAC - AC"), etc),
        Figure("VAC", _("Variance at completion"), m(ev.vac), _formula("BAC - EAC"), vac, _sign_tone(ev.vac)),
        Figure(
            "TCPI",
            _("To-complete performance index (to BAC)"),
            fmt_ratio(ev.tcpi),
            _formula("(BAC - EV) / (BAC - AC)"),
            tcpi,
            _index_tone(ev.tcpi, above_one_is_good=False),
        ),
        Figure(
            "TCPI",
            _("To-complete performance index (to EAC)"),
            fmt_ratio(ev.tcpi_eac),
            _formula("(BAC - EV) / (EAC - AC)"),
            tcpi_eac,
        ),
    ]


def figures(ev: EarnedValue, currency: str) -> list[Figure]:
    """The indicators of the budget page, in the order of the Practice Standard, each with what it means here."""

    def m(value: Decimal | None) -> str:
        return fmt_money(value, currency)

    if ev.pv is None:
        pv_reading = _("No baseline yet: planned value needs one.")
    else:
        pv_reading = _("Work worth %(pv)s should have been done by now.") % {"pv": m(ev.pv)}
    sv, spi = _schedule_readings(ev, m)
    cv, cpi = _cost_readings(ev, m)
    return [
        Figure(
            "BAC",
            _("Budget at completion"),
            m(ev.bac),
            _("sum of the budget lines"),
            _("What the whole project is budgeted to cost."),
        ),
        Figure(
            "PV",
            _("Planned value"),
            m(ev.pv),
            _("budget of the work the baseline scheduled by the status date"),
            pv_reading,
        ),
        Figure(
            "EV",
            _("Earned value"),
            m(ev.ev),
            # xgettext:no-python-format
            _("sum of each line's budget times its % complete"),
            _("Work worth %(ev)s has actually been done.") % {"ev": m(ev.ev)},
        ),
        Figure(
            "AC",
            _("Actual cost"),
            m(ev.ac),
            _("cost of approved time up to the status date"),
            _("%(ac)s has actually been spent on it.") % {"ac": m(ev.ac)},
        ),
        Figure("SV", _("Schedule variance"), m(ev.sv), _formula("EV - PV"), sv, _sign_tone(ev.sv)),
        Figure("CV", _("Cost variance"), m(ev.cv), _formula("EV - AC"), cv, _sign_tone(ev.cv)),
        Figure(
            "SPI", _("Schedule performance index"), fmt_ratio(ev.spi), _formula("EV / PV"), spi, _index_tone(ev.spi)
        ),
        Figure("CPI", _("Cost performance index"), fmt_ratio(ev.cpi), _formula("EV / AC"), cpi, _index_tone(ev.cpi)),
        *_forecast_figures(ev, m),
    ]


# --- the S-curve ------------------------------------------------------------------------------------------------------
WIDTH, HEIGHT = 960, 340
LEFT, RIGHT, TOP, BOTTOM = 84, 16, 16, 40


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class SCurveChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    pv: str  # SVG polyline points
    ev: str
    ac: str
    bac_y: float | None
    status_x: float | None
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    description: str


def _nice_ceiling(value: Decimal) -> Decimal:
    """A round upper bound for the y axis (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return Decimal(1)
    exponent = len(str(int(value))) - 1
    base = Decimal(10) ** exponent
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= base * step:
            return base * step
    return base * 10


def s_curve_chart(points: list[CurvePoint], *, bac: Decimal, status_date: date, currency: str) -> SCurveChart | None:
    if not points:
        return None
    first, last = points[0].day, points[-1].day
    span = max((last - first).days, 1)
    amounts = [v for p in points for v in (p.pv, p.ev, p.ac) if v is not None] + [bac]
    top_amount = _nice_ceiling(max(amounts))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return round(LEFT + plot_w * (day - first).days / span, 1)

    def y(amount: Decimal) -> float:
        return round(TOP + plot_h * float(1 - amount / top_amount), 1)

    def line(attr: str) -> str:
        return " ".join(f"{x(p.day)},{y(getattr(p, attr))}" for p in points if getattr(p, attr) is not None)

    step = max(1, len(points) // 6)
    ticked = points[::step]
    if ticked[-1] is not points[-1]:
        ticked = (
            [*ticked[:-1], points[-1]]
            if len(ticked) > 1 and (points[-1].day - ticked[-1].day).days * 3 < (ticked[-1].day - ticked[-2].day).days
            else [*ticked, points[-1]]
        )
    x_ticks = [Tick(x(p.day), date_format(p.day, "SHORT_DATE_FORMAT")) for p in ticked]
    y_ticks = [Tick(y(top_amount * k / 4), fmt_money(top_amount * k / 4)) for k in range(5)]
    final = next((p for p in reversed(points) if p.ev is not None), None)
    description = _(
        "Cumulative planned value, earned value and actual cost from %(first)s to %(last)s, in %(currency)s. "
        "Budget at completion: %(bac)s."
    ) % {"first": date_format(first), "last": date_format(last), "currency": currency, "bac": fmt_money(bac)}
    if final is not None:
        description += " " + _("At %(day)s: planned %(pv)s, earned %(ev)s, actual cost %(ac)s.") % {
            "day": date_format(final.day),
            "pv": fmt_money(final.pv),
            "ev": fmt_money(final.ev),
            "ac": fmt_money(final.ac),
        }
    return SCurveChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        pv=line("pv"),
        ev=line("ev"),
        ac=line("ac"),
        bac_y=y(bac) if bac else None,
        status_x=x(status_date) if first <= status_date <= last else None,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        description=description,
    )


def parse_status_date(raw: Any) -> date | None:
    """``?status_date=YYYY-MM-DD``; anything else is ignored (None)."""
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None
