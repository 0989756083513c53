"""The practice library: browse, write (from the template), read, revise, publish, delete."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from nic import policy
from nic.errors import PermissionDenied, ValidationError
from nic.extensions import db
from nic.forms.common import JOB_ROLES, optional_int, show_errors
from nic.forms.practices import AttachmentForm, PracticeForm, TryForm
from nic.models import EVIDENCE_LABELS, FROM_STUDENTS, LEVEL_LABELS, LEVER_LABELS, OUTCOME_LABELS
from nic.services import (
    attachments,
    home,
    library,
    org,
    practice_cycles,
    practice_discussion,
    practices,
    revisions,
    tries,
)
from nic.services.directory import DirectoryFilter, members_query
from nic.services.practice_fields import normalize_tag
from nic.storage import accepts_uploads
from nic.views.helpers import attach_upload, form_status, page_arg, refused, send_attachment

bp = Blueprint("practices", __name__)


@bp.app_context_processor
def practice_labels() -> dict:
    """Levers, levels and outcomes are shown by their names, everywhere."""
    return {"LEVER_LABELS": LEVER_LABELS, "LEVEL_LABELS": LEVEL_LABELS,
            "OUTCOME_LABELS": OUTCOME_LABELS, "EVIDENCE_LABELS": EVIDENCE_LABELS,
            "FROM_STUDENTS": FROM_STUDENTS}  # fmt: skip


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    """1,234,567 bytes as "1.2 MB"; small files in KB."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


bp.add_app_template_global(library.tried_line, "tried_line")


def _filters() -> library.LibraryFilters:
    """The library's query string, with anything unknown ignored (never an error page)."""
    args = request.args
    lever, level, role = args.get("lever"), args.get("level"), args.get("author_role")
    sort = args.get("sort", "newest")
    return library.LibraryFilters(
        lever=lever if lever in LEVER_LABELS else None,
        level=level if level in LEVEL_LABELS else None,
        tag=normalize_tag(args.get("tag", ""))[:60] or None,
        author_role=role if role in dict(JOB_ROLES) else None,
        school_id=optional_int(args.get("school_id")),
        group_id=optional_int(args.get("group_id")),
        sort=sort if sort in library.SORTS else "newest",
    )


@bp.route("/practices")
@login_required
def index():
    filters = _filters()
    found = library.browse(current_user, filters, page_arg())
    return render_template(
        "practices/index.html", found=found, filters=filters, job_roles=JOB_ROLES,
        schools=org.list_schools(), groups=[s.group for s in home.my_groups(current_user)],
        sorts=library.SORT_LABELS,
    )  # fmt: skip


@bp.route("/practices/drafts")
@login_required
def drafts():
    return render_template("practices/drafts.html", drafts=library.drafts_of(current_user))


def _form() -> PracticeForm:
    people = [
        u for u in db.session.scalars(members_query(DirectoryFilter())) if u.id != current_user.id
    ]
    return PracticeForm().setup([s.group for s in home.my_groups(current_user)], people)


def _saved(practice_id: int, published: bool) -> str:
    flash("Practice published." if published else "Draft saved. Only its authors see it.",
          "success")  # fmt: skip
    return redirect(url_for("practices.show", practice_id=practice_id))


@bp.route("/practices/new", methods=["GET", "POST"])
@login_required
def new():
    form = _form()
    if form.validate_on_submit():
        try:
            practice = practices.create_practice(
                current_user, form.fields(), publish=form.publishing
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            return _saved(practice.id, practice.is_published)
    status = form_status(form)
    return render_template("practices/form.html", form=form, practice=None), status


def render_practice(access: practices.PracticeAccess, try_form: TryForm | None = None,
                    status: int = 200, attach_form: AttachmentForm | None = None):  # fmt: skip
    """The practice page: the write-up, every school's report, the reader's own report form."""
    practice = access.item
    mine = tries.my_try(practice.id, current_user.school_id)
    cycles = practice_cycles.cycles_of_practice(current_user, practice.id)
    if try_form is None:
        try_form = TryForm()
        if mine is not None:
            try_form.fill_from(mine)
    own = practice_cycles.own_cycles(current_user.school_id, cycles)
    try_form.setup(own, mine.cycle_id if mine else None)
    reports = tries.tries_of(practice.id) if practice.is_published else []
    can_respond = policy.can_respond_to_practice(
        current_user, practice, access.membership, access.is_author
    )
    if attach_form is None:
        attach_form = AttachmentForm()
    return render_template(
        "practices/show.html", access=access, card=library.cards([practice])[0],
        files=attachments.attachments_of(practice.id), attach_form=attach_form,
        thread=practice_discussion.discussion_of(practice),
        linked=library.previews(current_user, [practice.practice_links])[0],
        reports=reports, run_as=practice_cycles.run_as(reports, cycles),
        mine=mine, try_form=try_form, can_respond=can_respond,
        can_report=can_respond and current_user.school_id is not None,
        helpful=can_respond and tries.is_helpful_to(practice.id, current_user.id),
        cycles=cycles,
        change_ideas=practice_cycles.change_ideas_of(current_user, practice.id),
    ), status  # fmt: skip


@bp.route("/practices/<int:practice_id>")
@login_required
def show(practice_id: int):
    return render_practice(practices.get_practice_for(current_user, practice_id))


@bp.route("/practices/<int:practice_id>/tries", methods=["POST"])
@login_required
def report_try(practice_id: int):
    access = practices.get_practice_for(current_user, practice_id)
    form = TryForm()
    if form.validate_on_submit():
        try:
            tries.record_try(access, current_user, form.fields())
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("Thank you: your school's report is on the practice.", "success")
            url = url_for("practices.show", practice_id=practice_id, _anchor="tries")
            return redirect(url)
    return render_practice(access, form, 400)


@bp.route("/practices/<int:practice_id>/attachments", methods=["POST"])
@login_required
@accepts_uploads
def attach(practice_id: int):
    access = practices.get_practice_to_edit(current_user, practice_id)
    form = AttachmentForm()
    done = url_for("practices.show", practice_id=practice_id, _anchor="files")
    attached = attach_upload(form, partial(attachments.attach, access, current_user), done)
    return attached or render_practice(access, status=400, attach_form=form)


@bp.route("/attachments/<int:attachment_id>/download")
@login_required
def download(attachment_id: int):
    """Always as a download (never shown inline), only to people who may see the practice."""
    attachment, _access = attachments.get_attachment_for(current_user, attachment_id)
    return send_attachment(attachment)


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def remove_attachment(attachment_id: int):
    removed = attachments.remove(current_user, attachment_id)
    flash(f"{removed.filename} removed.", "success")
    return redirect(url_for("practices.show", practice_id=removed.parent_id, _anchor="files"))


@bp.route("/practices/<int:practice_id>/helpful", methods=["POST"])
@login_required
def helpful(practice_id: int):
    access = practices.get_practice_for(current_user, practice_id)
    tries.set_helpful(access, current_user, request.form.get("helpful") == "yes")
    return redirect(url_for("practices.show", practice_id=practice_id, _anchor="helpful"))


@bp.route("/practices/<int:practice_id>/revisions")
@login_required
def history(practice_id: int):
    access = practices.get_practice_for(current_user, practice_id)
    return render_template(
        "practices/revisions.html", access=access, revisions=revisions.revisions_of(access)
    )


@bp.route("/practices/<int:practice_id>/compare")
@login_required
def compare(practice_id: int):
    """Two revisions side by side (or inline, `?view=inline`, as on a phone)."""
    access = practices.get_practice_for(current_user, practice_id)
    newest = access.item.revision_number
    newer = request.args.get("to", newest, type=int)
    older = request.args.get("from", max(1, newer - 1), type=int)
    if older == newer:
        return redirect(url_for("practices.history", practice_id=practice_id))
    old, new = revisions.revision_pair(access, older, newer)
    return render_template(
        "practices/compare.html", access=access, old=old, new=new,
        fields=revisions.compare(old, new), inline=request.args.get("view") == "inline",
        numbers=list(range(newest, 0, -1)),
    )  # fmt: skip


@bp.route("/practices/<int:practice_id>/edit", methods=["GET", "POST"])
@login_required
def edit(practice_id: int):
    try:
        access = practices.may_edit(practices.get_practice_for(current_user, practice_id))
    except PermissionDenied as exc:
        return refused(exc, url_for("practices.show", practice_id=practice_id))
    form = _form()
    if form.validate_on_submit():
        try:
            practices.update_practice(access, current_user, form.fields(), publish=form.publishing)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            return _saved(practice_id, access.item.is_published)
    elif not form.is_submitted():
        form.fill_from(practices.current_fields(access.item))
    status = form_status(form)
    return render_template("practices/form.html", form=form, practice=access.item), status


@bp.route("/practices/<int:practice_id>/publish", methods=["POST"])
@login_required
def publish(practice_id: int):
    access = practices.get_practice_to_edit(current_user, practice_id)
    try:
        practices.publish_practice(access, current_user)
    except ValidationError as exc:
        flash("Before publishing: " + " ".join(exc.fields.values()), "error")
        return redirect(url_for("practices.edit", practice_id=practice_id))
    return _saved(practice_id, True)


@bp.route("/practices/<int:practice_id>/delete", methods=["POST"])
@login_required
def delete(practice_id: int):
    practices.delete_practice(practices.get_practice_to_edit(current_user, practice_id))
    flash("Practice deleted.", "success")
    return redirect(url_for("practices.index"))
