"""Run and control charts drawn as SVG (nic.charts): read back as a user would see them.

Each chart is parsed with ElementTree, so every test also proves the markup is
well-formed XML, and the assertions name what shows: markers, lines, labels, ids.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markupsafe import Markup

from nic.charts import ChartPoint, ChartSpec, nice_ticks, render_chart, scale_for, summary
from nic.charts.scale import text_width

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parent.parent


def chart(values, **options) -> ChartSpec:
    """A spec with weekly labels and a constant median unless told otherwise."""
    points = tuple(
        ChartPoint(f"Week {i + 1}", v) if not isinstance(v, ChartPoint) else v
        for i, v in enumerate(values)
    )
    entered = sorted(p.value for p in points if p.value is not None)
    median = entered[len(entered) // 2] if entered else None
    options.setdefault("centre", tuple(median for _ in points))
    return ChartSpec(title=options.pop("title", "Reading on grade level"), points=points, **options)


def read(markup: str) -> ET.Element:
    """Parse chart markup: the charts' own output, which holds no DTD or entity to expand."""
    return ET.fromstring(str(markup))  # noqa: S314 - our own output, not untrusted XML


def parse(spec: ChartSpec) -> ET.Element:
    return read(render_chart(spec))


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in e.get("class", "").split()]


def texts(root: ET.Element) -> list[str]:
    return ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]


def horizontal_y(d: str) -> float:
    """The y of a path drawn as `M x y H x2`."""
    match = re.fullmatch(r"M[-\d.]+ ([-\d.]+)H[-\d.]+", d)
    assert match, d
    return float(match.group(1))


WEEKS = [60, 62, 58, 64, 61, 63, 59, 66, 62, 60]


# ---------- what is drawn ----------


def test_a_marker_per_entered_value_and_none_for_a_missing_one():
    spec = chart([60, 62, None, 64, None, 63, 59])
    root = parse(spec)
    markers = by_class(root, "chart__point")
    assert len(markers) == 5
    titles = [m.find(f"{SVG}title").text for m in markers]
    assert titles == ["Week 1: 60", "Week 2: 62", "Week 4: 64", "Week 6: 63", "Week 7: 59"]


def test_the_line_breaks_at_a_missing_value():
    root = parse(chart([60, 62, 61, None, 64, 63]))
    (line,) = by_class(root, "chart__line")
    paths = line.findall(f"{SVG}path")
    assert len(paths) == 2
    assert [len(p.get("d").split()) // 2 for p in paths] == [3, 2]  # points in each stretch


def test_a_signal_point_has_its_own_shape_and_the_legend_names_only_present_kinds():
    points = [ChartPoint(f"Week {i}", v) for i, v in enumerate(WEEKS)]
    points[3] = ChartPoint("Week 3", 64, marks=frozenset({"shift", "trend"}))
    points[7] = ChartPoint("Week 7", 66, marks=frozenset({"astronomical"}))
    root = parse(chart(points))
    plain = [m for m in by_class(root, "chart__point") if m.get("class") == "chart__point"]
    assert {m.tag for m in plain} == {f"{SVG}circle"}
    (shift,) = by_class(root, "chart__point--shift")
    assert shift.tag == f"{SVG}path"  # a square, not a circle
    assert shift.find(f"{SVG}title").text == "Week 3: 64 (signal: shift, trend)"
    (ring,) = by_class(root, "chart__point--astronomical")
    assert ring.get("fill") == "none"
    assert float(ring.get("r")) > float(plain[0].get("r"))
    (legend,) = by_class(root, "chart__legend")
    assert texts(legend) == ["Value", "Astronomical point", "Shift"]  # no trend marker drawn


def test_the_centre_line_sits_at_the_median_on_the_y_scale():
    spec = chart(WEEKS, centre=tuple(61.5 for _ in WEEKS))
    root = parse(spec)
    (centre,) = by_class(root, "chart__centre")
    assert horizontal_y(centre.get("d")) == round(scale_for(spec).position(61.5), 1)
    assert "Median 61.5" in texts(root)


def test_the_centre_line_reads_as_the_median_against_the_drawn_gridlines():
    """Read the scale off the picture itself: gridline heights and their tick labels."""
    root = parse(chart(WEEKS, centre=tuple(61.5 for _ in WEEKS)))
    (grid,) = by_class(root, "chart__grid")
    heights = [float(y) for y in re.findall(r"M[-\d.]+ ([-\d.]+)H", grid.get("d"))]
    (ticks,) = by_class(root, "chart__ticks")
    values = [float(t) for t in texts(ticks)]
    assert len(heights) == len(values) >= 4
    (low, y_low), (high, y_high) = (values[0], heights[0]), (values[-1], heights[-1])
    expected = y_low + (61.5 - low) / (high - low) * (y_high - y_low)
    (centre,) = by_class(root, "chart__centre")
    assert horizontal_y(centre.get("d")) == pytest.approx(expected, abs=0.11)


def test_a_rebase_draws_two_centre_segments_each_labelled():
    centre = (55.0,) * 5 + (62.0,) * 5
    spec = chart(WEEKS, centre=centre)
    root = parse(spec)
    segments = by_class(root, "chart__centre")
    assert len(segments) == 2
    ys = [horizontal_y(s.get("d")) for s in segments]
    scale = scale_for(spec)
    assert ys == [round(scale.position(55), 1), round(scale.position(62), 1)]
    assert [t for t in texts(root) if t.startswith("Median")] == ["Median 55", "Median 62"]
    # The segments meet where the phase changes and do not overlap.
    first_end = float(segments[0].get("d").split("H")[1])
    second_start = float(segments[1].get("d")[1:].split()[0])
    assert first_end == second_start


def test_varying_limits_are_stepped_and_constant_ones_straight():
    upper = (80.0, 80.0, 84.0, 78.0, 78.0, 81.0, 80.0, 80.0, 79.0, 80.0)
    spec = chart(WEEKS, upper=upper, lower=tuple(40.0 for _ in WEEKS))
    root = parse(spec)
    (ucl,) = by_class(root, "chart__limit--upper")
    (lcl,) = by_class(root, "chart__limit--lower")
    steps = ucl.get("d").count("V")
    assert steps == 6  # one vertical a change of value
    scale = scale_for(spec)
    levels = [float(v) for v in re.findall(r"V([-\d.]+)", ucl.get("d"))]
    expected = [84.0, 78.0, 81.0, 80.0, 79.0, 80.0]
    assert levels == [round(scale.position(v), 1) for v in expected]
    assert "V" not in lcl.get("d")
    assert {"UCL 80", "LCL 40"} <= set(texts(root))
    assert "Control chart" in summary(spec)


def test_the_goal_is_a_labelled_line_inside_the_domain():
    spec = chart(WEEKS, goal=90)
    root = parse(spec)
    (goal,) = by_class(root, "chart__goal")
    scale = scale_for(spec)
    assert horizontal_y(goal.get("d")) == round(scale.position(90), 1)
    assert scale.high >= 90
    assert "Goal 90" in texts(root)


def test_the_domain_includes_limits_goal_and_negative_values():
    spec = chart([-5, 3, 12], upper=(20.0,) * 3, lower=(-14.0,) * 3, goal=25)
    scale = scale_for(spec)
    assert scale.low <= -14 and scale.high >= 25
    assert scale.position(scale.low) == scale.bottom and scale.position(scale.high) == scale.top


def test_notes_show_truncated_with_the_whole_text_on_hover_and_neighbours_staggered():
    long_note = "PDSA cycle 3: exit tickets in every grade 3 class"
    points = [ChartPoint(f"Week {i}", v) for i, v in enumerate(WEEKS)]
    points[2] = ChartPoint("Week 2", 58, note=long_note)
    points[3] = ChartPoint("Week 3", 64, note="New schedule started")
    root = parse(chart(points))
    notes = by_class(root, "chart__note")
    assert len(notes) == 2
    assert notes[0].find(f"{SVG}title").text == f"Week 2: {long_note}"
    shown = notes[0].find(f"{SVG}text").text
    assert shown.endswith("\u2026") and len(shown) <= 30 and long_note.startswith(shown[:-1])
    ys = [n.find(f"{SVG}text").get("y") for n in notes]
    assert ys[0] != ys[1]  # adjacent notes go on different rows


def test_a_note_on_the_small_size_is_a_marker_with_its_text_as_title():
    points = [ChartPoint(f"Week {i}", v) for i, v in enumerate(WEEKS)]
    points[4] = ChartPoint("Week 4", 61, note="New schedule")
    root = parse(chart(points, size="small"))
    (note,) = by_class(root, "chart__note")
    assert note.find(f"{SVG}text") is None
    assert note.find(f"{SVG}title").text == "Week 4: New schedule"


def test_percent_axis_fixed_from_0_to_100():
    spec = chart([41, 47, 52], value_format="percent", y_min=0, y_max=100)
    root = parse(spec)
    assert scale_for(spec).ticks == (0, 20, 40, 60, 80, 100)
    (ticks,) = by_class(root, "chart__ticks")
    assert texts(ticks) == ["0%", "20%", "40%", "60%", "80%", "100%"]
    assert by_class(root, "chart__point")[0].find(f"{SVG}title").text == "Week 1: 41%"


def test_huge_and_tiny_values_get_readable_tick_labels():
    (huge,) = by_class(parse(chart([1.2e9, 3.1e9, 2.2e9])), "chart__ticks")
    assert texts(huge)[-1] in ("3.5B", "4B")
    (tiny,) = by_class(
        parse(chart([0.00012, 0.00031, 0.00047], value_format="rate")), "chart__ticks"
    )
    assert texts(tiny) == ["0.0001", "0.0002", "0.0003", "0.0004", "0.0005"]


# ---------- the y ticks ----------


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 97, (0, 20, 40, 60, 80, 100)),
        (0.3, 0.71, (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)),
        (1000, 1040, (1000, 1010, 1020, 1030, 1040)),
        (62, 62, (55, 60, 65, 70)),
        (0, 0, (-1, -0.5, 0, 0.5, 1)),
        (-13, 7, (-15, -10, -5, 0, 5, 10)),
    ],
)
def test_nice_ticks(low, high, expected):
    assert nice_ticks(low, high) == expected


@pytest.mark.parametrize(
    ("low", "high"),
    [(0, 97), (0.3, 0.71), (1000, 1040), (5, 5), (-2e9, 3e12), (1e-7, 3e-7), (-4, -1)],
)
def test_nice_ticks_cover_the_range_in_few_nice_steps(low, high):
    ticks = nice_ticks(low, high)
    assert 4 <= len(ticks) <= 6
    assert ticks[0] <= low and ticks[-1] >= high and ticks[-1] > ticks[0]
    step = ticks[1] - ticks[0]
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5))


def test_all_equal_values_do_not_collapse_the_axis():
    spec = chart([70] * 8)
    scale = scale_for(spec)
    assert scale.high > 70 > scale.low
    ys = {m.get("cy") for m in by_class(parse(spec), "chart__point")}
    assert ys == {f"{scale.position(70):.1f}".removesuffix(".0")}


# ---------- the x labels ----------


def weekly(count: int) -> list[ChartPoint]:
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return [
        ChartPoint(f"Week of {1 + i % 28} {months[i // 4 % 12]}", 40 + 20 * math.sin(i / 7) + i % 5)
        for i in range(count)
    ]


def test_x_labels_are_thinned_so_none_overlap_on_156_points():
    points = weekly(156)
    root = parse(chart(points))
    (group,) = by_class(root, "chart__labels")
    labels = group.findall(f"{SVG}text")
    assert 2 <= len(labels) <= 8
    assert labels[-1].text == points[-1].label  # the latest period is always labelled
    xs = [float(t.get("x")) for t in labels]
    for i in range(len(labels) - 1):
        room = (text_width(labels[i].text, 12) + text_width(labels[i + 1].text, 12)) / 2
        assert xs[i + 1] - xs[i] >= room


def test_a_short_series_keeps_every_label():
    (group,) = by_class(parse(chart(WEEKS[:5])), "chart__labels")
    assert texts(group) == ["Week 1", "Week 2", "Week 3", "Week 4", "Week 5"]


def test_the_small_size_draws_a_dot_per_plain_value_and_a_shape_per_signal():
    points = [ChartPoint(f"Week {i}", v) for i, v in enumerate(WEEKS)]
    points[3] = ChartPoint("Week 3", None)
    points[6] = ChartPoint("Week 6", 59, marks=frozenset({"shift"}))
    root = parse(chart(points, size="small"))
    (dots,) = by_class(root, "chart__dots")
    assert dots.get("d").count("h0") == 8
    (shift,) = by_class(root, "chart__point--shift")
    assert shift.find(f"{SVG}title").text == "Week 6: 59 (signal: shift)"


def test_the_small_size_labels_only_the_first_and_last_period():
    points = weekly(52)
    root = parse(chart(points, size="small"))
    (group,) = by_class(root, "chart__labels")
    assert texts(group) == [points[0].label, points[-1].label]
    assert root.get("class") == "chart chart--small"
    assert not by_class(root, "chart__legend")


# ---------- escaping and the CSP ----------

PAYLOADS = [
    "<script>alert(1)</script>",
    "Smith & Jones <b>",
    "\"quoted\" and 'single'",
    "</svg><img src=x onerror=alert(1)>",
    "]]><!-- -->&amp;",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_user_text_is_escaped_everywhere_and_the_svg_still_parses(payload):
    points = [ChartPoint(payload, 60, note=payload), ChartPoint("Week 2", 62)]
    spec = chart(points, title=payload, centre_label=payload, id_prefix="c1")
    for size in ("full", "small"):
        markup = render_chart(ChartSpec(**{**spec.__dict__, "size": size}))
        assert isinstance(markup, Markup)
        root = read(markup)  # a stray </svg> or tag would break this
        assert root.tag == f"{SVG}svg"
        assert not [e for e in root.iter() if e.tag in (f"{SVG}script", f"{SVG}img", "script")]
        assert root.find(f"{SVG}title").text == payload  # escaped once: reads as typed
        assert "<script" not in markup and "</svg>" not in markup[:-6]
        for element in root.iter():
            assert not [k for k in element.attrib if k.startswith("on")]


def rich_chart(size: str) -> ChartSpec:
    points = [ChartPoint(f"Week {i}", v) for i, v in enumerate(WEEKS)]
    points[2] = ChartPoint("Week 2", None, note="Snow day")
    points[5] = ChartPoint("Week 5", 63, marks=frozenset({"shift"}), note="PDSA: exit tickets")
    points[6] = ChartPoint("Week 6", 59, marks=frozenset({"beyond_limits"}))
    points[7] = ChartPoint("Week 7", 66, marks=frozenset({"astronomical"}))
    # Several kinds in one set: their order must not follow the hash seed.
    points[8] = ChartPoint("Week 8", 62, marks=frozenset({"trend", "shift", "astronomical"}))
    upper = (70.0, 71.0) * 5
    return chart(points, upper=upper, lower=(50.0,) * 10, goal=68, size=size)


@pytest.mark.parametrize(
    "spec",
    [rich_chart("full"), rich_chart("small"), chart([]), chart([None, None])],
    ids=["full", "small", "empty", "all-missing"],
)
def test_no_inline_style_and_no_script_anywhere(spec):
    root = parse(spec)
    for element in root.iter():
        assert element.tag not in (f"{SVG}style", f"{SVG}script")
        assert "style" not in element.attrib
    assert "style" not in str(render_chart(spec)).replace("stroke", "")


def test_every_class_the_svg_uses_for_colour_is_in_the_stylesheet():
    css = (ROOT / "static/css/charts.css").read_text()
    used = {c for e in parse(rich_chart("full")).iter() for c in e.get("class", "").split()}
    used |= {c for e in parse(rich_chart("small")).iter() for c in e.get("class", "").split()}
    styled = set(re.findall(r"\.([\w-]+)", css))
    # A modifier (chart__limit--upper) may lean on its base class's rule.
    missing = sorted(c for c in used if c not in styled and c.split("--")[0] not in styled)
    assert missing == []
    assert "@media print" in css and "forced-colors: active" in css


# ---------- accessibility ----------


def test_the_chart_is_an_image_labelled_by_its_title_and_description():
    spec = chart([60, 62, 58, 71], title="Lincoln Elementary")
    root = parse(spec)
    assert root.get("role") == "img"
    assert root.get("width") == "100%" and root.get("viewBox") == "0 0 720 400"
    title_id, desc_id = root.get("aria-labelledby").split()
    ids = {e.get("id"): e for e in root.iter() if e.get("id")}
    assert ids[title_id].tag == f"{SVG}title" and ids[title_id].text == "Lincoln Elementary"
    assert ids[desc_id].tag == f"{SVG}desc"
    assert ids[desc_id].text == (
        "Run chart of 4 periods from Week 1 to Week 4; median 62; last value 71."
    )
    for part in ("chart__grid", "chart__ticks", "chart__labels", "chart__legend"):
        assert all(e.get("aria-hidden") == "true" for e in by_class(root, part)), part


def test_ids_are_unique_across_charts_on_one_page_and_can_be_given():
    one = parse(chart([60, 62], title="Lincoln Elementary"))
    two = parse(chart([60, 62], title="Roosevelt Middle"))
    ids = [e.get("id") for root in (one, two) for e in root.iter() if e.get("id")]
    assert len(ids) == 4 and len(set(ids)) == 4
    given = parse(chart([60, 62], id_prefix="school-12"))
    assert given.get("aria-labelledby") == "school-12-title school-12-desc"


def test_the_description_tells_missing_values_goal_and_signals():
    points = [ChartPoint("Mar 2026", 40), ChartPoint("Apr 2026", 47, marks=frozenset({"shift"}))]
    points.append(ChartPoint("May 2026", None))
    spec = chart(points, goal=50, value_format="percent", centre_label="Mean")
    assert summary(spec) == (
        "Run chart of 3 periods from Mar 2026 to May 2026, 1 without a value; mean 47%; "
        "last value 47% (Apr 2026); goal 50%; 1 point marked as a signal (shift)."
    )


# ---------- edge cases ----------


def test_an_empty_chart_is_a_frame_saying_no_data_yet():
    root = parse(chart([]))
    assert "No data yet" in texts(root)
    assert by_class(root, "chart__frame") and not by_class(root, "chart__point")
    assert root.find(f"{SVG}desc").text == "Run chart with no data yet."


def test_all_missing_values_draw_the_periods_and_no_line():
    root = parse(chart([None, None, None]))
    assert "No data yet" in texts(root)
    assert texts(by_class(root, "chart__labels")[0]) == ["Week 1", "Week 2", "Week 3"]
    assert not by_class(root, "chart__line") and not by_class(root, "chart__point")


def test_one_point_draws_one_marker_and_no_line():
    root = parse(chart([42]))
    assert len(by_class(root, "chart__point")) == 1
    assert by_class(root, "chart__line")[0].findall(f"{SVG}path") == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"centre": (1.0,)}, "centre has 1 entries for 3 points"),
        ({"upper": (1.0, 2.0, math.nan)}, "finite"),
        ({"goal": math.inf}, "finite"),
        ({"value_format": "ratio"}, "value_format"),
        ({"id_prefix": "1 bad id"}, "id_prefix"),
        ({"y_min": 5, "y_max": 5}, "y_min"),
    ],
)
def test_a_spec_that_cannot_be_drawn_is_refused(change, message):
    spec = chart([1, 2, 3])
    with pytest.raises(ValueError, match=re.escape(message)):
        render_chart(ChartSpec(**{**spec.__dict__, **change}))


def test_an_unknown_signal_kind_is_refused():
    with pytest.raises(ValueError, match="unknown signal kinds"):
        render_chart(chart([ChartPoint("Week 1", 3, marks=frozenset({"sparkle"}))]))


# ---------- output size and stability ----------


def test_the_same_spec_gives_the_same_bytes_whatever_the_hash_seed():
    script = (
        "from tests.test_chart_svg import rich_chart\n"
        "from nic.charts import render_chart\n"
        "import sys\n"
        "sys.stdout.write(str(render_chart(rich_chart('full'))))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }  # fmt: skip
    assert outputs == {str(render_chart(rich_chart("full")))}


def test_coordinates_are_rounded_to_one_decimal():
    markup = str(render_chart(chart(weekly(37))))
    assert not re.search(r"\d\.\d\d", markup.split("</desc>")[1])


def test_a_small_weekly_chart_of_three_years_stays_compact():
    points = weekly(156)
    points[60] = ChartPoint(points[60].label, points[60].value, marks=frozenset({"shift"}))
    spec = chart(points, size="small", goal=70, value_format="percent", y_min=0, y_max=100)
    size = len(str(render_chart(spec)).encode())
    assert size < 8_000
    full = len(str(render_chart(ChartSpec(**{**spec.__dict__, "size": "full"}))).encode())
    assert full < 30_000
