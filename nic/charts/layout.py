"""The frames charts are drawn in (full and small), and where note text goes.

Both sizes have a fixed viewBox, so a chart keeps its aspect when it scales with the
page; only the plot's top moves down to make room for the rows of notes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from nic.charts.model import ChartSpec
from nic.charts.scale import text_width, x_positions
from nic.charts.svg import truncate

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
    title_font: float
    marker: float
    most_labels: int
    notes_top: float  # where the rows of note text begin (full size only)


FULL = Layout(
    width=720, height=400, left=64, right=616, top=40, bottom=336, font=12, title_font=15,
    marker=3.5, most_labels=8, notes_top=40,
)  # fmt: skip
SMALL = Layout(
    width=240, height=120, left=30, right=196, top=20, bottom=100, font=9, title_font=11,
    marker=1.5, most_labels=2, notes_top=20,
)  # fmt: skip
TITLE_ROOM = 24  # what the full size's visible title takes above the plot
NOTE_ROW_HEIGHT = 14


def layout_for(spec: ChartSpec) -> Layout:
    """The frame `spec` is drawn in: full or small, its plot lowered to fit note rows."""
    if spec.size == "small":
        return SMALL
    band = FULL.top if spec.show_title else FULL.top - TITLE_ROOM
    rows = note_rows(spec)
    top = band + (max(rows.values()) + 1) * NOTE_ROW_HEIGHT + 6 if rows else band
    return replace(FULL, top=top, notes_top=band)


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
        start, end = note_extent(point.note, xs[index])
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


def note_extent(note: str, x: float) -> tuple[float, float]:
    """Where a note's shown text runs: from its point rightwards, or leftwards at the edge."""
    width = text_width(truncate(note, NOTE_CHARS), 11)
    if x - 4 + width > FULL.width - 4:
        return x + 4 - width, x + 4
    return x - 4, x - 4 + width
