"""Districts and schools (network administrators create them)."""

from __future__ import annotations

import sqlalchemy as sa

from nic import policy
from nic.database import begin_write
from nic.errors import Conflict, NotFound, PermissionDenied, ValidationError
from nic.extensions import db
from nic.models import District, School, User
from nic.policy import Actor
from nic.services.validation import clean_text

DISTRICT_NAME_MAX = 120
SCHOOL_NAME_MAX = 160


def require_admin(actor: Actor | None) -> None:
    # actor None means a trusted caller (the CLI).
    if actor is not None and not policy.can_administer_network(actor):
        raise PermissionDenied("Only network administrators can do that.")


def districts_query() -> sa.Select:
    return sa.select(District).order_by(District.name)


def schools_query(district_id: int | None = None) -> sa.Select:
    """Schools by district and name, optionally of one district."""
    query = sa.select(School).join(School.district).order_by(District.name, School.name)
    if district_id is not None:
        query = query.where(School.district_id == district_id)
    return query


def list_districts() -> list[District]:
    return list(db.session.scalars(districts_query()))


def get_school(school_id: int) -> School:
    """A school (with its district); raises NotFound. Every signed-in member may see schools."""
    school = db.session.get(School, school_id)
    if school is None:
        raise NotFound("No such school.")
    return school


def list_schools() -> list[School]:
    return list(db.session.scalars(schools_query()))


def create_district(actor: User | None, name: str) -> District:
    begin_write()
    require_admin(actor)
    name = clean_text("name", name, max_length=DISTRICT_NAME_MAX)
    if db.session.scalar(sa.select(District.id).where(District.name == name)):
        raise Conflict("A district with that name already exists.")
    district = District(name=name)
    db.session.add(district)
    db.session.commit()
    return district


def create_school(actor: User | None, name: str, district_id: int | None) -> School:
    begin_write()
    require_admin(actor)
    name = clean_text("name", name, max_length=SCHOOL_NAME_MAX)
    if district_id is None or db.session.get(District, district_id) is None:
        raise ValidationError("district_id", "Choose a district from the list.")
    exists = db.session.scalar(
        sa.select(School.id).where(School.name == name, School.district_id == district_id)
    )
    if exists:
        raise Conflict("That district already has a school with that name.")
    school = School(name=name, district_id=district_id)
    db.session.add(school)
    db.session.commit()
    return school


def find_school(name_or_id: str) -> School | None:
    """A school by id or by exact name (for the CLI)."""
    if name_or_id.isdigit():
        return db.session.get(School, int(name_or_id))
    return db.session.scalar(sa.select(School).where(School.name == name_or_id))
