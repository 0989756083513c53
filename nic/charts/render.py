"""Run and control charts as one inline `<svg>` element, drawn on the server.

Why SVG text from Python: the chart must read without JavaScript, print, and pass the
app's Content-Security-Policy, which blocks inline `style` attributes and `<style>`
elements. So every colour is a presentation attribute (the chart reads even without
the stylesheet) and every part has a class that static/css/charts.css restyles for
print and forced colours. Text from users is escaped where it is written.

The whole chart is one image to assistive technology (`role="img"`) whose `<title>`
and `<desc>` say what it shows; the page puts the data table beside it.
"""

from __future__ import annotations

import hashlib

from markupsafe import Markup

from nic.charts.layout import Layout, layout_for
from nic.charts.lines import reference_lines
from nic.charts.marks import data_lines, legend, markers, notes
from nic.charts.model import SIGNAL_KINDS, ChartSpec, format_value, validate
from nic.charts.scale import YScale, text_width, thin_labels, tick_decimals, x_positions, y_scale
from nic.charts.svg import GRID_COLOUR, MUTED_COLOUR, TEXT_COLOUR, esc, num, tag, truncate


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
        tag("title", {"id": f"{prefix}-title"}, esc(spec.title)),
        tag("desc", {"id": f"{prefix}-desc"}, esc(summary(spec))),
    ]
    if spec.show_title:
        parts.append(_title_text(spec.title, frame))
    if has_values:
        parts += _y_axis(scale, frame, spec)
    else:
        parts.append(_empty_frame(frame))
    parts += _x_axis(spec, xs, frame)
    if has_values:
        parts += reference_lines(spec, xs, scale, frame)
        parts.append(data_lines(spec, xs, scale))
        parts += markers(spec, xs, scale, frame)
    parts += notes(spec, xs, scale, frame)
    if spec.size == "full" and has_values:
        parts.append(legend(spec, frame))
    attrs = {
        "xmlns": "http://www.w3.org/2000/svg",
        "class": f"chart chart--{spec.size}",
        "viewBox": f"0 0 {num(frame.width)} {num(frame.height)}",
        "width": "100%",
        "preserveAspectRatio": "xMidYMid meet",
        "role": "img",
        "aria-labelledby": f"{prefix}-title {prefix}-desc",
        "font-family": "system-ui, sans-serif",
        "font-size": num(frame.font),
        "fill": TEXT_COLOUR,
    }
    return Markup(tag("svg", attrs, "".join(parts)))  # noqa: S704 - every text part is escaped


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
    entered = [(p, p.value) for p in spec.points if p.value is not None]
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
    latest, value = entered[-1]
    text += f"; last value {format_value(value, fmt)}"
    if latest is not spec.points[-1]:
        text += f" ({latest.label})"
    if spec.goal is not None:
        text += f"; goal {format_value(spec.goal, fmt)}"
    flagged = [p for p, _ in entered if p.marks]
    if flagged:
        kinds = [
            SIGNAL_KINDS[k].lower() for k in SIGNAL_KINDS if any(k in p.marks for p in flagged)
        ]
        noun = "point marked as a signal" if len(flagged) == 1 else "points marked as signals"
        text += f"; {len(flagged)} {noun} ({', '.join(kinds)})"
    return text + "."


# ---------- parts ----------


def _title_text(title: str, frame: Layout) -> str:
    size = frame.title_font
    # Cut to the width there is, so a long school name never runs out of the viewBox.
    chars = int((frame.width - 8) / (size * 0.6))
    return tag(
        "text",
        {"class": "chart__title", "x": "4", "y": num(size + 3), "font-size": num(size),
         "font-weight": "600", "aria-hidden": "true"},
        esc(truncate(title, chars)),
    )  # fmt: skip


def _empty_frame(frame: Layout) -> str:
    box = tag(
        "rect",
        {"class": "chart__frame", "x": num(frame.left), "y": num(frame.top),
         "width": num(frame.right - frame.left), "height": num(frame.bottom - frame.top),
         "fill": "none", "stroke": GRID_COLOUR},
    )  # fmt: skip
    message = tag(
        "text",
        {"class": "chart__empty", "x": num((frame.left + frame.right) / 2),
         "y": num((frame.top + frame.bottom) / 2), "text-anchor": "middle",
         "fill": MUTED_COLOUR},
        "No data yet",
    )  # fmt: skip
    return box + message


def _y_axis(scale: YScale, frame: Layout, spec: ChartSpec) -> list[str]:
    grid = "".join(
        f"M{num(frame.left)} {num(scale.position(t))}H{num(frame.right)}" for t in scale.ticks
    )
    ticks = scale.ticks if spec.size == "full" else (scale.ticks[0], scale.ticks[-1])
    labels = "".join(
        tag("text", {"x": num(frame.left - 4), "y": num(scale.position(t) + frame.font / 3)}, text)
        for t, text in zip(ticks, _tick_texts(ticks, spec), strict=True)
    )
    return [
        tag("path", {"class": "chart__grid", "d": grid, "stroke": GRID_COLOUR,
                      "aria-hidden": "true"}),
        tag("g", {"class": "chart__ticks", "text-anchor": "end", "fill": MUTED_COLOUR,
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
    baseline = tag(
        "path",
        {"class": "chart__axis", "d": f"M{num(frame.left)} {num(frame.bottom)}H{num(frame.right)}",
         "stroke": MUTED_COLOUR, "aria-hidden": "true"},
    )  # fmt: skip
    labels = tuple(p.label for p in spec.points)
    y = num(frame.bottom + frame.font + 4)
    texts = []
    if spec.size == "small":
        # First and last only; the last may run under the right margin's labels, which
        # sit higher, so each label gets half the width from the plot's left edge.
        end = frame.width - 4
        chars = max(4, int(((end - frame.left) / 2 - frame.font) / (frame.font * 0.6)))
        ends = [(0, frame.left, "start"), (len(labels) - 1, end, "end")][: len(labels)]
        for index, x, anchor in ends:
            texts.append(
                tag("text", {"x": num(x), "y": y, "text-anchor": anchor},
                     esc(truncate(labels[index], chars)))
            )  # fmt: skip
    else:
        band = (frame.right - frame.left) / max(1, len(labels))
        for index in thin_labels(labels, band, frame.font, frame.most_labels):
            half = text_width(labels[index], frame.font) / 2
            anchor = "start" if xs[index] - half < 2 else "middle"
            x = frame.left if anchor == "start" else xs[index]
            texts.append(
                tag("text", {"x": num(x), "y": y, "text-anchor": anchor}, esc(labels[index]))
            )
    group = tag(
        "g", {"class": "chart__labels", "fill": MUTED_COLOUR, "aria-hidden": "true"}, "".join(texts)
    )
    return [baseline, group]
