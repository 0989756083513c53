"""Live network sessions: schedule, edit, the session page, calendar file, record."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from nic import policy
from nic.errors import ValidationError
from nic.forms.common import show_errors
from nic.forms.cycles import CommitmentForm
from nic.forms.live import SessionForm
from nic.models import SessionStatus, utcnow
from nic.services import calendar, commitments, groups
from nic.services.live import access as live_access
from nic.services.live import record as live_record
from nic.services.live import sessions as live_sessions

bp = Blueprint("live", __name__)


@bp.app_template_filter("from_iso")
def from_iso(value: str | None) -> datetime | None:
    """The live protocol's ISO 8601 times back to datetimes, for `localtime`."""
    return datetime.fromisoformat(value) if value else None


def _commit_form(section: commitments.Commitments, sent: CommitmentForm | None) -> CommitmentForm:
    form = sent or CommitmentForm(formdata=None)
    form.change_idea_id.choices = [("", "Choose a change idea")] + [
        (str(n.id), n.title) for n in section.ideas
    ]
    return form


def _form(group_id: int) -> SessionForm:
    return SessionForm().setup(current_user.time_zone, live_sessions.linkable_threads(group_id))


@bp.route("/groups/<int:group_id>/sessions/new", methods=["GET", "POST"])
@login_required
def new(group_id: int):
    group = groups.get_group_to_manage(current_user, group_id).group
    form = _form(group_id)
    if form.validate_on_submit():
        try:
            session = live_sessions.schedule_session(current_user, group_id, form.fields())
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("Session scheduled. Members see it on the group page.", "success")
            return redirect(url_for("live.show", session_id=session.id))
    elif not form.is_submitted():
        form.prefill_next_hour(utcnow())
    status = 400 if form.is_submitted() else 200
    return render_template("live/form.html", form=form, group=group, session=None), status


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit(session_id: int):
    access = live_access.get_session_to_facilitate(current_user, session_id)
    session = access.item
    form = _form(session.group_id)
    if form.validate_on_submit():
        try:
            live_sessions.update_session(access, form.fields())
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("Session saved.", "success")
            return redirect(url_for("live.show", session_id=session_id))
    elif not form.is_submitted():
        form.fill_from(session, [t.id for t in live_sessions.linked_threads(session_id)])
    status = 400 if form.is_submitted() else 200
    return render_template(
        "live/form.html", form=form, group=session.group, session=session
    ), status


@bp.route("/sessions/<int:session_id>")
@login_required
def show(session_id: int):
    """Before: agenda and calendar file. Live: the room. After: the record."""
    return render_session(live_access.get_session_for(current_user, session_id))


def render_session(access: live_access.LiveAccess, status: int = 200,
                   commit_form: CommitmentForm | None = None):  # fmt: skip
    session, membership = access.item, access.membership
    record = None
    can_take_part = policy.can_take_part_in_session(current_user, session, membership)
    if session.status == SessionStatus.ENDED.value:
        record = live_record.load_record(session, reveal=access.is_facilitator)
    section = commitments.section(current_user, access)
    return render_template(
        "live/show.html", session=session, group=session.group, membership=membership,
        record=record, linked=live_sessions.linked_threads(session.id),
        can_facilitate=policy.can_facilitate_session(current_user, session, membership),
        can_take_part=can_take_part,
        blocked=live_access.speaking_blocked(access) if can_take_part else None,
        commitments=section, commit_form=_commit_form(section, commit_form),
    ), status  # fmt: skip


@bp.route("/sessions/<int:session_id>/<any(start, end):action>", methods=["POST"])
@login_required
def change_status(session_id: int, action: str):
    """Start or end without JavaScript; the page's script uses the socket instead.

    A second click (or another facilitator's) is a Conflict: the 409 page says so.
    """
    access = live_access.get_session_for(current_user, session_id, write=True)
    if action == "start":
        live_sessions.start_session(access)
        flash("The session is live.", "success")
    else:
        live_sessions.end_session(access)
        flash("The session has ended. This page is now its record.", "success")
    return redirect(url_for("live.show", session_id=session_id))


@bp.route("/sessions/<int:session_id>.ics")
@login_required
def ics(session_id: int):
    session = live_access.get_session_for(current_user, session_id).item
    url = url_for("live.show", session_id=session_id, _external=True)
    return Response(
        calendar.session_ics(session, url),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="session-{session_id}.ics"'},
    )


@bp.route("/sessions/<int:session_id>/transcript.md")
@login_required
def transcript(session_id: int):
    name, text = live_record.transcript_markdown(current_user, session_id, current_user.time_zone)
    return Response(
        text,
        mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/sessions/<int:session_id>/notes", methods=["POST"])
@login_required
def post_notes(session_id: int):
    url = url_for("live.show", session_id=session_id, _external=True)
    thread = live_record.post_record_as_thread(
        current_user, session_id, current_user.time_zone, url
    )
    flash("The session notes are posted to the group.", "success")
    return redirect(url_for("threads.show", thread_id=thread.id))
