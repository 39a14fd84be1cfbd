"""The NPS / CSAT arithmetic, with numbers worked out by hand (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tripod.clients.selectors.surveys import (
    csat,
    csat_band,
    nps,
    nps_band,
    response_rate,
    score_band,
    trend_periods,
)
from tripod.clients.services.surveys import is_detractor


def test_nps_ten_answers_five_promoters_three_passives_two_detractors_is_30():
    # 50% promoters - 20% detractors = 30
    result = nps([10, 9, 9, 10, 9, 8, 7, 7, 6, 0])
    assert (result.promoters, result.passives, result.detractors, result.total) == (5, 3, 2, 10)
    assert result.score == Decimal("30.0")
    assert (result.promoter_pct, result.passive_pct, result.detractor_pct) == (
        Decimal("50.0"),
        Decimal("30.0"),
        Decimal("20.0"),
    )


def test_nps_boundaries_9_is_a_promoter_7_and_8_passive_6_a_detractor():
    assert nps([9]).score == Decimal("100.0")
    assert nps([8, 7]).score == Decimal("0.0")
    assert nps([6]).score == Decimal("-100.0")


def test_nps_thirds_round_to_one_decimal():
    # 1 promoter, 1 passive, 1 detractor: 0; 2 promoters of 3: 66.7; 1 detractor of 3 and 2 passives: -33.3
    assert nps([10, 8, 3]).score == Decimal("0.0")
    assert nps([10, 9, 7]).score == Decimal("66.7")
    assert nps([5, 7, 8]).score == Decimal("-33.3")


def test_nps_all_detractors_is_minus_100_and_no_answers_is_undefined():
    assert nps([0, 1, 2, 3, 4, 5, 6]).score == Decimal("-100.0")
    empty = nps([])
    assert empty.score is None and empty.total == 0 and empty.promoter_pct is None


def test_csat_mean_and_share_satisfied():
    # 5+5+4+3+1 = 18 / 5 = 3.6; 4s and 5s: 3 of 5 = 60%
    result = csat([5, 5, 4, 3, 1])
    assert result.mean == Decimal("3.60")
    assert result.satisfied_pct == Decimal("60.0")
    # 4+5+5 = 14 / 3 = 4.666… -> 4.67; all satisfied
    assert csat([4, 5, 5]).mean == Decimal("4.67")
    assert csat([4, 5, 5]).satisfied_pct == Decimal("100.0")
    assert csat([]).mean is None and csat([]).satisfied_pct is None


def test_formulas_accept_responses_as_well_as_scores():
    class Answer:
        def __init__(self, score):
            self.score = score

    assert nps([Answer(10), Answer(0)]).score == Decimal("0.0")
    assert csat([Answer(2), Answer(4)]).mean == Decimal("3.00")


def test_response_rate():
    assert response_rate(invited=8, answered=6) == Decimal("75.0")
    assert response_rate(invited=3, answered=1) == Decimal("33.3")
    assert response_rate(invited=0, answered=0) is None


@pytest.mark.parametrize(
    ("kind", "score", "detractor", "band"),
    [
        ("nps", 0, True, "detractor"),
        ("nps", 6, True, "detractor"),
        ("nps", 7, False, "passive"),
        ("nps", 8, False, "passive"),
        ("nps", 9, False, "promoter"),
        ("csat", 1, True, "detractor"),
        ("csat", 2, True, "detractor"),
        ("csat", 3, False, "passive"),
        ("csat", 4, False, "promoter"),
    ],
)
def test_detractors_and_bands(kind, score, detractor, band):
    assert is_detractor(kind, score) is detractor
    assert score_band(kind, score) == band


def test_headline_bands():
    assert nps_band(Decimal("45")) == "good"
    assert nps_band(Decimal("30")) == "fair"
    assert nps_band(Decimal("-1")) == "bad"
    assert nps_band(None) == "none"
    assert csat_band(Decimal("4.2")) == "good"
    assert csat_band(Decimal("3.5")) == "fair"
    assert csat_band(Decimal("2.9")) == "bad"


def test_trend_periods_by_month_and_quarter():
    months = trend_periods(today=date(2026, 11, 18), months=12)
    assert months[0] == date(2025, 12, 1) and months[-1] == date(2026, 11, 1) and len(months) == 12
    quarters = trend_periods(today=date(2026, 11, 18), months=12, period="quarter")
    assert quarters == [date(2025, 10, 1), date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1)]
    assert trend_periods(today=date(2026, 1, 5), months=1) == [date(2026, 1, 1)]
