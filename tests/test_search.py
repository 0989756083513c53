"""Search: ranking, stemming, phrases, exclusion, prefixes, snippets, filters, and nobody
shown what they may not see. Runs on SQLite (FTS5) and PostgreSQL alike."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import Post
from nic.services import discussions
from nic.services import groups as groups_service
from nic.services.search import Filters, search
from tests.factories import make_group, make_reply, make_thread, make_user


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
