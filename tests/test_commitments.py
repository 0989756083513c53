"""Commitments from live sessions: asked by the facilitator, answered as planned cycles,
listed in the session's record and at the group's next session."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import Cycle
from tests.factories import make_change_idea, make_group, make_school, make_sessions, make_user


@pytest.fixture
def room(app):
    fran = make_user("Fran Facilitator", job_role="facilitator")
    lincoln = make_school("Lincoln Elementary")
    maria = make_user("Maria Lopez", school=lincoln)
    james = make_user("James Okafor", school=make_school("Harbor View"))
    group = make_group("Principals' Circle", facilitator=fran, members=[maria, james])
    idea = make_change_idea(fran)
    upcoming, live, ended = make_sessions(fran, group, maria, james, "commit")
    return {"fran": fran, "maria": maria, "james": james, "group": group, "idea": idea,
            "upcoming": upcoming, "live": live, "ended": ended, "lincoln": lincoln}  # fmt: skip


def text(response) -> str:
    return response.get_data(as_text=True)


def test_answers_become_planned_cycles_listed_now_and_next_time(login, room):
    client = login(room["maria"])
    ended = f"/sessions/{room['ended'].id}"
    answer = {"change_idea_id": room["idea"].id, "title": "Huddles with grade 3"}
    assert client.post_form(f"{ended}/commitments", answer).status_code == 409  # not asked yet
    assert "Ask for commitments" not in text(client.get(ended))
    assert client.post_form(f"{ended}/commitments/open").status_code == 403
    client = login(room["fran"])
    assert "Ask for commitments" in text(client.get(ended))
    assert client.post_form(f"{ended}/commitments/open").status_code == 302
    client = login(room["maria"])
    page = text(client.get(ended))
    assert "What will you test before we meet next?" in page
    assert f'<option value="{room["idea"].id}">Data huddles</option>' in page
    sent = client.post_form(f"{ended}/commitments", answer)
    assert sent.status_code == 302 and sent.headers["Location"].startswith("/cycles/")
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.session_id == room["ended"].id))
    assert (cycle.school_id, cycle.change_idea_id, cycle.phase) == (
        room["lincoln"].id, room["idea"].id, "plan")  # fmt: skip
    assert "Huddles with grade 3" in text(client.get(ended))
    upcoming = text(login(room["james"]).get(f"/sessions/{room['upcoming'].id}"))
    assert "What schools committed to test at the last session" in upcoming
    assert f'href="/cycles/{cycle.id}">Huddles with grade 3</a>' in upcoming


def test_bad_answers_are_reshown_with_their_errors(login, room):
    client = login(room["fran"])
    ended = f"/sessions/{room['ended'].id}"
    client.post_form(f"{ended}/commitments/open")
    client = login(room["maria"])
    page = client.post_form(f"{ended}/commitments", {"change_idea_id": "", "title": "Mine"})
    assert page.status_code == 400 and "Choose a change idea from the list." in text(page)
    assert 'value="Mine"' in text(page)
    blank = client.post_form(f"{ended}/commitments",
                             {"change_idea_id": room["idea"].id, "title": ""})  # fmt: skip
    assert blank.status_code == 400 and "This cannot be empty." in text(blank)
    assert db.session.scalar(sa.select(sa.func.count(Cycle.id))) == 0


def test_people_without_a_school_and_outsiders_cannot_answer(login, room):
    client = login(room["fran"])
    client.post_form(f"/sessions/{room['live'].id}/commitments/open")
    assert "Ask for commitments" not in text(client.get(f"/sessions/{room['live'].id}"))
    no_school = make_user("District Dan", job_role="district_leader")
    page = text(login(no_school).get(f"/sessions/{room['live'].id}"))
    assert "add your school to your profile" in page
    private = make_group(visibility="private", facilitator=room["fran"])
    ended = make_sessions(room["fran"], private, room["fran"], room["fran"], "p")[2]
    outsider = login(room["james"])
    answer = {"change_idea_id": room["idea"].id, "title": "x"}
    assert outsider.post_form(f"/sessions/{ended.id}/commitments", answer).status_code == 404


def test_a_session_page_holds_the_answer_form_hidden_until_asked(login, room):
    live = f"/sessions/{room['live'].id}"
    for session in ("upcoming", "live"):  # for the facilitator too, until the session starts
        page = text(login(room["maria"]).get(f"/sessions/{room[session].id}"))
        assert "data-commitments hidden>" in page and "<div data-commitments-answer hidden>" in page
    upcoming = text(login(room["fran"]).get(f"/sessions/{room['upcoming'].id}"))
    assert "data-commitments hidden>" in upcoming and "<div data-commitments-ask>" in upcoming
    page = text(login(room["maria"]).get(live))
    assert 'id="commitments" aria-labelledby="commitments-heading" data-commitments hidden>' in page
    assert "<div data-commitments-answer hidden>" in page
    assert f'<option value="{room["idea"].id}">Data huddles</option>' in page
    facilitator = text(login(room["fran"]).get(live))
    assert "data-commitments>" in facilitator and "Ask for commitments" in facilitator
    assert "<div data-commitments-answer hidden>" in facilitator
    login(room["fran"]).post_form(f"{live}/commitments/open")
    page = text(login(room["maria"]).get(live))  # without JavaScript: shown after a reload
    assert "data-commitments>" in page and "<div data-commitments-answer>" in page


def test_opening_publishes_to_the_session_room_once(login, room, captured_events):
    client = login(room["fran"])
    live = room["live"]
    client.post_form(f"/sessions/{live.id}/commitments/open")
    client.post_form(f"/sessions/{live.id}/commitments/open")
    opened = [e for e in captured_events if e["event"] == "commitments_opened"]
    assert [(e["to"], set(e["data"])) for e in opened] == [
        (f"session:{live.id}", {"session_id", "opened_at"})
    ]
