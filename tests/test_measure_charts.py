"""A measure's charts: the calendar, the network's weighted aggregate, the rules in words,
re-basing, control charts once there are 20 points, and constant queries."""

from __future__ import annotations

from datetime import date, timedelta
from xml.etree import ElementTree

import pytest

from nic.errors import PermissionDenied, ValidationError
from nic.extensions import db
from nic.models import MeasurePhase
from nic.services import cycles, measure_phases, measure_reading, measures
from nic.services import driver_diagrams as dd
from nic.services import measure_points as mp
from nic.services.measure_charts import calendar
from tests.factories import make_cycle_world, make_school, make_user

TODAY = date(2026, 12, 3)
MONDAY = date(2025, 9, 1)
PLC = measures.MeasureFields("PLC meetings held", "process", "count", "weekly", "up")
READING = measures.MeasureFields("Reading on grade level", "outcome", "percent", "monthly", "up")
ABSENCE = measures.MeasureFields("Chronic absence", "outcome", "percent", "monthly", "down")


@pytest.fixture
def world(app):
    return make_cycle_world()


def weeks(values, start=MONDAY):
    return [
        mp.PointInput(start + timedelta(weeks=i), v) for i, v in enumerate(values) if v is not None
    ]


def enter(world, measure, rows, user="maria", school="lincoln"):
    access = measures.get_measure_for(world[user], measure.id)
    mp.record_points(world[user], access, world[school].id, rows, TODAY)


def chart_of(world, measure, school="lincoln", user="maria"):
    access = measures.get_measure_for(world[user], measure.id)
    return measure_reading.school_chart(world[user], access, world[school].id)


def test_the_calendar_lays_out_every_period_between_the_first_and_last():
    assert calendar("weekly", [date(2026, 3, 16), date(2026, 3, 2)]) == [
        date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]  # fmt: skip
    assert calendar("monthly", [date(2025, 11, 1), date(2026, 2, 1)]) == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]  # fmt: skip
    terms = [date(2026, 4, 13), date(2026, 1, 5), date(2026, 1, 5)]
    assert calendar("term", terms) == [date(2026, 1, 5), date(2026, 4, 13)]
    assert calendar("weekly", []) == []


def test_a_shift_after_a_change_is_flagged_in_words_as_good_news(world):
    measure = measures.define_measure(world["fran"], None, PLC)
    baseline = [2, 3, 2, 4, 3, 2, 3, 3, 2, 4, 3, 2]  # median 3
    enter(world, measure, weeks([*baseline, 5, 4, 6, 3, 5, 5, 6]))
    chart = chart_of(world, measure)
    assert chart.run.centre[0] == 3
    shift = next(s for s in chart.signals if s.kind == "shift")
    # The point on the median (3) neither counts nor breaks the shift.
    assert shift.indices == (12, 13, 14, 16, 17, 18)
    assert shift.text == "Shift: 6 points above the median, since Week of 24 Nov 2025"
    assert shift.news == "better"
    svg = ElementTree.fromstring(str(chart.svg))  # noqa: S314 (our own SVG)
    assert svg.get("role") == "img"
    assert str(chart.svg).count("chart__point--shift") >= 6
    assert chart.control is None  # 19 points: a run chart only


def test_lower_is_better_reads_a_fall_as_good_news_and_a_gap_is_a_gap(world):
    measure = measures.define_measure(world["fran"], None, ABSENCE)
    rows = [mp.PointInput(f"{2024 + (8 + i) // 12}-{(8 + i) % 12 + 1:02d}", None, n, 100)
            for i, n in enumerate([30, 31, 29, 30, 32, 30, 31, 30, 29, 31, 30, 30,
                                   22, 21, 20, 23, 22, 21])]  # fmt: skip
    del rows[5]  # February 2025 not entered
    enter(world, measure, rows)
    chart = chart_of(world, measure)
    assert len(chart.periods) == 18 and chart.periods[5].value is None
    assert chart.labels[5] == "Feb 2025"
    shift = next(s for s in chart.signals if s.kind == "shift")
    assert (shift.news, len(shift.indices)) == ("better", 6)


def test_the_networks_percent_is_weighted_by_each_schools_denominator(world):
    measure = measures.define_measure(world["fran"], None, READING)
    enter(world, measure, [mp.PointInput("2026-09", None, 18, 30)])
    enter(world, measure, [mp.PointInput("2026-09", None, 40, 50)], "james", "harbor")
    access = measures.get_measure_for(world["fran"], measure.id)
    charts = measure_reading.network_and_schools(world["fran"], access)
    assert charts.network.periods[0].value == pytest.approx(72.5)  # 58 of 80, not (60+80)/2
    assert [c.title for c in charts.schools] == ["Harbor View", "Lincoln Elementary"]
    assert all('class="chart chart--small"' in str(c.svg) for c in charts.schools)


def test_a_re_based_chart_takes_its_new_median_from_its_own_baseline(world):
    measure = measures.define_measure(world["fran"], None, PLC)
    enter(world, measure, weeks([2, 3, 2, 4, 3, 2, 3, 3, 2, 4, 3, 2, 5, 6, 5, 6, 5, 6, 5, 6]))
    db.session.add(MeasurePhase(measure_id=measure.id, school_id=world["lincoln"].id,
                                starts_on=MONDAY + timedelta(weeks=12)))  # fmt: skip
    db.session.commit()
    chart = chart_of(world, measure)
    assert chart.run.centre[11] == 3 and chart.run.centre[12] == 5.5
    assert [s.kind for s in chart.signals if s.kind == "shift"] == []
    assert str(chart.svg).count("Median") >= 2


def test_twenty_points_add_a_control_chart_xmr_with_its_moving_ranges(world):
    measure = measures.define_measure(world["fran"], None, PLC)
    values = [3, 4, 3, 5, 4, 3, 4, 3, 4, 5, 4, 3, 4, 4, 3, 5, 4, 3, 4, 12]
    enter(world, measure, weeks(values))
    chart = chart_of(world, measure)
    assert chart.control is not None and chart.control.kind == "xmr"
    mean = sum(values) / 20
    assert chart.control.centre[0] == pytest.approx(mean)
    beyond = [s for s in chart.control_signals if s.kind == "beyond_limits"]
    assert beyond and beyond[0].indices == (19,) and beyond[0].news == "better"
    assert "UCL" in str(chart.control_svg) and chart.moving_range_svg is not None


def test_a_percent_gets_a_p_chart_on_the_percent_scale(world):
    measure = measures.define_measure(world["fran"], None, READING)
    rows = [mp.PointInput(f"{2024 + (i + 8) // 12}-{(i + 8) % 12 + 1:02d}", None, 15 + i % 3, 30)
            for i in range(20)]  # fmt: skip
    enter(world, measure, rows)
    chart = chart_of(world, measure)
    assert chart.control.kind == "p"
    assert chart.control.centre[0] == pytest.approx(sum(15 + i % 3 for i in range(20)) / 600)
    assert chart.moving_range_svg is None


def test_a_percents_axis_fits_its_points_so_a_change_of_a_few_points_shows(world):
    measure = measures.define_measure(world["fran"], None, ABSENCE)
    absent = [24, 23, 24, 22, 23, 24, 19, 18, 19, 18, 18, 19]  # of 100 students
    enter(world, measure, [mp.PointInput(f"2025-{i + 1:02d}", None, n, 100)
                           for i, n in enumerate(absent)])  # fmt: skip
    svg = ElementTree.fromstring(str(chart_of(world, measure).svg))  # noqa: S314 (our own SVG)
    ticks = svg.find(".//{*}g[@class='chart__ticks']")
    labels = [t.text for t in ticks.iter("{http://www.w3.org/2000/svg}text")]
    assert labels[0] not in ("0%", "100%") and labels[-1] != "100%", labels
    values = [float(label.rstrip("%")) for label in labels]
    assert 10 <= min(values) <= 18 and 24 <= max(values) <= 30, labels


def test_a_points_cycle_is_named_only_to_who_may_see_the_cycle(world):
    measure = measures.define_measure(world["fran"], None, PLC)
    node = dd.get_node_for(world["maria"], world["idea"].id)
    cycle = cycles.plan_cycle(world["maria"], node, cycles.NewCycle(world["lincoln"].id),
                              cycles.PlanFields("Exit tickets"))  # fmt: skip
    enter(world, measure, [mp.PointInput(MONDAY, 3, cycle_id=cycle.id)])
    assert "PDSA: Exit tickets" in str(chart_of(world, measure).svg)


def test_the_charts_page_reads_in_constant_queries(world, count_queries):
    measure = measures.define_measure(world["fran"], None, PLC)
    admin = make_user("Ada Admin", admin=True)
    world["ada"] = admin
    counts = []
    for n_schools in (2, 8):
        while len({p.school_id for p in mp.points_of(measure.id)}) < n_schools:
            world["school"] = make_school()
            enter(world, measure, weeks([1, 2, 3] * n_schools), "ada", "school")
        access = measures.get_measure_for(admin, measure.id)
        with count_queries() as counter:
            charts = measure_reading.network_and_schools(admin, access)
        counts.append(counter.count)
        assert len(charts.schools) == n_schools
    assert counts[0] == counts[1] <= 4, counts


def test_a_school_chooses_its_baseline_period_and_re_bases_after_a_shift(world):
    measure = measures.define_measure(world["fran"], None, PLC)
    enter(world, measure, weeks([2, 3, 2, 4, 3, 2, 9, 9, 8, 9, 9, 9, 9, 8]))
    maria = measures.get_measure_for(world["maria"], measure.id)
    # The six weeks before the change as the baseline: median 2.5, and the shift shows.
    measure_phases.base_chart(world["maria"], maria, world["lincoln"].id, MONDAY,
                              MONDAY + timedelta(weeks=5), "Before huddles", TODAY)  # fmt: skip
    chart = chart_of(world, measure)
    assert chart.run.centre[0] == 2.5 and chart.run.centre[13] == 2.5
    assert [s.text for s in chart.signals if s.kind == "shift"] == [
        "Shift: 8 points above the median, since Week of 13 Oct 2025"]  # fmt: skip
    with pytest.raises(PermissionDenied):
        james = measures.get_measure_for(world["james"], measure.id)
        measure_phases.base_chart(world["james"], james, world["lincoln"].id, MONDAY)
    with pytest.raises(ValidationError) as caught:
        measure_phases.base_chart(world["maria"], maria, world["lincoln"].id, "2025-10-13",
                                  "2025-09-01", today=TODAY)  # fmt: skip
    assert (
        "ends before the phase begins (Week of 13 Oct 2025)"
        in caught.value.fields["baseline_until"]
    )
    with pytest.raises(PermissionDenied):  # the network's chart: who defines the measure
        measure_phases.base_chart(world["maria"], maria, None, MONDAY)
    fran = measures.get_measure_for(world["fran"], measure.id)
    phase = measure_phases.base_chart(world["fran"], fran, world["lincoln"].id,
                                      MONDAY + timedelta(weeks=6))  # fmt: skip
    chart = chart_of(world, measure)
    assert chart.run.centre[13] == 9 and not [s for s in chart.signals if s.kind == "shift"]
    measure_phases.remove_phase(world["maria"], maria, phase.id)
    assert chart_of(world, measure).run.centre[13] == 2.5
