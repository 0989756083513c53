"""Shared measures and their points through the API: who may do what, lists, upserts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nic.extensions import db
from nic.models import Measure, MeasurePoint, User
from nic.services import cycles, measures
from nic.services import driver_diagrams as dd
from nic.services import measure_points as mp
from nic.services.measure_points import MAX_ROWS
from tests.api.conftest import error_code, fields_of, ok
from tests.api.test_reference import examples_of, same_shape
from tests.factories import make_group_change_idea, make_school, make_user

PLC = {"name": "PLC meetings held", "kind": "process", "unit": "count", "frequency": "weekly",
       "direction": "up"}  # fmt: skip
READING = {"name": "Reading on grade level", "kind": "outcome", "unit": "percent",
           "frequency": "monthly", "direction": "up", "goal": 70,
           "definition": "Students at or above benchmark on the **winter** screener."}  # fmt: skip
# Mondays of weeks long begun, whatever today is.
WEEKS = [date(2025, 9, 1) + timedelta(weeks=n) for n in range(30)]


def define(world, body=PLC, **extra) -> dict:
    return ok(world["as_fran"].post("measures", {**body, **extra}), 201)


def points(period_values, **extra) -> list[dict]:
    return [{"period": str(p), "value": v, **extra} for p, v in period_values]


def send(client, measure, school_id: int, rows, **extra):
    """POST a batch of one school's points; the response."""
    body = {"school_id": school_id, "points": rows, **extra}
    return client.post(f"measures/{measure['id']}/points", body)


def upsert(client, measure, school, rows, **extra) -> dict:
    return ok(send(client, measure, school.id, rows, **extra))


def queries_of(count_queries, client, url: str) -> int:
    """The SQL statements one GET of `url` runs."""
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def saved(measure) -> list[tuple[date, float]]:
    query = sa.select(MeasurePoint.period, MeasurePoint.value).where(
        MeasurePoint.measure_id == measure["id"]
    )
    return [tuple(r) for r in db.session.execute(query.order_by(MeasurePoint.period))]


@pytest.fixture
def group_measure(world):
    """A measure of a private group's diagram (James is in the group, Maria is not)."""
    group, idea = make_group_change_idea([world["james"]])
    lee = db.session.scalar(sa.select(User).where(User.name == "Lee Lead"))
    fields = measures.MeasureFields(**PLC, node_ids=(idea.id,))
    return measures.define_measure(lee, group.id, fields)


# --- Defining, reading, changing, retiring ---------------------------------------------


def test_a_facilitator_defines_a_measure_with_its_links(world):
    created = define(world, READING, node_ids=[world["idea"].id, world["other"].id])
    assert (created["name"], created["unit"], created["version"], created["can_edit"]) == (
        "Reading on grade level", "percent", 1, True)  # fmt: skip
    assert created["definition_html"] == (
        "<p>Students at or above benchmark on the <strong>winter</strong> screener.</p>"
    )
    assert (created["goal"], created["rate_per"], created["baseline_points"]) == (70, 1, 12)
    assert (created["group_id"], created["archived_at"]) == (None, None)
    assert created["links"] == [
        {"id": world["idea"].id, "kind": "change_idea", "title": "Data huddles"},
        {"id": world["other"].id, "kind": "change_idea", "title": "Coaching cycles"},
    ]
    shown = ok(world["as_maria"].get(f"measures/{created['id']}"))
    assert shown == {**created, "can_edit": False}


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"name": "  "}, {"name"}),
        ({"name": None}, {"name"}),
        ({"unit": "percentage"}, {"unit"}),
        ({"goal": "70"}, {"goal"}),
        ({"goal": 1e300}, {"goal"}),
        ({"goal": 140, "unit": "percent"}, {"goal"}),
        ({"baseline_points": 2}, {"baseline_points"}),
        ({"baseline_points": 10**40}, {"baseline_points"}),
        ({"node_ids": [999_999]}, {"node_ids"}),
        ({"node_ids": ["1"]}, {"node_ids.0"}),
        ({"colour": "blue"}, {"colour"}),
    ],
)
def test_a_bad_definition_is_400_naming_its_fields(world, change, fields):
    assert set(fields_of(world["as_fran"].post("measures", {**PLC, **change}))) == fields
    assert db.session.scalar(sa.select(sa.func.count(Measure.id))) == 0


def test_missing_fields_are_400(world):
    assert set(fields_of(world["as_fran"].post("measures", {"name": "PLC"}))) == {
        "kind", "unit", "frequency", "direction"}  # fmt: skip


def test_patch_changes_what_is_sent_and_keeps_the_rest(world):
    created = define(world, READING, node_ids=[world["idea"].id])
    url = f"measures/{created['id']}"
    renamed = ok(world["as_fran"].patch(url, {"name": "Reading at benchmark", "version": 1}))
    assert (renamed["name"], renamed["version"]) == ("Reading at benchmark", 2)
    assert {k: v for k, v in renamed.items() if k not in ("name", "version", "updated_at")} == {
        k: v for k, v in created.items() if k not in ("name", "version", "updated_at")
    }
    unlinked = ok(world["as_fran"].patch(url, {"node_ids": [], "goal": None, "version": 2}))
    assert (unlinked["links"], unlinked["goal"], unlinked["name"]) == (
        [], None, "Reading at benchmark")  # fmt: skip


def test_a_stale_version_is_409_with_the_measure_as_saved(world):
    created = define(world)
    url = f"measures/{created['id']}"
    ok(world["as_fran"].patch(url, {"name": "PLC meetings (grade teams)", "version": 1}))
    stale = world["as_fran"].patch(url, {"name": "Mine", "version": 1})
    assert stale.status_code == 409 and error_code(stale) == "conflict"
    current = stale.get_json()["error"]["current"]
    assert (current["name"], current["version"], current["can_edit"]) == (
        "PLC meetings (grade teams)", 2, True)  # fmt: skip
    assert ok(world["as_fran"].get(url))["name"] == "PLC meetings (grade teams)"


def test_unit_and_frequency_stay_once_points_are_entered(world):
    created = define(world)
    upsert(world["as_maria"], created, world["lincoln"], points([(WEEKS[0], 3)]))
    refused = world["as_fran"].patch(f"measures/{created['id']}",
                                     {"frequency": "monthly", "version": 1})  # fmt: skip
    assert "stay as they are" in fields_of(refused)["unit"]


def test_delete_retires_a_measure_and_keeps_its_points(world):
    created = define(world)
    upsert(world["as_maria"], created, world["lincoln"], points([(WEEKS[0], 3)]))
    url = f"measures/{created['id']}"
    assert world["as_fran"].delete(url).status_code == 204
    assert world["as_fran"].delete(url).status_code == 204  # again: nothing changes
    assert ok(world["as_maria"].get("measures"))["total"] == 0
    retired = ok(world["as_maria"].get("measures?archived=true"))["items"]
    assert [m["id"] for m in retired] == [created["id"]] and retired[0]["archived_at"]
    assert ok(world["as_maria"].get(f"{url}/points"))["total"] == 1
    refused = send(world["as_maria"], created, world["lincoln"].id, points([(WEEKS[1], 2)]))
    assert "retired" in fields_of(refused)["measure"]


# --- Who may do what -------------------------------------------------------------------


def test_anonymous_callers_get_401(world, api_client):
    created = define(world)
    anonymous, url = api_client(None), f"measures/{created['id']}"
    for method, path in (("GET", "measures"), ("GET", url), ("POST", "measures"),
                         ("GET", f"{url}/points"), ("POST", f"{url}/points")):  # fmt: skip
        response = anonymous.request(method, path, json={} if method == "POST" else None)
        assert response.status_code == 401 and error_code(response) == "unauthenticated"


def test_a_private_groups_measure_is_404_for_outsiders(world, group_measure):
    maria, james = world["as_maria"], world["as_james"]
    url = f"measures/{group_measure.id}"
    assert ok(james.get(url))["group_id"] == group_measure.group_id
    for response in (maria.get(url), maria.get(f"{url}/points"),
                     maria.patch(url, {"name": "x", "version": 1}), maria.delete(url),
                     send(maria, {"id": group_measure.id}, world["lincoln"].id,
                          points([(WEEKS[0], 1)]))):  # fmt: skip
        assert response.status_code == 404 and error_code(response) == "not_found"
    assert ok(maria.get("measures"))["total"] == 0
    assert ok(maria.get(f"measures?group_id={group_measure.group_id}"))["items"] == []
    assert ok(james.get(f"measures?group_id={group_measure.group_id}"))["total"] == 1
    # Defining one for a group you may not see is a 404 too.
    denied = world["as_fran"].post("measures", {**PLC, "group_id": group_measure.group_id})
    assert denied.status_code == 404


def test_members_read_and_may_not_define_change_or_retire(world, group_measure):
    created = define(world)
    james, url = world["as_james"], f"measures/{created['id']}"
    assert ok(james.get(url))["can_edit"] is False
    assert ok(james.get(f"measures/{group_measure.id}"))["can_edit"] is False
    for response in (james.post("measures", PLC),
                     james.post("measures", {**PLC, "group_id": group_measure.group_id}),
                     james.patch(url, {"name": "Mine", "version": 1}),
                     james.delete(url), james.delete(f"measures/{group_measure.id}")):  # fmt: skip
        assert response.status_code == 403 and error_code(response) == "forbidden"
    assert ok(james.get(url))["name"] == "PLC meetings held"
    assert ok(james.get("measures"))["total"] == 2


def test_the_schools_team_enters_its_points_others_403_admins_any(world, api_client):
    created = define(world)
    rows = points([(WEEKS[0], 3)])
    upsert(world["as_maria"], created, world["lincoln"], rows)
    for client in (world["as_james"], world["as_fran"]):  # another school's; of no school
        refused = send(client, created, world["lincoln"].id, rows)
        assert refused.status_code == 403 and error_code(refused) == "forbidden"
    admin = api_client(make_user("Ada Admin", admin=True))
    upsert(admin, created, world["harbor"], points([(WEEKS[0], 5)]))
    assert sorted(v for _, v in saved(created)) == [3, 5]


def test_a_school_that_does_not_exist_is_404(world):
    created = define(world)
    rows = points([(WEEKS[0], 1)])
    for measure, school_id in ((created, 999_999), ({"id": 999_999}, world["lincoln"].id)):
        missing = send(world["as_maria"], measure, school_id, rows)
        assert missing.status_code == 404 and error_code(missing) == "not_found"
    assert saved(created) == []


# --- Lists ---------------------------------------------------------------------------


def test_the_list_is_by_name_paginated_and_filtered(world, group_measure):
    for name in ("Chronic absence", "Attendance", "Behaviour referrals"):
        define(world, PLC, name=name)
    james = world["as_james"]
    pages = [ok(james.get(f"measures?per_page=2&page={n}")) for n in (1, 2, 3)]
    assert [p["total"] for p in pages] == [4, 4, 4]
    assert [[m["name"] for m in p["items"]] for p in pages] == [
        ["Attendance", "Behaviour referrals"], ["Chronic absence", "PLC meetings held"], []
    ]  # fmt: skip
    assert pages[1]["items"][1]["links"][0]["title"] == "Huddles"
    assert set(fields_of(james.get("measures?archived=maybe"))) == {"archived"}
    assert set(fields_of(james.get("measures?group_id=0"))) == {"group_id"}
    assert set(fields_of(james.get("measures?colour=blue"))) == {"colour"}


def test_the_list_takes_the_same_queries_for_2_and_12_measures(world, count_queries):
    client = world["as_maria"]
    client.get("measures")  # warm up whatever a first request loads once
    for n in range(2):
        define(world, PLC, name=f"Measure {n}", node_ids=[world["idea"].id])
    few = queries_of(count_queries, client, "measures")
    for n in range(10):
        define(world, PLC, name=f"More {n}", node_ids=[world["idea"].id, world["other"].id])
    assert ok(client.get("measures"))["total"] == 12
    assert queries_of(count_queries, client, "measures") == few


def test_points_are_listed_by_school_then_period_with_filters(world, api_client):
    created = define(world)
    maria, james = world["as_maria"], world["as_james"]
    upsert(james, created, world["harbor"], points([(WEEKS[1], 4), (WEEKS[0], 2)]))
    upsert(maria, created, world["lincoln"], points([(WEEKS[2], 1)], note="Half-day"))
    url = f"measures/{created['id']}/points"
    listed = ok(maria.get(url))
    assert listed["total"] == 3
    assert [(p["school"]["name"], p["period"]) for p in listed["items"]] == [
        ("Harbor View", str(WEEKS[0])), ("Harbor View", str(WEEKS[1])),
        ("Lincoln Elementary", str(WEEKS[2]))]  # fmt: skip
    last = listed["items"][2]
    assert last["school"] == {"id": world["lincoln"].id, "name": "Lincoln Elementary"}
    assert last["period_label"] == f"Week of {WEEKS[2].day} {WEEKS[2]:%b %Y}"
    assert (last["value"], last["numerator"], last["note"], last["cycle_id"]) == (
        1, None, "Half-day", None)  # fmt: skip
    assert last["entered_by"] == {"id": world["maria"].id, "name": "Maria Lopez"}
    assert last["entered_at"].endswith("Z") and last["updated_at"].endswith("Z")
    harbor = ok(maria.get(f"{url}?school_id={world['harbor'].id}"))["items"]
    assert [p["value"] for p in harbor] == [2, 4]
    window = ok(maria.get(f"{url}?from={WEEKS[1]}&to={WEEKS[2]}"))["items"]
    assert [p["period"] for p in window] == [str(WEEKS[1]), str(WEEKS[2])]
    paged = ok(maria.get(f"{url}?per_page=2&page=2"))
    assert (paged["total"], [p["period"] for p in paged["items"]]) == (3, [str(WEEKS[2])])
    assert set(fields_of(maria.get(f"{url}?from=last+week"))) == {"from"}


def test_the_points_list_takes_the_same_queries_for_few_and_many(world, count_queries):
    created = define(world)
    client, url = world["as_fran"], f"measures/{created['id']}/points?per_page=100"
    client.get(url)
    upsert(world["as_maria"], created, world["lincoln"], points([(WEEKS[0], 1)]))
    few = queries_of(count_queries, client, url)
    upsert(world["as_maria"], created, world["lincoln"], points([(w, 2) for w in WEEKS]))
    upsert(world["as_james"], created, world["harbor"], points([(w, 3) for w in WEEKS]))
    assert ok(client.get(url))["total"] == 60
    assert queries_of(count_queries, client, url) == few


# --- Entering points -------------------------------------------------------------------


def test_a_batch_creates_updates_and_leaves_unchanged_by_period(world):
    created = define(world)
    maria, lincoln = world["as_maria"], world["lincoln"]
    first = upsert(maria, created, lincoln, points([(WEEKS[0], 3), (WEEKS[1], 4)]))
    assert (first["created"], first["updated"], first["unchanged"], first["dry_run"]) == (
        2, 0, 0, False)  # fmt: skip
    # Any day of a week names its Monday; an ISO week too.
    wednesday, week = WEEKS[1] + timedelta(days=2), f"{WEEKS[2]:%G-W%V}"
    again = upsert(maria, created, lincoln, [{"period": str(WEEKS[0]), "value": 3},
                                             {"period": str(wednesday), "value": 5},
                                             {"period": week, "value": 1}])  # fmt: skip
    assert (again["created"], again["updated"], again["unchanged"]) == (1, 1, 1)
    assert again["rows"] == [
        {"row": 1, "period": str(WEEKS[0]), "action": "unchanged"},
        {"row": 2, "period": str(WEEKS[1]), "action": "updated"},
        {"row": 3, "period": str(WEEKS[2]), "action": "created"},
    ]
    assert saved(created) == [(WEEKS[0], 3), (WEEKS[1], 5), (WEEKS[2], 1)]


def test_a_percent_takes_its_numerator_and_denominator_and_a_cycle(world):
    created = define(world, READING)
    node = dd.get_node_for(world["maria"], world["idea"].id)
    cycle = cycles.plan_cycle(world["maria"], node, cycles.NewCycle(world["lincoln"].id),
                              cycles.PlanFields("Huddles"))  # fmt: skip
    row = {"period": "2025-10", "numerator": 18, "denominator": 30, "cycle_id": cycle.id,
           "note": "Fall screener"}  # fmt: skip
    upsert(world["as_maria"], created, world["lincoln"], [row])
    point = ok(world["as_maria"].get(f"measures/{created['id']}/points"))["items"][0]
    assert (point["period"], point["period_label"], point["value"]) == (
        "2025-10-01", "Oct 2025", 60)  # fmt: skip
    assert (point["numerator"], point["denominator"], point["cycle_id"]) == (18, 30, cycle.id)


def test_a_dry_run_counts_and_saves_nothing(world):
    created = define(world)
    upsert(world["as_maria"], created, world["lincoln"], points([(WEEKS[0], 3)]))
    rows = points([(WEEKS[0], 4), (WEEKS[1], 2)])
    checked = upsert(world["as_maria"], created, world["lincoln"], rows, dry_run=True)
    assert (checked["created"], checked["updated"], checked["dry_run"]) == (1, 1, True)
    assert saved(created) == [(WEEKS[0], 3)]


def test_a_bad_row_refuses_the_batch_with_an_error_per_row(world):
    created = define(world)
    upsert(world["as_maria"], created, world["lincoln"], points([(WEEKS[0], 3)]))
    rows = [{"period": str(WEEKS[1]), "value": 2}, {"period": str(WEEKS[2]), "value": 2.5},
            {"period": str(WEEKS[3]), "value": 4}, {"period": "next week", "value": 1},
            {"period": str(WEEKS[3] + timedelta(days=1)), "value": 5}]  # fmt: skip
    refused = send(world["as_maria"], created, world["lincoln"].id, rows)
    assert refused.status_code == 400 and error_code(refused) == "invalid"
    error = refused.get_json()["error"]
    label = f"Week of {WEEKS[3].day} {WEEKS[3]:%b %Y}"
    assert error["rows"] == {
        "2": {"value": "A count is a whole number, 0 or more."},
        "4": {"period": error["rows"]["4"]["period"]},
        "5": {"period": f"{label} is also on row 3: give each period once."},
    }
    assert "This measure is weekly" in error["rows"]["4"]["period"]
    assert error["message"] == "3 rows have problems; nothing was saved. Fix them and try again."
    assert error["fields"]["points.1.value"] == "A count is a whole number, 0 or more."
    assert set(error["fields"]) == {"points.1.value", "points.3.period", "points.4.period"}
    assert saved(created) == [(WEEKS[0], 3)]


@pytest.mark.parametrize(
    ("point", "field"),
    [
        ({"period": 20260302, "value": 1}, "period"),
        ({"period": ["2026-03-02"], "value": 1}, "period"),
        ({"period": "2025-09-01", "value": "1"}, "value"),
        ({"period": "2025-09-01", "value": True}, "value"),
        ({"period": "2025-09-01", "value": {"n": 1}}, "value"),
        ({"period": "2025-09-01", "value": 1e300}, "value"),
        ({"period": "2025-09-01", "value": 10**400}, "value"),
        ({"period": "2025-09-01", "value": 1, "cycle_id": "3"}, "cycle_id"),
        ({"period": "2025-09-01", "value": 1, "colour": "red"}, "colour"),
        ({"value": 1}, "period"),
        ("2025-09-01", "point"),
    ],
)
def test_a_row_of_the_wrong_shape_is_reported_by_its_row_too(world, point, field):
    created = define(world)
    good = {"period": "2025-09-08", "value": 1}
    refused = send(world["as_maria"], created, world["lincoln"].id, [good, point])
    assert refused.status_code == 400 and error_code(refused) == "invalid"
    error = refused.get_json()["error"]
    assert set(error["rows"]) == {"2"} and set(error["rows"]["2"]) == {field}
    assert set(error["fields"]) == {f"points.1.{field}"}
    assert saved(created) == []


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=3),
    max_leaves=6,
)  # fmt: skip
PERIODS = st.dates().map(str) | st.text(alphabet="0123456789-/Ww ", max_size=12) | JSON
ROW = st.fixed_dictionaries(
    {"period": PERIODS},
    optional={name: JSON | st.integers(0, 50) for name in
              ("value", "numerator", "denominator", "note", "cycle_id")},
)  # fmt: skip


@pytest.mark.parametrize("body", [PLC, READING])
def test_no_batch_of_rows_is_a_server_error(world, body):
    """Whatever JSON a row holds (huge, NaN, nested, of the wrong type), it reaches the row
    checks of the school's own team and is saved or refused by row, never a 500."""
    created = define(world, body)

    @given(rows=st.lists(ROW, min_size=1, max_size=4))
    @settings(max_examples=80, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(rows):
        response = send(world["as_maria"], created, world["lincoln"].id, rows)
        if response.status_code == 200:
            answer = response.get_json()
            assert answer["created"] + answer["updated"] + answer["unchanged"] == len(rows)
        else:
            assert response.status_code == 400, response.get_json()
            assert error_code(response) == "invalid"
            assert set(response.get_json()["error"]) & {"rows", "fields"}

    run()


def test_nan_and_infinity_are_refused(world):
    created = define(world)
    body = '{"school_id": %d, "points": [{"period": "2025-09-01", "value": NaN}]}'
    refused = world["as_maria"].request(
        "POST", f"measures/{created['id']}/points", data=body % world["lincoln"].id,
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    assert set(refused.get_json()["error"]["rows"]["1"]) == {"value"}
    assert saved(created) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"points": []}, "points"),
        ({"points": {"period": "2025-09-01"}}, "points"),
        ({"points": [{"period": "2025-09-01", "value": 1}], "dry_run": 1}, "dry_run"),
        ({"points": [{"period": "2025-09-01", "value": 1}], "school_id": "1"}, "school_id"),
    ],
)
def test_a_bad_batch_is_400_naming_its_fields(world, body, field):
    created = define(world)
    refused = world["as_maria"].post(f"measures/{created['id']}/points",
                                     {"school_id": world["lincoln"].id, **body})  # fmt: skip
    assert field in fields_of(refused)
    assert "rows" not in refused.get_json()["error"]


def test_too_many_rows_are_refused_with_a_clear_message(world):
    created = define(world)
    rows = points([(WEEKS[0], 1)]) * (MAX_ROWS + 1)
    refused = send(world["as_maria"], created, world["lincoln"].id, rows)
    message = fields_of(refused)["points"]
    assert message == "A batch takes from 1 to 2,000 points: split a longer one."
    assert saved(created) == []


def test_a_point_entered_in_error_is_deleted_by_its_school(world, api_client, group_measure):
    created = define(world)
    upsert(world["as_maria"], created, world["lincoln"], points([(WEEKS[0], 1), (WEEKS[1], 2)]))
    first, second = ok(world["as_maria"].get(f"measures/{created['id']}/points"))["items"]
    refused = world["as_james"].delete(f"measure-points/{first['id']}")
    assert refused.status_code == 403 and error_code(refused) == "forbidden"
    assert world["as_maria"].delete(f"measure-points/{first['id']}").status_code == 204
    assert world["as_maria"].delete(f"measure-points/{first['id']}").status_code == 404
    admin = api_client(make_user("Ada Admin", admin=True))
    assert admin.delete(f"measure-points/{second['id']}").status_code == 204
    assert saved(created) == []
    # A point of a measure you may not see is not found.
    access = measures.get_measure_for(world["james"], group_measure.id)
    mp.record_points(world["james"], access, world["harbor"].id, [mp.PointInput(str(WEEKS[0]), 1)])
    hidden = db.session.scalar(sa.select(MeasurePoint.id).where(
        MeasurePoint.measure_id == group_measure.id))  # fmt: skip
    assert world["as_maria"].delete(f"measure-points/{hidden}").status_code == 404
    assert world["as_james"].delete(f"measure-points/{hidden}").status_code == 204


def test_another_school_of_the_network_is_not_in_the_points(world):
    created = define(world)
    make_school("Cedar Ridge")
    upsert(world["as_maria"], created, world["lincoln"], points([(WEEKS[0], 1)]))
    listed = ok(world["as_maria"].get(f"measures/{created['id']}/points"))["items"]
    assert [p["school"]["name"] for p in listed] == ["Lincoln Elementary"]


# --- The reference ---------------------------------------------------------------------


def test_the_reference_examples_match_real_answers(world, client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    request, created = examples_of(page, "post", "/api/v1/measures")
    request.update(group_id=None, node_ids=[world["idea"].id], unit="count", goal=None)
    answer = ok(world["as_fran"].post("measures", request), 201)
    same_shape(created, answer)
    _, listed = examples_of(page, "get", "/api/v1/measures")
    same_shape(listed, ok(world["as_maria"].get("measures")))
    request, result = examples_of(page, "post", "/api/v1/measures/{measure_id}/points")
    request.update(school_id=world["lincoln"].id, dry_run=False)
    request["points"] = [{**request["points"][0], "period": str(WEEKS[0]), "value": 3,
                          "numerator": None, "denominator": None, "cycle_id": None}]  # fmt: skip
    same_shape(result, upsert(world["as_maria"], answer, world["lincoln"], request["points"]))
    _, listed_points = examples_of(page, "get", "/api/v1/measures/{measure_id}/points")
    same_shape(listed_points, ok(world["as_maria"].get(f"measures/{answer['id']}/points")))
