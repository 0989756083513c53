"""Where values and periods land on a chart: nice y ticks, the y scale, x thinning.

Kept apart from the SVG writing so tests can ask where a value should be drawn and
compare it with what was drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# A tick step is one of these times a power of ten: the steps people count in.
NICE_STEPS = (1.0, 2.0, 2.5, 5.0)
MAX_TICKS = 6


@dataclass(frozen=True)
class YScale:
    """A linear map from values to SVG y (top is y=0), over the nice tick domain."""

    ticks: tuple[float, ...]
    top: float
    bottom: float

    @property
    def low(self) -> float:
        return self.ticks[0]

    @property
    def high(self) -> float:
        return self.ticks[-1]

    def position(self, value: float) -> float:
        """The SVG y of `value` (unrounded: callers round when they write it)."""
        share = (value - self.low) / (self.high - self.low)
        return self.bottom - share * (self.bottom - self.top)


def nice_ticks(low: float, high: float) -> tuple[float, ...]:
    """Ticks at 1, 2, 2.5 or 5 x 10^k covering [low, high], at most six of them.

    The smallest such step that needs no more than MAX_TICKS ticks wins, so (0, 97)
    reads 0, 20, ..., 100. An empty range (every value equal) is widened around the
    value first, so the axis never collapses to zero height. Raises ValueError when
    low > high or either is not finite.
    """
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise ValueError(f"cannot make ticks for {low!r}..{high!r}")
    if low == high:
        spread = abs(low) * 0.1 or 1.0
        low, high = low - spread, high + spread
    exponent = math.floor(math.log10((high - low) / MAX_TICKS))
    while True:
        for multiple in NICE_STEPS:
            step = multiple * 10.0**exponent
            first = math.floor(low / step + 1e-9)
            last = math.ceil(high / step - 1e-9)
            if last - first + 1 <= MAX_TICKS:
                # Rounded to the step's own decimals so 0.30000000000000004 reads 0.3.
                places = max(0, 1 - exponent)
                return tuple(round(i * step, places) + 0.0 for i in range(first, last + 1))
        exponent += 1


def tick_decimals(ticks: tuple[float, ...]) -> int:
    """How many decimals the tick labels need to tell the ticks apart (at most 6)."""
    for places in range(7):
        if all(abs(t - round(t, places)) < 1e-9 * max(1.0, abs(t)) for t in ticks):
            return places
    return 6


def y_scale(values: list[float], top: float, bottom: float) -> YScale:
    """The scale for a chart whose drawn values (data, centre, limits, goal) are `values`.

    No values (an empty or all-missing chart) gives a 0-1 axis, so the frame still draws.
    """
    if not values:
        return YScale(ticks=nice_ticks(0.0, 1.0), top=top, bottom=bottom)
    return YScale(ticks=nice_ticks(min(values), max(values)), top=top, bottom=bottom)


def x_positions(count: int, left: float, right: float) -> tuple[float, ...]:
    """Each period's x, at the centre of an equal band, so steps can run half a band."""
    if not count:
        return ()
    band = (right - left) / count
    return tuple(left + (i + 0.5) * band for i in range(count))


def text_width(text: str, font_size: float) -> float:
    """An estimate of a label's drawn width: 0.6 em a character suits system sans fonts."""
    return len(text) * font_size * 0.6


def thin_labels(
    labels: tuple[str, ...], band: float, font_size: float, most: int
) -> tuple[int, ...]:
    """Indexes of the x labels to write so none overlap and no more than `most` show.

    Counted back from the last period (the one readers look at first), every k-th,
    with k the smallest stride that fits the widest label and the limit.
    """
    if not labels:
        return ()
    widest = max(text_width(label, font_size) for label in labels) + font_size
    stride = max(1, math.ceil(widest / band), math.ceil(len(labels) / most))
    last = len(labels) - 1
    return tuple(i for i in range(len(labels)) if (last - i) % stride == 0)
