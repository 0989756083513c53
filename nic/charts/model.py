"""What a chart shows: the plain data a caller hands to `nic.charts.render_chart`.

The caller (a view or a service) has already computed the centre line, the limits
and the signals; this module only checks that the description is whole and says
how its numbers read, so drawing never has to guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

ValueFormat = Literal["count", "percent", "rate", "average"]
Size = Literal["full", "small"]

# Decimals each format keeps when a value is written out. Percent values are on the
# 0-100 scale (64 means 64%), as school leaders enter them; callers holding a 0-1
# proportion multiply by 100 first, so one chart never mixes the two readings.
DECIMALS: dict[str, int] = {"count": 1, "percent": 1, "rate": 2, "average": 1}

# The signal kinds a point may be marked with, in the order a marker is chosen when a
# point belongs to several (the rarest, most urgent first), with the legend's words.
SIGNAL_KINDS: dict[str, str] = {
    "beyond_limits": "Beyond a control limit",
    "astronomical": "Astronomical point",
    "shift": "Shift",
    "trend": "Trend",
}

_ID = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ID_REST = _ID + "0123456789-_"


@dataclass(frozen=True)
class ChartPoint:
    """One period: its label as users read it, its value (None: not entered), a note."""

    label: str
    value: float | None
    note: str | None = None
    marks: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ChartSpec:
    """A run chart (centre only) or a control chart (centre and limits), ready to draw.

    `centre`, `upper` and `lower` hold one entry per point (None where there is none),
    so a re-based centre or a P/U chart's varying limits are drawn exactly as given.
    `value_format` says how numbers read: "count" (1,250; one decimal at most),
    "percent" (values on the 0-100 scale, shown 64%), "rate" (two decimals) or
    "average" (one decimal). `y_min`/`y_max` widen the y domain (0 and 100 for a fixed
    percent axis) but never hide a value outside them. `size="small"` is the compact
    form for small multiples: its title is the school's name, notes are markers only.
    `show_title` draws the title as visible text too (it is always the `<title>`).
    `id_prefix` names the chart's `<title>`/`<desc>` ids; left out, it is derived from
    the content, so pass one when the same chart may appear twice on a page.
    """

    title: str
    points: tuple[ChartPoint, ...]
    centre: tuple[float | None, ...]
    upper: tuple[float | None, ...] | None = None
    lower: tuple[float | None, ...] | None = None
    goal: float | None = None
    value_format: ValueFormat = "count"
    y_min: float | None = None
    y_max: float | None = None
    centre_label: str = "Median"
    size: Size = "full"
    id_prefix: str | None = None
    show_title: bool = True


def validate(spec: ChartSpec) -> None:
    """Raise ValueError where `spec` cannot be drawn truthfully.

    Checked: per-point series have one entry per point, every number is finite, the
    format, size, signal kinds and id prefix are known and well formed.
    """
    count = len(spec.points)
    series = {"centre": spec.centre, "upper": spec.upper, "lower": spec.lower}
    for name, values in series.items():
        if values is not None and len(values) != count:
            raise ValueError(f"{name} has {len(values)} entries for {count} points")
    numbers = [p.value for p in spec.points] + [spec.goal, spec.y_min, spec.y_max]
    for values in series.values():
        numbers.extend(values or ())
    if any(v is not None and not math.isfinite(v) for v in numbers):
        raise ValueError("chart values must be finite numbers")
    if spec.y_min is not None and spec.y_max is not None and spec.y_min >= spec.y_max:
        raise ValueError("y_min must be below y_max")
    if spec.value_format not in DECIMALS:
        raise ValueError(f"unknown value_format {spec.value_format!r}")
    if spec.size not in ("full", "small"):
        raise ValueError(f"unknown size {spec.size!r}")
    unknown = sorted({m for p in spec.points for m in p.marks} - SIGNAL_KINDS.keys())
    if unknown:
        raise ValueError(f"unknown signal kinds {unknown}; known: {sorted(SIGNAL_KINDS)}")
    prefix = spec.id_prefix
    if prefix is not None and not (
        prefix and prefix[0] in _ID and all(c in _ID_REST for c in prefix)
    ):
        raise ValueError("id_prefix must start with a letter and hold only A-Z, 0-9, - and _")


def format_value(value: float, value_format: ValueFormat, decimals: int | None = None) -> str:
    """Write `value` as users read it ("64%", "1,250", "0.35"): trailing zeros dropped.

    A value too small for the format's decimals keeps two significant digits instead
    of reading as 0.
    """
    places = DECIMALS[value_format] if decimals is None else decimals
    if value and abs(value) < 10**-places:
        text = f"{value:.2g}"
    else:
        text = f"{value:,.{places}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if text in ("-0", ""):
            text = "0"
    return text + "%" if value_format == "percent" else text


def signal_kind(point: ChartPoint) -> str | None:
    """The one signal kind whose marker `point` is drawn with (None: a plain point)."""
    return next((kind for kind in SIGNAL_KINDS if kind in point.marks), None)
