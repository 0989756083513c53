"""/me, the directory, districts and schools: what each call returns."""

from __future__ import annotations

import pytest

from nic.extensions import db
from tests.api.conftest import error_code


def test_me_shows_the_callers_own_details(network, as_role):
    body = as_role("member").get("me").get_json()
    assert body["email"] == network.member.email
    assert body["school"] == {
        "id": network.school.id,
        "name": "Lincoln Elementary",
        "district": {"id": network.district.id, "name": "Riverside Unified"},
    }
    assert body["is_admin"] is False


def test_other_members_emails_stay_private(network, as_role):
    listed = as_role("outsider").get("users").get_json()["items"]
    one = as_role("outsider").get(f"users/{network.member.id}").get_json()
    assert all("email" not in u for u in listed) and "email" not in one


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ["Ada Admin", "Frank Fisher", "Maria Lopez", "Olivia Outside"]),
        ("?job_role=principal", ["Maria Lopez", "Olivia Outside"]),
        ("?job_role=facilitator", ["Frank Fisher"]),
        ("?school_id={school}", ["Maria Lopez"]),
        ("?district_id={district}", ["Maria Lopez"]),
        ("?job_role=facilitator&district_id={district}", []),
    ],
)
def test_directory_filters(network, as_role, query, names):
    url = "users" + query.format(school=network.school.id, district=network.district.id)
    body = as_role("member").get(url).get_json()
    assert [u["name"] for u in body["items"]] == names
    assert body["total"] == len(names)


@pytest.mark.parametrize("query", ["job_role=astronaut", "school_id=abc", "district_id=0"])
def test_bad_directory_filters_are_400(network, as_role, query):
    response = as_role("member").get(f"users?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.get_json()["error"]["fields"]


def test_deactivated_members_are_not_in_the_directory(network, as_role):
    network.outsider.is_active_account = False
    db.session.commit()
    client = as_role("member")
    assert network.outsider.id not in [u["id"] for u in client.get("users").get_json()["items"]]
    assert client.get(f"users/{network.outsider.id}").status_code == 404


def test_admin_creates_a_district_then_a_school_in_it(network, as_role):
    admin = as_role("admin")
    district = admin.post("districts", {"name": "Northside ISD"}).get_json()
    assert district["name"] == "Northside ISD"
    school = admin.post("schools", {"name": "Oak Middle", "district_id": district["id"]})
    assert school.status_code == 201
    assert school.get_json()["district"] == {"id": district["id"], "name": "Northside ISD"}
    listed = admin.get(f"schools?district_id={district['id']}").get_json()
    assert [s["name"] for s in listed["items"]] == ["Oak Middle"]


def test_duplicates_are_409(network, as_role):
    admin = as_role("admin")
    assert admin.post("districts", {"name": "Riverside Unified"}).status_code == 409
    again = admin.post(
        "schools", {"name": "Lincoln Elementary", "district_id": network.district.id}
    )
    assert again.status_code == 409
    assert error_code(again) == "conflict"


def test_a_school_needs_a_real_district(network, as_role):
    response = as_role("admin").post("schools", {"name": "Oak Middle", "district_id": 999})
    assert response.status_code == 400
    assert "district_id" in response.get_json()["error"]["fields"]
