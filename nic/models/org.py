"""Districts and the schools in them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nic.extensions import db
from nic.models.base import utcnow


class District(db.Model):
    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    # The district's id in the student information system (a roster import's key).
    external_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    schools: Mapped[list[School]] = relationship(back_populates="district", lazy="raise")


class School(db.Model):
    __tablename__ = "school"
    __table_args__ = (sa.UniqueConstraint("district_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("district.id"), index=True)
    # The school's id in the student information system (OneRoster's sourcedId): a roster
    # import updates the school with this id, whatever it is called now.
    external_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    district: Mapped[District] = relationship(back_populates="schools", lazy="joined")
