"""People: accounts, profiles and their job roles."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nic.extensions import db
from nic.models.base import utcnow

if TYPE_CHECKING:
    from nic.models.org import School


class JobRole(enum.StrEnum):
    """A member's job; the value is what the CLI and the API accept."""

    PRINCIPAL = "principal"
    ASSISTANT_PRINCIPAL = "assistant_principal"
    INSTRUCTIONAL_COACH = "instructional_coach"
    TEACHER_LEADER = "teacher_leader"
    DISTRICT_LEADER = "district_leader"
    FACILITATOR = "facilitator"
    OTHER = "other"

    @property
    def label(self) -> str:
        return JOB_ROLE_LABELS[self]


JOB_ROLE_LABELS = {
    JobRole.PRINCIPAL: "Principal",
    JobRole.ASSISTANT_PRINCIPAL: "Assistant principal",
    JobRole.INSTRUCTIONAL_COACH: "Instructional coach",
    JobRole.TEACHER_LEADER: "Teacher leader",
    JobRole.DISTRICT_LEADER: "District leader",
    JobRole.FACILITATOR: "Facilitator",
    JobRole.OTHER: "Other",
}


def job_role_label(value: str) -> str:
    """How a job role value reads on a page (an unknown value as it is)."""
    try:
        return JobRole(value).label
    except ValueError:
        return value


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique index is case-insensitive.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    job_role: Mapped[str] = mapped_column(sa.String(32), default=JobRole.OTHER.value, index=True)
    school_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("school.id", ondelete="SET NULL"), index=True
    )
    bio: Mapped[str] = mapped_column(sa.String(500), default="")
    time_zone: Mapped[str] = mapped_column(sa.String(64), default="America/New_York")
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # What search finds a person by: name, job role, school (nic.services.search_documents).
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # When the owner opened the link mailed to `email` (None: not yet, so they may not
    # write; nic.policy.may_write). Changing the address needs a link to the new one.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # When the person last signed in on a page (nic.services.logins.start_login); None:
    # never, so "invite everyone who has never signed in" reaches them (nic.services.invitations).
    signed_in_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    school: Mapped[School | None] = relationship(lazy="raise")

    # The key of the sign-in this object was loaded for or signed in with
    # (nic.services.logins); not a column.
    login_key = None  # a str once signed in or loaded; not a column, so not Mapped[]

    def get_id(self) -> str:
        """What Flask-Login keeps in the cookies: the sign-in's key, never the user id."""
        if self.login_key is None:
            raise NotImplementedError("Sign in through nic.services.logins.start_login.")
        return self.login_key

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated accounts cannot sign in
        return self.is_active_account

    @property
    def job_role_label(self) -> str:
        return job_role_label(self.job_role)

    def __repr__(self) -> str:
        return f"<User {self.username}>"
