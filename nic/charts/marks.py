"""What marks the values: the line, a marker a point, notes, and the legend.

Signal points differ from plain ones in shape as well as colour (WCAG 1.4.1): a square
for a shift, a diamond for a trend, a triangle beyond a limit, a ring for an
astronomical point. Each marker carries a `<title>` for pointer users.
"""

from __future__ import annotations

from nic.charts.layout import NOTE_CHARS, NOTE_ROW_HEIGHT, Layout, note_extent, note_rows
from nic.charts.lines import runs
from nic.charts.model import SIGNAL_KINDS, ChartPoint, ChartSpec, format_value, signal_kind
from nic.charts.scale import YScale, text_width
from nic.charts.svg import (
    ASTRONOMICAL_COLOUR,
    NOTE_COLOUR,
    SIGNAL_COLOUR,
    VALUE_COLOUR,
    esc,
    num,
    tag,
    truncate,
)


def data_lines(spec: ChartSpec, xs: tuple[float, ...], scale: YScale) -> str:
    """The value line, one path a stretch of entered values: a missing period is a gap."""
    paths = []
    for run in runs(p.value for p in spec.points):
        if len(run) > 1:
            # After M, further coordinate pairs are implicit line-tos: the shortest form.
            d = "M" + " ".join(f"{num(xs[i])} {num(scale.position(v))}" for i, v in run)
            paths.append(tag("path", {"d": d}))
    width = "2" if spec.size == "full" else "1.5"
    return tag(
        "g",
        {"class": "chart__line", "fill": "none", "stroke": VALUE_COLOUR, "stroke-width": width,
         "stroke-linejoin": "round"},
        "".join(paths),
    )  # fmt: skip


def markers(spec: ChartSpec, xs: tuple[float, ...], scale: YScale, frame: Layout) -> list[str]:
    """A marker a value: circles for plain points, a signal's own shape for signals.

    The small size writes plain points as one path of round dots, without titles, so
    25 charts on a page stay light; its signal points keep shape and title.
    """
    plain: list[str] = []
    signals: list[str] = []
    for point, x in zip(spec.points, xs, strict=True):
        value = point.value
        if value is None:
            continue
        y = scale.position(value)
        kind = signal_kind(point)
        if kind is None and spec.size == "small":
            plain.append(f"M{num(x)} {num(y)}h0")  # no title: the cheap path for 25 charts
        elif kind is None:
            title = _point_title(point, value, spec)
            plain.append(_marker_shape(None, x, y, frame.marker, "chart__point", title))
        else:
            size = frame.marker * 1.6 if spec.size == "full" else 3.0
            cls = f"chart__point chart__point--{kind}"
            signals.append(_marker_shape(kind, x, y, size, cls, _point_title(point, value, spec)))
    if spec.size == "small":
        first = tag(
            "path",
            {"class": "chart__dots", "d": "".join(plain), "fill": "none", "stroke": VALUE_COLOUR,
             "stroke-width": "3", "stroke-linecap": "round"},
        )  # fmt: skip
    else:
        first = tag("g", {"class": "chart__points", "fill": VALUE_COLOUR}, "".join(plain))
    return [first, tag("g", {"class": "chart__signals", "fill": SIGNAL_COLOUR}, "".join(signals))]


def _point_title(point: ChartPoint, value: float, spec: ChartSpec) -> str:
    text = f"{point.label}: {format_value(value, spec.value_format)}"
    kinds = [SIGNAL_KINDS[k].lower() for k in SIGNAL_KINDS if k in point.marks]
    if kinds:
        text += f" (signal: {', '.join(kinds)})"
    return text


def _marker_shape(kind: str | None, x: float, y: float, r: float, cls: str, title: str) -> str:
    """One marker, its title as a child so pointer users can read the value on hover."""
    inner = tag("title", {}, esc(title)) if title else ""
    if kind is None:
        return tag("circle", {"class": cls, "cx": num(x), "cy": num(y), "r": num(r)}, inner)
    if kind == "astronomical":
        attrs = {"class": cls, "cx": num(x), "cy": num(y), "r": num(r * 1.2), "fill": "none",
                 "stroke": ASTRONOMICAL_COLOUR, "stroke-width": "2"}  # fmt: skip
        return tag("circle", attrs, inner)
    return tag("path", {"class": cls, "d": _shape_path(kind, x, y, r)}, inner)


def _shape_path(kind: str, x: float, y: float, r: float) -> str:
    if kind == "shift":  # a square
        return f"M{num(x - r)} {num(y - r)}h{num(2 * r)}v{num(2 * r)}h{num(-2 * r)}z"
    if kind == "trend":  # a diamond, a little taller than the square is wide
        s = r * 1.3
        return f"M{num(x)} {num(y - s)}l{num(s)} {num(s)}l{num(-s)} {num(s)}l{num(-s)} {num(-s)}z"
    s = r * 1.3  # beyond a limit: a triangle pointing up
    return f"M{num(x)} {num(y - s)}L{num(x + s)} {num(y + s * 0.75)}H{num(x - s)}z"


def notes(spec: ChartSpec, xs: tuple[float, ...], scale: YScale, frame: Layout) -> list[str]:
    """Notes: a marker above the point; at full size the text too, its whole in a title."""
    rows = note_rows(spec)
    band_top = frame.notes_top + 2
    parts = []
    for index, point in enumerate(spec.points):
        if not point.note:
            continue
        x = xs[index]
        # Above the value's marker, or at the plot's top for a period without a value.
        size = 4 if spec.size == "full" else 3
        tip = frame.top + 6
        if point.value is not None:
            # Kept inside the plot's top, where a high value would push it into the title.
            tip = max(scale.position(point.value) - frame.marker * 2 - 3, frame.top - 4 + size)
        top = tip - size * 1.5
        marker = f"M{num(x - size)} {num(top)}h{num(2 * size)}l{num(-size)} {num(size * 1.5)}z"
        inner = tag("title", {}, esc(f"{point.label}: {point.note}"))
        inner += tag("path", {"d": marker, "fill": NOTE_COLOUR})
        if spec.size == "full":
            text_y = band_top + rows[index] * NOTE_ROW_HEIGHT + 10
            anchor = "start" if note_extent(point.note, x)[0] == x - 4 else "end"
            inner += tag(
                "path",
                {"class": "chart__note-leader", "d": f"M{num(x)} {num(text_y + 3)}V{num(top)}",
                 "stroke": NOTE_COLOUR, "stroke-width": "1", "stroke-dasharray": "1 2"},
            )  # fmt: skip
            inner += tag(
                "text",
                {"x": num(x - 4 if anchor == "start" else x + 4), "y": num(text_y),
                 "text-anchor": anchor, "font-size": "11", "fill": NOTE_COLOUR},
                esc(truncate(point.note, NOTE_CHARS)),
            )  # fmt: skip
        parts.append(tag("g", {"class": "chart__note"}, inner))
    return parts


def legend(spec: ChartSpec, frame: Layout) -> str:
    """What each marker means, for the kinds this chart shows (full size only)."""
    kinds = [k for k in SIGNAL_KINDS if any(signal_kind(p) == k for p in spec.points)]
    items: list[tuple[str | None, str]] = [(None, "Value")] + [(k, SIGNAL_KINDS[k]) for k in kinds]
    if any(p.note for p in spec.points):
        items.append(("note", "Note"))
    x = frame.left
    y = frame.height - 12
    parts = []
    for kind, words in items:
        if kind == "note":
            mark = tag("path", {"d": f"M{num(x + 1)} {num(y - 8)}h8l-4 6z", "fill": NOTE_COLOUR})
        else:
            mark = _marker_shape(kind, x + 5, y - 4, 5 if kind else 3.5, "chart__legend-mark", "")
            mark = tag("g", {"class": f"chart__legend-{kind or 'value'}",
                              "fill": SIGNAL_COLOUR if kind else VALUE_COLOUR}, mark)  # fmt: skip
        parts.append(mark + tag("text", {"x": num(x + 14), "y": num(y)}, esc(words)))
        x += 14 + text_width(words, frame.font) + 10
    return tag("g", {"class": "chart__legend", "aria-hidden": "true"}, "".join(parts))
