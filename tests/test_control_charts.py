"""Shewhart charts and their special-cause rules against hand-computed answers.

The rules are tested first on their own (`special_causes`, with a centre of
0 and a sigma of 1, so the zones are plain numbers), each triggered and just
not triggered; then through each chart, whose limits are computed by hand.
"""

from __future__ import annotations

import math

import pytest

from nic.services.control_charts import (
    MIN_POINTS,
    can_chart,
    p_chart,
    special_causes,
    u_chart,
    xmr_chart,
)
from nic.services.run_rules import Kind, Signal


def zoned(values):
    """Useful points with centre 0, sigma 1, limits +/- 3; None keeps its index and is left out."""
    return [(i, float(v), 0.0, 1.0, 3.0, -3.0) for i, v in enumerate(values) if v is not None]


def rule(values, kind):
    return [s for s in special_causes(zoned(values)) if s.kind == kind]


# --- the rules on their own ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0, 3.0, 0], []),  # on the limit is not beyond it
        ([0, 3.01, 0], [Signal("beyond_limits", (1,), "above")]),
        ([0, 0, -3.5], [Signal("beyond_limits", (2,), "below")]),
        (
            [4, 0, -4],
            [Signal("beyond_limits", (0,), "above"), Signal("beyond_limits", (2,), "below")],
        ),
    ],
)
def test_beyond_limits(values, expected):
    assert rule(values, Kind.BEYOND_LIMITS) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.5] * 8, [Signal("eight_on_one_side", tuple(range(8)), "above")]),
        ([0.5] * 7 + [-0.5], []),
        ([-0.5] + [-0.2] * 8, [Signal("eight_on_one_side", tuple(range(9)), "below")]),
        # a point on the centre line breaks the run
        ([0.5] * 4 + [0.0] + [0.5] * 4, []),
        # a missing period does not
        (
            [0.5] * 4 + [None] + [0.5] * 4,
            [Signal("eight_on_one_side", (0, 1, 2, 3, 5, 6, 7, 8), "above")],
        ),
    ],
)
def test_eight_on_one_side(values, expected):
    assert rule(values, Kind.EIGHT_ON_ONE_SIDE) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [Signal("six_trend", (0, 1, 2, 3, 4, 5), "up")]),
        ([0.1, 0.2, 0.3, 0.4, 0.5], []),
        ([0.6, 0.5, 0.4, 0.3, 0.2, 0.1, -0.5], [Signal("six_trend", tuple(range(7)), "down")]),
        # a tie breaks the run (unlike the run chart trend)
        ([0.1, 0.2, 0.3, 0.3, 0.4, 0.5, 0.6], []),
        # a missing period is skipped
        ([0.1, 0.2, None, 0.3, 0.4, 0.5, 0.6], [Signal("six_trend", (0, 1, 3, 4, 5, 6), "up")]),
    ],
)
def test_six_trend(values, expected):
    assert rule(values, Kind.SIX_TREND) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([2.5, 0, 2.1], [Signal("two_of_three_outer", (0, 2), "above")]),
        ([2.5, 2.1, 0], [Signal("two_of_three_outer", (0, 1), "above")]),
        ([0, -2.5, -2.1], [Signal("two_of_three_outer", (1, 2), "below")]),
        # beyond the limit counts as the outer third too
        ([3.5, 0, 2.1], [Signal("two_of_three_outer", (0, 2), "above")]),
        # 2 sigma exactly is not beyond it
        ([2.0, 2.5, 0], []),
        # 2 of 4 is not 2 of 3
        ([2.5, 0, 0, 2.1], []),
        # opposite sides do not add up
        ([2.5, -2.5, 0], []),
        # overlapping windows are one signal
        ([2.5, 0, 2.5, 2.5, 0, 0], [Signal("two_of_three_outer", (0, 2, 3), "above")]),
        # separate clusters are separate signals
        (
            [2.5, 2.5, 0, 0, 0, -2.5, -2.5],
            [
                Signal("two_of_three_outer", (0, 1), "above"),
                Signal("two_of_three_outer", (5, 6), "below"),
            ],
        ),
    ],
)
def test_two_of_three_outer(values, expected):
    assert rule(values, Kind.TWO_OF_THREE_OUTER) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.5, -0.5] * 7 + [0.5], [Signal("fifteen_inner", tuple(range(15)))]),
        ([0.5, -0.5] * 7, []),
        # 1 sigma exactly is not within it
        ([0.5, -0.5] * 3 + [1.0] + [0.5, -0.5] * 4, []),
        ([0.5, -0.5] * 8 + [2.0], [Signal("fifteen_inner", tuple(range(16)))]),
    ],
)
def test_fifteen_inner(values, expected):
    assert rule(values, Kind.FIFTEEN_INNER) == expected


def test_each_rule_reports_with_its_own_zones_per_point():
    # sigma 1 then sigma 0.1: 0.5 is inner for the first points, outer (beyond 2 sigma) later
    points = [(0, 0.5, 0.0, 1.0, 3.0, -3.0), (1, 0.5, 0.0, 0.1, 0.3, -0.3)]
    assert special_causes(points) == [Signal("beyond_limits", (1,), "above")]
    points.append((2, 0.25, 0.0, 0.1, 0.3, -0.3))
    assert [s.kind for s in special_causes(points)] == ["beyond_limits", "two_of_three_outer"]


# --- XmR -------------------------------------------------------------------------------------

XMR = [10, 12, 11, 13, 12, 14, 13, 15, 14, 16, 15, 14, 13, 12, 11, 12, 13, 12, 11, 10]


def test_xmr_limits_by_hand():
    # sum 253, mean 12.65; 19 moving ranges: 2,1,2,1,2,1,2,1,2 (14) and ten 1s (10): MR-bar 24/19
    chart = xmr_chart(XMR)
    mr_bar = 24 / 19
    assert chart.kind == "xmr"
    assert chart.centre == pytest.approx((12.65,) * 20, abs=1e-9)
    assert chart.upper == pytest.approx((16.01,) * 20, abs=1e-9)  # 12.65 + 2.66 x 24/19 = +3.36
    assert chart.lower == pytest.approx((9.29,) * 20, abs=1e-9)
    assert chart.sigma == pytest.approx((1.12,) * 20, abs=1e-9)
    assert chart.mr_centre == pytest.approx(mr_bar, abs=1e-9)
    assert chart.mr_upper == pytest.approx(3.267 * 24 / 19, abs=1e-9)
    assert chart.mr_upper == pytest.approx(4.126736842105263, abs=1e-9)
    assert chart.moving_ranges == (None, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
    assert chart.values == tuple(float(v) for v in XMR)


def test_xmr_signals_by_hand():
    # above 12.65 from index 5 to 12 (8 points); 16, 15, 14, 13, 12, 11 falls from 9 to 14;
    # beyond 2 sigma (14.89): 15 at 7, 16 at 9, 15 at 10; nothing beyond 16.01 or 9.29
    assert xmr_chart(XMR).signals == (
        Signal("eight_on_one_side", tuple(range(5, 13)), "above"),
        Signal("two_of_three_outer", (7, 9, 10), "above"),
        Signal("six_trend", (9, 10, 11, 12, 13, 14), "down"),
    )


def test_xmr_moving_range_chart_flags_a_jump():
    values = [10.0] * 10 + [20.0] + [10.0] * 9
    chart = xmr_chart(values)
    # two moving ranges of 10 in 19: MR-bar 20/19, MR upper 3.267 x 20/19 = 3.439
    assert chart.mr_centre == pytest.approx(20 / 19, abs=1e-9)
    assert chart.mr_upper == pytest.approx(3.267 * 20 / 19, abs=1e-9)
    assert chart.upper[0] == pytest.approx(10.5 + 2.66 * 20 / 19, abs=1e-9)
    assert [s for s in chart.signals if s.kind == "mr_beyond_limit"] == [
        Signal("mr_beyond_limit", (10,), "above"),
        Signal("mr_beyond_limit", (11,), "above"),
    ]
    assert [s for s in chart.signals if s.kind == "beyond_limits"] == [
        Signal("beyond_limits", (10,), "above")
    ]


def test_xmr_skips_missing_periods():
    values = [*XMR[:5], None, *XMR[5:]]
    chart = xmr_chart(values)
    assert chart.values[5] is None
    assert chart.centre[5] is chart.upper[5] is chart.lower[5] is chart.sigma[5] is None
    assert chart.moving_ranges[5] is None
    assert chart.moving_ranges[6] == 2  # |14 - 12|, across the gap
    assert chart.centre[6] == pytest.approx(12.65, abs=1e-9)


def test_xmr_with_no_variation():
    chart = xmr_chart([7] * 20)
    assert chart.upper == chart.lower == chart.centre == (7.0,) * 20
    assert chart.mr_upper == 0
    assert chart.signals == ()


# --- P chart ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chart", "kind", "centre", "sigma", "upper", "lower"),
    [
        # p-bar = 250 / 1250 = 0.2; n = 100: sigma 0.04, limits 0.08-0.32; n = 25: sigma 0.08,
        # limits -0.04 (clipped to 0) to 0.44
        (p_chart([20, 5] * 10, [100, 25] * 10), "p", 0.2, (0.04, 0.08), (0.32, 0.44), (0.08, 0.0)),
        # absences per 100 student-days: exposures 2 and 8 (hundreds), u-bar 200 / 100 = 2;
        # n = 2: sigma 1, limits -1 (clipped to 0) to 5; n = 8: sigma 0.5, limits 0.5 to 3.5
        (u_chart([4, 16] * 10, [2, 8] * 10), "u", 2.0, (1.0, 0.5), (5.0, 3.5), (0.0, 0.5)),
    ],
)
def test_attribute_limits_vary_with_the_denominator_and_clip_at_0(
    chart, kind, centre, sigma, upper, lower
):
    assert chart.kind == kind
    assert chart.centre == pytest.approx((centre,) * 20, abs=1e-9)
    assert chart.sigma == pytest.approx(sigma * 10, abs=1e-9)
    assert chart.upper == pytest.approx(upper * 10, abs=1e-9)
    assert chart.lower == pytest.approx(lower * 10, abs=1e-9)
    assert chart.values == pytest.approx((centre,) * 20, abs=1e-9)
    assert chart.moving_ranges is None
    # every point on the centre line: hugging it, 20 in the inner third
    assert chart.signals == (Signal("fifteen_inner", tuple(range(20))),)


def test_p_chart_clips_at_1():
    # p-bar 0.8; n = 25: sigma 0.08, upper 1.04 clipped to 1
    chart = p_chart([80, 20] * 10, [100, 25] * 10)
    assert chart.upper == pytest.approx((0.92, 1.0) * 10, abs=1e-9)
    assert chart.lower == pytest.approx((0.68, 0.56) * 10, abs=1e-9)


def test_p_chart_point_beyond_its_own_limit():
    numerators = [20, 5] * 10
    numerators[0] = 45
    chart = p_chart(numerators, [100, 25] * 10)
    p_bar = 275 / 1250
    sigma = math.sqrt(p_bar * (1 - p_bar) / 100)
    assert chart.centre[0] == pytest.approx(p_bar, abs=1e-9)
    assert chart.upper[0] == pytest.approx(p_bar + 3 * sigma, abs=1e-9)
    assert chart.values[0] == pytest.approx(0.45, abs=1e-9)
    assert [s for s in chart.signals if s.kind == "beyond_limits"] == [
        Signal("beyond_limits", (0,), "above")
    ]


def test_p_chart_with_no_event_at_all():
    # p-bar 0: sigma 0, every limit 0, nothing outside it and no inner third
    chart = p_chart([0] * 20, [30] * 20)
    assert chart.centre == chart.upper == chart.lower == chart.sigma == (0.0,) * 20
    assert chart.signals == ()


def test_u_chart_missing_period():
    chart = u_chart([4, None, *([4, 16] * 10)], [2, None, *([2, 8] * 10)])
    assert chart.values[1] is chart.centre[1] is chart.lower[1] is chart.sigma[1] is None
    assert chart.centre[0] == pytest.approx(204 / 102, abs=1e-9)


def test_p_chart_missing_period():
    chart = p_chart([None, *([20, 5] * 10)], [None, *([100, 25] * 10)])
    assert chart.values[0] is chart.centre[0] is chart.upper[0] is None
    assert chart.centre[1] == pytest.approx(0.2, abs=1e-9)


# --- U chart ---------------------------------------------------------------------------------


def test_u_chart_signal_uses_the_point_own_limit():
    # 9 absences over 2: u = 4.5, inside its limit (5.0 at u-bar 2); over 8 it would be far out
    counts = [4, 16] * 10
    counts[0] = 9
    chart = u_chart(counts, [2, 8] * 10)
    u_bar = 205 / 100
    assert chart.upper[0] == pytest.approx(u_bar + 3 * math.sqrt(u_bar / 2), abs=1e-9)
    assert chart.values[0] == pytest.approx(4.5, abs=1e-9)
    assert [s for s in chart.signals if s.kind == "beyond_limits"] == []


# --- how much data, and validation ---------------------------------------------------------


def test_min_points():
    assert MIN_POINTS == 20
    assert can_chart(20) is True
    assert can_chart(19) is False


@pytest.mark.parametrize(
    "build",
    [
        lambda: xmr_chart([1.0] * 19),
        lambda: xmr_chart([1.0] * 19 + [None]),
        lambda: p_chart([1] * 19, [10] * 19),
        lambda: u_chart([1] * 19 + [None], [10] * 19 + [None]),
    ],
)
def test_fewer_than_20_useful_points_are_refused(build):
    with pytest.raises(ValueError, match="needs at least 20 useful points, this measure has 19"):
        build()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: xmr_chart([1.0] * 19 + [float("nan")]), r"values\[19\] is not a finite number"),
        (lambda: xmr_chart([1.0] * 19 + ["x"]), r"values\[19\] is not a number"),
        (lambda: p_chart([1] * 20, [10] * 19), "numerators has 20 values but denominators has 19"),
        (lambda: p_chart([1] * 19 + [0], [10] * 19 + [0]), r"denominators\[19\] must be above 0"),
        (lambda: p_chart([1] * 20, [10] * 19 + [-5]), r"denominators\[19\] must be above 0"),
        (lambda: p_chart([1] * 19 + [11], [10] * 20), r"numerators\[19\] \(11\) is above its"),
        (lambda: p_chart([1] * 19 + [-1], [10] * 20), r"numerators\[19\] must not be negative"),
        (lambda: p_chart([1] * 19 + [None], [10] * 20), "must both be given or both be missing"),
        (lambda: u_chart([1] * 19 + [-1], [10] * 20), r"counts\[19\] must not be negative"),
        (lambda: u_chart([1] * 20, [10] * 19 + [0]), r"exposures\[19\] must be above 0"),
        (lambda: u_chart([1] * 20, [10] * 19 + [math.inf]), r"exposures\[19\] is not a finite"),
        (lambda: u_chart([1] * 20, [10] * 19 + [None]), "must both be given or both be missing"),
    ],
)
def test_bad_input_is_refused(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_control_chart_signals_describe_themselves():
    text = [s.describe() for s in xmr_chart(XMR).signals]
    assert text == [
        "8 points in a row above the centre line",
        "2 of 3 points in the outer third above the centre line",
        "6 points in a row going down",
    ]
