"""/api/v1/notifications and the follow levels of threads and groups."""

from __future__ import annotations

import pytest

from nic.services import groups
from tests.api.conftest import error_code
from tests.factories import make_reply


def items(response) -> list[dict]:
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_the_list_shows_your_notifications_with_their_summary(network, as_role):
    [entry] = items(as_role("member").get("notifications"))
    assert entry["kind"] == "replied"
    assert entry["summary"] == "Frank Fisher replied to your post"
    assert entry["thread_id"] == network.thread.id and entry["post_id"] == network.reply.id
    assert entry["thread_title"] == "Protecting PLC time"
    assert entry["group_name"] == "Principals ILT"
    assert entry["read"] is False and entry["count"] == 1
    assert entry["updated_at"].endswith("Z")
    assert items(as_role("outsider").get("notifications")) == []


def test_filter_unread_paginate_and_mark_read(network, as_role):
    for n in range(3):
        make_reply(network.open_thread, network.facilitator, f"Reply {n}")
    client = as_role("member")
    body = client.get("notifications?per_page=1").get_json()
    assert (body["total"], len(body["items"]), body["per_page"]) == (2, 1, 1)
    open_entry = next(i for i in items(client.get("notifications")) if i["count"] == 3)
    marked = client.post("notifications/read", {"ids": [open_entry["id"]]})
    assert marked.get_json() == {"changed": 1, "unread": 1}
    assert [i["thread_id"] for i in items(client.get("notifications?unread=true"))] == [
        network.thread.id
    ]
    assert client.post("notifications/read", {"thread_id": network.thread.id}).get_json() == {
        "changed": 1, "unread": 0,
    }  # fmt: skip
    assert items(client.get("notifications?unread=true")) == []
    assert len(items(client.get("notifications"))) == 2  # read ones stay listed
    assert client.post("notifications/read", {"all": True}).get_json()["changed"] == 0


@pytest.mark.parametrize(
    "body",
    [{}, {"ids": []}, {"ids": ["1"]}, {"ids": [1], "all": True}, {"all": "yes"}, {"what": 1},
     {"ids": list(range(1, 102))}],
)  # fmt: skip
def test_marking_with_a_bad_body_is_a_400(network, as_role, body):
    response = as_role("member").post("notifications/read", body)
    assert response.status_code == 400 and error_code(response) == "invalid"


def test_someone_elses_ids_change_nothing(network, as_role):
    [entry] = items(as_role("member").get("notifications"))
    assert as_role("outsider").post("notifications/read", {"ids": [entry["id"]]}).get_json() == {
        "changed": 0, "unread": 0,
    }  # fmt: skip
    assert items(as_role("member").get("notifications"))[0]["read"] is False


def test_leaving_the_group_hides_its_notifications_from_the_list(network, as_role):
    client = as_role("member")
    assert len(items(client.get("notifications"))) == 1
    groups.leave_group(network.member, network.private_group.id)
    assert client.get("notifications").get_json()["total"] == 0


def test_follow_levels_of_a_thread_and_a_group(network, as_role):
    client = as_role("member")
    url = f"threads/{network.open_thread.id}/follow"
    assert client.get(url).get_json() == {"level": "watching"}  # she started it
    assert client.put(url, {"level": "muted"}).get_json() == {"level": "muted"}
    assert client.get(url).get_json() == {"level": "muted"}
    group_url = f"groups/{network.open_group.id}/follow"
    assert client.get(group_url).get_json() == {"level": "normal"}
    assert client.put(group_url, {"level": "watching"}).get_json() == {"level": "watching"}


@pytest.mark.parametrize("body", [{}, {"level": "loud"}, {"level": 1}, {"level": "muted", "x": 1}])
def test_a_bad_level_is_a_400(network, as_role, body):
    response = as_role("member").put(f"threads/{network.open_thread.id}/follow", body)
    assert response.status_code == 400 and error_code(response) == "invalid"


def test_outsiders_get_404_for_private_follow_levels(network, as_role):
    client = as_role("outsider")
    for url in (f"threads/{network.thread.id}/follow", f"groups/{network.private_group.id}/follow"):
        assert client.get(url).status_code == 404
        assert client.put(url, {"level": "watching"}).status_code == 404


def test_anonymous_callers_are_refused(network, as_role):
    client = as_role("anonymous")
    assert client.get("notifications").status_code == 401
    assert (
        client.put(f"threads/{network.open_thread.id}/follow", {"level": "muted"}).status_code
        == 401
    )


def test_the_api_reads_and_patches_preferences(network, api_client):
    client = api_client(network.member)
    assert client.get("users/me/preferences").get_json()["email"]["replied"] == "daily"
    answer = client.patch("users/me/preferences", {"email": {"replied": "weekly"}})
    assert answer.status_code == 200 and answer.get_json()["email"]["replied"] == "weekly"
    for body in ({"email": {"replied": "hourly"}}, {"email": {"nope": "daily"}}, {}, {"x": 1}):
        response = client.patch("users/me/preferences", body)
        assert response.status_code == 400, body
        assert response.get_json()["error"]["code"] == "invalid"
    assert api_client(None).get("users/me/preferences").status_code == 401
