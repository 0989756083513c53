"""The dashboard's lists: measures gone stale, new run-chart signals, threads no one has
answered, and tries and practice cycles with no report back.

Each reads only what the viewer may see, in a constant number of queries: the measures'
points are read once, as plain rows (not ORM objects), and every school's run chart is
evaluated without drawing it (nic.services.measure_charts.chart_signals).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from nic import policy
from nic.extensions import db
from nic.models import (
    Cycle,
    Group,
    Measure,
    MeasurePhase,
    MeasurePoint,
    Membership,
    Practice,
    PracticeAuthor,
    PracticeTry,
    School,
    Thread,
)
from nic.models.measures import Frequency
from nic.policy import Actor
from nic.services import cycles, measures
from nic.services.measure_charts import Period, calendar, chart_signals
from nic.services.measure_points import period_label
from nic.services.visibility import group_seen, practice_seen

UNANSWERED_AFTER = timedelta(days=3)
TERM_STALE_AFTER = timedelta(days=120)
_NEWS_ORDER = {"worse": 0, "better": 1, None: 2}


def started_for_a_record(thread_id: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """A thread the app opened as a PDSA cycle's or a practice's discussion: its opening
    post is the app's words, not a question anyone asked."""
    cycles_ = sa.select(Cycle.thread_id).where(Cycle.thread_id.is_not(None))
    practices_ = sa.select(Practice.thread_id).where(Practice.thread_id.is_not(None))
    return thread_id.in_(sa.union(cycles_, practices_))


def measure_school_path(measure_id: int, school_id: int) -> str:
    """A school's page of a measure (its chart and points)."""
    return f"/measures/{measure_id}/schools/{school_id}"


@dataclass(frozen=True)
class StaleChart:
    """A school that entered points on a measure before, with none for its last complete
    period: `last` is the period of its latest point."""

    measure: Measure
    school: School
    last: date

    @property
    def last_label(self) -> str:
        return period_label(self.measure.frequency, self.last)

    @property
    def path(self) -> str:
        return measure_school_path(self.measure.id, self.school.id)


@dataclass(frozen=True)
class NewSignal:
    """A run-chart signal of one school's chart that reaches into the window."""

    measure: Measure
    school: School
    kind: str
    text: str
    news: str | None
    candidate: bool
    ends: date

    @property
    def path(self) -> str:
        return measure_school_path(self.measure.id, self.school.id)


@dataclass(frozen=True)
class MeasureHealth:
    stale: list[StaleChart]
    signals: list[NewSignal]  # shifts, trends, runs: worse news first
    to_look_at: list[NewSignal]  # astronomical candidates: a person decides


def last_complete(frequency: str, today: date) -> date:
    """The first day of the last complete period: last week's Monday, last month's 1st
    (per-term measures have no calendar: see is_stale)."""
    if frequency == Frequency.WEEKLY.value:
        return today - timedelta(days=today.weekday() + 7)
    first = today.replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def is_stale(frequency: str, last: date, today: date) -> bool:
    """No point for the last complete period (per term: none for over 120 days)."""
    if frequency == Frequency.TERM.value:
        return today - last > TERM_STALE_AFTER
    return last < last_complete(frequency, today)


def _live_measures(user: Actor) -> sa.ColumnElement[bool]:
    return sa.and_(measures.visible_clause(user), Measure.archived_at.is_(None))


def _points(user: Actor) -> sa.Select:
    return (
        sa.select(MeasurePoint.measure_id, MeasurePoint.school_id, MeasurePoint.period,
                  MeasurePoint.value, MeasurePoint.numerator, MeasurePoint.denominator)
        .join(Measure, Measure.id == MeasurePoint.measure_id)
        .where(_live_measures(user))
        .order_by(MeasurePoint.measure_id, MeasurePoint.school_id, MeasurePoint.period)
    )  # fmt: skip


def _phases(user: Actor) -> dict[tuple[int, int | None], list[MeasurePhase]]:
    query = sa.select(MeasurePhase).join(Measure, Measure.id == MeasurePhase.measure_id)
    found: dict[tuple[int, int | None], list[MeasurePhase]] = defaultdict(list)
    for row in db.session.scalars(query.where(_live_measures(user))):
        found[(row.measure_id, row.school_id)].append(row)
    return found


def _signal_end(laid: list[Period], run, signal) -> int:
    """The last point a signal rests on: its own last point, or for the runs rules (whose
    indices start each run) the last useful point of its phase."""
    if signal.kind not in ("too_few_runs", "too_many_runs"):
        return signal.indices[-1]
    phase = next(p for p in run.phases if p.start <= signal.indices[0] < p.end)
    return max(i for i in range(phase.start, phase.end) if laid[i].value is not None)


def measure_health(
    user: Actor, first_day: date, today: date, schools: list[School]
) -> MeasureHealth:
    """Stale charts and new signals of every live measure the viewer may see (three
    queries: the measures, their phases, their points)."""
    found = db.session.scalars(
        sa.select(Measure).where(_live_measures(user)).order_by(Measure.name)
    )
    by_id = {m.id: m for m in found}
    school_of = {s.id: s for s in schools}
    charts: dict[int, dict[int, list[Period]]] = defaultdict(lambda: defaultdict(list))
    for row in db.session.execute(_points(user)):
        charts[row.measure_id][row.school_id].append(
            Period(row.period, row.value, row.numerator, row.denominator)
        )
    phases = _phases(user) if charts else {}
    stale, signals, to_look_at = [], [], []
    for measure_id, by_school in charts.items():
        measure = by_id[measure_id]
        days = calendar(measure.frequency, [p.start for ps in by_school.values() for p in ps])
        for school_id, periods in by_school.items():
            school = school_of[school_id]
            if is_stale(measure.frequency, periods[-1].start, today):
                stale.append(StaleChart(measure, school, periods[-1].start))
            if periods[-1].start < first_day:
                continue  # nothing of this chart falls in the window
            laid, run, said = chart_signals(measure, periods, days,
                                            phases.get((measure_id, school_id), ()))  # fmt: skip
            for raw, view in zip(run.signals, said, strict=True):
                ends = laid[_signal_end(laid, run, raw)].start
                if ends >= first_day:
                    item = NewSignal(measure, school, view.kind, view.text, view.news,
                                     view.candidate, ends)  # fmt: skip
                    (to_look_at if view.candidate else signals).append(item)
    names = {m.id: i for i, m in enumerate(by_id.values())}

    def order(item: StaleChart | NewSignal) -> tuple:
        return (names[item.measure.id], item.school.name.lower())

    signals.sort(key=lambda s: (_NEWS_ORDER[s.news], *order(s)))
    return MeasureHealth(sorted(stale, key=order), signals, sorted(to_look_at, key=order))


@dataclass(frozen=True)
class ListPage:
    """One page of a dashboard list, and how many there are in all."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    # What the pagination macro reads (as Flask-SQLAlchemy's Pagination offers).
    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self) -> Iterator[int | None]:
        """The first and last two pages and two either side of this one, None for a gap."""
        shown = [n for n in range(1, self.pages + 1)
                 if n <= 2 or n > self.pages - 2 or abs(n - self.page) <= 2]  # fmt: skip
        for n, after in zip(shown, [*shown[1:], None], strict=True):
            yield n
            if after is not None and after != n + 1:
                yield None


def _page(query: sa.Select, page: int, per_page: int) -> ListPage:
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    items = list(db.session.execute(query.limit(per_page).offset((page - 1) * per_page)))
    return ListPage(items, total or 0, page, per_page)


def unanswered_threads(user: Actor, now: datetime, page: int, per_page: int) -> ListPage:
    """Threads the viewer may see, not hidden, started over three days ago and with no
    reply (not a cycle's or a practice's discussion), newest first: rows of (id, title,
    created_at, group_id, group_name). Two queries."""
    mine = sa.and_(Membership.group_id == Thread.group_id, Membership.user_id == user.id)
    query = (
        sa.select(Thread.id, Thread.title, Thread.created_at, Group.id.label("group_id"),
                  Group.name.label("group_name"))
        .join(Group, Group.id == Thread.group_id)
        .outerjoin(Membership, mine)
        .where(group_seen(policy.is_admin(user), Membership), Thread.hidden.is_(False),
               sa.not_(started_for_a_record(Thread.id)),
               Thread.post_count > 0, Thread.reply_count == 0,
               Thread.created_at < now - UNANSWERED_AFTER)
        .order_by(Thread.created_at.desc(), Thread.id.desc())
    )  # fmt: skip
    return _page(query, page, per_page)


def untold_tries(user: Actor, today: date, page: int, per_page: int) -> ListPage:
    """A school's try of a practice with no observations written, and a PDSA cycle started
    from a practice with nothing in its Study phase after its planned end: rows of (kind
    "try" or "cycle", id, practice id, practice title, school name, cycle title or None,
    since), the latest first. Two queries."""
    mine = sa.and_(Membership.group_id == Practice.group_id, Membership.user_id == user.id)
    is_author = sa.exists().where(
        PracticeAuthor.practice_id == Practice.id, PracticeAuthor.user_id == user.id
    )
    tries = (
        sa.select(sa.literal("try").label("kind"), PracticeTry.id.label("id"),
                  Practice.id.label("practice_id"), Practice.title.label("practice_title"),
                  School.name.label("school_name"), sa.null().label("cycle_title"),
                  PracticeTry.tried_on.label("since"))
        .join(Practice, Practice.id == PracticeTry.practice_id)
        .join(School, School.id == PracticeTry.school_id)
        .outerjoin(Membership, mine)
        .where(sa.func.coalesce(PracticeTry.observations, "") == "",
               practice_seen(policy.is_admin(user), Membership, is_author))
    )  # fmt: skip
    study_empty = sa.and_(
        sa.func.coalesce(Cycle.results, "") == "", sa.func.coalesce(Cycle.learned, "") == ""
    )
    started = (
        sa.select(sa.literal("cycle"), Cycle.id, Practice.id, Practice.title, School.name,
                  Cycle.title, Cycle.planned_end)
        .join(Practice, Practice.id == Cycle.practice_id)
        .join(School, School.id == Cycle.school_id)
        .outerjoin(Membership, mine)
        .where(Cycle.planned_end < today, study_empty, cycles.visible_clause(user),
               practice_seen(policy.is_admin(user), Membership, is_author))
    )  # fmt: skip
    both = sa.union_all(tries, started).subquery()
    query = sa.select(both).order_by(both.c.since.desc(), both.c.kind, both.c.id.desc())
    return _page(query, page, per_page)
