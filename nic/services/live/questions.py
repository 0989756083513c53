"""Questions with upvotes, and quick polls (single or multiple choice) with live results.

Members ask and upvote while the session is live; a facilitator marks
questions answered, opens polls and closes them. Every change is committed,
then broadcast to the session room as `question` or `poll`.

Two session options keep something from the room but not from its
facilitators: anonymous questions (the room sees "Anonymous", facilitators
who asked) and hidden poll results (members see how many voted, not how,
until the poll closes). The room gets the kept-back version first, then the
session's facilitators room the whole one (events are delivered in the order
they are published, so a facilitator's page ends with the whole one).
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
from nic.models import (
    LiveSession,
    Poll,
    PollVote,
    Question,
    QuestionVote,
    SessionStatus,
    User,
    iso_utc,
    utcnow,
)
from nic.services.live.access import LiveAccess, may_facilitate, may_take_part, person
from nic.services.validation import clean_text

QUESTION_MAX = 1_000
POLL_QUESTION_MAX = 300
POLL_OPTION_MAX = 100
POLL_OPTIONS = (2, 10)


def serialize_question(question: Question, reveal: bool = True) -> dict:
    """A question as the `question` event and the join ack show it (author loaded).

    An anonymous question names its author only when `reveal` (to facilitators).
    """
    hidden = question.anonymous and not reveal
    return {
        "id": question.id,
        "session_id": question.session_id,
        "author": None if hidden else person(question.author),
        "anonymous": question.anonymous,
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


def questions_of(session_id: int, reveal: bool = False) -> list[dict]:
    """Open questions first, most upvoted first, then answered ones; one query.

    `reveal` names the askers of anonymous questions (for facilitators).
    """
    query = _questions_query(session_id).order_by(
        Question.answered_at.is_not(None), Question.vote_count.desc(), Question.id
    )
    return [serialize_question(q, reveal) for q in db.session.scalars(query)]


def _question_in(session_id: int, question_id: int) -> Question:
    question = db.session.scalar(_questions_query(session_id).where(Question.id == question_id))
    if question is None:
        raise NotFound("No such question.")
    return question


def _publish(event: str, kept_back: dict, whole: dict, session_id: int) -> None:
    """`kept_back` to the room, then `whole` to its facilitators if it differs."""
    events.publish(event, kept_back, events.session_room(session_id))
    if whole != kept_back:
        events.publish(event, whole, events.facilitators_room(session_id))


def _publish_question(access: LiveAccess, question: Question) -> dict:
    """Broadcast a question; returns it as this user may see it (the ack)."""
    whole, kept_back = serialize_question(question), serialize_question(question, False)
    _publish("question", kept_back, whole, question.session_id)
    return whole if access.is_facilitator else kept_back


def ask(access: LiveAccess, body: object, anonymous: bool | None = False) -> dict:
    """A member asks a question, anonymously if the session allows it (then the room does
    not see who asked; facilitators do). Raises NotFound, PermissionDenied, NotLive, Muted,
    ChatLocked, ValidationError."""
    text = clean_text("body", body, max_length=QUESTION_MAX)
    begin_write()
    may_take_part(access, speak=True)
    session_id, user = access.item.id, access.user
    if anonymous and not access.item.anonymous_questions:
        raise ValidationError("anonymous", "This session does not take anonymous questions.")
    question = Question(
        session_id=session_id, body=text, body_html=render_chat(text), created_at=utcnow(),
        anonymous=bool(anonymous),
    )  # fmt: skip
    question.author = user
    db.session.add(question)
    db.session.commit()
    return _publish_question(access, question)


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
    return _publish_question(access, question)


def answer(access: LiveAccess, question_id: int, answered: bool = True) -> dict:
    """A facilitator marks a question answered (or not); raises NotFound, PermissionDenied."""
    begin_write()
    may_facilitate(access, live=False)
    session_id = access.item.id
    question = _question_in(session_id, question_id)
    question.answered_at = (question.answered_at or utcnow()) if answered else None
    db.session.commit()
    return _publish_question(access, question)


def my_question_votes(session_id: int, user_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(QuestionVote.question_id)
            .join(Question, Question.id == QuestionVote.question_id)
            .where(Question.session_id == session_id, QuestionVote.user_id == user_id)
        )
    )


_VOTERS = -1  # the "option" of the row that counts the people who voted


def _counts(poll_ids: list[int]) -> dict[int, tuple[dict[int, int], int]]:
    """{poll id: ({option: votes}, people who voted)}: one query for all of them."""
    counts: dict[int, tuple[dict[int, int], int]] = {}
    if not poll_ids:
        return counts
    wanted = PollVote.poll_id.in_(poll_ids)
    by_option = (
        sa.select(PollVote.poll_id, PollVote.option_index, sa.func.count())
        .where(wanted)
        .group_by(PollVote.poll_id, PollVote.option_index)
    )
    voters = (
        sa.select(
            PollVote.poll_id, sa.literal(_VOTERS), sa.func.count(sa.distinct(PollVote.user_id))
        )
        .where(wanted)
        .group_by(PollVote.poll_id)
    )
    for poll_id, option, count in db.session.execute(sa.union_all(by_option, voters)):
        options, people = counts.get(poll_id, ({}, 0))
        if option == _VOTERS:
            people = count
        else:
            options[option] = count
        counts[poll_id] = (options, people)
    return counts


def results_hidden(session: LiveSession, poll: Poll) -> bool:
    """Members do not see how a poll goes until it closes (or the session ends), when the
    session hides results; facilitators always do."""
    open_now = poll.closed_at is None and session.status != SessionStatus.ENDED.value
    return session.hide_poll_results and open_now


def serialize_poll(
    poll: Poll, counts: tuple[dict[int, int], int] | None, hidden: bool = False
) -> dict:
    """A poll with its results: `counts[i]` votes for `options[i]`, `total` people who
    voted (a multiple-choice vote counts once in the total). `hidden`: counts are None."""
    by_option, voters = counts or ({}, 0)
    tally = [by_option.get(i, 0) for i in range(len(poll.options))]
    return {
        "id": poll.id,
        "session_id": poll.session_id,
        "question": poll.question,
        "options": poll.options,
        "multiple": poll.multiple,
        "counts": None if hidden else tally,
        "results_hidden": hidden,
        "total": voters,
        "open": poll.closed_at is None,
        "opened_at": iso_utc(poll.opened_at),
        "closed_at": iso_utc(poll.closed_at),
    }


def polls_of(session: LiveSession, reveal: bool = False) -> list[dict]:
    """The session's polls, oldest first, with results (kept back while hidden, unless
    `reveal`: for facilitators); two queries."""
    polls = list(
        db.session.scalars(sa.select(Poll).where(Poll.session_id == session.id).order_by(Poll.id))
    )
    counts = _counts([p.id for p in polls])
    return [
        serialize_poll(p, counts.get(p.id), not reveal and results_hidden(session, p))
        for p in polls
    ]


def my_poll_votes(session_id: int, user_id: int) -> dict[str, list[int]]:
    """{poll id (as a JSON key): the option indexes this person chose}."""
    rows = db.session.execute(
        sa.select(PollVote.poll_id, PollVote.option_index)
        .join(Poll, Poll.id == PollVote.poll_id)
        .where(Poll.session_id == session_id, PollVote.user_id == user_id)
        .order_by(PollVote.poll_id, PollVote.option_index)
    )
    mine: dict[str, list[int]] = {}
    for poll_id, option in rows:
        mine.setdefault(str(poll_id), []).append(option)
    return mine


def _poll_in(session_id: int, poll_id: int) -> Poll:
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.session_id != session_id:
        raise NotFound("No such poll.")
    return poll


def _publish_poll(access: LiveAccess, poll: Poll) -> dict:
    """Broadcast a poll's results; returns them as this user may see them (the ack)."""
    counts = _counts([poll.id]).get(poll.id)
    whole = serialize_poll(poll, counts)
    kept_back = serialize_poll(poll, counts, results_hidden(access.item, poll))
    _publish("poll", kept_back, whole, poll.session_id)
    return whole if access.is_facilitator else kept_back


def _clean_options(options: object) -> list[str]:
    low, high = POLL_OPTIONS
    if not isinstance(options, list) or not low <= len(options) <= high:
        raise ValidationError("options", f"Give {low} to {high} options.")
    clean = [clean_text("options", o, max_length=POLL_OPTION_MAX) for o in options]
    if len({o.casefold() for o in clean}) != len(clean):
        raise ValidationError("options", "Each option must be different.")
    return clean


def open_poll(
    access: LiveAccess, question: object, options: object, multiple: bool | None = False
) -> dict:
    """A facilitator opens a poll, single choice or (`multiple`) choose any; raises
    ValidationError, NotLive, PermissionDenied."""
    text = clean_text("question", question, max_length=POLL_QUESTION_MAX)
    choices = _clean_options(options)
    begin_write()
    may_facilitate(access)
    session_id = access.item.id
    poll = Poll(session_id=session_id, question=text, options=choices, opened_at=utcnow(),
                multiple=bool(multiple))  # fmt: skip
    db.session.add(poll)
    db.session.commit()
    return _publish_poll(access, poll)


def _chosen(poll: Poll, option: object) -> list[int]:
    """The option indexes a vote gives: one number, or for a multiple-choice poll a list
    of one or more; raises ValidationError."""
    picked = option if poll.multiple and isinstance(option, list) else [option]
    if not picked or any(not isinstance(i, int) or isinstance(i, bool) for i in picked):
        raise ValidationError("option", "Choose an option by its number.")
    if not all(0 <= i < len(poll.options) for i in picked):
        raise ValidationError("option", "No such option.")
    return sorted(set(picked))


def vote(access: LiveAccess, poll_id: int, option: object) -> dict:
    """Vote in an open poll, or change the vote (a multiple-choice vote is the whole new
    set of choices); raises NotFound, NotLive, ValidationError."""
    begin_write()
    may_take_part(access)
    session_id, user = access.item.id, access.user
    poll = _poll_in(session_id, poll_id)
    if poll.closed_at is not None:
        raise ValidationError("poll_id", "This poll is closed.")
    chosen = _chosen(poll, option)
    db.session.execute(
        sa.delete(PollVote).where(PollVote.poll_id == poll.id, PollVote.user_id == user.id)
    )
    db.session.add_all(PollVote(poll_id=poll.id, user_id=user.id, option_index=i) for i in chosen)
    db.session.commit()
    return _publish_poll(access, poll)


def close_poll(access: LiveAccess, poll_id: int) -> dict:
    """A facilitator closes a poll (also after the session ended): everyone sees the
    results. Raises NotFound, PermissionDenied."""
    begin_write()
    may_facilitate(access, live=False)
    session_id = access.item.id
    poll = _poll_in(session_id, poll_id)
    if poll.closed_at is None:
        poll.closed_at = utcnow()
    db.session.commit()
    return _publish_poll(access, poll)
