"""Shared measures and their points: defining, permissions, periods, values, batches."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from nic.errors import NotFound, PermissionDenied, ValidationError
from nic.extensions import db
from nic.models import MeasurePoint, User
from nic.services import cycles, measures, point_reading
from nic.services import driver_diagrams as dd
from nic.services import measure_points as mp
from tests.factories import make_cycle_world, make_group_change_idea, make_school, make_user

TODAY = date(2026, 12, 3)  # a Thursday
READING = measures.MeasureFields(
    "Reading on grade level", "outcome", "percent", "monthly", "up",
    "Students at or above benchmark on the winter screener, of those tested.", goal=70,
)  # fmt: skip
PLC = measures.MeasureFields("PLC meetings held", "process", "count", "weekly", "up")


@pytest.fixture
def world(app):
    return make_cycle_world()


def define(world, fields=READING, group_id=None):
    return measures.define_measure(world["fran"], group_id, fields)


def access(user, measure):
    return measures.get_measure_for(user, measure.id)


def enter(world, measure, *rows, user="maria", school="lincoln"):
    return mp.record_points(world[user], access(world[user], measure), world[school].id,
                            [mp.PointInput(*r) for r in rows], TODAY)  # fmt: skip


def test_a_facilitator_defines_a_measure_linked_to_a_change_idea(world):
    fields = measures.MeasureFields(*PLC.__dict__.values())
    linked = measures.MeasureFields(**{**fields.__dict__, "node_ids": (world["idea"].id,)})
    measure = define(world, linked)
    assert (measure.name, measure.unit, measure.frequency, measure.version) == (
        "PLC meetings held", "count", "weekly", 1)  # fmt: skip
    assert [n.title for n in measures.links_of([measure.id])[measure.id]] == ["Data huddles"]
    reading = define(world)
    assert reading.definition_html.startswith("<p>Students at or above")
    assert [m.name for m in measures.visible_measures(world["maria"])] == [
        "PLC meetings held", "Reading on grade level"]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": " "}, "name", "cannot be empty"),
        ({"unit": "percentage"}, "unit", "Must be one of"),
        ({"frequency": "daily"}, "frequency", "Must be one of"),
        ({"direction": "sideways"}, "direction", "Must be one of"),
        ({"goal": "lots"}, "goal", "Give a number"),
        ({"goal": 140}, "goal", "from 0 to 100"),
        ({"baseline_points": 2}, "baseline_points", "from 4 to 60"),
        ({"node_ids": (99999,)}, "node_ids", "this measure's driver diagram"),
    ],
)
def test_a_bad_definition_is_refused_by_field(world, change, field, message):
    with pytest.raises(ValidationError) as caught:
        define(world, measures.MeasureFields(**{**READING.__dict__, **change}))
    assert message in caught.value.fields[field]


def test_only_the_diagrams_editors_define_and_a_private_groups_measure_is_a_404(world):
    with pytest.raises(PermissionDenied):
        measures.define_measure(world["maria"], None, READING)
    group, _idea = make_group_change_idea([world["james"]])
    lee = db.session.scalar(sa.select(User).where(User.name == "Lee Lead"))
    measure = measures.define_measure(lee, group.id, PLC)
    assert measures.get_measure_for(world["james"], measure.id).measure.id == measure.id
    with pytest.raises(NotFound):
        measures.get_measure_for(world["maria"], measure.id)
    assert measure.id not in [m.id for m in measures.visible_measures(world["maria"])]
    with pytest.raises(NotFound):
        measures.define_measure(world["maria"], group.id, PLC)


def test_a_school_enters_points_and_re_entering_a_period_updates_it(world):
    measure = define(world)
    batch = enter(
        world, measure, ("2026-09", None, 18, 30, "Fall screener"), ("2026-10-15", None, 20, 30)
    )
    assert (batch.count("create"), batch.count("update")) == (2, 0)
    again = enter(
        world, measure, ("2026-10", None, 21, 30), ("9/1/2026", None, 18, 30, "Fall screener")
    )
    assert (again.count("create"), again.count("update"), again.count("same")) == (0, 1, 1)
    points = mp.points_of(measure.id)
    assert [(p.period, p.value) for p in points] == [
        (date(2026, 9, 1), 60.0), (date(2026, 10, 1), 70.0)]  # fmt: skip
    assert (points[0].numerator, points[0].denominator, points[0].note) == (18, 30, "Fall screener")


def test_only_the_schools_own_team_enters_its_points(world):
    measure = define(world)
    with pytest.raises(PermissionDenied, match="school's own team"):
        enter(world, measure, ("2026-09", None, 18, 30), user="james")
    admin = make_user("Ada Admin", admin=True)
    world["ada"] = admin
    enter(world, measure, ("2026-09", None, 18, 30), user="ada")
    with pytest.raises(NotFound):
        mp.record_points(world["maria"], access(world["maria"], measure), 99999,
                         [mp.PointInput("2026-09", None, 1, 2)], TODAY)  # fmt: skip


@pytest.mark.parametrize(
    ("frequency", "raw", "expected"),
    [
        ("weekly", "2026-03-04", date(2026, 3, 2)),  # a Wednesday: its week's Monday
        ("weekly", "2026-W10", date(2026, 3, 2)),
        ("weekly", "3/8/2026", date(2026, 3, 2)),  # Sunday ends the ISO week
        ("monthly", "2026-03", date(2026, 3, 1)),
        ("monthly", "2026-03-31", date(2026, 3, 1)),
        ("term", "2026-01-05", date(2026, 1, 5)),
        ("weekly", date(2026, 12, 3), date(2026, 11, 30)),  # this week: begun
    ],
)
def test_periods_are_named_by_their_first_day(frequency, raw, expected):
    assert mp.parse_period(frequency, raw, TODAY) == expected


@pytest.mark.parametrize(
    ("frequency", "raw", "message"),
    [
        ("weekly", "2026-03", "This measure is weekly"),
        ("monthly", "2026-W10", "This measure is monthly"),
        ("term", "2026-03", "This measure is per term"),
        ("weekly", "2026-02-30", "no such date"),
        ("monthly", "2026-13", "no such date"),
        ("weekly", "next week", "This measure is weekly"),
        ("weekly", "", "Which period?"),
        ("monthly", "2027-01", "has not begun yet"),
        ("weekly", "2026-12-07", "has not begun yet"),
        ("monthly", "1999-12", "from 2000 on"),
    ],
)
def test_a_period_that_names_none_is_refused_clearly(frequency, raw, message):
    with pytest.raises(ValidationError) as caught:
        mp.parse_period(frequency, raw, TODAY)
    assert message in caught.value.fields["period"]


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (("2026-09", None, "many", 30), "numerator", "Give the numerator"),
        (("2026-09", None, 31, 30), "numerator", "(31) is more than the denominator (30)"),
        (("2026-09", None, 3, 0), "denominator", "must be more than 0"),
        (("2026-09", None, -1, 30), "numerator", "cannot be below 0"),
        (("2026-09", None, 3, None), "denominator", "Give the denominator"),
        (("2026-09", None, "nan", 30), "numerator", "Give the numerator"),
        (("2026-09", None, 3, "inf"), "denominator", "Give the denominator"),
        (("2026-09", None, 3, 30, "x" * 301), "note", "limit is 300"),
        (("2026-09", None, 3, 30, "", 99999), "cycle_id", "your school's PDSA cycles"),
    ],
)
def test_bad_values_of_a_percent_are_refused_by_field(world, row, field, message):
    measure = define(world)
    with pytest.raises(mp.RowErrors) as caught:
        enter(world, measure, row)
    assert message in caught.value.rows[1][field]
    assert mp.points_of(measure.id) == []


@pytest.mark.parametrize(
    ("value", "message"), [("2.5", "whole number"), ("-1", "whole number"), ("", "Give a number")]
)
def test_a_count_is_a_whole_number(world, value, message):
    measure = define(world, PLC)
    with pytest.raises(mp.RowErrors) as caught:
        enter(world, measure, ("2026-11-02", value))
    assert message in caught.value.rows[1]["value"]


def test_a_rate_scales_by_its_exposure(world):
    absence = measures.MeasureFields("Absences per 100 student-days", "outcome", "rate",
                                     "monthly", "down", rate_per=100)  # fmt: skip
    measure = define(world, absence)
    enter(world, measure, ("2026-09", None, "1,240", 20000))
    assert mp.points_of(measure.id)[0].value == pytest.approx(6.2)


def test_one_bad_row_refuses_the_whole_batch_with_an_error_per_row(world):
    measure = define(world, PLC)
    enter(world, measure, ("2026-11-02", 3))
    with pytest.raises(mp.RowErrors) as caught:
        enter(world, measure, ("2026-11-09", 2), ("2026-11-10", 4), ("2026-11-16", "x"),
              ("2026-11-23", 1), ("2026-11-02", 5))  # fmt: skip
    assert caught.value.rows == {
        2: {"period": "Week of 9 Nov 2026 is also on row 1: give each period once."},
        3: {"value": "Give a number, such as 80 or 2.5."},
    }
    assert "2 rows have problems; nothing was saved" in caught.value.message
    assert [(p.period, p.value) for p in mp.points_of(measure.id)] == [(date(2026, 11, 2), 3)]


def test_too_many_rows_are_refused_before_any_is_checked(world):
    measure = define(world, PLC)
    rows = [mp.PointInput("2026-11-02", 1)] * (mp.MAX_ROWS + 1)
    with pytest.raises(ValidationError, match="one upload takes up to 2,000"):
        mp.record_points(world["maria"], access(world["maria"], measure), world["lincoln"].id,
                         rows, TODAY)  # fmt: skip


def test_a_point_names_one_of_the_schools_own_cycles(world):
    measure = define(world, PLC)
    node = dd.get_node_for(world["maria"], world["idea"].id)
    cycle = cycles.plan_cycle(world["maria"], node, cycles.NewCycle(world["lincoln"].id),
                              cycles.PlanFields("Huddles"))  # fmt: skip
    enter(world, measure, ("2026-11-02", 3, None, None, "Huddles began", cycle.id))
    assert mp.points_of(measure.id)[0].cycle_id == cycle.id
    with pytest.raises(mp.RowErrors):
        enter(world, measure, ("2026-11-02", 3, None, None, "", cycle.id), user="james",
              school="harbor")  # fmt: skip


def test_unit_and_frequency_stay_once_points_exist_and_stale_saves_conflict(world):
    measure = define(world, PLC)
    fran_access = access(world["fran"], measure)
    renamed = measures.MeasureFields(**{**PLC.__dict__, "name": "PLC meetings held (grade teams)"})
    measures.update_measure(world["fran"], fran_access, renamed, 1)
    with pytest.raises(measures.StaleMeasure):
        measures.update_measure(world["fran"], access(world["fran"], measure), renamed, 1)
    enter(world, measure, ("2026-11-02", 3))
    monthly = measures.MeasureFields(**{**renamed.__dict__, "frequency": "monthly"})
    with pytest.raises(ValidationError, match="stay as they are"):
        measures.update_measure(world["fran"], access(world["fran"], measure), monthly, 2)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeasurePoint)) == 1


def test_a_retired_measure_keeps_its_points_and_takes_no_new_ones(world):
    measure = define(world, PLC)
    enter(world, measure, ("2026-11-02", 3))
    measures.archive_measure(world["fran"], access(world["fran"], measure))
    assert measures.visible_measures(world["maria"]) == []
    with pytest.raises(ValidationError, match="retired"):
        enter(world, measure, ("2026-11-09", 3))
    assert len(mp.points_of(measure.id)) == 1
    other = make_school("Cedar Ridge")
    assert other.id not in {p.school_id for p in mp.points_of(measure.id)}


def test_the_query_of_measures_keeps_live_or_retired_and_one_groups(world):
    plc, reading = define(world, PLC), define(world)
    measures.archive_measure(world["fran"], access(world["fran"], plc))
    group, _idea = make_group_change_idea([world["james"]])
    lee = db.session.scalar(sa.select(User).where(User.name == "Lee Lead"))
    theirs = measures.define_measure(lee, group.id, PLC)

    def names(user, **filters):
        return [m.name for m in db.session.scalars(measures.measures_query(world[user], **filters))]

    assert names("maria") == ["Reading on grade level"]
    assert names("maria", archived=True) == ["PLC meetings held"]
    assert names("james") == ["PLC meetings held", "Reading on grade level"]
    assert names("james", group_id=group.id) == ["PLC meetings held"] == [theirs.name]
    assert names("maria", group_id=group.id) == []
    assert reading.id not in {m.id for m in measures.visible_measures(world["james"], group.id)}


def test_points_are_read_by_school_name_then_period_within_bounds(world):
    measure = define(world, PLC)
    enter(world, measure, ("2026-11-09", 2), ("2026-11-02", 1))
    enter(world, measure, ("2026-11-02", 5), user="james", school="harbor")

    def read(**filters):
        query = point_reading.points_query(measure.id, **filters)
        return [(p.school.name, p.period.day, p.value) for p in db.session.scalars(query)]

    assert read() == [("Harbor View", 2, 5), ("Lincoln Elementary", 2, 1),
                      ("Lincoln Elementary", 9, 2)]  # fmt: skip
    assert read(school_id=world["lincoln"].id, start=date(2026, 11, 3)) == [
        ("Lincoln Elementary", 9, 2)]  # fmt: skip
    assert read(end=date(2026, 11, 8)) == [("Harbor View", 2, 5), ("Lincoln Elementary", 2, 1)]
    points = mp.points_of(measure.id)
    assert {u.name for u in point_reading.enterers_of(points).values()} == {
        "Maria Lopez", "James Okafor"}  # fmt: skip
    assert point_reading.enterers_of([]) == {}


def test_a_point_is_found_through_a_measure_its_reader_may_see(world):
    group, _idea = make_group_change_idea([world["james"]])
    lee = db.session.scalar(sa.select(User).where(User.name == "Lee Lead"))
    measure = measures.define_measure(lee, group.id, PLC)
    enter(world, measure, ("2026-11-02", 3), user="james", school="harbor")
    point = mp.points_of(measure.id)[0]
    found, same = point_reading.get_point_for(world["james"], point.id)
    assert (found.measure.id, same.id) == (measure.id, point.id)
    for user, point_id in ((world["maria"], point.id), (world["james"], 99999)):
        with pytest.raises(NotFound, match="No such point"):
            point_reading.get_point_for(user, point_id)


@pytest.mark.parametrize("cycle_id", ["²", "99999999999999999999", 10**30, True, "1.0", -3])
def test_a_cycle_id_that_is_no_id_is_one_field_error_not_a_crash(world, cycle_id):
    measure = define(world, PLC)
    with pytest.raises(mp.RowErrors) as caught:
        enter(world, measure, ("2026-11-02", 3, None, None, "", cycle_id))
    assert caught.value.rows == {1: {"cycle_id": "Choose one of your school's PDSA cycles."}}
    assert caught.value.fields == {"rows.1.cycle_id": "Choose one of your school's PDSA cycles."}


def test_a_number_past_floats_range_is_a_field_error(world):
    measure = define(world, PLC)
    with pytest.raises(mp.RowErrors) as caught:
        enter(world, measure, ("2026-11-02", 10**400))
    assert "Give a number" in caught.value.rows[1]["value"]
