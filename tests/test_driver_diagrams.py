"""The aim and the driver diagram's tree: adding, editing, moving, archiving, the log."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nic.errors import Conflict, NotFound, PermissionDenied, ValidationError
from nic.services import aims, diagram_reading, diagram_tree
from nic.services import driver_diagrams as dd
from tests.factories import make_group, make_practice, make_user

AIM = aims.AimFields(
    "Raise the share of 3rd graders reading on grade level", "from 48% to 60%",
    date(2027, 6, 30), "across our 22 schools",
)  # fmt: skip


@pytest.fixture
def facilitator(app):
    return make_user("Fran Facilitator", job_role="facilitator")


def start(user, group=None):
    access = dd.get_group_diagram_for(user, group.id) if group else dd.get_network_diagram_for(user)
    aims.save_aim(user, access, AIM)
    access = dd.get_group_diagram_for(user, group.id) if group else dd.get_network_diagram_for(user)
    root = next(n for n in dd.live_nodes(access.diagram.id) if n.parent_id is None)
    return access, root


def node(user, node_id):
    return dd.get_node_for(user, node_id)


def rows(diagram_id):
    return diagram_reading.live_rows(diagram_id)


def titles(root):
    return [(n.kind, n.title) for n in diagram_tree.walk(root)]


def test_the_aim_is_one_sentence_and_starts_the_diagram(facilitator):
    access, root = start(facilitator)
    assert root.title == (
        "Raise the share of 3rd graders reading on grade level from 48% to 60% "
        "by June 2027 across our 22 schools."
    )
    assert aims.aim_of(access.diagram).statement == root.title


def test_a_stale_aim_save_is_a_conflict(facilitator):
    access, _root = start(facilitator)
    started = aims.aim_of(access.diagram).version
    aims.save_aim(facilitator, access, aims.AimFields("Raise reading", "to 60%", date(2027, 6, 1),
                                                      "in our schools", started))  # fmt: skip
    with pytest.raises(Conflict):
        aims.save_aim(facilitator, access, aims.AimFields("Other", "x", date(2027, 6, 1), "y",
                                                          started))  # fmt: skip
    saved = aims.aim_of(access.diagram).statement
    assert saved == "Raise reading to 60% by June 2027 in our schools."


def test_members_cannot_write_the_aim(facilitator):
    member = make_user()
    with pytest.raises(PermissionDenied):
        aims.save_aim(member, dd.get_network_diagram_for(member), AIM)


def test_add_checks_levels_and_keeps_order(facilitator):
    access, root = start(facilitator)
    p1 = dd.add_node(facilitator, access, root.id, "primary", "Strong PLCs", "")
    p2 = dd.add_node(facilitator, access, root.id, "primary", "Coaching", "**Weekly** cycles")
    assert (p1.position, p2.position) == (0, 1)
    assert "<strong>Weekly</strong>" in p2.description_html
    with pytest.raises(ValidationError, match="Under a primary driver go secondary drivers"):
        dd.add_node(facilitator, access, p1.id, "change_idea", "Too deep", "")
    with pytest.raises(ValidationError) as caught:
        dd.add_node(facilitator, access, 99999, "primary", "", "")
    assert set(caught.value.fields) == {"parent_id"}
    with pytest.raises(ValidationError) as caught:
        dd.add_node(facilitator, access, root.id, "primary", " ", "x" * 5001)
    assert set(caught.value.fields) == {"title", "description"}


def test_stale_edit_is_a_conflict_with_the_saved_version(facilitator):
    access, root = start(facilitator)
    p1 = dd.add_node(facilitator, access, root.id, "primary", "Strong PLCs", "")
    dd.edit_node(facilitator, node(facilitator, p1.id), "Strong PLCs in every grade", "", 1)
    with pytest.raises(dd.StaleNode) as caught:
        dd.edit_node(facilitator, node(facilitator, p1.id), "Mine", "", 1)
    assert caught.value.saved.title == "Strong PLCs in every grade"
    assert node(facilitator, p1.id).node.title == "Strong PLCs in every grade"


def test_moving_under_its_own_descendant_is_refused(facilitator):
    access, root = start(facilitator)
    p1 = dd.add_node(facilitator, access, root.id, "primary", "Strong PLCs", "")
    s1 = dd.add_node(facilitator, access, p1.id, "secondary", "Protected time", "")
    with pytest.raises(ValidationError, match="cannot move under itself"):
        dd.move_node(facilitator, node(facilitator, p1.id), s1.id)
    with pytest.raises(ValidationError, match="does not move"):
        dd.move_node(facilitator, node(facilitator, root.id), p1.id)


def test_move_reorder_archive_and_the_as_of_view(facilitator):
    access, root = start(facilitator)
    p1 = dd.add_node(facilitator, access, root.id, "primary", "PLCs", "")
    p2 = dd.add_node(facilitator, access, root.id, "primary", "Coaching", "")
    s1 = dd.add_node(facilitator, access, p1.id, "secondary", "Time", "")
    idea = dd.add_node(facilitator, access, s1.id, "change_idea", "Data huddles", "")
    s2 = dd.add_node(facilitator, access, p2.id, "secondary", "Cycles", "")
    dd.move_step(facilitator, node(facilitator, p2.id), -1)
    dd.move_node(facilitator, node(facilitator, idea.id), s2.id)
    with pytest.raises(ValidationError, match="still has 1 live part"):
        dd.archive_node(facilitator, node(facilitator, p1.id))
    dd.archive_node(facilitator, node(facilitator, p1.id), with_children=True)
    now = diagram_tree.build(rows(access.diagram.id))
    assert titles(now) == [("aim", root.title), ("primary", "Coaching"),
                           ("secondary", "Cycles"), ("change_idea", "Data huddles")]  # fmt: skip
    assert diagram_tree.check(rows(access.diagram.id)) == []
    as_of, history = diagram_reading.tree_as_of(access, date.today())
    assert titles(as_of) == titles(now)
    assert history[0].action == "archived" and history[0].who == "Fran Facilitator"
    before, nothing = diagram_reading.tree_as_of(access, date(2020, 1, 1))
    assert before is None and nothing == []


def test_move_to_position_closes_up_the_siblings_and_is_logged(facilitator):
    access, root = start(facilitator)
    first, second, third = (
        dd.add_node(facilitator, access, root.id, None, title, "") for title in "ABC"
    )
    dd.move_to_position(facilitator, node(facilitator, third.id), 0)
    now = diagram_tree.build(rows(access.diagram.id))
    assert [(c.title, c.position) for c in now.children] == [("C", 0), ("A", 1), ("B", 2)]
    with pytest.raises(ValidationError, match="from 0 to 2") as caught:
        dd.move_to_position(facilitator, node(facilitator, first.id), 3)
    assert set(caught.value.fields) == {"position"}
    replayed, history = diagram_reading.tree_as_of(access, date.today())
    assert titles(replayed) == titles(now)
    assert history[0].action == "reordered" and history[0].title == "C"
    assert second.id in {n.id for n in now.children}


def test_practices_link_to_change_ideas_only(facilitator):
    access, root = start(facilitator)
    p1 = dd.add_node(facilitator, access, root.id, "primary", "PLCs", "")
    s1 = dd.add_node(facilitator, access, p1.id, "secondary", "Time", "")
    idea = dd.add_node(facilitator, access, s1.id, "change_idea", "Data huddles", "")
    practice = make_practice(make_user())
    with pytest.raises(ValidationError, match="Only change ideas"):
        dd.link_practice(facilitator, node(facilitator, s1.id), practice.id)
    dd.link_practice(facilitator, node(facilitator, idea.id), practice.id)
    dd.link_practice(facilitator, node(facilitator, idea.id), practice.id)  # once
    tree = diagram_reading.current_tree(facilitator, access)
    ideas = [n for n in diagram_tree.walk(tree) if n.kind == "change_idea"]
    assert [p.title for p in ideas[0].practices] == [practice.title]
    with pytest.raises(ValidationError):
        dd.link_practice(facilitator, node(facilitator, idea.id), "nope")
    dd.unlink_practice(facilitator, node(facilitator, idea.id), practice.id)
    with pytest.raises(NotFound):
        dd.unlink_practice(facilitator, node(facilitator, idea.id), practice.id)


def test_a_private_groups_diagram_is_not_found_by_outsiders(facilitator):
    group = make_group(visibility="private", facilitator=facilitator)
    _access, root = start(facilitator, group)
    outsider = make_user()
    with pytest.raises(NotFound):
        dd.get_group_diagram_for(outsider, group.id)
    with pytest.raises(NotFound):
        dd.get_node_for(outsider, root.id)
    # A network facilitator is not the group's: may not edit it.
    other = make_user(job_role="facilitator")
    with pytest.raises(NotFound):
        dd.get_node_for(other, root.id)
    member = make_user()
    assert dd.get_network_diagram_for(member).can_edit is False


OPS = st.lists(
    st.tuples(st.sampled_from(["add", "move", "up", "down", "place", "archive", "archive_all"]),
              st.integers(0, 30), st.integers(0, 30)),
    max_size=25,
)  # fmt: skip


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(ops=OPS)
def test_any_sequence_of_changes_keeps_a_tree(facilitator, ops):
    group = make_group(facilitator=facilitator)
    access, _root = start(facilitator, group)
    for op, a, b in ops:
        nodes = dd.live_nodes(access.diagram.id)
        target, other = nodes[a % len(nodes)], nodes[b % len(nodes)]
        try:
            if op == "add":
                kind = diagram_tree.LEVELS[min(target.level + 1, 3)]
                dd.add_node(facilitator, access, target.id, kind, f"Node {a}", "")
            elif op == "move":
                dd.move_node(facilitator, node(facilitator, target.id), other.id)
            elif op == "place":
                dd.move_to_position(facilitator, node(facilitator, target.id), b % 4)
            elif op in ("up", "down"):
                dd.move_step(facilitator, node(facilitator, target.id), -1 if op == "up" else 1)
            else:
                dd.archive_node(facilitator, node(facilitator, target.id),
                                with_children=op == "archive_all")  # fmt: skip
        except ValidationError:
            pass
        assert diagram_tree.check(rows(access.diagram.id)) == [], (op, a, b)
    # The replayed log agrees with the tree.
    replayed, _ = diagram_reading.tree_as_of(access, date.today())
    assert titles(replayed) == titles(diagram_tree.build(rows(access.diagram.id)))
