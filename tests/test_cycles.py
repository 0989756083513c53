"""PDSA cycles: planning on a change idea, phases in any order, ramps, stages, evidence."""

from __future__ import annotations

from datetime import date

import pytest

from nic.errors import NotFound, PermissionDenied, ValidationError
from nic.services import cycle_reading, cycles
from nic.services import driver_diagrams as dd
from tests.factories import make_cycle_world, make_group, make_user

PLAN = cycles.PlanFields(
    "Data huddles in grade 3", "Will a 20-minute huddle change Friday's reteach?",
    "Most teams will plan a reteach from the exit ticket.", "Grade 3 team, Fridays, room 12",
    "Exit tickets before and after", date(2026, 9, 1), date(2026, 9, 30),
)  # fmt: skip


@pytest.fixture
def world(app):
    return make_cycle_world()


def plan(user, idea, school, **new):
    return cycles.plan_cycle(user, dd.get_node_for(user, idea.id),
                             cycles.NewCycle(school.id, **new), PLAN)  # fmt: skip


def access(user, cycle):
    return cycles.get_cycle_for(user, cycle.id)


def test_a_school_plans_a_cycle_on_a_change_idea(world):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    assert (cycle.phase, cycle.version, cycle.change_idea_id) == ("plan", 1, world["idea"].id)
    assert cycle.question_html == "<p>Will a 20-minute huddle change Friday's reteach?</p>"
    with pytest.raises(PermissionDenied, match="own school's people"):
        plan(world["maria"], world["idea"], world["harbor"])
    with pytest.raises(ValidationError, match="test change ideas"):
        plan(world["maria"], world["secondary"], world["lincoln"])


def test_dates_in_the_wrong_order_are_refused_with_both_dates(world):
    node = dd.get_node_for(world["maria"], world["idea"].id)
    backwards = cycles.PlanFields("Huddles", planned_start=date(2026, 9, 30),
                                  planned_end=date(2026, 9, 1))  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        cycles.plan_cycle(world["maria"], node, cycles.NewCycle(world["lincoln"].id), backwards)
    assert "comes before the start (Sep 30, 2026)" in caught.value.fields["planned_end"]


def test_phases_in_any_order_act_before_plan_warns(world):
    node = dd.get_node_for(world["maria"], world["idea"].id)
    bare = cycles.plan_cycle(world["maria"], node, cycles.NewCycle(world["lincoln"].id),
                             cycles.PlanFields("Huddles"))  # fmt: skip
    saved = cycles.save_phase(world["maria"], access(world["maria"], bare), "act",
                              {"decision": "adopt", "next_steps": "All grades"}, 1)  # fmt: skip
    assert saved.cycle.phase == "act" and saved.warnings == [cycles.NO_PLAN]
    saved = cycles.save_plan(world["maria"], access(world["maria"], bare), PLAN, 2)
    assert saved.warnings == [] and saved.cycle.decision == "adopt"
    with pytest.raises(ValidationError, match="adopt, adapt or abandon"):
        cycles.save_phase(world["maria"], access(world["maria"], bare), "act",
                          {"decision": "maybe"}, 3)  # fmt: skip


def test_a_stale_save_is_a_conflict_and_keeps_the_saved_text(world):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    cycles.save_phase(world["maria"], access(world["maria"], cycle), "do",
                      {"did": "Three huddles"}, 1)  # fmt: skip
    with pytest.raises(cycles.StaleCycle) as caught:
        cycles.save_phase(world["maria"], access(world["maria"], cycle), "do",
                          {"did": "Mine"}, 1)  # fmt: skip
    assert caught.value.saved.did == "Three huddles"


def test_only_the_school_and_co_owners_record_a_cycle(world):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    assert access(world["james"], cycle).can_edit is False
    with pytest.raises(PermissionDenied):
        cycles.save_phase(world["james"], access(world["james"], cycle), "do", {"did": "x"}, 1)
    teammate = make_user(school=world["lincoln"])
    assert access(teammate, cycle).can_edit is True


def test_a_cycle_kept_to_a_private_group_is_hidden_from_outsiders(world):
    group = make_group(visibility="private", members=[world["maria"]])
    cycle = plan(world["maria"], world["idea"], world["lincoln"], group_id=group.id)
    assert access(world["maria"], cycle).cycle.id == cycle.id
    with pytest.raises(NotFound):
        access(world["james"], cycle)
    assert cycle_reading.evidence(world["james"], world["diagram"]) == {}
    assert cycle_reading.cycles_of_idea(world["james"], world["idea"].id) == []
    assert cycle_reading.evidence(world["maria"], world["diagram"])[world["idea"].id].cycles == 1
    outsider_group = make_group(visibility="private", members=[world["james"]])
    with pytest.raises(ValidationError, match="one of your groups"):
        plan(world["maria"], world["idea"], world["lincoln"], group_id=outsider_group.id)


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [([None], "testing"), (["adapt"], "testing"), (["adapt", "adopt"], "implementing"),
     (["adopt", None], "spreading"), (["adopt", "adopt"], "implementing"),
     (["adopt", "abandon"], "abandoned"), (["abandon", None], "abandoned"),
     (["adopt", "adapt"], "testing")],
)  # fmt: skip
def test_a_schools_stage_comes_from_its_decisions(decisions, expected):
    assert cycle_reading.stage(decisions) == expected


def test_next_cycles_chain_into_a_ramp_and_count_as_evidence(world):
    maria, james = world["maria"], world["james"]
    first = plan(maria, world["idea"], world["lincoln"])
    cycles.save_phase(maria, access(maria, first), "act", {"decision": "adapt"}, 1)
    second = plan(maria, world["idea"], world["lincoln"], previous_id=first.id)
    cycles.save_phase(maria, access(maria, second), "act", {"decision": "adopt"}, 1)
    third = plan(maria, world["idea"], world["lincoln"], previous_id=second.id)
    harbor = plan(james, world["idea"], world["harbor"])
    cycles.save_phase(james, access(james, harbor), "act", {"decision": "abandon"}, 1)
    assert [c.id for c in cycle_reading.ramp(maria, access(maria, second))] == [
        first.id, second.id, third.id]  # fmt: skip
    with pytest.raises(ValidationError, match="its own school's"):
        plan(james, world["idea"], world["harbor"], previous_id=first.id)
    found = cycle_reading.evidence(maria, world["diagram"])[world["idea"].id]
    assert found.cycles == 4 and found.schools == 2
    assert found.stages == {"spreading": 1, "abandoned": 1}
    assert found.decisions == {"adapt": 1, "adopt": 1, "abandon": 1}
    assert world["other"].id not in cycle_reading.evidence(maria, world["diagram"])


def test_a_ramp_follows_its_links_only_and_the_earliest_of_two_nexts(world, count_queries):
    maria = world["maria"]
    first = plan(maria, world["idea"], world["lincoln"])
    second = plan(maria, world["idea"], world["lincoln"], previous_id=first.id)
    plan(maria, world["idea"], world["lincoln"], previous_id=first.id)  # a later branch
    third = plan(maria, world["other"], world["lincoln"], previous_id=second.id)
    for _ in range(3):  # the school's other, unlinked cycles
        plan(maria, world["idea"], world["lincoln"])
    cycle = access(maria, third)
    with count_queries() as queries:
        chain = cycle_reading.ramp(maria, cycle)
    assert [c.id for c in chain] == [first.id, second.id, third.id]
    assert queries.count == 1


def test_overdue_phases_are_the_first_empty_after_the_planned_end(world):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    assert cycle.overdue_phase(date(2026, 9, 30)) is None
    assert cycle.overdue_phase(date(2026, 10, 1)) == "do"
    cycles.save_phase(world["maria"], access(world["maria"], cycle), "do", {"did": "Ran it"}, 1)
    assert access(world["maria"], cycle).cycle.overdue_phase(date(2026, 10, 1)) == "study"
    cycles.save_phase(world["maria"], access(world["maria"], cycle), "act",
                      {"decision": "adopt"}, 2)  # fmt: skip
    assert access(world["maria"], cycle).cycle.overdue_phase(date(2026, 10, 1)) is None


def test_an_archived_change_idea_keeps_its_cycles_and_takes_no_new_ones(world):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    dd.archive_node(world["fran"], dd.get_node_for(world["fran"], world["idea"].id))
    assert access(world["maria"], cycle).idea.is_archived
    with pytest.raises(ValidationError, match="archived"):
        plan(world["maria"], world["idea"], world["lincoln"])
