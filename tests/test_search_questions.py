"""Search's session questions: a live session's Q&A is searched with its chat, for the
readers of the session's group, anonymous askers never named. SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from nic.extensions import db
from nic.models import Question
from nic.services.live import questions as live_questions
from nic.services.search import ANONYMOUS, Filters, search
from tests.factories import in_session, make_group, make_school, make_session, make_user


def found(user, text, **filters):
    return [(hit.kind, hit.id) for hit in search(user, text, Filters(**filters)).hits]


def _network():
    lincoln = make_school("Lincoln Elementary")
    maria = make_user("Maria Lopez", job_role="principal", school=lincoln)
    james = make_user("James Chen", job_role="instructional_coach")
    outsider = make_user("Olu Outsider")
    open_group = make_group("Coaches circle", facilitator=maria, members=[james])
    private = make_group("Principals only", visibility="private", facilitator=maria)
    return maria, james, outsider, open_group, private


def _ask(user, session_id, text, anonymous=False):
    return live_questions.ask(in_session(user, session_id), text, anonymous)["id"]


def test_a_question_is_found_stemmed_and_opens_its_session(app):
    maria, james, outsider, open_group, _private = _network()
    session = make_session(maria, open_group, "Coaching check-in", live=True)
    asked = _ask(james, session.id, "How are you scheduling coaching cycles?")
    for text in ("scheduling ", "schedules ", "cycle "):  # stemmed both ways
        assert found(outsider, text) == [("question", asked)], text
    hit = search(outsider, "schedule ").hits[0]
    assert hit.title == "Coaching check-in"
    assert hit.url == f"/sessions/{session.id}#question-{asked}"
    assert hit.group_name == "Coaches circle"
    assert (hit.author_id, hit.author_name) == (james.id, "James Chen")
    assert "<mark>scheduling</mark>" in hit.snippet
    assert found(outsider, "schedule ", kind="question") == [("question", asked)]
    assert found(outsider, "schedule ", kind="message") == []
    assert found(outsider, "schedule ", author_id=james.id) == [("question", asked)]


def test_a_private_groups_questions_are_not_found_or_counted_by_outsiders(app):
    maria, james, outsider, _open_group, private = _network()
    session = make_session(maria, private, "Principals huddle", live=True)
    asked = _ask(maria, session.id, "Who handles the budget ladder?")
    assert found(maria, "ladder ") == [("question", asked)]
    for viewer in (james, outsider):
        results = search(viewer, "ladder ")
        assert results.hits == [] and results.total == 0
        assert results.counts["question"] == 0
        assert search(viewer, "ladder ", Filters(kind="question")).total == 0


def test_an_edit_and_a_delete_show_in_the_next_search(app):
    maria, james, outsider, open_group, _private = _network()
    session = make_session(maria, open_group, "Check-in", live=True)
    asked = _ask(james, session.id, "What about walkthrough rubrics?")
    kept = _ask(james, session.id, "Walkthrough schedules?")
    assert sorted(found(outsider, "walkthrough ")) == sorted(
        [("question", asked), ("question", kept)]
    )
    db.session.execute(
        sa.update(Question).where(Question.id == asked).values(body="What about exit tickets?")
    )
    db.session.commit()
    assert found(outsider, "rubrics ") == []
    assert found(outsider, "tickets ") == [("question", asked)]
    db.session.execute(sa.delete(Question).where(Question.id == asked))
    db.session.commit()
    assert found(outsider, "tickets ") == []
    assert search(outsider, "tickets ").counts["question"] == 0
    db.session.delete(db.session.get(type(session), session.id))  # a session's go with it
    db.session.commit()
    assert found(outsider, "walkthrough ") == []


def test_an_anonymous_question_never_names_its_asker(app):
    maria, james, outsider, open_group, _private = _network()
    session = make_session(maria, open_group, "Check-in", live=True)
    session.anonymous_questions = True
    db.session.commit()
    asked = _ask(maria, session.id, "Is anyone else struggling with observations?", True)
    hit = search(outsider, "observations ").hits[0]
    assert (hit.kind, hit.id) == ("question", asked)
    assert (hit.author_id, hit.author_name) == (None, ANONYMOUS)
    assert search(maria, "observations ").hits[0].author_name == ANONYMOUS
    # Filtering by who asked would tell who asked.
    assert found(outsider, "observations ", author_id=maria.id) == []
    assert found(outsider, "observations ", job_role="principal") == []
    assert found(outsider, "observations ", school_id=maria.school_id) == []
    assert search(outsider, "observations ", Filters(author_id=maria.id)).total == 0
    assert james  # a member of the group, no special rights
