"""The header box's suggestions: titles (not posts) for what is being typed, ranked as the
search ranks them, never what the person may not see, cheap (no counting, nothing at all
for one character), and GET /search/suggest answering JSON, errors and signed-out too.
Runs on SQLite (FTS5) and PostgreSQL alike."""

from __future__ import annotations

import pytest

from nic.errors import ValidationError
from nic.services import discussions, practices
from nic.services import search as search_service
from nic.services.live import chat as live_chat
from nic.services.search import suggest
from tests.factories import (
    in_session,
    make_group,
    make_practice,
    make_session,
    make_thread,
    make_user,
)
from tests.test_search import opening_post_id


@pytest.fixture
def people(app):
    maria = make_user("Maria Lopez", job_role="principal")
    outsider = make_user("Olu Outsider")
    facilitator = make_user("Fay Facilitator", job_role="facilitator")
    coaches = make_group("Coaches circle", facilitator=facilitator, members=[maria])
    private = make_group("Principals only", visibility="private", facilitator=facilitator,
                         members=[maria])  # fmt: skip
    return dict(maria=maria, outsider=outsider, facilitator=facilitator, coaches=coaches,
                private=private)  # fmt: skip


def suggested(user, text, **kwargs) -> list[tuple[str, str]]:
    return [(hit.kind, hit.title) for hit in suggest(user, text, **kwargs)]


def test_a_prefix_suggests_titles_of_every_kind_but_posts(people):
    maria, coaches = people["maria"], people["coaches"]
    thread = make_thread(coaches, maria, "Coaching cycles that stick", "The coach debriefs.")
    discussions.reply(maria, thread.id, "Coaching again, in a reply")
    practice = make_practice(maria, "Looking at student work protocol")
    session = make_session(people["facilitator"], coaches, "Coaching walkthrough norms")
    hits = suggest(maria, "coa")
    assert {(hit.kind, hit.id) for hit in hits} == {
        ("thread", thread.id), ("session", session.id),
    }  # fmt: skip
    assert all(hit.kind != "post" for hit in suggest(maria, "coaching"))
    [found] = [hit for hit in suggest(maria, "looking at stu") if hit.kind == "practice"]
    assert (found.id, found.url, found.group_name) == (
        practice.id, f"/practices/{practice.id}", "Whole network",
    )  # fmt: skip
    # Ranked as the search ranks them: the title that matches best first.
    make_thread(coaches, maria, "Budgets", "Coaching coaching coaching, in the body only.")
    titles = [title for _kind, title in suggested(maria, "coaching cyc")]
    assert titles[0] == "Coaching cycles that stick"


def test_people_are_suggested_and_chat_and_reports_are_not(people):
    maria = people["maria"]
    session = make_session(people["facilitator"], people["coaches"], "Rubric review", live=True)
    live_chat.send_message(in_session(maria, session.id), "Rubric rubric rubric", "m1")
    rubric = make_user("Ruby Rubric", job_role="instructional_coach")
    kinds = [kind for kind, _title in suggested(maria, "rubr")]
    assert sorted(kinds) == ["person", "session"]
    person = next(hit for hit in suggest(maria, "rubr") if hit.kind == "person")
    assert (person.title, person.url) == ("Ruby Rubric", f"/u/id/{rubric.id}")


def test_private_threads_are_never_suggested_to_outsiders(people):
    make_thread(people["private"], people["maria"], "Staffing for next year")
    assert suggested(people["outsider"], "staffing") == []
    assert suggested(people["maria"], "staffing") == [("thread", "Staffing for next year")]


def test_drafts_and_group_practices_are_never_suggested_to_others(people):
    maria, outsider = people["maria"], people["outsider"]
    make_practice(maria, "Exit ticket draft", publish=False)
    make_practice(maria, "Exit ticket routine", group=people["private"])
    assert suggested(outsider, "exit tick") == []
    # The practice stands for its discussion thread (in the same group, titled after it).
    assert suggested(maria, "exit tick") == [("practice", "Exit ticket routine")]


def test_sessions_of_other_groups_are_never_suggested_to_outsiders(people):
    make_session(people["facilitator"], people["private"], "Budget walkthrough")
    assert suggested(people["outsider"], "budget walk") == []
    assert suggested(people["maria"], "budget walk") == [("session", "Budget walkthrough")]


def test_hidden_and_deleted_leave_the_suggestions_at_once(people):
    maria, facilitator = people["maria"], people["facilitator"]
    hidden = make_thread(people["coaches"], maria, "Attendance teams")
    deleted = make_thread(people["coaches"], maria, "Attendance calls home")
    practice = make_practice(maria, "Attendance huddles")
    assert len(suggest(maria, "attend")) == 3  # the practice stands for its own thread
    discussions.set_thread_flag(facilitator, hidden.id, "hidden", True)
    discussions.delete_post(maria, opening_post_id(deleted))  # its only post: the thread goes
    practices.delete_practice(practices.get_practice_to_edit(maria, practice.id))
    assert suggested(maria, "attend") == []
    assert suggested(facilitator, "attend") == [("thread", "Attendance teams")]


def test_the_limit_is_honoured(people):
    for n in range(12):
        make_thread(people["coaches"], people["maria"], f"Walkthrough notes {n}")
    assert len(suggest(people["maria"], "walkth")) == 8
    assert len(suggest(people["maria"], "walkth", limit=3)) == 3


@pytest.mark.parametrize("text", ["", " ", "c", " c ", "!!!", "-", '"', "***"])
def test_too_short_or_nothing_to_search_runs_no_sql(people, count_queries, text):
    make_thread(people["coaches"], people["maria"], "Coaching cycles")
    with count_queries() as counter:
        assert suggest(people["maria"], text) == []
    assert counter.statements == []


def test_no_counts_query_and_a_query_per_kind_shown_at_most(people, count_queries):
    maria = people["maria"]
    for n in range(10):
        make_thread(people["coaches"], maria, f"Coaching note {n}")
    make_session(people["facilitator"], people["coaches"], "Coaching check-in")
    with count_queries() as counter:
        assert len(suggest(maria, "coach")) == 8
    # The ranked page, then the titles of each kind on it (threads, sessions).
    assert len(counter.statements) <= 1 + 2, counter.statements
    assert not any("count(" in statement.lower() for statement in counter.statements)
    with count_queries() as counter:
        search_service.search(maria, "coach")
    assert any(
        "count(" in statement.lower() for statement in counter.statements
    )  # the test sees it


@pytest.mark.parametrize("text", ["NEAR(", "title:foo", "^a*", "'; DROP TABLE post; --", "a" * 400,
                                  '"unbalanced', "🙂🙂", "שלום", "coach -", "-coach"])  # fmt: skip
def test_hostile_text_never_fails(people, text):
    suggest(people["maria"], text)


@pytest.mark.parametrize("text", ["x" * 5000, "coa\x00ch", "\x00", "co\x07"])
def test_invalid_text_is_a_validation_error(people, text):
    with pytest.raises(ValidationError):
        suggest(people["maria"], text)


# ── the endpoint ───────────────────────────────────────────────────────────


def test_the_endpoint_answers_json_items(people, login, client):
    maria = people["maria"]
    make_thread(people["coaches"], maria, "<b>Bold</b> & co: coaching", "Plain text.")
    make_practice(maria, "Looking at student work protocol")
    login(maria)
    response = client.get("/search/suggest", query_string={"q": "looking at stu"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "no-store" in response.headers["Cache-Control"]
    [practice] = [i for i in response.get_json()["items"] if i["kind"] == "practice"]
    assert practice == {"kind": "practice", "kind_label": "Practice",
                        "title": "Looking at student work protocol",
                        "url": practice["url"], "group": "Whole network"}  # fmt: skip
    assert client.get(practice["url"]).status_code == 200
    [thread] = client.get("/search/suggest?q=bold").get_json()["items"]
    # The title as text, for textContent: not HTML, not marked.
    assert thread["title"] == "<b>Bold</b> & co: coaching" and thread["kind_label"] == "Thread"
    assert thread["group"] == "Coaches circle"
    assert client.get("/search/suggest?q=c").get_json() == {"items": []}
    assert client.get("/search/suggest").get_json() == {"items": []}


def test_the_endpoint_hides_what_outsiders_may_not_see(people, login, client):
    make_thread(people["private"], people["maria"], "Staffing for next year")
    login(people["outsider"])
    assert client.get("/search/suggest?q=staff").get_json() == {"items": []}


@pytest.mark.parametrize("q", ["x" * 5000, "coa\x00ch"])
def test_bad_input_is_a_400_in_json(people, login, client, q):
    login(people["maria"])
    response = client.get("/search/suggest", query_string={"q": q})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and error["message"]


@pytest.mark.parametrize("accept", ["application/json", "text/html", "*/*"])
def test_signed_out_is_a_401_in_json_not_a_redirect(client, app, accept):
    response = client.get("/search/suggest?q=coaching", headers={"Accept": accept})
    assert response.status_code == 401
    assert response.get_json() == {
        "error": {"code": "unauthenticated", "message": "Sign in first."}
    }


def test_the_header_box_asks_for_suggestions_and_still_searches_without_script(
    people, login, client
):
    login(people["maria"])
    page = client.get("/").get_data(as_text=True)
    assert 'data-suggest="/search/suggest"' in page and "js/suggest.js" in page
    assert 'action="/search"' in page and 'name="q"' in page
