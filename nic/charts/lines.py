"""Reference lines: the goal, the control limits (stepped) and the centre phases.

Their labels go in the right margin, pushed apart where values are near, except an
earlier centre phase's label, which sits on its own segment.
"""

from __future__ import annotations

from collections.abc import Iterable

from nic.charts.layout import Layout
from nic.charts.model import ChartSpec, format_value
from nic.charts.scale import YScale
from nic.charts.svg import CENTRE_COLOUR, GOAL_COLOUR, LIMIT_COLOUR, esc, line, num, tag


def runs(values: Iterable[float | None]) -> list[list[tuple[int, float]]]:
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


def reference_lines(
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
        parts.append(line("chart__goal", f"M{num(frame.left)} {num(y)}H{num(frame.right)}",
                           GOAL_COLOUR, "8 3 2 3", 2))  # fmt: skip
        text = f"Goal {format_value(spec.goal, fmt)}"
        margin_labels.append((y, "chart__goal-label", GOAL_COLOUR, text))
    for values, name, word in ((spec.upper, "upper", "UCL"), (spec.lower, "lower", "LCL")):
        stretches = runs(values or ())
        if not stretches:
            continue
        d = "".join(_stepped(run, xs, half, scale) for run in stretches)
        parts.append(line(f"chart__limit chart__limit--{name}", d, LIMIT_COLOUR, "2 3", 1.5))
        last = stretches[-1][-1][1]
        if not small:
            margin_labels.append((scale.position(last), "chart__limit-label", LIMIT_COLOUR,
                                  f"{word} {format_value(last, fmt)}"))  # fmt: skip
    segments = _segments(spec.centre)
    for number, (start, end, value) in enumerate(segments):
        y = scale.position(value)
        d = f"M{num(xs[start] - half)} {num(y)}H{num(xs[end] + half)}"
        parts.append(line("chart__centre", d, CENTRE_COLOUR, "6 4", 1.5))
        text = (
            format_value(value, fmt) if small else f"{spec.centre_label} {format_value(value, fmt)}"
        )
        if number == len(segments) - 1 and end == len(xs) - 1:
            margin_labels.append((y, "chart__centre-label", CENTRE_COLOUR, text))
        elif not small:
            # An earlier phase's label sits above its own segment's right end.
            attrs = {"class": "chart__centre-label", "x": num(xs[end] + half - 2),
                     "y": num(y - 4), "text-anchor": "end", "fill": CENTRE_COLOUR}  # fmt: skip
            parts.append(tag("text", attrs, esc(text)))
    parts += _margin_texts(margin_labels, frame)
    return parts


def _segments(centre: tuple[float | None, ...]) -> list[tuple[int, int, float]]:
    """Centre phases as (first index, last index, value): a new value is a re-base."""
    segments: list[tuple[int, int, float]] = []
    for run in runs(centre):
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
    """A limit as a step line: level across each period's band, vertical between them.

    A level is written once however many periods hold it, so a constant limit is one
    straight line.
    """
    first, first_value = run[0]
    y = num(scale.position(first_value))
    d = f"M{num(xs[first] - half)} {y}"
    for index, value in run[1:]:
        next_y = num(scale.position(value))
        if next_y != y:
            d += f"H{num(xs[index] - half)}V{next_y}"
            y = next_y
    return d + f"H{num(xs[run[-1][0]] + half)}"


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
        tag("text", {"class": cls, "x": num(frame.right + 4), "y": num(y - shift + frame.font / 3),
                      "fill": colour}, esc(text))
        for y, cls, colour, text in placed
    ]  # fmt: skip
