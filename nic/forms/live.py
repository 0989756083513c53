"""The form to schedule or edit a live session.

People type times in their own time zone (`User.time_zone`); the form turns
them into UTC for the service, and UTC back into local time to edit.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, StringField, URLField
from wtforms.validators import DataRequired, ValidationError

from nic.forms.common import NOT_LISTED, Limit, MultiCheckboxField, TextAreaField, choices
from nic.models import LiveSession, as_utc
from nic.services.live.sessions import SessionFields
from nic.services.validation import BODY_MAX, TITLE_MAX

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def local_to_utc(value: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone` as UTC; raises ValueError in a DST gap.

    In the spring-forward gap (say 2:30 AM) the time never happens; rather
    than guess, ask the person to choose another.
    """
    aware = value.replace(tzinfo=zone)
    back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back != value:
        raise ValueError("That time does not exist in your time zone (the clocks change).")
    return aware.astimezone(UTC)


class LocalTimeField(DateTimeLocalField):
    """A datetime-local input read in the viewer's zone (set `zone` first)."""

    zone: ZoneInfo = ZoneInfo("UTC")

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("format", LOCAL_FORMAT)
        kwargs.setdefault(
            "invalid_value_message", "Enter a date and a time, for example 2026-03-14 3:30 PM."
        )
        super().__init__(*args, **kwargs)

    def utc(self) -> datetime | None:
        if self.data is None:
            return None
        return local_to_utc(self.data, self.zone)

    def pre_validate(self, form) -> None:
        if self.data is not None:
            try:
                self.utc()
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc


class SessionForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[DataRequired("Give the session a title."), Limit(TITLE_MAX)],
    )
    agenda = TextAreaField(
        "Agenda",
        validators=[Limit(BODY_MAX)],
    )
    starts_at = LocalTimeField(
        "Starts", validators=[DataRequired("Choose when the session starts.")]
    )
    ends_at = LocalTimeField("Ends", validators=[DataRequired("Choose when the session ends.")])
    video_url = URLField(
        "Video-call link",
        description=(
            "Optional: the Zoom, Meet or Teams link. Members see a Join button while the "
            "session is live."
        ),
    )
    anonymous_questions = BooleanField(
        "Members may ask questions anonymously",
        description="The room does not see who asked; facilitators still do.",
    )
    hide_poll_results = BooleanField(
        "Hide poll results until each poll closes",
        description="Members see how many voted, not how, so early votes do not sway later ones.",
    )
    thread_ids = MultiCheckboxField(
        "Linked threads",
        choices=[],
        invalid_choice_message=NOT_LISTED,
        description="Optional: background reading or follow-up from the group's discussions.",
    )

    def setup(self, zone_name: str, threads: list[tuple[int, str]]) -> SessionForm:
        """Set the viewer's time zone and the group's threads to choose from."""
        zone = zone_of(zone_name)
        self.starts_at.zone = self.ends_at.zone = zone
        self.thread_ids.choices = choices([(str(i), title) for i, title in threads])
        return self

    def fill_from(self, session: LiveSession, thread_ids: list[int]) -> None:
        """Show a session's values, times in the viewer's zone (after setup)."""
        self.title.data, self.agenda.data = session.title, session.agenda
        self.starts_at.data = self._local(session.starts_at)
        self.ends_at.data = self._local(session.ends_at)
        self.thread_ids.data = [str(i) for i in thread_ids]
        self.video_url.data = session.video_url
        self.anonymous_questions.data = session.anonymous_questions
        self.hide_poll_results.data = session.hide_poll_results

    def _local(self, value: datetime) -> datetime:
        return as_utc(value).astimezone(self.starts_at.zone).replace(tzinfo=None)

    def prefill_next_hour(self, now: datetime) -> None:
        """A blank form suggests the next full hour, for an hour."""
        start = self._local(now).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        self.starts_at.data, self.ends_at.data = start, start + timedelta(hours=1)

    def fields(self) -> SessionFields:
        return SessionFields(
            title=self.title.data or "",
            agenda=self.agenda.data or "",
            starts_at=self.starts_at.utc(),
            ends_at=self.ends_at.utc(),
            thread_ids=tuple(int(i) for i in self.thread_ids.data or []),
            video_url=self.video_url.data or "",
            anonymous_questions=bool(self.anonymous_questions.data),
            hide_poll_results=bool(self.hide_poll_results.data),
        )
