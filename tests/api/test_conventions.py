"""Conventions every endpoint keeps: JSON errors for bad input, pagination, timestamps."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import error_code
from tests.factories import make_group

# --- Bodies --------------------------------------------------------------------


def test_malformed_json_is_400(network, as_role):
    response = as_role("facilitator").post(
        "groups", data='{"name": "Oops",', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert "not valid JSON" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("text/plain", '{"name": "Data team"}'),
        ("application/x-www-form-urlencoded", "name=Data+team"),
        ("multipart/form-data; boundary=x", "--x--"),
    ],
)
def test_a_body_that_is_not_json_is_415(network, as_role, content_type, data):
    response = as_role("facilitator").post(
        "groups", data=data, headers={"Content-Type": content_type}
    )
    assert response.status_code == 415
    assert error_code(response) == "unsupported_media_type"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": 12}, "name"),
        ({"name": "Data team", "visibility": True}, "visibility"),
        ({"name": "Data team", "visibility": "secret"}, "visibility"),
        ({"name": "Data team", "job_roles": "principal"}, "job_roles"),
        ({"name": "Data team", "job_roles": ["principal", "astronaut"]}, "job_roles.1"),
        ({"name": "Data team", "colour": "blue"}, "colour"),
        ({}, "name"),
        ({"name": "Nul\x00byte"}, "name"),
    ],
)
def test_wrong_types_unknown_and_missing_fields_are_400_with_fields(network, as_role, body, field):
    response = as_role("facilitator").post("groups", body)
    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("body", [[], ["name"], "name", 12, None])
def test_a_body_that_is_not_an_object_is_400(network, as_role, body):
    response = as_role("facilitator").request(
        "POST", "groups", data=__import__("json").dumps(body),
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    assert response.status_code == 400
    assert error_code(response) == "invalid"


def test_strict_json_types_for_ids_and_flags(network, as_role):
    client = as_role("facilitator")
    thread = network.thread.id
    assert (
        client.post(f"threads/{thread}/posts", {"body": "x", "parent_id": "1"}).status_code == 400
    )
    assert (
        client.post(f"threads/{thread}/posts", {"body": "x", "parent_id": True}).status_code == 400
    )
    assert client.post(f"threads/{thread}/pin", {"value": 1}).status_code == 400
    assert client.post(f"threads/{thread}/pin", {"value": "yes"}).status_code == 400


def test_a_service_validation_error_names_its_field(network, as_role):
    response = as_role("facilitator").post("groups", {"name": "   "})
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"name": "This cannot be empty."}


def test_too_large_is_413(network, as_role):
    body = {"body": "x" * (1024 * 1024 + 10)}
    response = as_role("member").post(f"threads/{network.thread.id}/posts", body)
    assert response.status_code == 413
    assert error_code(response) == "too_large"


def test_a_conflict_is_409(network, as_role):
    response = as_role("member").post(f"groups/{network.open_group.id}/join")
    assert response.status_code == 409
    assert error_code(response) == "conflict"


# --- Paths and methods -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["nothing-here", "groups/0", "groups/-1", "groups/abc", "groups/2147483648",
     "groups/99999999999999999999999", "threads/999999", "posts/1/nope"],
)  # fmt: skip
def test_unknown_paths_and_absurd_ids_are_json_404(network, as_role, path):
    response = as_role("member").get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert error_code(response) == "not_found"


def test_a_wrong_method_is_json_405(network, as_role):
    response = as_role("member").request("PUT", "groups")
    assert response.status_code == 405
    assert error_code(response) == "method_not_allowed"


# --- Pagination ------------------------------------------------------------------


@pytest.fixture
def many_groups(network):
    for n in range(7):
        make_group(f"Group {n:02}")
    return 9  # with the network's two, all visible to the member


@pytest.mark.parametrize(
    ("query", "page", "per_page", "count"),
    [
        ("", 1, 25, 9),
        ("?per_page=4", 1, 4, 4),
        ("?per_page=4&page=2", 2, 4, 4),
        ("?per_page=4&page=3", 3, 4, 1),
        ("?per_page=4&page=4", 4, 4, 0),
        ("?per_page=100", 1, 100, 9),
        ("?per_page=1&page=100000", 100000, 1, 0),
    ],
)
def test_pagination_pages(as_role, many_groups, query, page, per_page, count):
    body = as_role("member").get(f"groups{query}").get_json()
    assert (body["page"], body["per_page"], len(body["items"])) == (page, per_page, count)
    assert body["total"] == many_groups


def test_pages_do_not_overlap(as_role, many_groups):
    client = as_role("member")
    seen = []
    for page in (1, 2, 3):
        seen += [g["id"] for g in client.get(f"groups?per_page=4&page={page}").get_json()["items"]]
    assert len(seen) == len(set(seen)) == many_groups


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=100001", "page"),
        ("page=99999999999999999999", "page"),
        ("page=abc", "page"),
        ("page=1.5", "page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=-5", "per_page"),
        ("per_pgae=10", "per_pgae"),
    ],
)
def test_bad_page_arguments_are_400(network, as_role, query, field):
    response = as_role("member").get(f"groups?{query}")
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


# --- Output ----------------------------------------------------------------------

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def test_timestamps_are_iso_8601_utc(network, as_role):
    thread = as_role("member").get(f"threads/{network.thread.id}").get_json()
    stamps = [thread["created_at"], thread["last_activity_at"]]
    stamps.append(thread["opening_post"]["created_at"])
    assert stamps and all(ISO_UTC.match(s) for s in stamps), stamps
