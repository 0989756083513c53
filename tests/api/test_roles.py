"""Every endpoint with every role: the status each one gets.

The resources are the private group's, so an outsider learns nothing (404);
a member may read and write their own things (403 on others'), facilitators
manage their groups, administrators manage the network.
"""

from __future__ import annotations

import pytest

from tests.api.conftest import ROLES, error_code

ANON, OUT, MEMBER, FAC, ADMIN = ROLES
PRIVATE = "groups/{n.private_group.id}"

# (method, path, body, statuses in ROLES order)
MATRIX = [
    ("GET", "me", None, (401, 200, 200, 200, 200)),
    ("GET", "users", None, (401, 200, 200, 200, 200)),
    ("GET", "users/{n.member.id}", None, (401, 200, 200, 200, 200)),
    ("GET", "districts", None, (401, 200, 200, 200, 200)),
    ("POST", "districts", {"name": "Northside ISD"}, (401, 403, 403, 403, 201)),
    ("GET", "schools", None, (401, 200, 200, 200, 200)),
    ("POST", "schools", {"name": "Oak Middle", "district_id": "{n.district.id}"},
     (401, 403, 403, 403, 201)),
    ("GET", "groups", None, (401, 200, 200, 200, 200)),
    ("POST", "groups", {"name": "Data team"}, (401, 403, 403, 201, 201)),
    ("GET", PRIVATE, None, (401, 404, 200, 200, 200)),
    ("PATCH", PRIVATE, {"description": "Our ILT."}, (401, 404, 403, 200, 200)),
    ("POST", "groups/{n.open_group.id}/join", None, (401, 200, 409, 409, 200)),
    ("POST", PRIVATE + "/join", None, (401, 404, 409, 409, 403)),
    ("POST", PRIVATE + "/leave", None, (401, 404, 204, 204, 409)),
    ("GET", PRIVATE + "/members", None, (401, 404, 200, 200, 200)),
    ("POST", PRIVATE + "/members", {"user_id": "{n.outsider.id}", "role": "member"},
     (401, 404, 403, 200, 200)),
    ("DELETE", PRIVATE + "/members/{n.member.id}", None, (401, 404, 204, 204, 204)),
    ("GET", PRIVATE + "/threads", None, (401, 404, 200, 200, 200)),
    ("POST", PRIVATE + "/threads", {"title": "Walkthroughs", "body": "What do you look for?"},
     (401, 404, 201, 201, 201)),
    ("GET", "threads/{n.thread.id}", None, (401, 404, 200, 200, 200)),
    ("POST", "threads/{n.thread.id}/posts", {"body": "Same here."}, (401, 404, 201, 201, 201)),
    ("PATCH", "posts/{n.reply.id}", {"body": "Edited."}, (401, 404, 403, 200, 403)),
    ("DELETE", "posts/{n.reply.id}", None, (401, 404, 403, 204, 403)),
    ("GET", "posts/{n.reply.id}/revisions", None, (401, 404, 200, 200, 200)),
    ("POST", "threads/{n.thread.id}/pin", None, (401, 404, 403, 200, 200)),
    ("POST", "threads/{n.thread.id}/lock", {"value": True}, (401, 404, 403, 200, 200)),
]  # fmt: skip

CASES = [
    pytest.param(method, path, body, role, status, id=f"{method} {path} as {role}")
    for method, path, body, statuses in MATRIX
    for role, status in zip(ROLES, statuses, strict=True)
]


def _fill(value, network):
    """Put the network's ids into a path or body ("{n.member.id}" -> 2)."""
    if isinstance(value, str):
        filled = value.format(n=network)
        return int(filled) if filled.isdigit() and value.startswith("{") else filled
    if isinstance(value, dict):
        return {k: _fill(v, network) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("method", "path", "body", "role", "status"), CASES)
def test_role_matrix(network, as_role, method, path, body, role, status):
    response = as_role(role).request(method, _fill(path, network), _fill(body, network))
    assert response.status_code == status, response.get_json()
    if status == 204:
        assert response.data == b""
    elif status >= 400:
        expected = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 409: "conflict"}
        assert error_code(response) == expected[status]
    else:
        assert response.mimetype == "application/json"
