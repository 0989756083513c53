"""The facilitator's dashboard: each figure on a small world with known answers, who may
see it, what a facilitator outside a private group does not count, the window, the links,
constant queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nic.errors import NotFound, ValidationError
from nic.extensions import db
from nic.models import LiveSession, MeasureChart, MeasurePoint, Post, PracticeTry, Thread
from nic.models.base import utcnow
from nic.services import cycles, measure_phases, measures, tries
from nic.services import dashboard as dash
from nic.services import measure_points as mp
from nic.services import practices as practice_service
from nic.services.dashboard_measures import is_stale, last_complete
from nic.services.live import attendance
from tests.factories import (
    in_session,
    make_cycle_world,
    make_group,
    make_practice,
    make_reply,
    make_school,
    make_session,
    make_thread,
    make_user,
)
from tests.test_cycles import plan


def backdate(model, row_id: int, days: int, *columns: str) -> None:
    when = utcnow() - timedelta(days=days)
    db.session.execute(sa.update(model).where(model.id == row_id).values(
        **{c: when for c in columns}))  # fmt: skip
    db.session.commit()


def weekly_points(world, measure, user, school, values, weeks_ago_last: int):
    today = utcnow().date()
    last = today - timedelta(days=today.weekday() + 7 * weeks_ago_last)
    rows = [mp.PointInput((last - timedelta(weeks=len(values) - 1 - i)).isoformat(), v)
            for i, v in enumerate(values)]  # fmt: skip
    access = measures.get_measure_for(world[user], measure.id)
    mp.record_points(world[user], access, world[school].id, rows, today)


@pytest.fixture
def world(app):
    w = make_cycle_world()
    fran, maria, james = w["fran"], w["maria"], w["james"]
    w["riverside"] = make_school("Riverside Middle")
    w["cole"] = cole = make_user("Cole Coach", job_role="instructional_coach", school=w["lincoln"])
    w["admin"] = admin = make_user("Ada Admin", admin=True)
    w["member"] = make_user("Mo Member", school=w["riverside"])
    network = make_group("Principals' Circle", facilitator=fran, members=[maria, james, cole])
    ilt = make_group("Lincoln ILT", visibility="private", members=[maria, cole])
    w["network"], w["ilt"] = network, ilt
    # Open thread: Maria asks; James answers her; Cole and Maria answer James.
    opened = make_thread(network, maria, "Protecting PLC time")
    answer = make_reply(opened, james)
    make_reply(opened, cole, "We moved ours to Tuesday.", answer)
    make_reply(opened, maria, "Thank you!", answer)
    # Private: Maria asks, Cole answers (same school); and a private thread no one answered.
    secret = make_thread(ilt, maria, "Our walkthrough data")
    make_reply(secret, cole)
    w["secret_waiting"] = make_thread(ilt, maria, "Staffing worries")
    backdate(Thread, w["secret_waiting"].id, 5, "created_at")
    # Waiting: James asked 40 days ago and no one answered; and one asked today.
    w["waiting"] = waiting = make_thread(network, james, "Exit tickets in math?")
    backdate(Thread, waiting.id, 40, "created_at")
    opening = db.session.scalar(sa.select(Post.id).where(Post.thread_id == waiting.id))
    backdate(Post, opening, 40, "created_at")
    w["fresh"] = make_thread(network, james, "Anyone tried data walls?")
    # Sessions two days ago: James at the network's, Cole at the ILT's.
    for group, who in ((network, james), (ilt, cole)):
        session = make_session(admin, group)
        attendance.attend(in_session(who, session.id))
        backdate(LiveSession, session.id, 2, "starts_at", "ends_at")
    # Cycles: Lincoln's (overdue), Harbor's (decided), a private one of Lincoln's.
    w["late"] = plan(maria, w["idea"], w["lincoln"])
    decided = plan(james, w["other"], w["harbor"])
    cycles.save_phase(james, cycles.get_cycle_for(james, decided.id), "act",
                      {"decision": "adopt"}, 1)  # fmt: skip
    w["hidden_cycle"] = plan(maria, w["idea"], w["lincoln"], group_id=ilt.id)
    # James's practice, tried by Lincoln with nothing observed; and a cycle started from it.
    w["practice"] = practice = make_practice(james)
    w["try"] = tries.record_try(
        practice_service.get_practice_for(maria, practice.id), maria,
        tries.TryFields(utcnow().date() - timedelta(days=3), "adapted", observations="Soon"),
    )  # fmt: skip
    # The service asks for observations now; rows from before it may have none.
    db.session.execute(sa.update(PracticeTry).values(observations="", observations_html=""))
    db.session.commit()
    w["practice_cycle"] = plan(maria, w["idea"], w["lincoln"], practice_id=practice.id)
    # A weekly measure: Lincoln's shift up to last week; Harbor's stopped five weeks ago.
    w["measure"] = measure = measures.define_measure(
        fran, None, measures.MeasureFields("PLC meetings held", "process", "count", "weekly", "up")
    )
    weekly_points(w, measure, "maria", "lincoln", [3, 4] * 6 + [6] * 8, 1)
    weekly_points(w, measure, "james", "harbor", [5] * 14, 5)
    return w


def figures(rows, school_name):
    row = next(r for r in rows if r.name == school_name)
    return {role: (f.posts, f.cross_school_replies, f.sessions_attended, f.cycles)
            for role, f in row.roles.items()}  # fmt: skip


def test_participation_per_school_and_job_role(world):
    board = dash.dashboard(world["fran"])
    rows = board.participation
    assert [r.name for r in rows] == ["Harbor View", "Lincoln Elementary", "Riverside Middle"]
    assert figures(rows, "Lincoln Elementary") == {
        "principal": (2, 1, 0, 2), "instructional_coach": (1, 1, 0, 0)}  # fmt: skip
    # James: his answer and today's thread (not the one 40 days ago); the decided cycle.
    assert figures(rows, "Harbor View") == {"principal": (2, 1, 1, 1)}
    # A school with nothing is shown, at 0 (Mo, a principal, is its only member).
    assert figures(rows, "Riverside Middle") == {"principal": (0, 0, 0, 0)}
    net = board.network
    assert (net.posts, net.cross_school_replies, net.sessions_attended, net.cycles) == (5, 3, 1, 3)


def test_an_admin_counts_the_private_group_a_facilitator_is_not_in(world):
    rows = dash.dashboard(world["admin"]).participation
    assert figures(rows, "Lincoln Elementary") == {
        "principal": (4, 1, 0, 3), "instructional_coach": (2, 1, 1, 0)}  # fmt: skip


def test_the_window_is_7_30_or_90_days(world):
    rows = dash.dashboard(world["fran"], 90).participation
    assert figures(rows, "Harbor View")["principal"][0] == 3  # the thread of 40 days ago
    assert dash.dashboard(world["fran"], 7).window.days == 7
    for bad in (0, 31, "30", True, None):
        with pytest.raises(ValidationError, match="7, 30 or 90"):
            dash.dashboard(world["fran"], bad)


def test_only_admins_and_facilitators_may_see_it(world):
    for who in ("maria", "member"):
        with pytest.raises(NotFound):
            dash.dashboard(world[who])
    with pytest.raises(NotFound):
        dash.dashboard(None)


def test_cycles_in_progress_and_overdue(world):
    board = dash.dashboard(world["fran"])
    counts = {c.name: (c.in_progress, c.overdue) for c in board.cycles}
    assert counts == {"Harbor View": (0, 0), "Lincoln Elementary": (2, 2),
                      "Riverside Middle": (0, 0)}  # fmt: skip
    assert (board.cycles_in_progress, board.cycles_overdue) == (2, 2)
    admin = dash.dashboard(world["admin"])
    assert (admin.cycles_in_progress, admin.cycles_overdue) == (3, 3)


def test_stale_measures_and_new_signals(world):
    health = dash.dashboard(world["fran"]).measures
    assert [(s.school.name, s.last_label) for s in health.stale] == [
        ("Harbor View", mp.period_label("weekly", health.stale[0].last))
    ]
    today = utcnow().date()
    assert health.stale[0].last == today - timedelta(days=today.weekday() + 35)
    assert health.stale[0].path == f"/measures/{world['measure'].id}/schools/{world['harbor'].id}"
    shift = [s for s in health.signals if s.kind == "shift"]
    assert len(shift) == 1 and shift[0].school.name == "Lincoln Elementary"
    assert shift[0].news == "better" and shift[0].text.startswith("Shift: 9 points above")
    assert not any(s.school.name == "Harbor View" for s in health.signals)
    assert health.to_look_at == []


def test_a_shift_that_ended_before_the_window_is_not_new(world):
    assert any(s.kind == "shift" for s in dash.dashboard(world["fran"]).measures.signals)
    weekly_points(world, world["measure"], "maria", "lincoln", [3, 4] * 6 + [6] * 8 + [3, 4] * 4, 1)
    signals = dash.dashboard(world["fran"]).measures.signals
    assert not any(s.kind == "shift" for s in signals)  # the chart kept was evaluated again


def test_a_value_changed_in_place_is_evaluated_again(world):
    assert any(s.kind == "shift" for s in dash.dashboard(world["fran"]).measures.signals)
    weekly_points(world, world["measure"], "maria", "lincoln", [3, 4] * 10, 1)
    assert not any(s.kind == "shift" for s in dash.dashboard(world["fran"]).measures.signals)


def lincolns_shifts(world) -> list:
    signals = dash.dashboard(world["fran"]).measures.signals
    return [s for s in signals if s.kind == "shift" and s.school.name == "Lincoln Elementary"]


def test_a_measure_whose_direction_changes_turns_its_news(world):
    assert [s.news for s in lincolns_shifts(world)] == ["better"]
    measure = world["measure"]
    fields = measures.MeasureFields("PLC meetings held", "process", "count", "weekly", "down")
    access = measures.get_measure_for(world["fran"], measure.id)
    measures.update_measure(world["fran"], access, fields, measure.version)
    assert [s.news for s in lincolns_shifts(world)] == ["worse"]


def test_a_chart_based_again_at_its_shift_has_none_until_the_phase_is_removed(world):
    today = utcnow().date()
    last_week = today - timedelta(days=today.weekday() + 7)
    access = measures.get_measure_for(world["maria"], world["measure"].id)
    phase = measure_phases.base_chart(world["maria"], access, world["lincoln"].id,
                                      (last_week - timedelta(weeks=7)).isoformat())  # fmt: skip
    assert lincolns_shifts(world) == []  # the new baseline is the 6s themselves
    measure_phases.remove_phase(world["maria"], access, phase.id)
    assert len(lincolns_shifts(world)) == 1


def test_a_deleted_point_can_leave_a_chart_stale(world):
    def stale() -> list[str]:
        return [s.school.name for s in dash.dashboard(world["fran"]).measures.stale]

    assert stale() == ["Harbor View"]
    latest = db.session.scalar(
        sa.select(MeasurePoint.id)
        .where(MeasurePoint.measure_id == world["measure"].id,
               MeasurePoint.school_id == world["lincoln"].id)
        .order_by(MeasurePoint.period.desc()).limit(1)
    )  # fmt: skip
    mp.delete_point(world["maria"], measures.get_measure_for(world["maria"], world["measure"].id),
                    latest)  # fmt: skip
    assert stale() == ["Harbor View", "Lincoln Elementary"]


def test_charts_from_before_their_summaries_are_evaluated_by_the_first_reader(world):
    def said() -> list[tuple[str, str, str]]:
        found = dash.dashboard(world["fran"]).measures
        return [(s.school.name, s.kind, s.text) for s in found.signals + found.to_look_at]

    before = said()
    assert before  # the shift at Lincoln
    db.session.execute(sa.update(MeasureChart).values(signals=None))  # as the migration left
    db.session.commit()
    assert said() == before
    pending = sa.select(sa.func.count()).where(MeasureChart.signals.is_(None))
    assert db.session.scalar(pending) == 0  # stored: the next reader evaluates nothing


@pytest.mark.parametrize(("frequency", "last_days_ago", "stale"), [
    ("weekly", 0, False), ("weekly", 14, True), ("monthly", 20, False),
    ("monthly", 70, True), ("term", 100, False), ("term", 121, True),
])  # fmt: skip
def test_what_counts_as_stale(frequency, last_days_ago, stale):
    today = utcnow().date().replace(day=25)
    last = mp.period_start(frequency, today - timedelta(days=last_days_ago))
    assert is_stale(frequency, last, today) is stale
    assert last_complete("monthly", today.replace(month=1)) == today.replace(
        year=today.year - 1, month=12, day=1)  # fmt: skip


def test_threads_with_no_reply_after_three_days(world):
    waiting = dash.dashboard(world["fran"]).unanswered
    assert [t.id for t in waiting.items] == [world["waiting"].id] and waiting.total == 1
    admin = dash.dashboard(world["admin"]).unanswered
    assert [t.id for t in admin.items] == [world["secret_waiting"].id, world["waiting"].id]


def test_tries_and_practice_cycles_with_no_report_back(world):
    untold = dash.dashboard(world["fran"]).untold
    found = {(i.kind, i.id) for i in untold.items}
    assert found == {("try", world["try"].id), ("cycle", world["practice_cycle"].id)}
    assert untold.total == 2


def test_which_schools_learn_from_which(world):
    learned = dash.dashboard(world["fran"]).learning
    assert [s.name for s in learned.schools] == ["Harbor View", "Lincoln Elementary"]
    # Harbor answered Lincoln once; Lincoln answered Harbor twice and tried its practice.
    assert learned.matrix == [[0, 1], [3, 0]]
    assert (learned.row_totals, learned.column_totals, learned.total) == ([1, 3], [3, 1], 4)


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("who", "status"), [("member", 404), ("maria", 404),
                                             ("fran", 200), ("admin", 200)])  # fmt: skip
@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/unanswered", "/dashboard/untold"])
def test_the_pages_are_for_facilitators_and_admins(login, world, who, status, path):
    assert login(world[who]).get(path).status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_header_links_the_dashboard_only_for_who_may_see_it(login, world):
    assert 'href="/dashboard"' in text(login(world["fran"]).get("/"))
    assert 'href="/dashboard"' not in text(login(world["maria"]).get("/"))


def test_the_page_shows_each_figure_with_links_to_the_lists_behind(login, world):
    page = text(login(world["fran"]).get("/dashboard"))
    lincoln, harbor = world["lincoln"].id, world["harbor"].id
    assert "Riverside Middle" in page and "nothing yet" in page
    assert f'href="/cycles?school_id={lincoln}&amp;overdue=yes"' in page
    assert 'href="/cycles?overdue=yes"' in page and 'href="/cycles?decided=no"' in page
    assert f'href="/measures/{world["measure"].id}/schools/{harbor}"' in page
    assert "Good news" in page and "Shift: 9 points above the median" in page
    assert f'href="/threads/{world["waiting"].id}"' in page
    assert f'href="/threads/{world["secret_waiting"].id}"' not in page
    assert f'href="/practices/{world["practice"].id}"' in page
    assert f'href="/cycles/{world["practice_cycle"].id}"' in page
    matrix = page.split('aria-label="Which schools learn from which', 1)[1].split("</table>")[0]
    assert (
        "<caption>" in matrix and '<th scope="col" class="numeric">From Harbor View</th>' in matrix
    )
    assert '<th scope="row">Lincoln Elementary</th>' in matrix


def test_the_page_shows_a_private_groups_work_to_an_admin_only(login, world):
    secret = f'href="/threads/{world["secret_waiting"].id}"'
    assert secret in text(login(world["admin"]).get("/dashboard"))


@pytest.mark.parametrize(("query", "selected", "message"), [
    ("?days=7", 7, False), ("?days=90", 90, False), ("?days=12", 30, True),
    ("?days=abc", 30, True), ("", 30, False),
])  # fmt: skip
def test_the_window_on_the_page(login, world, query, selected, message):
    page = text(login(world["fran"]).get(f"/dashboard{query}"))
    assert f'<option value="{selected}" selected>' in page
    assert f"in the last {selected} days" in page
    assert ("Choose a window of 7, 30 or 90 days." in page) is message


def test_the_lists_page_through_every_item(login, world):
    for n in range(27):
        thread = make_thread(world["network"], world["james"], f"Question {n}")
        backdate(Thread, thread.id, 4, "created_at")
    client = login(world["fran"])
    first = text(client.get("/dashboard"))
    assert 'href="/dashboard/unanswered"' in first and "See all 28" in first
    page = text(client.get("/dashboard/unanswered"))
    assert page.count('class="item__title"') == 25 and 'rel="next"' in page
    assert text(client.get("/dashboard/unanswered?page=2")).count('class="item__title"') == 3
    assert 'href="/practices/' in text(client.get("/dashboard/untold"))


def grow(world, n: int) -> None:
    """n more schools, each with a principal, a thread answered across schools, a cycle, a
    try, a private group and a measure's points."""
    fran, maria = world["fran"], world["maria"]
    for i in range(n):
        school = make_school()
        person = make_user(school=school)
        group = make_group(visibility="private" if i % 2 else "network", members=[person, maria])
        thread = make_thread(group, person, f"Q {i}")
        make_reply(thread, maria)
        plan(person, world["idea"], school)
        make_practice(person, f"Practice {i}")
        measure = measures.define_measure(
            fran, None, measures.MeasureFields(f"Measure {i}", "process", "count", "weekly", "up")
        )
        world[f"p{i}"] = person
        weekly_points({**world, "p": person, "s": school}, measure, "p", "s", [1, 2] * 8, 1)


def test_the_dashboard_runs_the_same_queries_whatever_the_network_size(login, world, count_queries):
    client = login(world["fran"])
    client.get("/dashboard")
    counts = []
    for more in (1, 5):
        grow(world, more)
        with count_queries() as counter:
            assert client.get("/dashboard").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 25, counts


def listed(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_each_participation_figure_links_to_the_list_of_what_it_counts(login, world):
    lincoln, harbor = world["lincoln"].id, world["harbor"].id
    client = login(world["fran"])
    page = listed(client, "/dashboard")
    assert f'href="/dashboard/posts?days=30&amp;school={lincoln}&amp;role=principal"' in page
    assert f'href="/dashboard/posts?days=30&amp;school={lincoln}&amp;across=1"' in page
    principal = listed(client, f"/dashboard/posts?days=30&school={lincoln}&role=principal")
    assert "2 in the last 30 days" in principal  # Maria: the open thread and her thanks
    assert principal.count('class="item__title"') == 2 and "Protecting PLC time" in principal
    across = listed(client, f"/dashboard/posts?days=30&school={lincoln}&across=1")
    assert "2 in the last 30 days" in across  # Maria's thanks and Cole's answer, to James
    assert "replying to James Okafor" in across
    sessions = listed(client, f"/dashboard/sessions?days=30&school={harbor}")
    assert "1 attendance" in sessions and "James Okafor" in sessions
    # Cole's session was the private ILT's, which Fran is not in: not counted, not listed.
    assert "0 attendances" in listed(client, f"/dashboard/sessions?days=30&school={lincoln}")
    admin = login(world["admin"])
    assert "1 attendance" in listed(admin, f"/dashboard/sessions?days=30&school={lincoln}")


def test_a_matrix_cell_lists_the_replies_and_tries_it_counts(login, world):
    lincoln, harbor = world["lincoln"], world["harbor"]
    board = dash.dashboard(world["fran"])
    names = [s.name for s in board.learning.schools]
    cell = board.learning.matrix[names.index(lincoln.name)][names.index(harbor.name)]
    page = listed(login(world["fran"]), f"/dashboard/learning?school={lincoln.id}&from={harbor.id}")
    assert cell == 3
    assert f"Replies to {harbor.name}'s people (2)" in page
    assert f"Tries of {harbor.name}'s practices (1)" in page
    assert world["practice"].title in page


@pytest.mark.parametrize("path", [
    "/dashboard/posts?school=x", "/dashboard/posts?school=999", "/dashboard/posts",
    "/dashboard/posts?school=none&role=wizard", "/dashboard/sessions?school=-1",
    "/dashboard/learning?school=1", "/dashboard/learning?school=1&from=999",
])  # fmt: skip
def test_a_malformed_list_address_is_not_found(login, world, path):
    assert login(world["fran"]).get(path).status_code == 404


def test_the_lists_are_for_the_dashboards_viewers_only(login, world):
    client = login(world["maria"])
    lincoln, harbor = world["lincoln"].id, world["harbor"].id
    for path in (f"/dashboard/posts?school={lincoln}", f"/dashboard/sessions?school={lincoln}",
                 f"/dashboard/learning?school={lincoln}&from={harbor}"):  # fmt: skip
        assert client.get(path).status_code == 404
