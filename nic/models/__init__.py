"""All models, imported here so metadata and Alembic see every table."""

from nic.models.accounts import JOB_ROLE_LABELS, JobRole, User
from nic.models.base import as_utc, iso_utc, utcnow
from nic.models.discussions import Post, PostRevision, Thread, ThreadRead
from nic.models.groups import Group, GroupRole, Membership, Visibility
from nic.models.live import (
    ChatMessage,
    LiveSession,
    LiveSessionThread,
    Participant,
    Poll,
    PollVote,
    Question,
    QuestionVote,
    Reaction,
    SessionStatus,
)
from nic.models.logins import LoginSession
from nic.models.org import District, School
from nic.models.practices import (
    LEVEL_LABELS,
    LEVER_LABELS,
    OUTCOME_LABELS,
    LabelKind,
    Lever,
    Outcome,
    Practice,
    PracticeAuthor,
    PracticeHelpful,
    PracticeLabel,
    PracticeRevision,
    PracticeStatus,
    PracticeTry,
    PracticeTryRevision,
    SchoolLevel,
)
from nic.models.tokens import ApiToken

__all__ = [
    "JOB_ROLE_LABELS",
    "LEVEL_LABELS",
    "LEVER_LABELS",
    "OUTCOME_LABELS",
    "ApiToken",
    "ChatMessage",
    "District",
    "Group",
    "GroupRole",
    "JobRole",
    "LabelKind",
    "Lever",
    "LiveSession",
    "LiveSessionThread",
    "LoginSession",
    "Membership",
    "Outcome",
    "Participant",
    "Poll",
    "PollVote",
    "Post",
    "PostRevision",
    "Practice",
    "PracticeAuthor",
    "PracticeHelpful",
    "PracticeLabel",
    "PracticeRevision",
    "PracticeStatus",
    "PracticeTry",
    "PracticeTryRevision",
    "Question",
    "QuestionVote",
    "Reaction",
    "School",
    "SchoolLevel",
    "SessionStatus",
    "Thread",
    "ThreadRead",
    "User",
    "Visibility",
    "as_utc",
    "iso_utc",
    "utcnow",
]
