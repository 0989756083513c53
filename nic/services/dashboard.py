"""The facilitator's dashboard ("hub health"): how the network is doing, in a few figures.

Every figure counts only what the viewer may see (nic.services.visibility, the cycles'
and measures' `visible_clause`): a private group's threads, posts, sessions, cycles and
practices count only for its members and admins. Participation and "who learns from
whom" cover the window (the last 7, 30 or 90 days); cycles, stale measures, unanswered
threads and tries with no report back are the state today; signals are the run-chart
signals that reach into the window. The whole dashboard runs a constant number of
queries, whatever the number of schools, groups, threads, measures and points.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from nic import policy
from nic.errors import NotFound, ValidationError
from nic.extensions import db
from nic.models import (
    Cycle,
    PracticeTry,
    School,
    User,
)
from nic.models.accounts import JobRole
from nic.models.base import utcnow
from nic.policy import Actor
from nic.services import cycles, org
from nic.services.cycle_reading import overdue_clause
from nic.services.dashboard_activity import (
    PRACTICE_AUTHOR,
    attendance_seen,
    posts_seen,
    tries_seen,
)
from nic.services.dashboard_lists import (
    ListPage,
    unanswered_threads,
    untold_tries,
)
from nic.services.dashboard_measures import MeasureHealth, measure_health

DAYS = (7, 30, 90)
DEFAULT_DAYS = 30
BAD_DAYS = "Choose a window of 7, 30 or 90 days."
FIRST_ITEMS = 10
ROLE_ORDER = [r.value for r in JobRole]


@dataclass(frozen=True)
class Window:
    """The last `days` days, up to now."""

    days: int
    now: datetime
    since: datetime

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def first_day(self) -> date:
        return self.since.date()


def window(days: object = DEFAULT_DAYS, now: datetime | None = None) -> Window:
    """The window of `days` (7, 30 or 90); raises ValidationError("days") for anything else."""
    if isinstance(days, bool) or days not in DAYS:
        raise ValidationError("days", BAD_DAYS)
    now = now or utcnow()
    return Window(int(days), now, now - timedelta(days=int(days)))  # type: ignore[call-overload]


@dataclass
class Figures:
    """One row's participation figures (a school's job role, a school, the network)."""

    posts: int = 0
    cross_school_replies: int = 0
    sessions_attended: int = 0
    cycles: int = 0

    def add(self, other: Figures) -> None:
        self.posts += other.posts
        self.cross_school_replies += other.cross_school_replies
        self.sessions_attended += other.sessions_attended
        self.cycles += other.cycles

    @property
    def active(self) -> bool:
        return bool(self.posts or self.sessions_attended or self.cycles)


@dataclass
class SchoolParticipation:
    """A school (None: people with no school) and its job roles' figures, roles in the
    order of JobRole; a role is listed when the school has people in it or it did
    something."""

    school_id: int | None
    name: str
    roles: dict[str, Figures] = field(default_factory=dict)

    @property
    def totals(self) -> Figures:
        total = Figures()
        for figures in self.roles.values():
            total.add(figures)
        return total

    def role(self, job_role: str) -> Figures:
        return self.roles.setdefault(job_role, Figures())

    def ordered(self) -> list[tuple[str, Figures]]:
        return sorted(self.roles.items(), key=lambda r: _role_rank(r[0]))


def _role_rank(job_role: str) -> int:
    return ROLE_ORDER.index(job_role) if job_role in ROLE_ORDER else len(ROLE_ORDER)


@dataclass(frozen=True)
class CycleCounts:
    school_id: int
    name: str
    in_progress: int
    overdue: int


@dataclass(frozen=True)
class Learning:
    """Who learns from whom: matrix[i][j] counts school i's replies to school j's people
    and its tries of school j's practices, in the window (rows: the learning school)."""

    schools: list[School]
    matrix: list[list[int]]

    @property
    def row_totals(self) -> list[int]:
        return [sum(row) for row in self.matrix]

    @property
    def column_totals(self) -> list[int]:
        return [sum(column) for column in zip(*self.matrix, strict=True)] if self.matrix else []

    @property
    def total(self) -> int:
        return sum(self.row_totals)


@dataclass(frozen=True)
class Dashboard:
    window: Window
    participation: list[SchoolParticipation]
    network: Figures
    cycles: list[CycleCounts]
    cycles_in_progress: int
    cycles_overdue: int
    measures: MeasureHealth
    unanswered: ListPage
    untold: ListPage
    learning: Learning


def require_viewer(user: Actor) -> None:
    """The dashboard is for admins and the network's facilitators; others get NotFound."""
    if not policy.can_view_dashboard(user):
        raise NotFound()


def _post_rows(user: Actor, since: datetime) -> sa.Select:
    """Posts the viewer may see (dashboard_activity.posts_seen) grouped by their author's
    school and job role, whether a reply, and the school of the author it answers."""
    seen = posts_seen(user, since)
    group = (seen.author.school_id, seen.author.job_role, seen.answered.school_id, seen.is_reply)
    return seen.select(*group, sa.func.count()).group_by(*group)


def _sessions_rows(user: Actor, since: datetime, now: datetime) -> sa.Select:
    """Attendance the viewer may see (dashboard_activity.attendance_seen), by school and
    job role."""
    return attendance_seen(user, since, now, User.school_id, User.job_role,
                           sa.func.count()).group_by(User.school_id, User.job_role)  # fmt: skip


def _cycle_rows(user: Actor, since: datetime) -> sa.Select:
    """Cycles created or updated in the window, by the cycle's school and the job role of
    who planned it."""
    role = sa.func.coalesce(User.job_role, JobRole.OTHER.value)
    return (
        sa.select(Cycle.school_id, role, sa.func.count())
        .outerjoin(User, User.id == Cycle.created_by_id)
        .where(sa.or_(Cycle.created_at >= since, Cycle.updated_at >= since),
               cycles.visible_clause(user))
        .group_by(Cycle.school_id, role)
    )  # fmt: skip


def _people_rows() -> sa.Select:
    return sa.select(User.school_id, User.job_role).where(User.is_active_account).distinct()


def participation(
    user: Actor, win: Window, schools: list[School], posts: list
) -> tuple[list[SchoolParticipation], Figures]:
    """Each school (all of them: a school with nothing is shown as 0) and its job roles,
    then people with no school when they did anything; and the network's totals."""
    rows = {s.id: SchoolParticipation(s.id, s.name) for s in schools}
    nobody = SchoolParticipation(None, "No school")

    def row(school_id: int | None) -> SchoolParticipation:
        return rows.get(school_id, nobody) if school_id is not None else nobody

    for school_id, job_role in db.session.execute(_people_rows()):
        row(school_id).role(job_role)
    for school_id, job_role, answered_school, is_reply, count in posts:
        figures = row(school_id).role(job_role)
        figures.posts += count
        if is_reply and _across(school_id, answered_school):
            figures.cross_school_replies += count
    for school_id, job_role, count in db.session.execute(_sessions_rows(user, win.since, win.now)):
        row(school_id).role(job_role).sessions_attended += count
    for school_id, job_role, count in db.session.execute(_cycle_rows(user, win.since)):
        row(school_id).role(job_role).cycles += count
    found = sorted(rows.values(), key=lambda r: r.name.lower())
    if nobody.totals.active:
        found.append(nobody)
    network = Figures()
    for each in found:
        network.add(each.totals)
    return found, network


def _across(school_id: int | None, other_id: int | None) -> bool:
    return school_id is not None and other_id is not None and school_id != other_id


def cycle_counts(user: Actor, today: date, schools: list[School]) -> list[CycleCounts]:
    """Per school (every one, by name): cycles with no decision yet, and those overdue."""
    undecided = sa.func.coalesce(Cycle.decision, "") == ""
    query = (
        sa.select(Cycle.school_id, sa.func.count().filter(undecided),
                  sa.func.count().filter(overdue_clause(today)))
        .where(cycles.visible_clause(user))
        .group_by(Cycle.school_id)
    )  # fmt: skip
    counts = {
        school_id: (progress, late) for school_id, progress, late in db.session.execute(query)
    }
    return [CycleCounts(s.id, s.name, *counts.get(s.id, (0, 0)))
            for s in sorted(schools, key=lambda s: s.name.lower())]  # fmt: skip


def learning(user: Actor, win: Window, schools: list[School], posts: list) -> Learning:
    """Replies across schools (the replier's school learns from the answered author's) and
    tries of another school's practice (the trying school learns from the practice's
    first author's school), in the window, among the schools that appear."""
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    for school_id, _role, answered_school, is_reply, count in posts:
        if is_reply and _across(school_id, answered_school):
            pairs[(school_id, answered_school)] += count
    for school_id, author_school, count in db.session.execute(_try_rows(user, win.since)):
        if _across(school_id, author_school):
            pairs[(school_id, author_school)] += count
    seen = {i for pair in pairs for i in pair}
    listed = sorted((s for s in schools if s.id in seen), key=lambda s: s.name.lower())
    matrix = [[pairs.get((a.id, b.id), 0) for b in listed] for a in listed]
    return Learning(listed, matrix)


def _try_rows(user: Actor, since: datetime) -> sa.Select:
    by = (PracticeTry.school_id, PRACTICE_AUTHOR.school_id)
    return tries_seen(user, since, *by, sa.func.count()).group_by(*by)


def dashboard(user: Actor, days: object = DEFAULT_DAYS) -> Dashboard:
    """Every figure of the dashboard; raises NotFound for who may not see it and
    ValidationError("days") for a window other than 7, 30 or 90 days."""
    require_viewer(user)
    win = window(days)
    schools = org.list_schools()
    posts = list(db.session.execute(_post_rows(user, win.since)))
    rows, network = participation(user, win, schools, posts)
    counts = cycle_counts(user, win.today, schools)
    return Dashboard(
        win, rows, network, counts, sum(c.in_progress for c in counts),
        sum(c.overdue for c in counts), measure_health(user, win.first_day, win.today, schools),
        unanswered_threads(user, win.now, 1, FIRST_ITEMS),
        untold_tries(user, win.today, 1, FIRST_ITEMS), learning(user, win, schools, posts),
    )  # fmt: skip
