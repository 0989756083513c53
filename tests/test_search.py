"""Search: ranking, stemming, phrases, exclusion, prefixes, snippets, filters, and nobody
shown what they may not see. Runs on SQLite (FTS5) and PostgreSQL alike."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from markupsafe import Markup

from nic.errors import ValidationError
from nic.extensions import db
from nic.models import Post
from nic.services import discussions
from nic.services import groups as groups_service
from nic.services import search as search_service
from nic.services.live import sessions as live_sessions
from nic.services.search import Filters, search
from tests.factories import (
    in_session,
    make_group,
    make_practice,
    make_reply,
    make_session,
    make_thread,
    make_user,
)


@pytest.fixture
def corpus(app):
    maria = make_user("Maria Lopez", job_role="principal")
    james = make_user("James Chen", job_role="instructional_coach")
    outsider = make_user("Olu Outsider")
    facilitator = make_user("Fay Facilitator", job_role="facilitator")
    admin = make_user("Ada Admin", admin=True)
    open_group = make_group("Coaches circle", facilitator=facilitator, members=[maria, james])
    private = make_group("Principals only", visibility="private", facilitator=facilitator,
                         members=[maria])  # fmt: skip
    coaching = make_thread(open_group, maria, "Coaching cycles that stick",
                           "We run six-week coaching cycles with every new teacher.")  # fmt: skip
    reply = make_reply(
        coaching, james, "I coached two teachers through one; the debrief mattered most."
    )
    absence = make_thread(open_group, james, "Chronic absence in a K-8",
                          "Attendance teams met weekly and called families.")  # fmt: skip
    secret = make_thread(private, maria, "Staffing for next year",
                         "Coaching budget cuts are coming; keep this private.")  # fmt: skip
    return dict(maria=maria, james=james, outsider=outsider, facilitator=facilitator,
                admin=admin, open_group=open_group, private=private, coaching=coaching,
                reply=reply, absence=absence, secret=secret)  # fmt: skip


def opening_post_id(thread) -> int:
    return db.session.scalar(sa.select(sa.func.min(Post.id)).where(Post.thread_id == thread.id))


def found(user, text, **filters):
    return [(hit.kind, hit.id) for hit in search(user, text, Filters(**filters)).hits]


def test_stemming_finds_coach_coached_and_coaching(corpus):
    hits = found(corpus["james"], "coach ")
    assert ("thread", corpus["coaching"].id) in hits
    assert ("post", corpus["reply"].id) in hits


def test_a_title_match_ranks_first(corpus):
    hits = found(corpus["james"], "coaching ")
    assert hits[0] == ("thread", corpus["coaching"].id)


def test_private_groups_are_never_shown_to_outsiders(corpus):
    text = "coaching budget "
    assert found(corpus["outsider"], text) == []
    assert found(corpus["james"], text) == []
    secret_post = ("post", opening_post_id(corpus["secret"]))
    assert secret_post in found(corpus["maria"], text)
    assert secret_post in found(corpus["admin"], text)
    results = search(corpus["outsider"], "coaching ")
    assert all(hit.group_name != "Principals only" for hit in results.hits)


def test_snippets_escape_then_mark(corpus):
    body = "A protocol for scores < 50 & rising <b>bold</b> <script>x()</script>"
    thread = make_thread(corpus["open_group"], corpus["maria"], "Scripts", body)
    [hit] = [h for h in search(corpus["maria"], "protocol ").hits if h.kind == "post"]
    assert "<b>" not in hit.snippet and "<script>" not in hit.snippet
    assert "&lt; 50 &amp; rising" in hit.snippet  # (PostgreSQL's snippets drop tags)
    assert "<mark>protocol</mark>" in hit.snippet
    assert thread.id == hit.thread_id


def test_edits_deletes_hides_and_leaving_show_in_the_next_search(corpus):
    maria, james = corpus["maria"], corpus["james"]
    assert ("post", corpus["reply"].id) in found(maria, "debrief ")
    discussions.edit_post(james, corpus["reply"].id, "We changed the protocol entirely.")
    assert found(maria, "debrief ") == []
    assert ("post", corpus["reply"].id) in found(maria, "entirely ")
    discussions.delete_post(james, corpus["reply"].id)
    assert found(maria, "entirely ") == []
    discussions.set_thread_flag(corpus["facilitator"], corpus["absence"].id, "hidden", True)
    assert found(maria, "attendance ") == []
    assert found(corpus["facilitator"], "attendance ") != []
    assert found(maria, "staffing ") != []
    groups_service.leave_group(maria, corpus["private"].id)
    assert found(maria, "staffing ") == []


@pytest.mark.parametrize("text", ['"unbalanced', "NEAR(", "*", "^a", "title:foo", "-", "x" * 400,
                                  "🙂", "שלום", "'; DROP TABLE post; --"])  # fmt: skip
def test_hostile_queries_never_fail(corpus, text):
    search(corpus["maria"], text)


def test_filters_and_pagination(corpus):
    maria = corpus["maria"]
    for n in range(25):
        make_reply(corpus["coaching"], corpus["james"], f"Coaching note number {n}")
    results = search(maria, "coaching note ", Filters(kind="post"), page=1, per_page=10)
    assert results.total == 25 and len(results.hits) == 10
    assert results.counts["post"] >= 25
    page3 = search(maria, "coaching note ", Filters(kind="post"), page=3, per_page=10)
    assert len(page3.hits) == 5
    by_james = search(maria, "coaching ", Filters(author_id=corpus["james"].id), per_page=50)
    assert by_james.hits and all(hit.author_id == corpus["james"].id for hit in by_james.hits)
    in_thread = search(maria, "coach ", Filters(thread_id=corpus["absence"].id))
    assert in_thread.total == 0
    coaches = search(maria, "coach ", Filters(job_role="instructional_coach"), per_page=50)
    assert {hit.author_name for hit in coaches.hits} == {"James Chen"}


def test_phrases_exclusion_and_prefix(corpus):
    maria = corpus["maria"]
    make_thread(corpus["open_group"], maria, "Look-fors", "student work protocol every Friday")
    make_thread(corpus["open_group"], maria, "Other", "work with a student protocol")
    phrase = search(maria, '"student work" ')
    [hit] = [h for h in phrase.hits if h.kind == "post"]
    # (SQLite marks the phrase as one, PostgreSQL word by word.)
    assert re.search(r"<mark>student(</mark> <mark>| )work</mark>", hit.snippet)
    excluded = search(maria, "protocol -friday ")
    assert [h.kind for h in excluded.hits] == ["post"]
    assert "Friday" not in excluded.hits[0].snippet
    # While typing: "fam" finds "families" (a prefix), "fam " (a word) does not.
    assert found(maria, "fam") == [("post", opening_post_id(corpus["absence"]))]
    assert found(maria, "fam ") == []


def test_sorting_by_newest_and_dates(corpus):
    maria = corpus["maria"]
    newest = make_reply(corpus["absence"], corpus["james"], "More on coaching attendance teams")
    by_date = search(maria, "coaching ", Filters(sort="newest"))
    assert (by_date.hits[0].kind, by_date.hits[0].id) == ("post", newest.id)
    today = newest.created_at.date()
    assert search(maria, "coaching ", Filters(date_to=today - timedelta(days=1))).total == 0
    assert search(maria, "coaching ", Filters(date_from=today)).total == by_date.total


def test_bad_filters_and_queries_are_refused_with_a_message(corpus):
    for filters, field in ((Filters(kind="people"), "kind"), (Filters(sort="best"), "sort")):
        with pytest.raises(ValidationError) as refused:
            search(corpus["maria"], "coaching", filters)
        assert field in refused.value.fields
    with pytest.raises(ValidationError):
        search(corpus["maria"], "x" * 5000)
    with pytest.raises(ValidationError):
        search(corpus["maria"], "coach\x00ing")
    assert search(corpus["maria"], "!!! ").total == 0  # nothing to search for: no results


def test_anonymous_finds_nothing(corpus):
    from flask_login import AnonymousUserMixin

    assert search(AnonymousUserMixin(), "coaching ").total == 0


# ── the page ───────────────────────────────────────────────────────────────


def test_the_page_shows_results_with_kinds_and_keeps_the_query(corpus, client, login):
    login(corpus["maria"])
    page = client.get("/search?q=coaching").get_data(as_text=True)
    assert "<mark>Coaching</mark> cycles that stick" in page
    assert "Threads (" in page and "Posts (" in page
    assert 'value="coaching"' in page
    assert client.get("/search?q=coaching&kind=post").status_code == 200
    bad = client.get("/search?q=" + "x" * 600)
    assert bad.status_code == 400 and "Search for at most 500 characters." in bad.get_data(
        as_text=True
    )
    assert client.get("/search?q=a&from=yesterday").status_code == 400
    assert client.get("/search").status_code == 200
    assert client.get("/search?q=coaching&page=99").status_code == 200


def test_the_page_runs_constant_queries(corpus, client, login, count_queries):
    login(corpus["maria"])
    counts = []
    for n in (1, 30):
        while search(corpus["maria"], "rubric ", Filters(kind="post")).total < n:
            make_reply(corpus["coaching"], corpus["james"], "A rubric for coaching")
        with count_queries() as counter:
            assert client.get("/search?q=rubric").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_searching_within_a_group_or_a_thread_from_its_page(corpus, client, login):
    login(corpus["maria"])
    group_page = client.get(f"/groups/{corpus['open_group'].id}").get_data(as_text=True)
    assert f'name="group_id" value="{corpus["open_group"].id}"' in group_page
    thread_page = client.get(f"/threads/{corpus['coaching'].id}").get_data(as_text=True)
    assert f'name="thread_id" value="{corpus["coaching"].id}"' in thread_page
    within = client.get(f"/search?q=debrief&thread_id={corpus['coaching'].id}").get_data(
        as_text=True
    )
    assert "1 result for" in within
    elsewhere = client.get(f"/search?q=debrief&thread_id={corpus['absence'].id}")
    assert "0 results for" in elsewhere.get_data(as_text=True)


def test_the_index_can_be_rebuilt(app, corpus):
    if db.session.get_bind().dialect.name != "sqlite":
        result = app.test_cli_runner().invoke(args=["rebuild-search"])
        assert "nothing to rebuild" in result.output
        return
    db.session.execute(sa.text("INSERT INTO post_fts(post_fts) VALUES ('delete-all')"))
    db.session.commit()
    assert found(corpus["maria"], "debrief ") == []
    result = app.test_cli_runner().invoke(args=["rebuild-search"])
    assert result.exit_code == 0 and "rebuilt" in result.output
    assert found(corpus["maria"], "debrief ") == [("post", corpus["reply"].id)]


def test_live_sessions_by_title_and_agenda_only_for_who_may_see_them(corpus):
    open_session = make_session(corpus["facilitator"], corpus["open_group"], "Walkthrough norms")
    private_session = make_session(corpus["facilitator"], corpus["private"], "Budget walkthrough")
    fields = live_sessions.SessionFields(
        open_session.title, "1. Calibrate on the look-for rubric", open_session.starts_at,
        open_session.ends_at,
    )  # fmt: skip
    live_sessions.update_session(in_session(corpus["facilitator"], open_session.id), fields)
    assert found(corpus["james"], "calibrate ") == [("session", open_session.id)]
    assert found(corpus["james"], "walkthrough ", kind="session") == [("session", open_session.id)]
    assert set(found(corpus["maria"], "walkthrough ", kind="session")) == {
        ("session", open_session.id), ("session", private_session.id),
    }  # fmt: skip
    assert found(corpus["outsider"], "budget ", kind="session") == []
    hit = search(corpus["james"], "calibrate ").hits[0]
    assert hit.url == f"/sessions/{open_session.id}" and "<mark>Calibrate</mark>" in hit.snippet


def test_practices_published_and_shared_with_the_viewer(corpus):
    body = "## What we did\n\nA two-question exit ticket, daily."
    network_wide = make_practice(corpus["maria"], "Exit tickets that teach", body=body)
    group_only = make_practice(corpus["maria"], "Private exit ticket routine",
                               group=corpus["private"])  # fmt: skip
    draft = make_practice(corpus["maria"], "Exit ticket draft", publish=False)
    assert set(found(corpus["james"], "exit ticket ", kind="practice")) == {
        ("practice", network_wide.id)
    }
    assert set(found(corpus["maria"], "exit ticket ", kind="practice")) == {
        ("practice", network_wide.id), ("practice", group_only.id),
    }  # fmt: skip
    assert ("practice", draft.id) not in found(corpus["maria"], "draft ")
    hit = next(h for h in search(corpus["james"], "daily ").hits if h.kind == "practice")
    assert hit.url == f"/practices/{network_wide.id}" and hit.group_name == "Whole network"
    assert "<mark>daily</mark>" in hit.snippet


def test_counts_stop_at_a_thousand(corpus, monkeypatch):
    monkeypatch.setattr(search_service, "COUNT_CAP", 3)
    for n in range(5):
        make_reply(corpus["coaching"], corpus["james"], f"Rubric {n}")
    results = search(corpus["maria"], "rubric ")
    assert results.counts["post"] == 4 and results.count_label("post") == "3+"
    # The pages go as far as the cap (50 pages of 20 at 1,000); ranked by relevance, the
    # newest 3 are ranked (nic.services.search: a common word's cost is bounded).
    assert results.total == 3 and len(results.hits) == 3
    assert [hit.snippet for hit in results.hits].count(Markup("<mark>Rubric</mark> 0")) == 0
    assert len(search(corpus["maria"], "rubric ", Filters(sort="newest")).hits) == 5
