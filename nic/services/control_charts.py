"""Shewhart control charts (XmR, P, U) and their special-cause rules.

Once a measure has at least 20 points, a control chart says more than a run
chart: its limits show how far the measure moves by chance alone, so a school
can tell a real change from an ordinary month. Three charts cover the
measures a network tracks: XmR (individuals) for any number, P for a share of
students (numerators over denominators), U for a rate (counts over exposure,
such as absences per 100 student-days).

Pure functions over lists, like nic.services.run_rules, whose Signal and
None handling they share: a missing period (None) keeps its index and is
skipped by every rule. Constants are Montgomery's: 2.66 = 3 / d2 with
d2 = 1.128 for moving ranges of 2, and D4 = 3.267 for the moving-range chart.
The rules are those of Provost and Murray, The Health Care Data Guide (2011),
after Western Electric and Nelson; docs/improvement-science.md gives each one
with an example. The caller decides, from the measure's direction of
improvement, whether a signal is good news.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from nic.services.run_rules import (
    Direction,
    Kind,
    Signal,
    check_values,
    monotone_runs,
    side_runs,
)

# Fewer useful points than this and the limits rest on too little: the chart
# functions refuse (ValueError) and the caller shows a run chart instead.
MIN_POINTS = 20
XMR_LIMIT_FACTOR = 2.66  # 3 / 1.128 (d2 for n = 2), rounded as the texts print it
MR_UPPER_FACTOR = 3.267  # D4 for n = 2
EIGHT_RUN = 8
SIX_TREND = 6
FIFTEEN_INNER = 15


@dataclass(frozen=True)
class ControlChart:
    """A control chart, point by point (None where the period is missing).

    `values` are what is plotted (the value, the proportion 0-1 or the rate);
    `sigma` is the per-point sigma the zones use (constant for XmR, varying
    with the denominator for P and U). The moving-range fields are set for
    XmR only.
    """

    kind: str
    values: tuple[float | None, ...]
    centre: tuple[float | None, ...]
    upper: tuple[float | None, ...]
    lower: tuple[float | None, ...]
    sigma: tuple[float | None, ...]
    signals: tuple[Signal, ...]
    moving_ranges: tuple[float | None, ...] | None = None
    mr_centre: float | None = None
    mr_upper: float | None = None


def can_chart(useful_points: int) -> bool:
    """Whether a measure with this many useful (non-missing) points can have a control chart.

    Raises nothing.
    """
    return useful_points >= MIN_POINTS


def xmr_chart(values: Sequence[float | None]) -> ControlChart:
    """An individuals chart with its moving-range chart.

    Centre = mean of the useful values; limits = mean +/- 2.66 x mean moving
    range, the moving range of a point being its distance from the previous
    useful value. The moving-range chart has centre the mean moving range and
    upper limit 3.267 x that; moving ranges above it are signalled.

    Raises ValueError for a value that is not a finite number (or None) and
    for fewer than MIN_POINTS useful values.
    """
    cleaned = check_values(values)
    useful = [(i, v) for i, v in enumerate(cleaned) if v is not None]
    _require_points(len(useful))
    moving: list[float | None] = [None] * len(cleaned)
    for (_, prev), (index, value) in pairwise(useful):
        moving[index] = abs(value - prev)
    ranges = [r for r in moving if r is not None]
    mr_bar = sum(ranges) / len(ranges)
    mean = sum(v for _, v in useful) / len(useful)
    # sigma as 2.66 / 3 x MR-bar so that the 3-sigma zone edge is the limit itself
    sigma = XMR_LIMIT_FACTOR / 3 * mr_bar
    mr_upper = MR_UPPER_FACTOR * mr_bar
    per_point = [(mean, sigma) if v is not None else None for v in cleaned]
    chart = _chart("xmr", cleaned, per_point, clip_upper=None)
    mr_signals = [
        Signal(Kind.MR_BEYOND_LIMIT, (i,), Direction.ABOVE)
        for i, r in enumerate(moving)
        if r is not None and r > mr_upper
    ]
    return replace(
        chart,
        signals=_ordered([*chart.signals, *mr_signals]),
        moving_ranges=tuple(moving),
        mr_centre=mr_bar,
        mr_upper=mr_upper,
    )


def p_chart(
    numerators: Sequence[float | None], denominators: Sequence[float | None]
) -> ControlChart:
    """A proportion chart: p_i = numerator / denominator, in 0-1 (the caller formats percent).

    p-bar = sum of numerators / sum of denominators; sigma_i =
    sqrt(p-bar (1 - p-bar) / n_i); limits p-bar +/- 3 sigma_i clipped to [0, 1].

    Raises ValueError for lists of different lengths, a value that is not a
    finite number, a point with only one of its two numbers missing, a
    denominator of 0 or less, a negative numerator or one above its
    denominator, and fewer than MIN_POINTS useful points.
    """
    pairs = _attribute_pairs(numerators, denominators, "numerators", "denominators")
    for i, pair in enumerate(pairs):
        if pair is not None and pair[0] > pair[1]:
            raise ValueError(
                f"numerators[{i}] ({pair[0]:g}) is above its denominator ({pair[1]:g})"
            )
    return _attribute_chart("p", pairs, lambda bar, n: math.sqrt(bar * (1 - bar) / n), 1.0)


def u_chart(counts: Sequence[float | None], exposures: Sequence[float | None]) -> ControlChart:
    """A rate chart: u_i = count / exposure, exposure in the caller's units (e.g. 100 student-days).

    u-bar = sum of counts / sum of exposures; sigma_i = sqrt(u-bar / n_i);
    limits u-bar +/- 3 sigma_i, the lower clipped at 0.

    Raises ValueError for lists of different lengths, a value that is not a
    finite number, a point with only one of its two numbers missing, an
    exposure of 0 or less, a negative count, and fewer than MIN_POINTS useful
    points.
    """
    pairs = _attribute_pairs(counts, exposures, "counts", "exposures")
    return _attribute_chart("u", pairs, lambda bar, n: math.sqrt(bar / n), None)


def _require_points(useful: int) -> None:
    if not can_chart(useful):
        raise ValueError(
            f"a control chart needs at least {MIN_POINTS} useful points, this measure has {useful}"
        )


def _attribute_pairs(
    tops: Sequence[float | None], bottoms: Sequence[float | None], top: str, bottom: str
) -> list[tuple[float, float] | None]:
    if len(tops) != len(bottoms):
        raise ValueError(f"{top} has {len(tops)} values but {bottom} has {len(bottoms)}")
    cleaned_tops, cleaned_bottoms = check_values(tops, top), check_values(bottoms, bottom)
    pairs: list[tuple[float, float] | None] = []
    for i, (t, b) in enumerate(zip(cleaned_tops, cleaned_bottoms, strict=True)):
        if t is None and b is None:
            pairs.append(None)
            continue
        if t is None or b is None:
            raise ValueError(f"{top}[{i}] and {bottom}[{i}] must both be given or both be missing")
        if b <= 0:
            raise ValueError(f"{bottom}[{i}] must be above 0, not {b:g}")
        if t < 0:
            raise ValueError(f"{top}[{i}] must not be negative, not {t:g}")
        pairs.append((t, b))
    return pairs


def _attribute_chart(
    kind: str,
    pairs: list[tuple[float, float] | None],
    sigma_of: Callable[[float, float], float],
    clip_upper: float | None,
) -> ControlChart:
    useful = [p for p in pairs if p is not None]
    _require_points(len(useful))
    bar = sum(t for t, _ in useful) / sum(b for _, b in useful)
    plotted: list[float | None] = [None if p is None else p[0] / p[1] for p in pairs]
    per_point = [None if p is None else (bar, sigma_of(bar, p[1])) for p in pairs]
    return _chart(kind, plotted, per_point, clip_upper=clip_upper)


def _chart(
    kind: str,
    values: list[float | None],
    per_point: list[tuple[float, float] | None],
    clip_upper: float | None,
) -> ControlChart:
    centre: list[float | None] = []
    upper: list[float | None] = []
    lower: list[float | None] = []
    sigma: list[float | None] = []
    for value, stats in zip(values, per_point, strict=True):
        if value is None or stats is None:
            centre.append(None)
            upper.append(None)
            lower.append(None)
            sigma.append(None)
            continue
        c, s = stats
        high = c + 3 * s
        # XmR limits may go below 0 (a difference, a temperature); P and U cannot
        low = c - 3 * s if kind == "xmr" else max(0.0, c - 3 * s)
        centre.append(c)
        upper.append(min(clip_upper, high) if clip_upper is not None else high)
        lower.append(low)
        sigma.append(s)
    points = [
        (i, v, c, s, u, lo)
        for i, (v, c, s, u, lo) in enumerate(zip(values, centre, sigma, upper, lower, strict=True))
        if v is not None
    ]
    signals = special_causes(points)
    return ControlChart(
        kind=kind,
        values=tuple(values),
        centre=tuple(centre),
        upper=tuple(upper),
        lower=tuple(lower),
        sigma=tuple(sigma),
        signals=_ordered(signals),
    )


def special_causes(
    points: Sequence[tuple[int, float, float, float, float, float]],
) -> list[Signal]:
    """The five Shewhart rules over the useful points: (index, value, centre, sigma, upper, lower).

    (1) a point above the upper or below the lower limit; (2) 8 or more in a
    row on one side of the centre line (a point on the line breaks the run);
    (3) 6 or more in a row steadily up or down (a tie breaks the run); (4) 2
    of 3 consecutive points beyond 2 sigma on the same side; (5) 15 or more in
    a row within 1 sigma of the centre line, on either side. Raises nothing.
    """
    signals: list[Signal] = []
    for index, value, _, _, upper, lower in points:
        if value > upper:
            signals.append(Signal(Kind.BEYOND_LIMITS, (index,), Direction.ABOVE))
        elif value < lower:
            signals.append(Signal(Kind.BEYOND_LIMITS, (index,), Direction.BELOW))
    for side, indices in side_runs([p[:3] for p in points], break_on_centre=True):
        if len(indices) >= EIGHT_RUN:
            signals.append(Signal(Kind.EIGHT_ON_ONE_SIDE, indices, side))
    for direction, indices in monotone_runs([p[:2] for p in points], collapse_ties=False):
        if len(indices) >= SIX_TREND:
            signals.append(Signal(Kind.SIX_TREND, indices, direction))
    signals.extend(_two_of_three(points))
    signals.extend(_fifteen_inner(points))
    return signals


def _two_of_three(points: Sequence[tuple[int, float, float, float, float, float]]) -> list[Signal]:
    # Windows that share an outer point are one signal: a coach sees one
    # cluster, not three overlapping windows over the same two months.
    groups: list[tuple[Direction, list[int]]] = []
    for start in range(len(points) - 2):
        window = points[start : start + 3]
        for side, sign in ((Direction.ABOVE, 1), (Direction.BELOW, -1)):
            outer = [i for i, v, c, s, _, _ in window if sign * (v - c) > 2 * s]
            if len(outer) < 2:
                continue
            if groups and groups[-1][0] == side and set(outer) & set(groups[-1][1]):
                groups[-1][1].extend(i for i in outer if i not in groups[-1][1])
            else:
                groups.append((side, outer))
    return [Signal(Kind.TWO_OF_THREE_OUTER, tuple(sorted(g)), side) for side, g in groups]


def _fifteen_inner(points: Sequence[tuple[int, float, float, float, float, float]]) -> list[Signal]:
    signals = []
    current: list[int] = []
    for index, value, centre, sigma, _, _ in [*points, (-1, math.inf, 0.0, 0.0, 0.0, 0.0)]:
        if abs(value - centre) < sigma:
            current.append(index)
            continue
        if len(current) >= FIFTEEN_INNER:
            signals.append(Signal(Kind.FIFTEEN_INNER, tuple(current)))
        current = []
    return signals


def _ordered(signals: list[Signal]) -> tuple[Signal, ...]:
    return tuple(sorted(signals, key=lambda s: (s.indices[0], s.kind)))
