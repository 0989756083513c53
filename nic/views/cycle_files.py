"""The Study files of a PDSA cycle: attach one, download one, remove one (the cycle page
shows them, nic.views.cycles.render_cycle)."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user, login_required

from nic.forms.practices import AttachmentForm
from nic.services import cycle_files, cycles
from nic.storage import accepts_uploads
from nic.views.cycles import render_cycle
from nic.views.helpers import attach_upload, send_attachment

bp = Blueprint("cycle_files", __name__)


@bp.route("/cycles/<int:cycle_id>/files", methods=["POST"])
@login_required
@accepts_uploads
def attach(cycle_id: int):
    access = cycles.get_cycle_for(current_user, cycle_id)
    form = AttachmentForm()
    done = url_for("cycles.show", cycle_id=cycle_id, _anchor="files")
    attached = attach_upload(form, partial(cycle_files.attach, access, current_user), done)
    return attached or render_cycle(access, 400, attach_form=form)


@bp.route("/cycle-files/<int:attachment_id>/download")
@login_required
def download(attachment_id: int):
    """Always as a download (never shown inline), only to people who may see the cycle."""
    return send_attachment(cycle_files.get_for(current_user, attachment_id)[0])


@bp.route("/cycle-files/<int:attachment_id>/delete", methods=["POST"])
@login_required
def remove_attachment(attachment_id: int):
    removed = cycle_files.remove(current_user, attachment_id)
    flash(f"{removed.filename} removed.", "success")
    return redirect(url_for("cycles.show", cycle_id=removed.parent_id, _anchor="files"))
