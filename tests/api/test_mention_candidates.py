"""GET /api/v1/users/mention-candidates: who to suggest after "@" while writing."""

from __future__ import annotations

import pytest

from nic.services import accounts, groups
from nic.services.mentions import CANDIDATES_MAX
from tests.api.conftest import error_code
from tests.factories import make_group, make_user

URL = "users/mention-candidates"


def handles(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["handle"] for item in response.get_json()["items"]]


def test_people_of_the_group_come_first_then_the_network(network, as_role):
    make_user("Marcus Network")
    in_group = make_user("Mara Member")
    groups.add_member(None, network.open_group.id, in_group.id, "member")
    client = as_role("facilitator")
    assert handles(client.get(f"{URL}?q=ma")) == ["mara.member", "marcus.network", "maria.lopez"]
    grouped = client.get(f"{URL}?q=ma&group_id={network.open_group.id}")
    assert handles(grouped) == ["mara.member", "maria.lopez", "marcus.network"]
    assert [item["in_group"] for item in grouped.get_json()["items"]] == [True, True, False]


def test_a_candidate_shows_name_job_role_and_school(network, as_role):
    [maria] = as_role("facilitator").get(f"{URL}?q=maria").get_json()["items"]
    assert maria == {
        "kind": "user", "id": network.member.id, "handle": "maria.lopez",
        "name": "Maria Lopez", "job_role": "principal", "job_role_label": "Principal",
        "school": "Lincoln Elementary", "in_group": False,
    }  # fmt: skip


@pytest.mark.parametrize("q", ["lop", "LOP", "@lop", "maria.l", "Maria"])
def test_the_username_the_name_or_a_later_word_of_it_match(network, as_role, q):
    assert handles(as_role("facilitator").get(f"{URL}?q={q}")) == ["maria.lopez"]


def test_at_most_eight_active_people_and_never_oneself(network, as_role):
    for n in range(CANDIDATES_MAX + 3):
        make_user(f"Pat Person{n:02}")
    gone = make_user("Pat Gone")
    accounts.set_account_active(None, gone.id, False)
    found = handles(as_role("facilitator").get(f"{URL}?q=pat"))
    assert len(found) == CANDIDATES_MAX == 8
    assert found == [f"pat.person{n:02}" for n in range(8)]
    assert "pat.gone" not in found
    assert handles(as_role("member").get(f"{URL}?q=maria")) == []


def test_the_groups_one_facilitates_come_after_the_people(network, as_role):
    make_user("Coach Carter")
    facilitated = as_role("facilitator").get(f"{URL}?q=co").get_json()["items"]
    assert [(i["kind"], i["handle"]) for i in facilitated] == [
        ("user", "coach.carter"),
        ("group", "coaching-circle"),
    ]
    assert facilitated[1]["name"] == "Coaching circle" and facilitated[1]["school"] is None
    assert handles(as_role("member").get(f"{URL}?q=co")) == ["coach.carter"]
    assert handles(as_role("admin").get(f"{URL}?q=pri")) == ["principals-ilt"]
    assert handles(as_role("facilitator").get(f"{URL}?q=pri")) == ["principals-ilt"]


def test_groups_do_not_crowd_people_out(network, as_role):
    for n in range(10):
        make_group(f"Data team {n}", facilitator=network.facilitator)
        make_user(f"Dana Data{n}")
    found = as_role("facilitator").get(f"{URL}?q=da").get_json()["items"]
    assert [i["kind"] for i in found] == ["user"] * 5 + ["group"] * 3


@pytest.mark.parametrize("role", ["outsider", "member"])
def test_a_private_group_one_may_not_see_is_not_found(network, as_role, role):
    private = make_group("Secret ILT", visibility="private")
    response = as_role(role).get(f"{URL}?q=ma&group_id={private.id}")
    assert response.status_code == 404 and error_code(response) == "not_found"
    assert "Secret" not in response.get_data(as_text=True)
    missing = as_role(role).get(f"{URL}?q=ma&group_id=999999")
    assert missing.status_code == 404 and missing.get_json() == response.get_json()


@pytest.mark.parametrize(
    "query",
    ["", "?q=", "?q=@", "?q=a%20b", "?q=%C3%A9", "?q=-x", f"?q={'a' * 82}", "?q=ma&group_id=x",
     "?q=ma&group_id=0", "?q=ma&page=2"],
)  # fmt: skip
def test_bad_parameters_are_400(network, as_role, query):
    response = as_role("member").get(f"{URL}{query}")
    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert response.get_json()["error"]["fields"]


def test_the_signed_in_browser_may_ask_and_anonymous_may_not(network, client, login):
    assert client.get(f"/api/v1/{URL}?q=ma").status_code == 401
    login(network.facilitator)
    response = client.get(f"/api/v1/{URL}?q=ma&group_id={network.private_group.id}")
    assert handles(response) == ["maria.lopez"]


def test_a_few_queries_whatever_the_network_size(network, as_role, count_queries):
    client = as_role("facilitator")
    counts = []
    for n in range(2):
        for m in range(6):
            make_user(f"Maya Many{n}{m}")
        with count_queries() as counter:
            client.get(f"{URL}?q=ma&group_id={network.open_group.id}")
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 8, counts
