"""The aim and the driver diagram through the API: who reads, who writes, the tree, its parts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import DiagramChange
from tests.api.conftest import ApiClient, error_code, fields_of, ok
from tests.factories import make_practice, make_user

AIM = {
    "what": "Raise the share of 3rd graders reading on grade level",
    "how_much": "from 48% to 60%",
    "by_when": "2027-06-30",
    "for_whom": "across our 22 schools",
}
STATEMENT = (
    "Raise the share of 3rd graders reading on grade level from 48% to 60% by June 2027 "
    "across our 22 schools."
)


def start(client: ApiClient, aim_path: str = "aim") -> tuple[int, int]:
    """Write an aim: (the diagram's id, its root's id)."""
    aim = ok(client.put(aim_path, AIM), 201)
    tree = ok(client.get(f"driver-diagrams/{aim['diagram_id']}"))["tree"]
    return aim["diagram_id"], tree["id"]


def add(client: ApiClient, diagram_id: int, parent_id: int, title: str, **extra) -> dict:
    body = {"parent_id": parent_id, "title": title, **extra}
    return ok(client.post(f"driver-diagrams/{diagram_id}/nodes", body), 201)


@pytest.fixture
def diagram(network, as_role):
    """The private group's diagram: aim, two primary drivers, a secondary, a change idea."""
    fac = as_role("facilitator")
    diagram_id, root = start(fac, f"groups/{network.private_group.id}/aim")
    plcs = add(fac, diagram_id, root, "Strong PLCs")
    coaching = add(fac, diagram_id, root, "Coaching", description="**Weekly** cycles")
    time = add(fac, diagram_id, plcs["id"], "Protected time")
    huddles = add(fac, diagram_id, time["id"], "Data huddles")
    return {"id": diagram_id, "root": root, "plcs": plcs, "coaching": coaching, "time": time,
            "huddles": huddles}  # fmt: skip


def titles(tree: dict | None) -> list:
    """The tree as nested (kind, title, [children]) tuples."""
    if tree is None:
        return []
    return [(tree["kind"], tree["title"], [t for c in tree["children"] for t in titles(c)])]


# --- The aim ---------------------------------------------------------------------


def test_the_network_aim_is_written_by_a_facilitator_and_read_by_members(network, as_role):
    member, fac = as_role("member"), as_role("facilitator")
    assert member.get("aim").status_code == 404
    assert error_code(member.get("aim")) == "not_found"
    refused = member.put("aim", AIM)
    assert refused.status_code == 403 and error_code(refused) == "forbidden"

    created = ok(fac.put("aim", AIM), 201)
    assert created["statement"] == STATEMENT
    assert (created["by_when"], created["version"]) == ("2027-06-30", 1)

    read = ok(member.get("aim"))
    assert read == created
    assert set(read) == {"diagram_id", "what", "how_much", "by_when", "for_whom", "statement",
                         "version", "updated_at"}  # fmt: skip
    tree = ok(member.get(f"driver-diagrams/{read['diagram_id']}"))["tree"]
    assert (tree["kind"], tree["title"], tree["children"]) == ("aim", STATEMENT, [])

    revised = ok(fac.put("aim", {**AIM, "how_much": "from 48% to 65%", "version": 1}))
    assert revised["version"] == 2 and "65%" in revised["statement"]
    assert "65%" in ok(member.get(f"driver-diagrams/{read['diagram_id']}"))["tree"]["title"]


def test_a_stale_aim_is_409_with_the_aim_as_saved(network, as_role):
    fac = as_role("facilitator")
    ok(fac.put("aim", AIM), 201)
    ok(fac.put("aim", {**AIM, "for_whom": "in every school", "version": 1}))
    stale = fac.put("aim", {**AIM, "what": "Mine", "version": 1})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "conflict" and "Someone else saved this" in error["message"]
    assert error["current"]["version"] == 2
    assert error["current"]["for_whom"] == "in every school"
    # Without a version a revision is stale too: nothing is overwritten blindly.
    assert fac.put("aim", AIM).status_code == 409
    assert ok(fac.get("aim"))["for_whom"] == "in every school"


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"by_when": "2027-13-01"}, {"by_when"}),
        ({"by_when": "next June"}, {"by_when"}),
        ({"what": "   ", "for_whom": ""}, {"what", "for_whom"}),
        ({"how_much": "x" * 201}, {"how_much"}),
        ({"version": "1"}, {"version"}),
        ({"colour": "blue"}, {"colour"}),
    ],
)
def test_a_bad_aim_is_400_naming_its_fields(network, as_role, change, fields):
    response = as_role("facilitator").put("aim", {**AIM, **change})
    assert set(fields_of(response)) == fields
    assert as_role("member").get("aim").status_code == 404  # nothing was written


def test_a_missing_aim_field_is_400(network, as_role):
    body = {k: v for k, v in AIM.items() if k != "by_when"}
    assert set(fields_of(as_role("facilitator").put("aim", body))) == {"by_when"}


def test_a_groups_aim_is_its_facilitators_to_write(network, as_role, api_client):
    path = f"groups/{network.open_group.id}/aim"
    other_facilitator = api_client(make_user("Nina Network", job_role="facilitator"))
    assert other_facilitator.put(path, AIM).status_code == 403  # not this group's facilitator
    assert as_role("member").put(path, AIM).status_code == 403
    created = ok(as_role("facilitator").put(path, AIM), 201)
    assert ok(as_role("admin").put(path, {**AIM, "version": 1}))["version"] == 2
    assert ok(as_role("outsider").get(path))["diagram_id"] == created["diagram_id"]
    assert ok(as_role("member").get("driver-diagrams"))["total"] == 1  # no network aim yet


# --- Who sees which diagram ------------------------------------------------------------


def test_the_list_shows_the_diagrams_each_caller_may_see(network, as_role, diagram):
    fac = as_role("facilitator")
    network_id, _root = start(fac)
    open_id, _ = start(fac, f"groups/{network.open_group.id}/aim")

    def listed(role):
        return [(d["id"], d["group_name"], d["can_edit"])
                for d in ok(as_role(role).get("driver-diagrams"))["items"]]  # fmt: skip

    assert listed("member") == [(network_id, None, False), (open_id, "Coaching circle", False),
                                (diagram["id"], "Principals ILT", False)]  # fmt: skip
    assert listed("facilitator") == [(network_id, None, True), (open_id, "Coaching circle", True),
                                     (diagram["id"], "Principals ILT", True)]  # fmt: skip
    assert listed("outsider") == [(network_id, None, False), (open_id, "Coaching circle", False)]
    assert [d[0] for d in listed("admin")] == [network_id, open_id, diagram["id"]]
    page = ok(as_role("member").get("driver-diagrams?per_page=1&page=2"))
    assert (page["total"], [d["id"] for d in page["items"]]) == (3, [open_id])
    first = ok(as_role("member").get("driver-diagrams"))["items"][0]
    assert first["statement"] == STATEMENT and first["url"] == "/improvement"


def test_outsiders_get_404_for_everything_of_a_private_groups_diagram(network, as_role, diagram):
    outsider = as_role("outsider")
    practice = make_practice(network.member)
    base = f"driver-diagrams/{diagram['id']}"
    node = f"{base}/nodes/{diagram['huddles']['id']}"
    calls = [
        ("GET", f"groups/{network.private_group.id}/aim", None),
        ("PUT", f"groups/{network.private_group.id}/aim", {**AIM, "version": 1}),
        ("GET", base, None),
        ("GET", f"{base}?as_of=2020-01-01", None),
        ("GET", f"{base}/nodes", None),
        ("POST", f"{base}/nodes", {"parent_id": diagram["root"], "title": "Mine"}),
        ("GET", node, None),
        ("PATCH", node, {"title": "Mine", "version": 1}),
        ("DELETE", node, None),
        ("POST", f"{node}/practices", {"practice_id": practice.id}),
        ("DELETE", f"{node}/practices/{practice.id}", None),
    ]
    for method, path, body in calls:
        response = outsider.request(method, path, body)
        assert response.status_code == 404, (method, path, response.get_json())
        assert error_code(response) == "not_found"
    assert diagram["id"] not in [d["id"] for d in ok(outsider.get("driver-diagrams"))["items"]]
    # The member still sees it all unchanged.
    assert ok(as_role("member").get(node))["title"] == "Data huddles"


def test_members_read_but_get_403_for_every_write(network, as_role, diagram):
    member = as_role("member")
    practice = make_practice(network.member)
    base = f"driver-diagrams/{diagram['id']}"
    node = f"{base}/nodes/{diagram['huddles']['id']}"
    assert ok(member.get(base))["can_edit"] is False
    assert ok(member.get(f"{base}/nodes"))["total"] == 5
    calls = [
        ("PUT", f"groups/{network.private_group.id}/aim", {**AIM, "version": 1}),
        ("POST", f"{base}/nodes", {"parent_id": diagram["root"], "title": "Mine"}),
        ("PATCH", node, {"title": "Mine", "version": 1}),
        ("PATCH", node, {}),
        ("PATCH", node, {"position": 0}),
        ("DELETE", node, None),
        ("POST", f"{node}/practices", {"practice_id": practice.id}),
        ("DELETE", f"{node}/practices/{practice.id}", None),
    ]
    for method, path, body in calls:
        response = member.request(method, path, body)
        assert response.status_code == 403, (method, path, response.get_json())
        assert error_code(response) == "forbidden"
    assert ok(member.get(node))["title"] == "Data huddles"


def test_a_node_of_another_diagram_is_404(network, as_role, diagram):
    fac = as_role("facilitator")
    network_id, network_root = start(fac)
    elsewhere = f"driver-diagrams/{network_id}/nodes/{diagram['plcs']['id']}"
    for method, body in (("GET", None), ("PATCH", {"title": "x", "version": 1}),
                         ("DELETE", None)):  # fmt: skip
        assert fac.request(method, elsewhere, body).status_code == 404
    assert fac.get(f"driver-diagrams/{diagram['id']}/nodes/{network_root}").status_code == 404
    assert fac.get("driver-diagrams/999999").status_code == 404
    # A parent from another diagram is not there to add under.
    response = fac.post(f"driver-diagrams/{network_id}/nodes",
                        {"parent_id": diagram["plcs"]["id"], "title": "Peer visits"})  # fmt: skip
    assert set(fields_of(response)) == {"parent_id"}


# --- The tree and its parts ----------------------------------------------------------


def test_the_tree_is_nested_and_the_list_is_flat(network, as_role, diagram):
    member = as_role("member")
    body = ok(member.get(f"driver-diagrams/{diagram['id']}"))
    assert (body["group_id"], body["as_of"]) == (network.private_group.id, None)
    tree = body["tree"]
    assert titles(tree) == [("aim", STATEMENT, [
        ("primary", "Strong PLCs", [("secondary", "Protected time", [
            ("change_idea", "Data huddles", [])])]),
        ("primary", "Coaching", []),
    ])]  # fmt: skip
    coaching = tree["children"][1]
    assert set(coaching) == {"id", "kind", "title", "description_html", "position", "version",
                             "practices", "children"}  # fmt: skip
    assert (coaching["position"], coaching["version"]) == (1, 1)
    assert "<strong>Weekly</strong>" in coaching["description_html"]

    flat = ok(member.get(f"driver-diagrams/{diagram['id']}/nodes"))
    assert flat["total"] == 5
    assert [(n["title"], n["parent_id"]) for n in flat["items"]] == [
        (STATEMENT, None), ("Strong PLCs", diagram["root"]),
        ("Protected time", diagram["plcs"]["id"]), ("Data huddles", diagram["time"]["id"]),
        ("Coaching", diagram["root"]),
    ]  # fmt: skip
    assert flat["items"][4]["description"] == "**Weekly** cycles"
    last = ok(member.get(f"driver-diagrams/{diagram['id']}/nodes?per_page=2&page=3"))
    assert [n["title"] for n in last["items"]] == ["Coaching"]


def test_added_parts_take_their_kind_from_the_parent(network, as_role, diagram):
    assert diagram["plcs"]["kind"] == "primary"
    assert diagram["time"]["kind"] == "secondary"
    assert diagram["huddles"]["kind"] == "change_idea"
    assert diagram["coaching"]["position"] == 1
    named = add(as_role("facilitator"), diagram["id"], diagram["coaching"]["id"], "Peer visits",
                kind="secondary")  # fmt: skip
    assert (named["kind"], named["parent_id"], named["position"]) == (
        "secondary", diagram["coaching"]["id"], 0,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"title": "   "}, {"title"}),
        ({"title": ""}, {"title"}),
        ({"title": "x" * 201, "description": "y" * 5001}, {"title", "description"}),
        ({"kind": "change_idea", "title": "Too deep"}, {"parent_id"}),  # under a primary
        ({"kind": "aim", "title": "Second aim"}, {"kind"}),
        ({"parent_id": 999_999, "title": "Nowhere"}, {"parent_id"}),
        ({"parent_id": "1", "title": "Text id"}, {"parent_id"}),
        ({}, {"title"}),
    ],
)
def test_bad_parts_are_400_naming_their_fields(network, as_role, diagram, body, fields):
    body = {"parent_id": diagram["plcs"]["id"], **body}
    response = as_role("facilitator").post(f"driver-diagrams/{diagram['id']}/nodes", body)
    assert set(fields_of(response)) == fields
    assert ok(as_role("member").get(f"driver-diagrams/{diagram['id']}/nodes"))["total"] == 5


def test_nothing_goes_under_a_change_idea(network, as_role, diagram):
    response = as_role("facilitator").post(
        f"driver-diagrams/{diagram['id']}/nodes",
        {"parent_id": diagram["huddles"]["id"], "title": "Deeper"},
    )
    assert fields_of(response) == {"parent_id": "Nothing goes under a change idea."}


def test_rename_with_version_and_a_stale_edit_is_409(network, as_role, diagram):
    fac = as_role("facilitator")
    url = f"driver-diagrams/{diagram['id']}/nodes/{diagram['plcs']['id']}"
    renamed = ok(fac.patch(url, {"title": "Strong PLCs in every grade", "version": 1}))
    assert (renamed["title"], renamed["version"]) == ("Strong PLCs in every grade", 2)
    described = ok(fac.patch(url, {"description": "Every *week*.", "version": 2}))
    assert described["title"] == "Strong PLCs in every grade"  # kept: not sent
    assert "<em>week</em>" in described["description_html"] and described["version"] == 3

    stale = fac.patch(url, {"title": "Mine", "version": 1})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "conflict"
    assert (error["current"]["title"], error["current"]["version"]) == (
        "Strong PLCs in every grade", 3,
    )  # fmt: skip
    assert ok(fac.get(url))["title"] == "Strong PLCs in every grade"


def test_an_edit_without_its_version_or_with_bad_words_is_400(network, as_role, diagram):
    fac = as_role("facilitator")
    url = f"driver-diagrams/{diagram['id']}/nodes/{diagram['plcs']['id']}"
    assert set(fields_of(fac.patch(url, {"title": "No version"}))) == {"version"}
    assert set(fields_of(fac.patch(url, {"title": " ", "version": 1}))) == {"title"}
    assert set(fields_of(fac.patch(url, {"title": "x", "version": True}))) == {"version"}
    assert set(fields_of(fac.patch(url, {"kind": "secondary"}))) == {"kind"}
    root = f"driver-diagrams/{diagram['id']}/nodes/{diagram['root']}"
    assert set(fields_of(fac.patch(root, {"title": "New aim", "version": 1}))) == {"title"}
    assert ok(fac.get(url))["version"] == 1


def test_moving_a_part_and_the_refused_moves(network, as_role, diagram):
    fac = as_role("facilitator")
    nodes = f"driver-diagrams/{diagram['id']}/nodes"
    plcs, time = f"{nodes}/{diagram['plcs']['id']}", f"{nodes}/{diagram['time']['id']}"
    under_itself = fac.patch(plcs, {"parent_id": diagram["time"]["id"]})
    assert "cannot move under itself" in fields_of(under_itself)["parent_id"]
    wrong_level = fac.patch(time, {"parent_id": diagram["root"]})
    assert "Under a aim go primary drivers" in fields_of(wrong_level)["parent_id"]
    aim = fac.patch(f"{nodes}/{diagram['root']}", {"parent_id": diagram["plcs"]["id"]})
    assert "does not move" in fields_of(aim)["parent_id"]

    moved = ok(fac.patch(time, {"parent_id": diagram["coaching"]["id"]}))
    assert (moved["parent_id"], moved["position"]) == (diagram["coaching"]["id"], 0)
    tree = ok(fac.get(f"driver-diagrams/{diagram['id']}"))["tree"]
    assert [len(p["children"]) for p in tree["children"]] == [0, 1]


def test_position_moves_a_part_among_its_siblings(network, as_role, diagram):
    fac = as_role("facilitator")
    nodes = f"driver-diagrams/{diagram['id']}/nodes"
    third = add(fac, diagram["id"], diagram["root"], "Family engagement")
    assert third["position"] == 2
    moved = ok(fac.patch(f"{nodes}/{third['id']}", {"position": 0}))
    assert moved["position"] == 0

    def order():
        tree = ok(fac.get(f"driver-diagrams/{diagram['id']}"))["tree"]
        return [(c["title"], c["position"]) for c in tree["children"]]

    assert order() == [("Family engagement", 0), ("Strong PLCs", 1), ("Coaching", 2)]
    ok(fac.patch(f"{nodes}/{third['id']}", {"position": 1}))
    assert order() == [("Strong PLCs", 0), ("Family engagement", 1), ("Coaching", 2)]
    too_far = fac.patch(f"{nodes}/{third['id']}", {"position": 3})
    assert "from 0 to 2" in fields_of(too_far)["position"]
    assert set(fields_of(fac.patch(f"{nodes}/{third['id']}", {"position": -1}))) == {"position"}
    # Moved and placed in one request: under Coaching, then first there.
    idea = add(fac, diagram["id"], diagram["time"]["id"], "Exit tickets")
    other = add(fac, diagram["id"], diagram["coaching"]["id"], "Peer visits")
    both = ok(fac.patch(f"{nodes}/{diagram['time']['id']}",
                        {"parent_id": diagram["coaching"]["id"], "position": 0}))  # fmt: skip
    assert (both["parent_id"], both["position"]) == (diagram["coaching"]["id"], 0)
    assert ok(fac.get(f"{nodes}/{other['id']}"))["position"] == 1
    assert ok(fac.get(f"{nodes}/{idea['id']}"))["parent_id"] == diagram["time"]["id"]


def test_archiving_a_branch_needs_with_children(network, as_role, diagram):
    fac = as_role("facilitator")
    nodes = f"driver-diagrams/{diagram['id']}/nodes"
    plcs = f"{nodes}/{diagram['plcs']['id']}"
    refused = fac.delete(plcs)
    assert "still has 2 live part(s)" in fields_of(refused)["node"]
    assert set(fields_of(fac.delete(f"{plcs}?with_children=maybe"))) == {"with_children"}
    assert fac.delete(f"{nodes}/{diagram['root']}").status_code == 400

    response = fac.delete(f"{plcs}?with_children=true")
    assert response.status_code == 204 and response.data == b""
    assert [n["title"] for n in ok(fac.get(nodes))["items"]] == [STATEMENT, "Coaching"]
    archived = ok(fac.get(f"{nodes}/{diagram['huddles']['id']}"))
    assert archived["archived_at"] is not None
    assert fac.patch(plcs, {"title": "Back", "version": 2}).status_code == 400
    coaching = ok(fac.get(f"{nodes}/{diagram['coaching']['id']}"))
    assert (coaching["position"], coaching["archived_at"]) == (0, None)
    # A leaf goes without the flag.
    assert fac.delete(f"{nodes}/{diagram['coaching']['id']}").status_code == 204


def test_practices_link_to_change_ideas(network, as_role, diagram):
    fac = as_role("facilitator")
    practice = make_practice(network.member, "Data huddles every other Friday")
    draft = make_practice(network.member, "Half written", publish=False)
    nodes = f"driver-diagrams/{diagram['id']}/nodes"
    idea = f"{nodes}/{diagram['huddles']['id']}"

    linked = ok(fac.post(f"{idea}/practices", {"practice_id": practice.id}))
    assert linked["practices"] == [{"id": practice.id, "title": practice.title}]
    ok(fac.post(f"{idea}/practices", {"practice_id": practice.id}))  # twice is once
    assert ok(as_role("member").get(idea))["practices"] == linked["practices"]
    tree = ok(as_role("member").get(f"driver-diagrams/{diagram['id']}"))["tree"]
    assert tree["children"][0]["children"][0]["children"][0]["practices"] == linked["practices"]

    not_an_idea = fac.post(f"{nodes}/{diagram['time']['id']}/practices",
                           {"practice_id": practice.id})  # fmt: skip
    assert "Only change ideas" in fields_of(not_an_idea)["practice_id"]
    assert set(fields_of(fac.post(f"{idea}/practices", {"practice_id": draft.id}))) == {
        "practice_id"
    }
    assert set(fields_of(fac.post(f"{idea}/practices", {}))) == {"practice_id"}

    unlinked = fac.delete(f"{idea}/practices/{practice.id}")
    assert unlinked.status_code == 204
    assert ok(fac.get(idea))["practices"] == []
    again = fac.delete(f"{idea}/practices/{practice.id}")
    assert again.status_code == 404 and error_code(again) == "not_found"


# --- The past ---------------------------------------------------------------------------


def test_as_of_shows_the_diagram_as_it_stood(network, as_role, diagram, app):
    fac = as_role("facilitator")
    days_ago = datetime.now(UTC) - timedelta(days=3)
    db.session.execute(
        sa.update(DiagramChange).where(DiagramChange.diagram_id == diagram["id"])
        .values(at=days_ago)
    )  # fmt: skip
    db.session.commit()
    nodes = f"driver-diagrams/{diagram['id']}/nodes"
    ok(fac.patch(f"{nodes}/{diagram['plcs']['id']}", {"title": "PLCs", "version": 1}))
    fac.delete(f"{nodes}/{diagram['coaching']['id']}")
    url = f"driver-diagrams/{diagram['id']}"

    then = (date.today() - timedelta(days=2)).isoformat()
    past = ok(as_role("member").get(f"{url}?as_of={then}"))
    assert past["as_of"] == then
    assert [c["title"] for c in past["tree"]["children"]] == ["Strong PLCs", "Coaching"]
    assert past["tree"]["version"] is None and past["tree"]["children"][0]["practices"] == []
    now = ok(as_role("member").get(url))
    assert [c["title"] for c in now["tree"]["children"]] == ["PLCs"]
    today = ok(as_role("member").get(f"{url}?as_of={date.today().isoformat()}"))
    assert today["as_of"] is None and titles(today["tree"]) == titles(now["tree"])
    before = ok(as_role("member").get(f"{url}?as_of=2020-01-01"))
    assert (before["as_of"], before["tree"]) == ("2020-01-01", None)


@pytest.mark.parametrize("query", ["as_of=2026-02-30", "as_of=yesterday", "as_of=", "asof=1"])
def test_a_bad_as_of_is_400(network, as_role, diagram, query):
    response = as_role("member").get(f"driver-diagrams/{diagram['id']}?{query}")
    assert set(fields_of(response)) == {query.split("=")[0]}
