"""Run charts and control charts drawn on the server as accessible inline SVG.

`render_chart(ChartSpec(...))` returns one `<svg>` element as `markupsafe.Markup`:
no JavaScript, no inline styles (the app's CSP blocks them), colours by class in
static/css/charts.css. The caller computes centre lines, limits and signals; this
package only draws them. `size="small"` draws a compact chart for small multiples.
"""

from __future__ import annotations

from nic.charts.model import SIGNAL_KINDS, ChartPoint, ChartSpec, format_value
from nic.charts.render import render_chart, scale_for, summary
from nic.charts.scale import YScale, nice_ticks

__all__ = [
    "SIGNAL_KINDS",
    "ChartPoint",
    "ChartSpec",
    "YScale",
    "format_value",
    "nice_ticks",
    "render_chart",
    "scale_for",
    "summary",
]
