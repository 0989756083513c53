"""Input that once reached a 500 (issue 14): deeply nested JSON, text that is not text."""

from __future__ import annotations

import pytest

from nic.jsonlimits import MAX_DEPTH
from tests.api.conftest import error_code

JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    "body",
    [
        "[" * 50_000 + "]" * 50_000,  # past Python's recursion limit
        '{"name": ' + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "}",  # past nic's
    ],
    ids=["50000-deep", "limit-plus-one"],
)
def test_deeply_nested_json_is_a_400_not_a_500(network, as_role, body):
    response = as_role("facilitator").post("groups", data=body, headers=JSON)
    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert f"nested more than {MAX_DEPTH} levels" in response.get_json()["error"]["message"]


def test_json_nested_within_the_limit_reaches_validation(network, as_role):
    body = '{"name": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    response = as_role("facilitator").post("groups", data=body, headers=JSON)
    assert response.status_code == 400
    assert "name" in response.get_json()["error"].get("fields", {})


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("\\ud800 lone surrogate", "broken character (U+D800"),
        ("bell \\u0007 here", "control character (U+0007)"),
        ("nul \\u0000 here", "control character (NUL)"),
    ],
)
def test_text_that_is_not_text_is_refused_with_the_fields_message(network, as_role, text, says):
    thread = network.open_thread
    # Raw JSON, so the escapes reach the server as JSON escapes.
    body = '{"body": "' + text + '"}'
    response = as_role("member").post(f"threads/{thread.id}/posts", data=body, headers=JSON)
    assert response.status_code == 400, response.get_json()
    assert error_code(response) == "invalid"
    assert says in response.get_json()["error"]["fields"]["body"]


def test_tabs_and_line_breaks_are_text(network, as_role):
    body = {"body": "First line\r\nsecond\tline"}
    response = as_role("member").post(f"threads/{network.open_thread.id}/posts", json=body)
    assert response.status_code == 201, response.get_json()
