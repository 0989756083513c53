"""PDSA cycles through the API: planning, phases, ramps, who sees what, lists, evidence."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from nic.services import cycles
from nic.services import driver_diagrams as dd
from nic.services.cycles import NO_PLAN
from tests.api.conftest import error_code, fields_of, ok
from tests.api.test_reference import examples_of, same_shape
from tests.factories import make_group, make_group_change_idea, make_practice, make_user

PLAN = {
    "title": "Data huddles in grade 3",
    "question": "Will a 20-minute huddle change Friday's reteach?",
    "prediction": "Most teams will plan a reteach from the exit ticket.",
    "plan": "Grade 3 team, Fridays, room 12",
    "data_plan": "Exit tickets before and after",
    "planned_start": "2030-09-01",
    "planned_end": "2030-09-30",
}


def plan(client, idea, school, **extra) -> dict:
    body = {"change_idea_id": idea.id, "school_id": school.id, **PLAN, **extra}
    return ok(client.post("cycles", body), 201)


# --- Planning ----------------------------------------------------------------------


def test_a_school_member_plans_a_cycle(world):
    cycle = plan(world["as_maria"], world["idea"], world["lincoln"])
    assert (cycle["phase"], cycle["version"], cycle["can_edit"]) == ("plan", 1, True)
    assert cycle["school"] == {"id": world["lincoln"].id, "name": "Lincoln Elementary"}
    assert cycle["change_idea"] == {"id": world["idea"].id, "title": "Data huddles"}
    assert cycle["question_html"] == "<p>Will a 20-minute huddle change Friday's reteach?</p>"
    assert (cycle["planned_start"], cycle["planned_end"]) == ("2030-09-01", "2030-09-30")
    assert (cycle["previous_id"], cycle["next_ids"], cycle["warnings"]) == (None, [], [])
    assert (cycle["group_id"], cycle["decision"], cycle["did"]) == (None, None, "")
    assert cycle["url"] == f"/cycles/{cycle['id']}"
    assert ok(world["as_james"].get(f"cycles/{cycle['id']}"))["can_edit"] is False


def test_another_schools_cycle_is_403_and_bad_places_are_400(world):
    refused = world["as_maria"].post(
        "cycles", {"change_idea_id": world["idea"].id, "school_id": world["harbor"].id, **PLAN}
    )
    assert refused.status_code == 403 and error_code(refused) == "forbidden"
    client = world["as_maria"]
    body = {"change_idea_id": world["secondary"].id, "school_id": world["lincoln"].id, **PLAN}
    assert "change ideas" in fields_of(client.post("cycles", body))["change_idea_id"]
    body["change_idea_id"] = 999_999
    assert set(fields_of(client.post("cycles", body))) == {"change_idea_id"}
    theirs = make_group(visibility="private", members=[world["james"]])
    body = {"change_idea_id": world["idea"].id, "school_id": world["lincoln"].id, **PLAN}
    assert set(fields_of(client.post("cycles", {**body, "group_id": theirs.id}))) == {"group_id"}
    draft = make_practice(world["james"], publish=False)
    assert set(fields_of(client.post("cycles", {**body, "practice_id": draft.id}))) == {
        "practice_id"
    }
    assert ok(client.get("cycles"))["total"] == 0


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"planned_start": "2026-13-01"}, {"planned_start"}),
        ({"planned_end": "next Friday"}, {"planned_end"}),
        ({"planned_start": "2030-09-30", "planned_end": "2030-09-01"}, {"planned_end"}),
        ({"title": "   "}, {"title"}),
        ({"title": None}, {"title"}),
        ({"question": "x" * 10_001}, {"question"}),
        ({"school_id": "1"}, {"school_id"}),
        ({"colour": "blue"}, {"colour"}),
    ],
)
def test_a_bad_plan_is_400_naming_its_fields(world, change, fields):
    body = {"change_idea_id": world["idea"].id, "school_id": world["lincoln"].id, **PLAN}
    assert set(fields_of(world["as_maria"].post("cycles", {**body, **change}))) == fields


def test_missing_fields_are_400(world):
    body = {"title": "Huddles"}
    assert set(fields_of(world["as_maria"].post("cycles", body))) == {
        "change_idea_id", "school_id"
    }  # fmt: skip
    bare = ok(world["as_maria"].post("cycles", {"change_idea_id": world["idea"].id,
                                                "school_id": world["lincoln"].id,
                                                "title": "Huddles"}), 201)  # fmt: skip
    assert (bare["question"], bare["planned_end"]) == ("", None)


# --- Recording phases ----------------------------------------------------------------


def test_patch_saves_phases_in_order_and_keeps_what_is_not_sent(world):
    client = world["as_maria"]
    cycle = plan(client, world["idea"], world["lincoln"])
    url = f"cycles/{cycle['id']}"
    done = ok(client.patch(url, {"did": "Three huddles", "version": 1}))
    assert (done["phase"], done["version"], done["did_html"]) == ("do", 2, "<p>Three huddles</p>")
    assert done["question"] == PLAN["question"]
    both = ok(client.patch(url, {"observations": "Quiet", "results": "**4 of 5** retaught",
                                 "prediction": "Most will", "version": 2}))  # fmt: skip
    assert both["version"] == 5  # plan, do and study: one save each
    assert (both["did"], both["observations"], both["prediction"]) == (
        "Three huddles", "Quiet", "Most will")  # fmt: skip
    assert both["results_html"] == "<p><strong>4 of 5</strong> retaught</p>"
    assert (both["title"], both["planned_end"]) == (PLAN["title"], "2030-09-30")
    acted = ok(client.patch(url, {"decision": "adopt", "version": 5}))
    assert (acted["phase"], acted["decision"], acted["warnings"]) == ("act", "adopt", [])
    assert acted["decided_at"] is not None
    undone = ok(client.patch(url, {"decision": None, "next_steps": "Grade 4", "version": 6}))
    assert (undone["decision"], undone["next_steps"]) == (None, "Grade 4")
    moved = ok(client.patch(url, {"planned_end": None, "version": 7}))
    assert (moved["planned_end"], moved["planned_start"]) == (None, "2030-09-01")


def test_act_before_plan_is_saved_with_a_warning(world):
    client = world["as_maria"]
    bare = ok(client.post("cycles", {"change_idea_id": world["idea"].id,
                                     "school_id": world["lincoln"].id,
                                     "title": "Huddles"}), 201)  # fmt: skip
    acted = ok(client.patch(f"cycles/{bare['id']}", {"decision": "adapt", "version": 1}))
    assert (acted["phase"], acted["warnings"]) == ("act", [NO_PLAN])
    assert ok(client.get(f"cycles/{bare['id']}"))["warnings"] == []
    planned = ok(client.patch(f"cycles/{bare['id']}", {"question": "Why?", "version": 2}))
    assert planned["warnings"] == [] and planned["decision"] == "adapt"


def test_a_stale_version_is_409_with_the_cycle_as_saved(world):
    client = world["as_maria"]
    cycle = plan(client, world["idea"], world["lincoln"])
    url = f"cycles/{cycle['id']}"
    ok(client.patch(url, {"did": "Three huddles", "version": 1}))
    stale = client.patch(url, {"did": "Mine", "version": 1})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "conflict"
    assert (error["current"]["did"], error["current"]["version"]) == ("Three huddles", 2)
    assert error["current"]["school"]["name"] == "Lincoln Elementary"
    assert client.patch(url, {"title": "Mine", "version": 1}).status_code == 409
    assert ok(client.get(url))["did"] == "Three huddles"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"did": "x"}, {"version"}),
        ({"did": "x", "version": "2"}, {"version"}),
        ({"decision": "maybe", "version": 1}, {"decision"}),
        ({"planned_start": "2026-02-30", "version": 1}, {"planned_start"}),
        ({"planned_end": "2026-08-01", "version": 1}, {"planned_end"}),
        ({"title": "", "version": 1}, {"title"}),
        ({"phase": "act", "version": 1}, {"phase"}),
    ],
)
def test_a_bad_patch_is_400_naming_its_fields(world, body, fields):
    client = world["as_maria"]
    cycle = plan(client, world["idea"], world["lincoln"])
    assert set(fields_of(client.patch(f"cycles/{cycle['id']}", body))) == fields
    assert ok(client.get(f"cycles/{cycle['id']}"))["version"] == 1


def test_only_the_school_team_records_it(world, api_client):
    cycle = plan(world["as_maria"], world["idea"], world["lincoln"])
    url = f"cycles/{cycle['id']}"
    for body in ({"did": "Mine", "version": 1}, {"version": 1}):
        refused = world["as_james"].patch(url, body)
        assert refused.status_code == 403 and error_code(refused) == "forbidden"
    refused = world["as_james"].post(f"{url}/next", {"title": "Mine"})
    assert refused.status_code == 403 and error_code(refused) == "forbidden"
    assert ok(world["as_maria"].get(url))["did"] == ""
    teammate = api_client(make_user(school=world["lincoln"]))
    assert ok(teammate.patch(url, {"did": "Ours", "version": 1}))["did"] == "Ours"


# --- Ramps -----------------------------------------------------------------------


def test_next_cycles_chain_and_each_shows_its_previous_and_next(world):
    client = world["as_maria"]
    practice = make_practice(world["maria"])
    first = plan(client, world["idea"], world["lincoln"], group_id=world["group"].id,
                 practice_id=practice.id)  # fmt: skip
    second = ok(client.post(f"cycles/{first['id']}/next", {"title": "Huddles, cycle 2"}), 201)
    assert (second["previous_id"], second["group_id"], second["practice_id"]) == (
        first["id"], world["group"].id, practice.id)  # fmt: skip
    assert (second["school"], second["change_idea"]) == (first["school"], first["change_idea"])
    third = ok(client.post(f"cycles/{second['id']}/next",
                           {"title": "Cycle 3", "group_id": None, "practice_id": None,
                            "planned_start": "2030-10-01"}), 201)  # fmt: skip
    assert (third["group_id"], third["practice_id"], third["planned_start"]) == (
        None, None, "2030-10-01")  # fmt: skip
    assert ok(client.get(f"cycles/{first['id']}"))["next_ids"] == [second["id"], third["id"]]
    middle = ok(client.get(f"cycles/{second['id']}"))
    assert (middle["previous_id"], middle["next_ids"]) == (first["id"], [third["id"]])
    assert ok(client.get(f"cycles/{third['id']}"))["next_ids"] == []
    # A cycle of another school to follow is not one's own.
    harbor = plan(world["as_james"], world["idea"], world["harbor"])
    body = {"change_idea_id": world["idea"].id, "school_id": world["lincoln"].id, **PLAN}
    assert set(fields_of(client.post("cycles", {**body, "previous_id": harbor["id"]}))) == {
        "previous_id"
    }
    assert set(fields_of(client.post(f"cycles/{first['id']}/next", {}))) == {"title"}


# --- Who sees what ---------------------------------------------------------------------


def test_a_private_groups_cycle_is_404_to_outsiders_everywhere(world):
    cycle = plan(world["as_maria"], world["idea"], world["lincoln"], group_id=world["group"].id)
    url = f"cycles/{cycle['id']}"
    outsider = world["as_james"]
    calls = [
        ("GET", url, None),
        ("PATCH", url, {"did": "Mine", "version": 1}),
        ("PATCH", url, {"version": 1}),
        ("POST", f"{url}/next", {"title": "Mine"}),
    ]
    for method, path, body in calls:
        response = outsider.request(method, path, body)
        assert response.status_code == 404, (method, path, response.get_json())
        assert error_code(response) == "not_found"
    assert ok(outsider.get("cycles"))["total"] == 0
    evidence = ok(outsider.get(f"change-ideas/{world['idea'].id}/evidence"))
    assert (evidence["cycles"], evidence["schools"]) == (0, 0)
    assert ok(world["as_maria"].get(f"change-ideas/{world['idea'].id}/evidence"))["cycles"] == 1
    assert ok(world["as_fran"].get("cycles"))["total"] == 0  # not in the group either
    assert ok(world["as_maria"].get("cycles"))["total"] == 1


def test_anonymous_callers_are_401(world, api_client):
    anonymous = api_client(None)
    assert anonymous.get("cycles").status_code == 401
    assert anonymous.get(f"change-ideas/{world['idea'].id}/evidence").status_code == 401


# --- Lists -------------------------------------------------------------------------


@pytest.fixture
def several(world):
    """Five cycles: Lincoln's two on the idea (one decided, one overdue), one on the other
    idea with a practice, Harbor's two on the idea (one fully recorded but undecided)."""
    maria, james = world["as_maria"], world["as_james"]
    practice = make_practice(world["maria"])
    past = {"planned_start": "2020-01-01", "planned_end": "2020-01-31"}
    decided = plan(maria, world["idea"], world["lincoln"], **past)
    ok(maria.patch(f"cycles/{decided['id']}", {"decision": "adopt", "version": 1}))
    overdue = plan(maria, world["idea"], world["lincoln"], **past)
    ok(maria.patch(f"cycles/{overdue['id']}", {"did": "Ran it", "version": 1}))
    with_practice = plan(maria, world["other"], world["lincoln"], practice_id=practice.id)
    harbor = plan(james, world["idea"], world["harbor"])
    recorded = plan(james, world["idea"], world["harbor"], **past)
    recording = {"did": "Ran it", "results": "Better", "next_steps": "Grade 4", "version": 1}
    ok(james.patch(f"cycles/{recorded['id']}", recording))
    return {"decided": decided["id"], "overdue": overdue["id"],
            "with_practice": with_practice["id"], "harbor": harbor["id"],
            "recorded": recorded["id"], "practice": practice.id}  # fmt: skip


def listed(client, query: str = "") -> list[int]:
    return [c["id"] for c in ok(client.get(f"cycles?{query}"))["items"]]


def test_the_list_is_newest_first_with_schools_and_change_ideas(world, several):
    body = ok(world["as_james"].get("cycles"))
    assert body["total"] == 5
    assert [c["id"] for c in body["items"]] == [several["recorded"], several["harbor"],
                                                several["with_practice"], several["overdue"],
                                                several["decided"]]  # fmt: skip
    first = body["items"][0]
    assert first["school"] == {"id": world["harbor"].id, "name": "Harbor View"}
    assert first["change_idea"] == {"id": world["idea"].id, "title": "Data huddles"}
    assert "question" not in first and first["phase"] == "act"
    assert body["items"][3]["overdue_phase"] == "study"


def test_each_filter_narrows_the_list(world, several):
    client = world["as_maria"]
    assert listed(client, f"school_id={world['harbor'].id}") == [several["recorded"],
                                                                 several["harbor"]]  # fmt: skip
    assert listed(client, f"change_idea_id={world['other'].id}") == [several["with_practice"]]
    assert listed(client, f"practice_id={several['practice']}") == [several["with_practice"]]
    assert listed(client, "phase=do") == [several["overdue"]]
    assert listed(client, "phase=act") == [several["recorded"], several["decided"]]
    assert listed(client, "phase=plan") == [several["harbor"], several["with_practice"]]
    assert listed(client, "decided=true") == [several["decided"]]
    assert len(listed(client, "decided=false")) == 4
    # Overdue: past the planned end, no decision, a phase still empty (the recorded one
    # has Do, Study and next steps: not overdue).
    assert listed(client, "overdue=true") == [several["overdue"]]
    assert several["overdue"] not in listed(client, "overdue=false")
    assert len(listed(client, "overdue=false")) == 4
    both = f"school_id={world['lincoln'].id}&change_idea_id={world['idea'].id}&decided=false"
    assert listed(client, both) == [several["overdue"]]
    assert listed(client, "school_id=999999") == []


def test_overdue_in_the_list_matches_each_cycles_overdue_phase(world, several):
    items = ok(world["as_maria"].get("cycles"))["items"]
    overdue = {c["id"] for c in items if c["overdue_phase"] is not None}
    assert overdue == set(listed(world["as_maria"], "overdue=true"))


@pytest.mark.parametrize(
    "query",
    ["phase=done", "decided=maybe", "overdue=soon", "school_id=abc", "school_id=0",
     "change_idea_id=-1", "practice_id=1.5", "colour=blue", "per_page=101"],
)  # fmt: skip
def test_bad_filters_are_400_naming_them(world, query):
    assert set(fields_of(world["as_maria"].get(f"cycles?{query}"))) == {query.split("=")[0]}


def test_the_list_is_paginated(world, several):
    client = world["as_maria"]
    pages = [ok(client.get(f"cycles?per_page=2&page={n}")) for n in (1, 2, 3, 4)]
    assert [p["total"] for p in pages] == [5, 5, 5, 5]
    assert [len(p["items"]) for p in pages] == [2, 2, 1, 0]
    seen = [c["id"] for p in pages for c in p["items"]]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 5
    assert (pages[1]["page"], pages[1]["per_page"]) == (2, 2)


def test_the_list_takes_the_same_queries_for_2_and_12_cycles(world, count_queries):
    client = world["as_maria"]
    client.get("cycles")  # warm up whatever a first request loads once

    def counted() -> int:
        with count_queries() as counter:
            assert client.get("cycles").status_code == 200
        return counter.count

    for school, member in ((world["lincoln"], world["maria"]), (world["harbor"], world["james"])):
        node = dd.get_node_for(member, world["idea"].id)
        cycles.plan_cycle(member, node, cycles.NewCycle(school.id), cycles.PlanFields("One"))
    few = counted()
    for n in range(10):
        school, member = ((world["lincoln"], world["maria"]), (world["harbor"], world["james"]))[
            n % 2
        ]
        node = dd.get_node_for(member, world["other"].id)
        cycles.plan_cycle(member, node, cycles.NewCycle(school.id), cycles.PlanFields("More"))
    assert ok(client.get("cycles"))["total"] == 12
    assert counted() == few


# --- Evidence ------------------------------------------------------------------------


def test_evidence_counts_cycles_decisions_and_stages(world):
    maria, james = world["as_maria"], world["as_james"]
    first = plan(maria, world["idea"], world["lincoln"])
    ok(maria.patch(f"cycles/{first['id']}", {"decision": "adapt", "version": 1}))
    second = ok(maria.post(f"cycles/{first['id']}/next", {"title": "Cycle 2"}), 201)
    ok(maria.patch(f"cycles/{second['id']}", {"decision": "adopt", "version": 1}))
    ok(maria.post(f"cycles/{second['id']}/next", {"title": "Cycle 3"}), 201)
    harbor = plan(james, world["idea"], world["harbor"])
    ok(james.patch(f"cycles/{harbor['id']}", {"decision": "abandon", "version": 1}))
    plan(maria, world["other"], world["lincoln"])

    found = ok(world["as_fran"].get(f"change-ideas/{world['idea'].id}/evidence"))
    assert found == {
        "change_idea": {"id": world["idea"].id, "title": "Data huddles"},
        "cycles": 4,
        "schools": 2,
        "stages": {"testing": 0, "implementing": 0, "spreading": 1, "abandoned": 1},
        "decisions": {"adopt": 1, "adapt": 1, "abandon": 1},
    }
    other = ok(maria.get(f"change-ideas/{world['other'].id}/evidence"))
    assert (other["cycles"], other["schools"], other["stages"]["testing"]) == (1, 1, 1)


def test_evidence_of_what_is_not_a_visible_change_idea_is_404(world, api_client):
    client = world["as_maria"]
    for node_id in (world["secondary"].id, 999_999):
        response = client.get(f"change-ideas/{node_id}/evidence")
        assert response.status_code == 404 and error_code(response) == "not_found"
    group, idea = make_group_change_idea([world["maria"]])
    assert client.get(f"change-ideas/{idea.id}/evidence").status_code == 200
    assert world["as_james"].get(f"change-ideas/{idea.id}/evidence").status_code == 404
    # A cycle on a group's diagram is kept to that group whatever is asked.
    kept = plan(client, idea, world["lincoln"], group_id=None)
    assert kept["group_id"] == group.id
    assert world["as_james"].get(f"cycles/{kept['id']}").status_code == 404


def test_dates_in_the_future_are_not_overdue(world):
    soon = (date.today() + timedelta(days=3)).isoformat()
    cycle = plan(world["as_maria"], world["idea"], world["lincoln"], planned_start=soon,
                 planned_end=soon)  # fmt: skip
    assert cycle["overdue_phase"] is None
    assert listed(world["as_maria"], "overdue=true") == []


def test_the_reference_examples_match_real_cycles(world, client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    maria = world["as_maria"]
    request, created = examples_of(page, "post", "/api/v1/cycles")
    request.update(change_idea_id=world["idea"].id, school_id=world["lincoln"].id,
                   group_id=None, practice_id=None, previous_id=None)  # fmt: skip
    answer = ok(maria.post("cycles", request), 201)
    same_shape(created, answer)
    ok(maria.patch(f"cycles/{answer['id']}", {"did": "Ran it", "version": 1}))
    _, listed_example = examples_of(page, "get", "/api/v1/cycles")
    same_shape(listed_example, ok(maria.get("cycles")))
    _, evidence = examples_of(page, "get", "/api/v1/change-ideas/{change_idea_id}/evidence")
    same_shape(evidence, ok(maria.get(f"change-ideas/{world['idea'].id}/evidence")))
