"""The network directory: find counterparts by job role, district and school."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from nic.models import School, User

MEMBERS_PER_PAGE = 30


@dataclass(frozen=True)
class DirectoryFilter:
    job_role: str | None = None
    district_id: int | None = None
    school_id: int | None = None
    q: str | None = None

    @property
    def active(self) -> int:
        """How many filters are set (the phone's "Filters (2)" disclosure says it)."""
        return sum(v is not None for v in (self.q, self.job_role, self.district_id, self.school_id))


def narrow_schools(
    filters: DirectoryFilter, schools: Sequence[School]
) -> tuple[DirectoryFilter, list[School]]:
    """The schools the school filter offers (the chosen district's, or all), and the
    filters with a school from another district dropped, as the list no longer has it."""
    if filters.district_id is None:
        return filters, list(schools)
    offered = [s for s in schools if s.district_id == filters.district_id]
    if filters.school_id is not None and filters.school_id not in {s.id for s in offered}:
        filters = replace(filters, school_id=None)
    return filters, offered


def members_query(filters: DirectoryFilter) -> sa.Select:
    """Active members matching the filters, by name, schools loaded."""
    query = (
        sa.select(User)
        .outerjoin(User.school)
        .options(joinedload(User.school).joinedload(School.district))
        .where(User.is_active_account.is_(True))
        .order_by(User.name, User.id)
    )
    if filters.job_role:
        query = query.where(User.job_role == filters.job_role)
    if filters.school_id:
        query = query.where(User.school_id == filters.school_id)
    if filters.district_id:
        query = query.where(School.district_id == filters.district_id)
    if filters.q:
        pattern = f"%{filters.q.strip().lower()}%"
        query = query.where(
            sa.or_(sa.func.lower(User.name).like(pattern), User.username.like(pattern))
        )
    return query
