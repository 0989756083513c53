"""Questions with upvotes, and quick single-choice polls with live results.

Members ask and upvote while the session is live; a facilitator marks
questions answered, opens polls and closes them. Every change is committed,
then broadcast to the session room as `question` or `poll`.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from nic import events
from nic.database import begin_write
from nic.errors import NotFound, ValidationError
from nic.extensions import db
from nic.markup import render_chat
from nic.models import Poll, PollVote, Question, QuestionVote, User, iso_utc, utcnow
from nic.services.live.access import LiveAccess, may_facilitate, may_take_part, person
from nic.services.validation import clean_text

QUESTION_MAX = 1_000
POLL_QUESTION_MAX = 300
POLL_OPTION_MAX = 100
POLL_OPTIONS = (2, 10)


def serialize_question(question: Question) -> dict:
    """A question as the `question` event and the join ack show it (author loaded)."""
    return {
        "id": question.id,
        "session_id": question.session_id,
        "author": person(question.author),
        "body": question.body,
        "body_html": question.body_html,
        "created_at": iso_utc(question.created_at),
        "answered": question.answered_at is not None,
        "answered_at": iso_utc(question.answered_at),
        "votes": question.vote_count,
    }


def _questions_query(session_id: int) -> sa.Select:
    return (
        sa.select(Question)
        .options(joinedload(Question.author).joinedload(User.school))
        .where(Question.session_id == session_id)
    )


def questions_of(session_id: int) -> list[dict]:
    """Open questions first, most upvoted first, then answered ones; one query."""
    query = _questions_query(session_id).order_by(
        Question.answered_at.is_not(None), Question.vote_count.desc(), Question.id
    )
    return [serialize_question(q) for q in db.session.scalars(query)]


def _question_in(session_id: int, question_id: int) -> Question:
    question = db.session.scalar(_questions_query(session_id).where(Question.id == question_id))
    if question is None:
        raise NotFound("No such question.")
    return question


def _publish_question(question: Question) -> dict:
    data = serialize_question(question)
    events.publish("question", data, events.session_room(question.session_id))
    return data


def ask(access: LiveAccess, body: object) -> dict:
    """A member asks a question; raises NotFound, PermissionDenied, NotLive, Muted, ..."""
    text = clean_text("body", body, max_length=QUESTION_MAX)
    begin_write()
    may_take_part(access, speak=True)
    session_id, user = access.item.id, access.user
    question = Question(
        session_id=session_id, body=text, body_html=render_chat(text), created_at=utcnow()
    )
    question.author = user
    db.session.add(question)
    db.session.commit()
    return _publish_question(question)


def upvote(access: LiveAccess, question_id: int) -> dict:
    """One upvote per person and question (a second is a no-op); raises NotFound, NotLive."""
    begin_write()
    may_take_part(access)
    session_id, user = access.item.id, access.user
    question = _question_in(session_id, question_id)
    try:
        with db.session.begin_nested():
            db.session.add(QuestionVote(question_id=question.id, user_id=user.id))
        # Counted in SQL, so concurrent upvotes are never lost.
        db.session.execute(
            sa.update(Question)
            .where(Question.id == question.id)
            .values(vote_count=Question.vote_count + 1)
        )
        db.session.refresh(question, ["vote_count"])
    except IntegrityError:
        pass  # already upvoted: nothing changes
    db.session.commit()
    return _publish_question(question)


def answer(access: LiveAccess, question_id: int, answered: bool = True) -> dict:
    """A facilitator marks a question answered (or not); raises NotFound, PermissionDenied."""
    begin_write()
    may_facilitate(access, live=False)
    session_id = access.item.id
    question = _question_in(session_id, question_id)
    question.answered_at = (question.answered_at or utcnow()) if answered else None
    db.session.commit()
    return _publish_question(question)


def my_question_votes(session_id: int, user_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(QuestionVote.question_id)
            .join(Question, Question.id == QuestionVote.question_id)
            .where(Question.session_id == session_id, QuestionVote.user_id == user_id)
        )
    )


def _counts(poll_ids: list[int]) -> dict[int, dict[int, int]]:
    counts: dict[int, dict[int, int]] = {}
    if not poll_ids:
        return counts
    rows = db.session.execute(
        sa.select(PollVote.poll_id, PollVote.option_index, sa.func.count())
        .where(PollVote.poll_id.in_(poll_ids))
        .group_by(PollVote.poll_id, PollVote.option_index)
    )
    for poll_id, option, count in rows:
        counts.setdefault(poll_id, {})[option] = count
    return counts


def serialize_poll(poll: Poll, counts: dict[int, int]) -> dict:
    """A poll with its live results: `counts[i]` votes for `options[i]`."""
    tally = [counts.get(i, 0) for i in range(len(poll.options))]
    return {
        "id": poll.id,
        "session_id": poll.session_id,
        "question": poll.question,
        "options": poll.options,
        "counts": tally,
        "total": sum(tally),
        "open": poll.closed_at is None,
        "opened_at": iso_utc(poll.opened_at),
        "closed_at": iso_utc(poll.closed_at),
    }


def polls_of(session_id: int) -> list[dict]:
    """The session's polls, oldest first, with results; two queries."""
    polls = list(
        db.session.scalars(sa.select(Poll).where(Poll.session_id == session_id).order_by(Poll.id))
    )
    counts = _counts([p.id for p in polls])
    return [serialize_poll(p, counts.get(p.id, {})) for p in polls]


def my_poll_votes(session_id: int, user_id: int) -> dict[str, int]:
    """{poll id (as a JSON key): option index} for this person."""
    rows = db.session.execute(
        sa.select(PollVote.poll_id, PollVote.option_index)
        .join(Poll, Poll.id == PollVote.poll_id)
        .where(Poll.session_id == session_id, PollVote.user_id == user_id)
    )
    return {str(poll_id): option for poll_id, option in rows}


def _poll_in(session_id: int, poll_id: int) -> Poll:
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.session_id != session_id:
        raise NotFound("No such poll.")
    return poll


def _publish_poll(poll: Poll) -> dict:
    data = serialize_poll(poll, _counts([poll.id]).get(poll.id, {}))
    events.publish("poll", data, events.session_room(poll.session_id))
    return data


def _clean_options(options: object) -> list[str]:
    low, high = POLL_OPTIONS
    if not isinstance(options, list) or not low <= len(options) <= high:
        raise ValidationError("options", f"Give {low} to {high} options.")
    clean = [clean_text("options", o, max_length=POLL_OPTION_MAX) for o in options]
    if len({o.casefold() for o in clean}) != len(clean):
        raise ValidationError("options", "Each option must be different.")
    return clean


def open_poll(access: LiveAccess, question: object, options: object) -> dict:
    """A facilitator opens a single-choice poll; raises ValidationError, NotLive, ..."""
    text = clean_text("question", question, max_length=POLL_QUESTION_MAX)
    choices = _clean_options(options)
    begin_write()
    may_facilitate(access)
    session_id = access.item.id
    poll = Poll(session_id=session_id, question=text, options=choices, opened_at=utcnow())
    db.session.add(poll)
    db.session.commit()
    return _publish_poll(poll)


def vote(access: LiveAccess, poll_id: int, option: object) -> dict:
    """Vote in an open poll, or change the vote; raises NotFound, NotLive, ValidationError."""
    begin_write()
    may_take_part(access)
    session_id, user = access.item.id, access.user
    poll = _poll_in(session_id, poll_id)
    if poll.closed_at is not None:
        raise ValidationError("poll_id", "This poll is closed.")
    if not isinstance(option, int) or isinstance(option, bool):
        raise ValidationError("option", "Choose an option by its number.")
    if not 0 <= option < len(poll.options):
        raise ValidationError("option", "No such option.")
    existing = db.session.get(PollVote, (poll.id, user.id))
    if existing is None:
        db.session.add(PollVote(poll_id=poll.id, user_id=user.id, option_index=option))
    else:
        existing.option_index = option
    db.session.commit()
    return _publish_poll(poll)


def close_poll(access: LiveAccess, poll_id: int) -> dict:
    """A facilitator closes a poll (also after the session ended); raises NotFound, ..."""
    begin_write()
    may_facilitate(access, live=False)
    session_id = access.item.id
    poll = _poll_in(session_id, poll_id)
    if poll.closed_at is None:
        poll.closed_at = utcnow()
    db.session.commit()
    return _publish_poll(poll)
