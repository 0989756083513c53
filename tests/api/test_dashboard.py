"""GET /api/v1/dashboard: the same figures as the page, for admins and facilitators."""

from __future__ import annotations

import pytest

from tests.api.conftest import error_code
from tests.test_dashboard import world as world


@pytest.mark.parametrize(("who", "status"), [("member", 404), ("maria", 404), ("fran", 200),
                                             ("admin", 200)])  # fmt: skip
def test_only_admins_and_facilitators_get_it(api_client, world, who, status):
    response = api_client(world[who]).get("dashboard")
    assert response.status_code == status
    if status == 404:
        assert error_code(response) == "not_found"


def test_signed_out_callers_are_401(api_client, world):
    assert api_client(None).get("dashboard").status_code == 401


@pytest.mark.parametrize("days", ["0", "31", "abc", "-7", ""])
def test_a_window_other_than_7_30_or_90_days_is_400(api_client, world, days):
    response = api_client(world["fran"]).get(f"dashboard?days={days}")
    assert response.status_code == 400 and error_code(response) == "invalid"
    assert "days" in response.get_json()["error"]["fields"]


def test_the_figures(api_client, world):
    body = api_client(world["fran"]).get("dashboard").get_json()
    assert body["days"] == 30
    lincoln = next(r for r in body["participation"] if r["school"]["name"] == "Lincoln Elementary")
    assert lincoln["totals"] == {"posts": 3, "cross_school_replies": 2, "sessions_attended": 0,
                                 "cycles": 2}  # fmt: skip
    assert [r["job_role"] for r in lincoln["roles"]] == ["principal", "instructional_coach"]
    assert body["network"]["posts"] == 5
    quiet = next(r for r in body["participation"] if r["school"]["name"] == "Riverside Middle")
    assert quiet["totals"]["posts"] == 0
    assert body["cycles"]["in_progress"] == 2 and body["cycles"]["overdue_url"] == (
        "/cycles?overdue=yes")  # fmt: skip
    stale = body["stale_measures"]
    assert [s["school"]["name"] for s in stale] == ["Harbor View"]
    assert stale[0]["url"] == f"/measures/{world['measure'].id}/schools/{world['harbor'].id}"
    assert [(s["kind"], s["news"]) for s in body["signals"]] == [("shift", "better")]
    assert body["unanswered_threads"]["count"] == 1
    assert body["unanswered_threads"]["items"][0]["url"] == f"/threads/{world['waiting'].id}"
    assert {i["kind"] for i in body["untold_tries"]["items"]} == {"try", "cycle"}
    learning = body["learning"]
    assert [s["name"] for s in learning["schools"]] == ["Harbor View", "Lincoln Elementary"]
    assert learning["matrix"] == [[0, 1], [3, 0]] and learning["total"] == 4


def test_a_private_groups_work_counts_for_an_admin_only(api_client, world):
    fran = api_client(world["fran"]).get("dashboard?days=90").get_json()
    admin = api_client(world["admin"]).get("dashboard?days=90").get_json()
    assert admin["network"]["posts"] == fran["network"]["posts"] + 3
    assert admin["unanswered_threads"]["count"] == fran["unanswered_threads"]["count"] + 1
