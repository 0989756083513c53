"""Run and control charts as one inline `<svg>` element, drawn on the server.

Why SVG text from Python: the chart must read without JavaScript, print, and pass the
app's Content-Security-Policy, which blocks inline `style` attributes and `<style>`
elements. So every colour is a presentation attribute (the chart reads even without
the stylesheet) and every part has a class that static/css/charts.css restyles for
print and forced colours. Text from users is escaped where it is written.

Signal points differ from the others in shape as well as colour (WCAG 1.4.1), and
the whole chart is one image to assistive technology (`role="img"`) whose `<title>`
and `<desc>` say what it shows; the page puts the data table beside it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from nic.charts.model import (
    SIGNAL_KINDS,
    ChartPoint,
    ChartSpec,
    format_value,
    signal_kind,
    validate,
)
from nic.charts.scale import (
    YScale,
    text_width,
    thin_labels,
    tick_decimals,
    x_positions,
    y_scale,
)

# Colours chosen for 3:1 or more against white (WCAG 1.4.11) and told apart by
# colour-blind readers (Okabe-Ito blue and a darkened vermillion; a purple that is
# not confused with either); charts.css carries the same values by class.
VALUE_COLOUR = "#0072b2"
SIGNAL_COLOUR = "#b85000"
ASTRONOMICAL_COLOUR = "#aa3377"
CENTRE_COLOUR = "#52606d"
LIMIT_COLOUR = "#1f2933"
GOAL_COLOUR = "#007a5a"
NOTE_COLOUR = "#52606d"
GRID_COLOUR = "#e5e8eb"
TEXT_COLOUR = "#1f2933"
MUTED_COLOUR = "#52606d"

NOTE_CHARS = 30
NOTE_ROWS = 3


@dataclass(frozen=True)
class Layout:
    """A size's fixed frame: the viewBox and where the plot sits inside it."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    font: float
    marker: float
    most_labels: int


FULL = Layout(
    width=720, height=400, left=64, right=616, top=40, bottom=336, font=12, marker=3.5,
    most_labels=8,
)  # fmt: skip
SMALL = Layout(
    width=240, height=120, left=30, right=206, top=20, bottom=100, font=9, marker=1.5,
    most_labels=2,
)  # fmt: skip
NOTE_ROW_HEIGHT = 14


def layout_for(spec: ChartSpec) -> Layout:
    """The frame `spec` is drawn in: full or small, its plot lowered to fit note rows."""
    if spec.size == "small":
        return SMALL
    top = FULL.top if spec.show_title else FULL.top - 24
    rows = note_rows(spec)
    if rows:
        top += max(rows.values()) * NOTE_ROW_HEIGHT + NOTE_ROW_HEIGHT + 6
    return Layout(**{**FULL.__dict__, "top": top})


def scale_for(spec: ChartSpec) -> YScale:
    """The y scale `spec` is drawn on: it covers the values, centre, limits, goal, y_min/max.

    Public so tests (and any HTML beside the chart) can tell where a value lands.
    """
    frame = layout_for(spec)
    values = [p.value for p in spec.points if p.value is not None]
    if values:
        values += [v for v in spec.centre if v is not None]
        for limits in (spec.upper, spec.lower):
            values += [v for v in limits or () if v is not None]
        values += [v for v in (spec.goal, spec.y_min, spec.y_max) if v is not None]
    return y_scale(values, frame.top, frame.bottom)


def render_chart(spec: ChartSpec) -> Markup:
    """Draw `spec` as one `<svg>` element, safe to put in a page as it is.

    The same spec always gives the same bytes. Raises ValueError (from validation)
    when the spec's series do not match its points, a number is not finite, or a
    format, size, signal kind or id prefix is unknown.
    """
    validate(spec)
    frame = layout_for(spec)
    prefix = spec.id_prefix or derived_prefix(spec)
    scale = scale_for(spec)
    xs = x_positions(len(spec.points), frame.left, frame.right)
    has_values = any(p.value is not None for p in spec.points)
    parts = [
        _tag("title", {"id": f"{prefix}-title"}, _esc(spec.title)),
        _tag("desc", {"id": f"{prefix}-desc"}, _esc(summary(spec))),
    ]
    if spec.show_title:
        parts.append(_title_text(spec.title, frame))
    if has_values:
        parts += _y_axis(scale, frame, spec)
    else:
        parts.append(_empty_frame(frame))
    parts += _x_axis(spec, xs, frame)
    if has_values:
        parts += _reference_lines(spec, xs, scale, frame)
        parts.append(_data_lines(spec, xs, scale))
        parts += _markers(spec, xs, scale, frame)
    parts += _notes(spec, xs, scale, frame)
    if spec.size == "full" and has_values:
        parts.append(_legend(spec, frame))
    attrs = {
        "xmlns": "http://www.w3.org/2000/svg",
        "class": f"chart chart--{spec.size}",
        "viewBox": f"0 0 {_n(frame.width)} {_n(frame.height)}",
        "width": "100%",
        "preserveAspectRatio": "xMidYMid meet",
        "role": "img",
        "aria-labelledby": f"{prefix}-title {prefix}-desc",
        "font-family": "system-ui, sans-serif",
        "font-size": _n(frame.font),
        "fill": TEXT_COLOUR,
    }
    return Markup(_tag("svg", attrs, "".join(parts)))  # noqa: S704 - every text part is escaped


def derived_prefix(spec: ChartSpec) -> str:
    """An id prefix from the chart's content: stable across runs, differs between charts.

    Marks are sorted first: a frozenset's order changes with the hash seed.
    """
    key = repr(
        (
            spec.title,
            [(p.label, p.value, p.note, sorted(p.marks)) for p in spec.points],
            spec.centre, spec.upper, spec.lower, spec.goal, spec.value_format,
            spec.y_min, spec.y_max, spec.centre_label, spec.size, spec.show_title,
        )
    )  # fmt: skip
    return "chart-" + hashlib.sha256(key.encode()).hexdigest()[:10]


def summary(spec: ChartSpec) -> str:
    """The `<desc>` text: kind, extent, current centre, last value, goal and signals."""
    kind = "Control chart" if spec.upper or spec.lower else "Run chart"
    count = len(spec.points)
    if not count:
        return f"{kind} with no data yet."
    fmt = spec.value_format
    entered = [p for p in spec.points if p.value is not None]
    noun = "period" if count == 1 else "periods"
    text = f"{kind} of {count} {noun}"
    first, last = spec.points[0].label, spec.points[-1].label
    text += f" ({first})" if count == 1 else f" from {first} to {last}"
    if not entered:
        return text + "; no values entered yet."
    missing = count - len(entered)
    if missing:
        text += f", {missing} without a value"
    centres = [c for c in spec.centre if c is not None]
    if centres:
        text += f"; {spec.centre_label.lower()} {format_value(centres[-1], fmt)}"
    text += f"; last value {format_value(entered[-1].value or 0.0, fmt)}"
    if entered[-1] is not spec.points[-1]:
        text += f" ({entered[-1].label})"
    if spec.goal is not None:
        text += f"; goal {format_value(spec.goal, fmt)}"
    flagged = [p for p in spec.points if p.marks]
    if flagged:
        kinds = [
            SIGNAL_KINDS[k].lower() for k in SIGNAL_KINDS if any(k in p.marks for p in flagged)
        ]
        text += f"; {len(flagged)} marked as signals ({', '.join(kinds)})"
    return text + "."


# ---------- parts ----------


def _title_text(title: str, frame: Layout) -> str:
    size = 15 if frame is FULL or frame.width == FULL.width else 11
    return _tag(
        "text",
        {"class": "chart__title", "x": "4", "y": _n(size + 3), "font-size": str(size),
         "font-weight": "600", "aria-hidden": "true"},
        _esc(_truncate(title, 80 if size == 15 else 40)),
    )  # fmt: skip


def _empty_frame(frame: Layout) -> str:
    box = _tag(
        "rect",
        {"class": "chart__frame", "x": _n(frame.left), "y": _n(frame.top),
         "width": _n(frame.right - frame.left), "height": _n(frame.bottom - frame.top),
         "fill": "none", "stroke": GRID_COLOUR},
    )  # fmt: skip
    message = _tag(
        "text",
        {"class": "chart__empty", "x": _n((frame.left + frame.right) / 2),
         "y": _n((frame.top + frame.bottom) / 2), "text-anchor": "middle",
         "fill": MUTED_COLOUR},
        "No data yet",
    )  # fmt: skip
    return box + message


def _y_axis(scale: YScale, frame: Layout, spec: ChartSpec) -> list[str]:
    grid = "".join(
        f"M{_n(frame.left)} {_n(scale.position(t))}H{_n(frame.right)}" for t in scale.ticks
    )
    ticks = scale.ticks if spec.size == "full" else (scale.ticks[0], scale.ticks[-1])
    labels = "".join(
        _tag("text", {"x": _n(frame.left - 4), "y": _n(scale.position(t) + frame.font / 3)}, text)
        for t, text in zip(ticks, _tick_texts(ticks, spec), strict=True)
    )
    return [
        _tag("path", {"class": "chart__grid", "d": grid, "stroke": GRID_COLOUR,
                      "aria-hidden": "true"}),
        _tag("g", {"class": "chart__ticks", "text-anchor": "end", "fill": MUTED_COLOUR,
                   "aria-hidden": "true"}, labels),
    ]  # fmt: skip


def _tick_texts(ticks: tuple[float, ...], spec: ChartSpec) -> list[str]:
    """Tick labels, with M or B where the numbers would be too wide for the margin."""
    biggest = max(abs(t) for t in ticks)
    divisor, suffix = (1e9, "B") if biggest >= 1e9 else (1e6, "M") if biggest >= 1e6 else (1, "")
    scaled = tuple(t / divisor for t in ticks)
    places = tick_decimals(scaled)
    fmt = spec.value_format
    if suffix:
        return [format_value(t, "count", places) + suffix for t in scaled]
    return [format_value(t, fmt, places) for t in scaled]


def _x_axis(spec: ChartSpec, xs: tuple[float, ...], frame: Layout) -> list[str]:
    baseline = _tag(
        "path",
        {"class": "chart__axis", "d": f"M{_n(frame.left)} {_n(frame.bottom)}H{_n(frame.right)}",
         "stroke": MUTED_COLOUR, "aria-hidden": "true"},
    )  # fmt: skip
    labels = tuple(p.label for p in spec.points)
    y = _n(frame.bottom + frame.font + 4)
    texts = []
    if spec.size == "small":
        room = (frame.right - frame.left) / 2 - frame.font
        chars = max(4, int(room / (frame.font * 0.6)))
        ends = [(0, frame.left, "start"), (len(labels) - 1, frame.right, "end")][: len(labels)]
        for index, x, anchor in ends[: 1 if len(labels) == 1 else 2]:
            texts.append(
                _tag("text", {"x": _n(x), "y": y, "text-anchor": anchor},
                     _esc(_truncate(labels[index], chars)))
            )  # fmt: skip
    else:
        band = (frame.right - frame.left) / max(1, len(labels))
        for index in thin_labels(labels, band, frame.font, frame.most_labels):
            half = text_width(labels[index], frame.font) / 2
            anchor = "start" if xs[index] - half < 2 else "middle"
            x = frame.left if anchor == "start" else xs[index]
            texts.append(
                _tag("text", {"x": _n(x), "y": y, "text-anchor": anchor}, _esc(labels[index]))
            )
    group = _tag(
        "g", {"class": "chart__labels", "fill": MUTED_COLOUR, "aria-hidden": "true"}, "".join(texts)
    )
    return [baseline, group]


def _runs(values: Iterable[float | None]) -> list[list[tuple[int, float]]]:
    """Consecutive stretches of entered values, as (index, value): None breaks a run."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for index, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((index, value))
    if current:
        runs.append(current)
    return runs


def _reference_lines(
    spec: ChartSpec, xs: tuple[float, ...], scale: YScale, frame: Layout
) -> list[str]:
    """Goal, limits and centre segments, with their labels kept from overlapping."""
    half = (frame.right - frame.left) / len(xs) / 2
    fmt = spec.value_format
    small = spec.size == "small"
    parts: list[str] = []
    margin_labels: list[tuple[float, str, str, str]] = []  # y, class, colour, text
    if spec.goal is not None:
        y = scale.position(spec.goal)
        parts.append(_line("chart__goal", f"M{_n(frame.left)} {_n(y)}H{_n(frame.right)}",
                           GOAL_COLOUR, "8 3 2 3", 2))  # fmt: skip
        text = format_value(spec.goal, fmt) if small else f"Goal {format_value(spec.goal, fmt)}"
        margin_labels.append((y, "chart__goal-label", GOAL_COLOUR, text))
    for values, name, word in ((spec.upper, "upper", "UCL"), (spec.lower, "lower", "LCL")):
        runs = _runs(values or ())
        if not runs:
            continue
        d = "".join(_stepped(run, xs, half, scale) for run in runs)
        parts.append(_line(f"chart__limit chart__limit--{name}", d, LIMIT_COLOUR, "2 3", 1.5))
        last = runs[-1][-1][1]
        if not small:
            margin_labels.append((scale.position(last), "chart__limit-label", LIMIT_COLOUR,
                                  f"{word} {format_value(last, fmt)}"))  # fmt: skip
    segments = _segments(spec.centre)
    for number, (start, end, value) in enumerate(segments):
        y = scale.position(value)
        d = f"M{_n(xs[start] - half)} {_n(y)}H{_n(xs[end] + half)}"
        parts.append(_line("chart__centre", d, CENTRE_COLOUR, "6 4", 1.5))
        text = (
            format_value(value, fmt) if small else f"{spec.centre_label} {format_value(value, fmt)}"
        )
        if number == len(segments) - 1 and end == len(xs) - 1:
            margin_labels.append((y, "chart__centre-label", CENTRE_COLOUR, text))
        elif not small:
            # An earlier phase's label sits above its own segment's right end.
            parts.append(_tag("text", {"class": "chart__centre-label", "x": _n(xs[end] + half - 2),
                                       "y": _n(y - 4), "text-anchor": "end", "fill": CENTRE_COLOUR},
                              _esc(text)))  # fmt: skip
    parts += _margin_texts(margin_labels, frame)
    return parts


def _segments(centre: tuple[float | None, ...]) -> list[tuple[int, int, float]]:
    """Centre phases as (first index, last index, value): a new value is a re-base."""
    segments: list[tuple[int, int, float]] = []
    for run in _runs(centre):
        start, value = run[0]
        for (index, current), (_, previous) in zip(run[1:], run, strict=False):
            if current != previous:
                segments.append((start, index - 1, value))
                start, value = index, current
        segments.append((start, run[-1][0], value))
    return segments


def _stepped(
    run: list[tuple[int, float]], xs: tuple[float, ...], half: float, scale: YScale
) -> str:
    """A limit as a step line: level across each period's band, vertical between them."""
    first_index, first_value = run[0]
    y = scale.position(first_value)
    d = f"M{_n(xs[first_index] - half)} {_n(y)}H{_n(xs[first_index] + half)}"
    for index, value in run[1:]:
        next_y = scale.position(value)
        if _n(next_y) != _n(y):
            d += f"V{_n(next_y)}"
        y = next_y
        d += f"H{_n(xs[index] + half)}"
    return _merge_horizontals(d)


def _merge_horizontals(d: str) -> str:
    """Drop H commands that a later H on the same level makes redundant (fewer bytes)."""
    commands = d.replace("V", "|V").replace("H", "|H").split("|")
    kept: list[str] = []
    for command in commands:
        if command.startswith("H") and kept and kept[-1].startswith("H"):
            kept[-1] = command
        else:
            kept.append(command)
    return "".join(kept)


def _margin_texts(labels: list[tuple[float, str, str, str]], frame: Layout) -> list[str]:
    """Labels in the right margin, pushed apart so that near values stay readable."""
    gap = frame.font + 1
    placed: list[tuple[float, str, str, str]] = []
    for y, cls, colour, text in sorted(labels, key=lambda item: (item[0], item[1])):
        y = max(y, placed[-1][0] + gap) if placed else y
        placed.append((y, cls, colour, text))
    overflow = placed[-1][0] - (frame.height - frame.font) if placed else 0
    shift = max(0.0, overflow)
    return [
        _tag("text", {"class": cls, "x": _n(frame.right + 4), "y": _n(y - shift + frame.font / 3),
                      "fill": colour}, _esc(text))
        for y, cls, colour, text in placed
    ]  # fmt: skip


def _line(cls: str, d: str, colour: str, dashes: str, width: float) -> str:
    return _tag(
        "path",
        {"class": cls, "d": d, "fill": "none", "stroke": colour, "stroke-width": _n(width),
         "stroke-dasharray": dashes},
    )  # fmt: skip


def _data_lines(spec: ChartSpec, xs: tuple[float, ...], scale: YScale) -> str:
    """The value line, one path a stretch of entered values: a missing period is a gap."""
    paths = []
    for run in _runs(p.value for p in spec.points):
        if len(run) > 1:
            # After M, further coordinate pairs are implicit line-tos: the shortest form.
            d = "M" + " ".join(f"{_n(xs[i])} {_n(scale.position(v))}" for i, v in run)
            paths.append(_tag("path", {"d": d}))
    width = "2" if spec.size == "full" else "1.5"
    return _tag(
        "g",
        {"class": "chart__line", "fill": "none", "stroke": VALUE_COLOUR, "stroke-width": width,
         "stroke-linejoin": "round"},
        "".join(paths),
    )  # fmt: skip


def _markers(spec: ChartSpec, xs: tuple[float, ...], scale: YScale, frame: Layout) -> list[str]:
    """A marker a value: circles for plain points, a signal's own shape for signals.

    The small size writes plain points as one path of round dots, without titles, so
    25 charts on a page stay light; its signal points keep shape and title.
    """
    plain: list[str] = []
    signals: list[str] = []
    for point, x in zip(spec.points, xs, strict=True):
        if point.value is None:
            continue
        y = scale.position(point.value)
        kind = signal_kind(point)
        if kind is None:
            if spec.size == "small":
                plain.append(f"M{_n(x)} {_n(y)}h0")
            else:
                plain.append(
                    _marker_shape(
                        None, x, y, frame.marker, "chart__point", _point_title(point, spec)
                    )
                )
            continue
        size = frame.marker * 1.6 if spec.size == "full" else 3.0
        signals.append(_marker_shape(kind, x, y, size, f"chart__point chart__point--{kind}",
                                     _point_title(point, spec)))  # fmt: skip
    if spec.size == "small":
        first = _tag(
            "path",
            {"class": "chart__dots", "d": "".join(plain), "fill": "none", "stroke": VALUE_COLOUR,
             "stroke-width": "3", "stroke-linecap": "round"},
        )  # fmt: skip
    else:
        first = _tag("g", {"class": "chart__points", "fill": VALUE_COLOUR}, "".join(plain))
    return [first, _tag("g", {"class": "chart__signals", "fill": SIGNAL_COLOUR}, "".join(signals))]


def _point_title(point: ChartPoint, spec: ChartSpec) -> str:
    text = f"{point.label}: {format_value(point.value or 0.0, spec.value_format)}"
    kinds = [SIGNAL_KINDS[k].lower() for k in SIGNAL_KINDS if k in point.marks]
    if kinds:
        text += f" (signal: {', '.join(kinds)})"
    return text


def _marker_shape(kind: str | None, x: float, y: float, r: float, cls: str, title: str) -> str:
    """One marker, its title as a child so pointer users can read the value on hover."""
    inner = _tag("title", {}, _esc(title)) if title else ""
    if kind is None:
        return _tag("circle", {"class": cls, "cx": _n(x), "cy": _n(y), "r": _n(r)}, inner)
    if kind == "astronomical":
        attrs = {"class": cls, "cx": _n(x), "cy": _n(y), "r": _n(r * 1.2), "fill": "none",
                 "stroke": ASTRONOMICAL_COLOUR, "stroke-width": "2"}  # fmt: skip
        return _tag("circle", attrs, inner)
    return _tag("path", {"class": cls, "d": _shape_path(kind, x, y, r)}, inner)


def _shape_path(kind: str, x: float, y: float, r: float) -> str:
    if kind == "shift":  # a square
        return f"M{_n(x - r)} {_n(y - r)}h{_n(2 * r)}v{_n(2 * r)}h{_n(-2 * r)}z"
    if kind == "trend":  # a diamond, a little taller than the square is wide
        s = r * 1.3
        return f"M{_n(x)} {_n(y - s)}l{_n(s)} {_n(s)}l{_n(-s)} {_n(s)}l{_n(-s)} {_n(-s)}z"
    s = r * 1.3  # beyond a limit: a triangle pointing up
    return f"M{_n(x)} {_n(y - s)}L{_n(x + s)} {_n(y + s * 0.75)}H{_n(x - s)}z"


def note_rows(spec: ChartSpec) -> dict[int, int]:
    """The text row each note takes (full size), staggered so neighbours do not overlap.

    A note goes in the first row where it clears the one before; when no row is free it
    shares the row that frees up first, which is the least overlap there is room for.
    """
    if spec.size != "full":
        return {}
    xs = x_positions(len(spec.points), FULL.left, FULL.right)
    ends: list[float] = []
    rows: dict[int, int] = {}
    for index, point in enumerate(spec.points):
        if not point.note:
            continue
        start, end = _note_extent(point.note, xs[index])
        free = [row for row, taken in enumerate(ends) if start >= taken + 6]
        if free:
            row = free[0]
        elif len(ends) < NOTE_ROWS:
            row = len(ends)
            ends.append(0.0)
        else:
            row = min(range(len(ends)), key=lambda r: ends[r])
        ends[row] = end
        rows[index] = row
    return rows


def _note_extent(note: str, x: float) -> tuple[float, float]:
    width = text_width(_truncate(note, NOTE_CHARS), 11)
    if x - 4 + width > FULL.width - 4:
        return x + 4 - width, x + 4
    return x - 4, x - 4 + width


def _notes(spec: ChartSpec, xs: tuple[float, ...], scale: YScale, frame: Layout) -> list[str]:
    """Notes: a marker above the point; at full size the text too, its whole in a title."""
    rows = note_rows(spec)
    band_top = (FULL.top if spec.show_title else FULL.top - 24) + 2
    parts = []
    for index, point in enumerate(spec.points):
        if not point.note:
            continue
        x = xs[index]
        # Above the value's marker, or at the plot's top for a period without a value.
        tip = frame.top + 6
        if point.value is not None:
            tip = scale.position(point.value) - frame.marker * 2 - 3
        size = 4 if spec.size == "full" else 3
        top = tip - size * 1.5
        marker = f"M{_n(x - size)} {_n(top)}h{_n(2 * size)}l{_n(-size)} {_n(size * 1.5)}z"
        inner = _tag("title", {}, _esc(f"{point.label}: {point.note}"))
        inner += _tag("path", {"d": marker, "fill": NOTE_COLOUR})
        if spec.size == "full":
            text_y = band_top + rows[index] * NOTE_ROW_HEIGHT + 10
            anchor = "start" if _note_extent(point.note, x)[0] == x - 4 else "end"
            inner += _tag(
                "path",
                {"class": "chart__note-leader", "d": f"M{_n(x)} {_n(text_y + 3)}V{_n(top)}",
                 "stroke": NOTE_COLOUR, "stroke-width": "1", "stroke-dasharray": "1 2"},
            )  # fmt: skip
            inner += _tag(
                "text",
                {"x": _n(x - 4 if anchor == "start" else x + 4), "y": _n(text_y),
                 "text-anchor": anchor, "font-size": "11", "fill": NOTE_COLOUR},
                _esc(_truncate(point.note, NOTE_CHARS)),
            )  # fmt: skip
        parts.append(_tag("g", {"class": "chart__note"}, inner))
    return parts


def _legend(spec: ChartSpec, frame: Layout) -> str:
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
            mark = _tag("path", {"d": f"M{_n(x + 1)} {_n(y - 8)}h8l-4 6z", "fill": NOTE_COLOUR})
        else:
            mark = _marker_shape(kind, x + 5, y - 4, 5 if kind else 3.5, "chart__legend-mark", "")
            mark = _tag("g", {"class": f"chart__legend-{kind or 'value'}",
                              "fill": SIGNAL_COLOUR if kind else VALUE_COLOUR}, mark)  # fmt: skip
        parts.append(mark + _tag("text", {"x": _n(x + 14), "y": _n(y)}, _esc(words)))
        x += 14 + text_width(words, frame.font) + 18
    return _tag("g", {"class": "chart__legend", "aria-hidden": "true"}, "".join(parts))


# ---------- writing ----------


def _tag(name: str, attrs: dict[str, str], content: str | None = None) -> str:
    """An element; attribute values are escaped here, content must be escaped already."""
    attributes = "".join(f' {key}="{escape(value)}"' for key, value in attrs.items())
    if content is None:
        return f"<{name}{attributes}/>"
    return f"<{name}{attributes}>{content}</{name}>"


def _esc(text: str) -> str:
    return str(escape(text))


def _truncate(text: str, chars: int) -> str:
    """Cut to `chars` with an ellipsis; done before escaping so no entity is cut."""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "\u2026"


def _n(value: float) -> str:
    """A coordinate to one decimal, without a trailing .0 or a negative zero."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text
