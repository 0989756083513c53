"""The network directory: find counterparts by job role, district and school."""

from __future__ import annotations

from dataclasses import dataclass

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
