"""Charts drawn once and kept in the process, by everything that decides how they look.

A measure's page draws every reporting school's chart (25 schools x 156 weeks: some
125 ms of laying out, the rules and the SVG) and the network's with its control charts,
though between two visits nothing has changed but, at most, a week's points. So a chart
is kept under its inputs: the measure's version, the title, the chart's own periods
(values, notes, cycles), the calendar and labels it is laid out on, its phases, the
cycle names the viewer may see and its size. Any change to one of them is another key,
so a kept chart is never stale: a school's new point redraws that school's chart and the
network's (and every chart once its week extends the calendar). One cache per app, so
tests and apps never share charts.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from datetime import date

from cachetools import LRUCache
from flask import current_app

from nic.models import Measure, MeasurePhase, School
from nic.services.measure_charts import ChartView, Period, build_chart

# At most about this many bytes of charts per process (a small chart of 156 weeks is
# some 40 KB with its periods, a full one with its control charts some 150 KB).
BYTES_KEPT = 64_000_000
_PER_PERIOD = 200  # bytes: a Period, its label and its point in the run chart


def _size(view: ChartView) -> int:
    drawn = (view.svg, view.control_svg, view.moving_range_svg)
    return sum(len(svg or "") for svg in drawn) + _PER_PERIOD * len(view.periods)


_lock = threading.Lock()


def _kept() -> LRUCache:
    return current_app.extensions.setdefault(
        "nic_drawn_charts", LRUCache(maxsize=BYTES_KEPT, getsizeof=_size)
    )


def drawn_chart(
    measure: Measure,
    title: str,
    school: School | None,
    periods: Sequence[Period],
    days: Sequence[date],
    phases: Sequence[MeasurePhase] = (),
    *,
    size: str = "full",
    prefix: str = "chart",
    notes: dict[int, str] | None = None,
    labels: Sequence[str] | None = None,
) -> ChartView:
    """build_chart's chart, drawn only when it is not kept already."""
    periods, notes = tuple(periods), notes or {}
    cycles = {p.cycle_id for p in periods if p.cycle_id is not None}
    key = (
        measure.id, measure.version, measure.created_at, measure.updated_at, title, size,
        prefix, periods, tuple(days), None if labels is None else tuple(labels),
        tuple((p.starts_on, p.baseline_until) for p in phases),
        tuple(sorted((c, n) for c, n in notes.items() if c in cycles)),
    )  # fmt: skip
    kept = _kept()
    with _lock:
        found = kept.get(key)
    if found is None:
        found = build_chart(measure, title, school, periods, days, phases, size=size,
                            prefix=prefix, notes=notes, labels=labels)  # fmt: skip
        with _lock:
            kept[key] = found
    # The school as this request loaded it (the title above is its name then).
    return found if found.school is school else dataclasses.replace(found, school=school)
