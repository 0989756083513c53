"""The practice library: write-ups, their authors, labels and revisions, tries, "helpful".

A practice is a draft until its authors publish it; each publish (the first,
then every saved change to a published practice) is a revision. Levers,
school levels and free tags are rows of `practice_label`, so every filter of
the library is an indexed lookup. The counts the library sorts and shows
(schools by outcome, helpful marks) are kept on the practice by the services.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nic.extensions import db
from nic.models.base import utcnow

if TYPE_CHECKING:
    from nic.models.accounts import User
    from nic.models.groups import Group
    from nic.models.org import School


class Lever(enum.StrEnum):
    ILT = "ilt"
    COACHING = "coaching"
    PLC = "plc"
    DATA_USE = "data_use"
    SUPERVISION_FEEDBACK = "supervision_feedback"
    TIME_SCHEDULING = "time_scheduling"
    FAMILY_COMMUNITY = "family_community"
    OTHER = "other"


LEVER_LABELS = {
    Lever.ILT.value: "Instructional leadership team",
    Lever.COACHING.value: "Instructional coaching",
    Lever.PLC.value: "Professional learning communities",
    Lever.DATA_USE.value: "Data use",
    Lever.SUPERVISION_FEEDBACK.value: "Supervision and feedback",
    Lever.TIME_SCHEDULING.value: "Time and scheduling",
    Lever.FAMILY_COMMUNITY.value: "Family and community",
    Lever.OTHER.value: "Other",
}


class SchoolLevel(enum.StrEnum):
    ELEMENTARY = "elementary"
    MIDDLE = "middle"
    HIGH = "high"


LEVEL_LABELS = {
    SchoolLevel.ELEMENTARY.value: "Elementary",
    SchoolLevel.MIDDLE.value: "Middle",
    SchoolLevel.HIGH.value: "High",
}


class LabelKind(enum.StrEnum):
    LEVER = "lever"
    LEVEL = "level"
    TAG = "tag"


class PracticeStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Outcome(enum.StrEnum):
    ADOPTED = "adopted"  # used as written
    ADAPTED = "adapted"  # used, changed to fit
    STOPPED = "stopped"  # tried, then dropped


OUTCOME_LABELS = {
    Outcome.ADOPTED.value: "Adopted",
    Outcome.ADAPTED.value: "Adapted",
    Outcome.STOPPED.value: "Stopped",
}


class Practice(db.Model):
    __tablename__ = "practice"
    __table_args__ = (
        # The library: published practices, newest first (also per group).
        sa.Index("ix_practice_listing", "status", "published_at"),
        sa.Index("ix_practice_group_listing", "group_id", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    # Rendered and sanitised once, when written (nic.markup).
    body_html: Mapped[str] = mapped_column(sa.Text)
    # The practices its write-up links to ("3,17"), found when written.
    practice_links: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    # Its labels and attachment captions, for search (nic.services.search_documents).
    search_extra: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    status: Mapped[str] = mapped_column(sa.String(16), default=PracticeStatus.DRAFT.value)
    # None: the whole network; else only members of this group see it.
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("peer_group.id", ondelete="CASCADE"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The number of the latest revision (0 while a draft never published).
    revision_number: Mapped[int] = mapped_column(default=0, server_default="0")
    # Schools that tried it, by outcome, and helpful marks; kept by the services.
    adopted_count: Mapped[int] = mapped_column(default=0, server_default="0")
    adapted_count: Mapped[int] = mapped_column(default=0, server_default="0")
    stopped_count: Mapped[int] = mapped_column(default=0, server_default="0")
    tried_count: Mapped[int] = mapped_column(default=0, server_default="0")
    helpful_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Its discussion: a thread in its group, or in the practice library's open group.
    thread_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("thread.id", ondelete="SET NULL"), index=True
    )

    group: Mapped[Group | None] = relationship(lazy="raise")

    @property
    def is_published(self) -> bool:
        return self.status == PracticeStatus.PUBLISHED.value

    @property
    def is_network_wide(self) -> bool:
        return self.group_id is None


class PracticeAuthor(db.Model):
    """An author of a practice: its writer, or a co-author from any school."""

    __tablename__ = "practice_author"

    practice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # Order of the byline: the writer first, then co-authors as added.
    position: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship(lazy="raise")


class PracticeLabel(db.Model):
    """One lever, school level or tag of a practice (tags normalised: lower case, one space)."""

    __tablename__ = "practice_label"
    __table_args__ = (
        # The library's filters: which practices carry this lever, level or tag.
        sa.Index("ix_practice_label_lookup", "kind", "value", "practice_id"),
    )

    practice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(60), primary_key=True)


class PracticeRevision(db.Model):
    """A published version of a practice: the first publish is revision 1."""

    __tablename__ = "practice_revision"
    __table_args__ = (sa.UniqueConstraint("practice_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(sa.ForeignKey("practice.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    # Levers, levels and tags as "kind:value" lines, for the history and its diff.
    labels: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    author: Mapped[User] = relationship(lazy="raise")


class PracticeTry(db.Model):
    """A school's report of trying a practice: one per school, updated in place."""

    __tablename__ = "practice_try"
    __table_args__ = (sa.UniqueConstraint("practice_id", "school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(sa.ForeignKey("practice.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), index=True)
    # Who reported it last.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    tried_on: Mapped[date] = mapped_column(sa.Date)
    grade_band: Mapped[str] = mapped_column(sa.String(60), default="")
    participants: Mapped[str] = mapped_column(sa.String(200), default="")
    outcome: Mapped[str] = mapped_column(sa.String(16))
    # What the school changed and what it saw, as written and rendered once (nic.markup).
    changes: Mapped[str] = mapped_column(sa.Text, default="")
    changes_html: Mapped[str] = mapped_column(sa.Text, default="")
    observations: Mapped[str] = mapped_column(sa.Text, default="")
    observations_html: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # The school's PDSA cycle this try was run as (of this practice), so its spread and its
    # evidence read as one trail.
    cycle_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("pdsa_cycle.id", ondelete="SET NULL"), index=True
    )

    school: Mapped[School] = relationship(lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")


class PracticeTryRevision(db.Model):
    """A try's earlier report, kept each time the school updates it."""

    __tablename__ = "practice_try_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    try_id: Mapped[int] = mapped_column(
        sa.ForeignKey("practice_try.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    tried_on: Mapped[date] = mapped_column(sa.Date)
    grade_band: Mapped[str] = mapped_column(sa.String(60), default="")
    participants: Mapped[str] = mapped_column(sa.String(200), default="")
    outcome: Mapped[str] = mapped_column(sa.String(16))
    changes: Mapped[str] = mapped_column(sa.Text, default="")
    observations: Mapped[str] = mapped_column(sa.Text, default="")
    # When this report was written (the try's creation or an earlier update).
    written_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class PracticeHelpful(db.Model):
    """A member found a practice helpful (one mark per person, undoable)."""

    __tablename__ = "practice_helpful"

    practice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class EvidenceKind(enum.StrEnum):
    STUDENT_WORK = "student_work"
    CLASSROOM_ASSESSMENT = "classroom_assessment"
    ASSESSMENT_DATA = "assessment_data"
    OBSERVATION_NOTES = "observation_notes"
    SURVEY = "survey"
    PROTOCOL = "protocol"
    OTHER = "other"


EVIDENCE_LABELS = {
    EvidenceKind.STUDENT_WORK.value: "Student work",
    EvidenceKind.CLASSROOM_ASSESSMENT.value: "Classroom assessment",
    EvidenceKind.ASSESSMENT_DATA.value: "Assessment data",
    EvidenceKind.OBSERVATION_NOTES.value: "Observation notes",
    EvidenceKind.SURVEY.value: "Survey",
    EvidenceKind.PROTOCOL.value: "Protocol or template",
    EvidenceKind.OTHER.value: "Other",
}
# Evidence drawn from students: attached only once the author confirms it is de-identified.
FROM_STUDENTS = frozenset(
    {
        EvidenceKind.STUDENT_WORK.value,
        EvidenceKind.CLASSROOM_ASSESSMENT.value,
        EvidenceKind.ASSESSMENT_DATA.value,
    }
)


class StoredFile:
    """The columns of a file kept in nic.storage under a random key (a practice's
    attachment, a cycle's Study file): its name, type, size, caption and evidence kind."""

    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The name as uploaded, cleaned (no folders); offered when it is downloaded.
    filename: Mapped[str] = mapped_column(sa.String(160))
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size_bytes: Mapped[int] = mapped_column()
    caption: Mapped[str] = mapped_column(sa.String(300), default="")
    evidence_kind: Mapped[str] = mapped_column(sa.String(32))
    # The uploader confirmed names and identifying details were removed (FERPA).
    deidentified: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class PracticeAttachment(StoredFile, db.Model):
    """A file of evidence or a resource, kept in nic.storage under a random key."""

    __tablename__ = "practice_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("practice.id", ondelete="CASCADE"), index=True
    )
