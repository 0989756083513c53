"""The permission matrix: every route of a private group against every role.

Anonymous visitors are sent to sign in; outsiders get 404 everywhere (they
must not learn the group exists); members, facilitators and admins get what
the policy grants them.
"""

from __future__ import annotations

import pytest

from nic.services import discussions, measures
from tests.factories import make_group, make_reply, make_school, make_thread, make_user

ROLES = ["anonymous", "outsider", "member", "facilitator", "admin"]

# method, url, expected status per role (anonymous, outsider, member, facilitator, admin)
MATRIX = [
    ("GET", "/groups/{group}", [302, 404, 200, 200, 200]),
    ("GET", "/groups/{group}/members", [302, 404, 200, 200, 200]),
    ("GET", "/groups/{group}/edit", [302, 404, 403, 200, 200]),
    ("GET", "/groups/{group}/threads/new", [302, 404, 200, 200, 200]),
    ("GET", "/threads/{thread}", [302, 404, 200, 200, 200]),
    ("GET", "/threads/{thread}/unread", [302, 404, 302, 302, 302]),
    ("GET", "/posts/{post}/history", [302, 404, 200, 200, 200]),
    ("GET", "/posts/{post}/edit", [302, 404, 403, 403, 403]),
    ("POST", "/groups/{group}/join", [302, 404, 409, 409, 403]),
    ("POST", "/groups/{group}/threads/new", [302, 404, 302, 302, 302]),
    ("POST", "/threads/{thread}/reply", [302, 404, 302, 302, 302]),
    ("POST", "/posts/{post}/delete", [302, 404, 403, 403, 403]),
    ("POST", "/threads/{thread}/pinned", [302, 404, 403, 302, 302]),
    ("POST", "/threads/{thread}/locked", [302, 404, 403, 302, 302]),
    ("POST", "/threads/{thread}/hidden", [302, 404, 403, 302, 302]),
    ("POST", "/posts/{post}/hidden", [302, 404, 403, 302, 302]),
    ("POST", "/groups/{group}/members/{author}/remove", [302, 404, 403, 302, 302]),
    ("POST", "/groups/{group}/leave", [302, 404, 302, 302, 409]),
    ("GET", "/measures/new?group_id={group}", [302, 404, 403, 200, 200]),
    ("GET", "/measures/{measure}", [302, 404, 200, 200, 200]),
    ("GET", "/measures/{measure}/edit", [302, 404, 403, 200, 200]),
    ("GET", "/measures/{measure}/schools/{school}", [302, 404, 200, 200, 200]),
    ("GET", "/measures/{measure}/export.csv", [302, 404, 200, 200, 200]),
    ("GET", "/measures/{measure}/upload", [302, 404, 403, 403, 200]),
    ("POST", "/measures/new?group_id={group}", [302, 404, 403, 400, 400]),
    ("POST", "/measures/{measure}/points", [302, 404, 403, 403, 400]),
    ("POST", "/measures/{measure}/upload", [302, 404, 403, 403, 400]),
    ("POST", "/measures/{measure}/upload/confirm", [302, 404, 403, 403, 400]),
    ("POST", "/measures/{measure}/archive", [302, 404, 403, 302, 302]),
]


@pytest.fixture
def world():
    author = make_user("Thread Author")
    member = make_user("Plain Member")
    facilitator = make_user("Group Facilitator", job_role="facilitator")
    group = make_group(
        "ILT Leads", visibility="private", facilitator=facilitator, members=[author, member]
    )
    thread = make_thread(group, author, title="Our ILT stalled: candid reflection")
    post = make_reply(thread, author, "We lost the improvement focus.")
    discussions.edit_post(author, post.id, "We lost the improvement focus in October.")
    measure = measures.define_measure(facilitator, group.id, measures.MeasureFields(
        "ILT Leads huddles held", "process", "count", "weekly", "up"))  # fmt: skip
    return {
        "users": {
            "outsider": make_user("Outsider"),
            "member": member,
            "facilitator": facilitator,
            "admin": make_user("Network Admin", admin=True),
        },
        "ids": {
            "group": group.id,
            "thread": thread.id,
            "post": post.id,
            "author": author.id,
            "measure": measure.id,
            "school": make_school("Lincoln Elementary").id,
        },
    }


@pytest.mark.parametrize(
    ("method", "url", "expected"), MATRIX, ids=[f"{m} {u}" for m, u, _ in MATRIX]
)
@pytest.mark.parametrize("role", ROLES)
def test_private_group_permission_matrix(client, login, world, method, url, expected, role):
    path = url.format(**world["ids"])
    if role != "anonymous":
        login(world["users"][role])
    token = client.csrf_token()
    if method == "GET":
        response = client.get(path)
    else:
        data = {"csrf_token": token, "title": "A thread", "body": "Some text", "value": "1"}
        response = client.post(path, data=data)
    status = expected[ROLES.index(role)]
    assert response.status_code == status, (role, method, path)
    page = response.get_data(as_text=True)
    if status == 404:
        # Nothing about the private group leaks to outsiders.
        assert "ILT Leads" not in page
        assert "Our ILT stalled" not in page
        assert "<html" in page and "Page not found" in page  # the site's layout
    if role == "anonymous":
        assert "/login" in response.headers["Location"]


def test_outsider_gets_same_404_for_missing_and_private(client, login, world):
    login(world["users"]["outsider"])
    private = client.get(f"/threads/{world['ids']['thread']}")
    missing = client.get("/threads/99999")
    assert private.status_code == missing.status_code == 404
    assert private.get_data(as_text=True) == missing.get_data(as_text=True)


def test_private_group_is_not_listed_to_outsiders(client, login, world):
    login(world["users"]["outsider"])
    assert "ILT Leads" not in client.get("/groups/").get_data(as_text=True)
    login(world["users"]["member"])
    assert "ILT Leads" in client.get("/groups/").get_data(as_text=True)


def test_hidden_thread_is_404_to_members_but_visible_to_facilitators(client, login, world):
    facilitator = world["users"]["facilitator"]
    discussions.set_thread_flag(facilitator, world["ids"]["thread"], "hidden", True)
    login(world["users"]["member"])
    assert client.get(f"/threads/{world['ids']['thread']}").status_code == 404
    group_page = client.get(f"/groups/{world['ids']['group']}").get_data(as_text=True)
    assert "Our ILT stalled" not in group_page
    login(facilitator)
    assert client.get(f"/threads/{world['ids']['thread']}").status_code == 200


def test_admin_area_is_404_to_non_admins(client, login, world):
    login(world["users"]["facilitator"])
    assert client.get("/admin/").status_code == 404
    assert client.post_form("/admin/districts", {"district-name": "X"}).status_code == 404
    login(world["users"]["admin"])
    assert client.get("/admin/").status_code == 200
