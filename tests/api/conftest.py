"""API fixtures: a small network with every role, and clients that call as one of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from nic.models import District, Group, Post, School, Thread, User
from nic.services import tokens
from tests.factories import (
    make_cycle_world,
    make_group,
    make_reply,
    make_school,
    make_thread,
    make_user,
)

ROLES = ["anonymous", "outsider", "member", "facilitator", "admin"]

# Every operation the API offers: (method, OpenAPI path).
OPERATIONS = {
    ("get", "/api/v1/me"),
    ("get", "/api/v1/dashboard"),
    ("get", "/api/v1/users"),
    ("get", "/api/v1/users/mention-candidates"),
    ("get", "/api/v1/users/{user_id}"),
    ("get", "/api/v1/districts"),
    ("post", "/api/v1/districts"),
    ("get", "/api/v1/schools"),
    ("post", "/api/v1/schools"),
    ("get", "/api/v1/groups"),
    ("post", "/api/v1/groups"),
    ("get", "/api/v1/groups/{group_id}"),
    ("patch", "/api/v1/groups/{group_id}"),
    ("post", "/api/v1/groups/{group_id}/join"),
    ("post", "/api/v1/groups/{group_id}/leave"),
    ("get", "/api/v1/groups/{group_id}/members"),
    ("post", "/api/v1/groups/{group_id}/members"),
    ("delete", "/api/v1/groups/{group_id}/members/{user_id}"),
    ("get", "/api/v1/groups/{group_id}/threads"),
    ("post", "/api/v1/groups/{group_id}/threads"),
    ("get", "/api/v1/threads/{thread_id}"),
    ("post", "/api/v1/threads/{thread_id}/posts"),
    ("patch", "/api/v1/posts/{post_id}"),
    ("delete", "/api/v1/posts/{post_id}"),
    ("get", "/api/v1/posts/{post_id}/revisions"),
    ("post", "/api/v1/threads/{thread_id}/pin"),
    ("post", "/api/v1/threads/{thread_id}/lock"),
    ("get", "/api/v1/practices"),
    ("post", "/api/v1/practices"),
    ("get", "/api/v1/practices/{practice_id}"),
    ("patch", "/api/v1/practices/{practice_id}"),
    ("delete", "/api/v1/practices/{practice_id}"),
    ("post", "/api/v1/practices/{practice_id}/publish"),
    ("get", "/api/v1/practices/{practice_id}/revisions"),
    ("get", "/api/v1/practices/{practice_id}/tries"),
    ("post", "/api/v1/practices/{practice_id}/tries"),
    ("post", "/api/v1/practices/{practice_id}/helpful"),
    ("delete", "/api/v1/practices/{practice_id}/helpful"),
    ("get", "/api/v1/schools/{school_id}/practices"),
    ("get", "/api/v1/practices/{practice_id}/attachments"),
    ("post", "/api/v1/practices/{practice_id}/attachments"),
    ("delete", "/api/v1/attachments/{attachment_id}"),
    ("get", "/api/v1/attachments/{attachment_id}/download"),
    ("get", "/api/v1/notifications"),
    ("post", "/api/v1/notifications/read"),
    ("get", "/api/v1/threads/{thread_id}/follow"),
    ("put", "/api/v1/threads/{thread_id}/follow"),
    ("get", "/api/v1/groups/{group_id}/follow"),
    ("put", "/api/v1/groups/{group_id}/follow"),
    ("get", "/api/v1/users/me/preferences"),
    ("patch", "/api/v1/users/me/preferences"),
    ("get", "/api/v1/search"),
    ("get", "/api/v1/aim"),
    ("put", "/api/v1/aim"),
    ("get", "/api/v1/groups/{group_id}/aim"),
    ("put", "/api/v1/groups/{group_id}/aim"),
    ("get", "/api/v1/driver-diagrams"),
    ("get", "/api/v1/driver-diagrams/{diagram_id}"),
    ("get", "/api/v1/driver-diagrams/{diagram_id}/nodes"),
    ("post", "/api/v1/driver-diagrams/{diagram_id}/nodes"),
    ("get", "/api/v1/driver-diagrams/{diagram_id}/nodes/{node_id}"),
    ("patch", "/api/v1/driver-diagrams/{diagram_id}/nodes/{node_id}"),
    ("delete", "/api/v1/driver-diagrams/{diagram_id}/nodes/{node_id}"),
    ("post", "/api/v1/driver-diagrams/{diagram_id}/nodes/{node_id}/practices"),
    ("delete", "/api/v1/driver-diagrams/{diagram_id}/nodes/{node_id}/practices/{practice_id}"),
    ("get", "/api/v1/cycles"),
    ("post", "/api/v1/cycles"),
    ("get", "/api/v1/cycles/{cycle_id}"),
    ("patch", "/api/v1/cycles/{cycle_id}"),
    ("post", "/api/v1/cycles/{cycle_id}/next"),
    ("get", "/api/v1/change-ideas/{change_idea_id}/evidence"),
    ("put", "/api/v1/change-ideas/{change_idea_id}/stages/{school_id}"),
    ("get", "/api/v1/measures"),
    ("post", "/api/v1/measures"),
    ("get", "/api/v1/measures/{measure_id}"),
    ("patch", "/api/v1/measures/{measure_id}"),
    ("delete", "/api/v1/measures/{measure_id}"),
    ("get", "/api/v1/measures/{measure_id}/points"),
    ("post", "/api/v1/measures/{measure_id}/points"),
    ("delete", "/api/v1/measure-points/{point_id}"),
    ("get", "/api/v1/measures/{measure_id}/chart"),
    ("post", "/api/v1/roster/imports"),
    ("get", "/api/v1/roster/imports/{import_id}"),
    ("get", "/api/v1/invitations"),
    ("post", "/api/v1/invitations"),
    ("post", "/api/v1/invitations/{invitation_id}/resend"),
    ("delete", "/api/v1/invitations/{invitation_id}"),
}


@dataclass
class Network:
    """Who is who: `member` and `facilitator` belong to both groups; the others to none."""

    district: District
    school: School
    outsider: User
    member: User
    facilitator: User
    admin: User
    open_group: Group
    private_group: Group
    thread: Thread  # in the private group, started by `member`
    reply: Post  # the facilitator's reply in `thread`
    open_thread: Thread  # in the network group

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def network(app) -> Network:
    school = make_school("Lincoln Elementary", "Riverside Unified")
    outsider = make_user("Olivia Outside", job_role="principal")
    member = make_user("Maria Lopez", job_role="principal", school=school)
    facilitator = make_user("Frank Fisher", job_role="facilitator")
    admin = make_user("Ada Admin", job_role="district_leader", admin=True)
    open_group = make_group("Coaching circle", facilitator=facilitator, members=[member])
    private_group = make_group(
        "Principals ILT", visibility="private", facilitator=facilitator, members=[member]
    )
    thread = make_thread(private_group, member, "Protecting PLC time", "How do you protect it?")
    reply = make_reply(thread, facilitator, "We block it on the master schedule.")
    open_thread = make_thread(open_group, member, "Coaching cycles", "Observe, debrief, plan.")
    return Network(
        school.district, school, outsider, member, facilitator, admin,
        open_group, private_group, thread, reply, open_thread,
    )  # fmt: skip


class ApiClient:
    """Calls the API as one user with a bearer token; without a user, anonymously."""

    def __init__(self, client: Any, secret: str | None) -> None:
        self.client = client
        self.secret = secret

    def request(self, method: str, path: str, json: Any = None, **kwargs: Any):
        headers = dict(kwargs.pop("headers", {}))
        if self.secret is not None:
            headers.setdefault("Authorization", f"Bearer {self.secret}")
        if json is not None:
            kwargs["json"] = json
        url = path if path.startswith("/") else f"/api/v1/{path}"
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any):
        return self.request("POST", path, json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any):
        return self.request("PATCH", path, json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any):
        return self.request("PUT", path, json, **kwargs)

    def delete(self, path: str, **kwargs: Any):
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def api_client(app, client):
    """api_client(user): a client sending a fresh token of `user`'s (None: no token).

    Built like the `client` fixture's (each request in an app context of its own).
    """

    def make(user: User | None) -> ApiClient:
        secret = tokens.create_token(user, "tests").secret if user is not None else None
        return ApiClient(app.test_client(), secret)

    return make


@pytest.fixture
def as_role(network, api_client):
    """as_role("member"): an ApiClient for that role of the `network`."""
    return lambda role: api_client(network.user(role))


def error_code(response) -> str:
    """The API error's code, asserting the error shape on the way."""
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    return body["error"]["code"]


def ok(response, status: int = 200):
    """The answer's JSON, asserting its status (the body shows when it is another)."""
    assert response.status_code == status, response.get_json()
    return response.get_json()


def fields_of(response, status: int = 400) -> dict:
    """The fields of an `invalid` error, each with its message."""
    assert response.status_code == status, response.get_json()
    assert error_code(response) == "invalid"
    return response.get_json()["error"]["fields"]


# --- The driver diagram and its change ideas, for PDSA cycles and stages -------------


@pytest.fixture
def world(app, api_client):
    """make_cycle_world's people and change ideas, Lincoln's private ILT (Maria in it) and
    clients calling as Maria, James and Fran."""
    found = make_cycle_world()
    maria = found["maria"]
    group = make_group("Lincoln ILT", visibility="private", members=[maria])
    clients = {f"as_{name}": api_client(found[name]) for name in ("maria", "james", "fran")}
    return {**found, "group": group, **clients}
