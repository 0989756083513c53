"""/api/v1/groups: visibility, create, partial update, join and leave, members."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("outsider", {"Coaching circle": None}),
        ("member", {"Coaching circle": "member", "Principals ILT": "member"}),
        ("facilitator", {"Coaching circle": "facilitator", "Principals ILT": "facilitator"}),
        ("admin", {"Coaching circle": None, "Principals ILT": None}),
    ],
)
def test_each_role_sees_its_groups_and_its_role_in_them(network, as_role, role, expected):
    body = as_role(role).get("groups").get_json()
    assert {g["name"]: g["my_role"] for g in body["items"]} == expected
    assert body["total"] == len(expected)


def test_a_facilitator_creates_a_group_and_facilitates_it(network, as_role):
    response = as_role("facilitator").post(
        "groups",
        {"name": "Data team", "description": "Run charts.", "job_roles": ["principal"],
         "visibility": "private"},
    )  # fmt: skip
    assert response.status_code == 201
    group = response.get_json()
    assert group["my_role"] == "facilitator"
    assert (group["visibility"], group["job_roles"]) == ("private", ["principal"])
    assert as_role("outsider").get(f"groups/{group['id']}").status_code == 404


def test_a_new_group_defaults_to_the_whole_network(network, as_role):
    group = as_role("admin").post("groups", {"name": "Data team"}).get_json()
    assert (group["visibility"], group["job_roles"], group["description"]) == ("network", [], "")


def test_a_taken_group_name_is_400_on_name(network, as_role):
    response = as_role("facilitator").post("groups", {"name": "principals ilt"})
    assert response.status_code == 400
    assert "name" in response.get_json()["error"]["fields"]


def test_patch_changes_only_the_fields_sent(network, as_role):
    url = f"groups/{network.private_group.id}"
    client = as_role("facilitator")
    changed = client.patch(url, {"description": "Our ILT leads."}).get_json()
    assert changed["description"] == "Our ILT leads."
    assert (changed["name"], changed["visibility"]) == ("Principals ILT", "private")
    assert client.patch(url, {}).get_json() == changed
    assert client.patch(url, {"name": "Coaching circle"}).status_code == 400


def test_an_outsider_can_see_but_not_edit_a_network_group(network, as_role):
    response = as_role("outsider").patch(f"groups/{network.open_group.id}", {"name": "Mine"})
    assert response.status_code == 403


def test_join_then_leave(network, as_role):
    client = as_role("outsider")
    url = f"groups/{network.open_group.id}"
    assert client.post(f"{url}/join").get_json()["my_role"] == "member"
    assert client.post(f"{url}/join").status_code == 409
    assert client.post(f"{url}/leave").status_code == 204
    assert client.get(url).get_json()["my_role"] is None
    assert client.post(f"{url}/leave").status_code == 409


def test_leaving_a_private_group_hides_it(network, as_role):
    client = as_role("member")
    url = f"groups/{network.private_group.id}"
    assert client.post(f"{url}/leave").status_code == 204
    assert client.get(url).status_code == 404


def test_a_facilitator_adds_an_outsider_who_then_sees_the_group(network, as_role):
    url = f"groups/{network.private_group.id}"
    added = as_role("facilitator").post(
        f"{url}/members", {"user_id": network.outsider.id, "role": "member"}
    )
    assert added.status_code == 200
    assert added.get_json()["user"]["id"] == network.outsider.id
    assert as_role("outsider").get(url).get_json()["my_role"] == "member"


def test_adding_again_changes_the_role(network, as_role):
    url = f"groups/{network.private_group.id}/members"
    body = {"user_id": network.member.id, "role": "facilitator"}
    assert as_role("facilitator").post(url, body).get_json()["role"] == "facilitator"
    roles = {m["user"]["id"]: m["role"] for m in as_role("member").get(url).get_json()["items"]}
    assert roles[network.member.id] == "facilitator"


def test_adding_an_unknown_person_is_400(network, as_role):
    response = as_role("facilitator").post(
        f"groups/{network.private_group.id}/members", {"user_id": 999999}
    )
    assert response.status_code == 400
    assert "user_id" in response.get_json()["error"]["fields"]


def test_members_show_each_persons_group_role(network, as_role):
    body = as_role("member").get(f"groups/{network.private_group.id}/members").get_json()
    assert {(m["user"]["name"], m["role"]) for m in body["items"]} == {
        ("Frank Fisher", "facilitator"),
        ("Maria Lopez", "member"),
    }
    assert body["total"] == 2


def test_a_member_cannot_remove_someone_else(network, as_role):
    url = f"groups/{network.private_group.id}/members/{network.facilitator.id}"
    assert as_role("member").delete(url).status_code == 403


def test_removing_someone_who_is_not_a_member_is_404(network, as_role):
    url = f"groups/{network.private_group.id}/members/{network.outsider.id}"
    assert as_role("facilitator").delete(url).status_code == 404


def test_a_taken_non_ascii_name_is_400_not_a_server_error(network, as_role):
    # Found by Schemathesis: SQLite's lower() leaves "Ø" alone.
    client = as_role("facilitator")
    assert client.post("groups", {"name": "Østfold leaders"}).status_code == 201
    again = client.post("groups", {"name": "Østfold leaders"})
    assert again.status_code == 400
    assert "name" in again.get_json()["error"]["fields"]
