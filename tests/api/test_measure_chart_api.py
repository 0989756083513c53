"""GET /api/v1/measures/{id}/chart: a school's or the network's chart as data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import User
from nic.services import measure_points as mp
from nic.services import measures
from tests.api.conftest import error_code, ok
from tests.factories import make_cycle_world, make_group_change_idea

MONDAY = date(2025, 9, 1)
PLC = measures.MeasureFields("PLC meetings held", "process", "count", "weekly", "up")
READING = measures.MeasureFields("Reading on grade level", "outcome", "percent", "monthly", "up")


@pytest.fixture
def world(app):
    return make_cycle_world()


def enter(world, measure, rows, who="maria", school="lincoln"):
    access = measures.get_measure_for(world[who], measure.id)
    mp.record_points(world[who], access, world[school].id, rows, date(2026, 12, 3))


def test_a_schools_chart_names_its_shift_and_its_points_in_time_order(world, api_client):
    measure = measures.define_measure(world["fran"], None, PLC)
    values = [2, 3, 2, 4, 3, 2, 3, 3, 2, 4, 3, 2, 5, 4, 6, None, 5, 5, 6, 7]
    enter(world, measure, [mp.PointInput(MONDAY + timedelta(weeks=i), v)
                           for i, v in enumerate(values) if v is not None])  # fmt: skip
    body = ok(api_client(world["james"]).get(
        f"measures/{measure.id}/chart?school_id={world['lincoln'].id}"))  # fmt: skip
    assert body["school"] == {"id": world["lincoln"].id, "name": "Lincoln Elementary"}
    assert len(body["points"]) == 20 and body["points"][15]["value"] is None
    assert body["points"][0] == {"period": "2025-09-01", "period_label": "Week of 1 Sep 2025",
                                 "value": 2.0, "numerator": None, "denominator": None,
                                 "note": "", "cycle_id": None}  # fmt: skip
    assert body["centre"][0] == 3 and body["phases"][0]["baseline"] == [0, 12]
    shift = next(s for s in body["signals"] if s["kind"] == "shift")
    assert shift["indices"] == [12, 13, 14, 16, 17, 18, 19]
    assert (shift["direction"], shift["news"]) == ("above", "better")
    assert shift["text"].startswith("Shift: 7 points above the median, since Week of 24 Nov")
    assert body["control"] is None  # 19 points entered: not yet


def test_the_networks_chart_is_weighted_and_gets_a_p_chart_at_twenty_points(world, api_client):
    measure = measures.define_measure(world["fran"], None, READING)
    months = [date(2024 + (8 + i) // 12, (8 + i) % 12 + 1, 1) for i in range(20)]
    enter(world, measure, [mp.PointInput(m, None, 18, 30) for m in months])
    enter(world, measure, [mp.PointInput(m, None, 40, 50) for m in months], "james", "harbor")
    body = ok(api_client(world["maria"]).get(f"measures/{measure.id}/chart"))
    assert body["school"] is None
    assert body["points"][0]["value"] == pytest.approx(72.5)  # 58 of 80
    assert (body["points"][0]["numerator"], body["points"][0]["denominator"]) == (58, 80)
    control = body["control"]
    assert control["kind"] == "p" and control["centre"][0] == pytest.approx(72.5)
    assert control["moving_ranges"] is None
    assert 72.5 < control["upper"][0] <= 100 and control["lower"][0] < 72.5


def test_an_empty_chart_a_missing_school_and_a_private_groups_measure(world, api_client):
    measure = measures.define_measure(world["fran"], None, PLC)
    body = ok(api_client(world["maria"]).get(f"measures/{measure.id}/chart"))
    assert (body["points"], body["signals"], body["control"]) == ([], [], None)
    missing = api_client(world["maria"]).get(f"measures/{measure.id}/chart?school_id=99999")
    assert missing.status_code == 404 and error_code(missing) == "not_found"
    bad = api_client(world["maria"]).get(f"measures/{measure.id}/chart?school_id=x")
    assert bad.status_code == 400 and error_code(bad) == "invalid"
    group, _idea = make_group_change_idea([world["james"]])
    lee = db.session.scalar(sa.select(User).where(User.name == "Lee Lead"))
    private = measures.define_measure(lee, group.id, PLC)
    assert ok(api_client(world["james"]).get(f"measures/{private.id}/chart"))["points"] == []
    hidden = api_client(world["maria"]).get(f"measures/{private.id}/chart")
    assert hidden.status_code == 404 and error_code(hidden) == "not_found"
    assert api_client(None).get(f"measures/{measure.id}/chart").status_code == 401
