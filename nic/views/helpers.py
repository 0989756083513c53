"""Small helpers the blueprints share."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from urllib.parse import quote, urlsplit

from flask import abort, flash, g, redirect, request
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from nic.errors import ServiceError, ValidationError
from nic.forms.common import show_errors
from nic.forms.practices import AttachmentForm
from nic.services.attachments import StoredFile, Upload
from nic.storage import CHUNK, storage


def safe_next(target: str | None, default: str) -> str:
    """`next` only ever leads to a path on this site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def form_status(form: FlaskForm) -> int:
    """The status of a form page: 200 to show it, 400 when it comes back with errors.

    A re-shown form means the request was refused, and 400 says so to scripts,
    monitoring and tests (GitHub and Rails answer 422 for the same; Django and
    most Flask apps answer 200). Browsers log "Failed to load resource: 400" in
    the developer console for it; people never see that, and the page itself
    shows each error beside its field, so 400 stays.
    """
    return 400 if form.is_submitted() else 200


def page_arg() -> int:
    """?page=N, clamped to a sane positive number."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), 100_000)


def current_login_id() -> int | None:
    """The id of the sign-in this request's cookies belong to (None for a token or nobody)."""
    return g.get("nic_login_id")


def refused(exc: ServiceError, to: str) -> Response:
    """A page's answer to a refusal it can explain: the service's message, back at `to`."""
    flash(exc.message, "error")
    return redirect(to)


def _download_name(name: str) -> dict[str, str]:
    """Content-Disposition's filename, with an RFC 6266 `filename*` for names beyond ASCII."""
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        return {"filename": simple, "filename*": "UTF-8''" + quote(name, safe="!#$&+^`|~")}
    return {"filename": name}


def send_attachment(attachment: StoredFile) -> Response:
    """A stored file, always as a download (never shown inline), never cached on the way.

    Streamed in chunks from a file this generator opens and closes itself, so the
    handle is released when the last chunk is sent or the client goes away.
    """
    try:
        path = storage().path(attachment.storage_key)
    except FileNotFoundError:
        abort(404)

    def chunks() -> Iterator[bytes]:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk

    response = Response(chunks(), mimetype=attachment.content_type, direct_passthrough=True)
    response.headers["Content-Length"] = str(path.stat().st_size)
    response.headers.set("Content-Disposition", "attachment", **_download_name(attachment.filename))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def attach_upload(
    form: AttachmentForm, attach: Callable[[Upload, object, object, bool], object], done: str
) -> Response | None:
    """An upload form handed to a service's `attach(upload, caption, kind, deidentified)`:
    a redirect to `done` once attached, None when the page is to be shown again with the
    form's errors (a 400)."""
    if not form.validate_on_submit():
        return None
    try:
        attach(form.upload(), form.caption.data, form.evidence_kind.data, form.deidentified.data)
    except ValidationError as exc:
        show_errors(form, exc)
        return None
    flash("File attached.", "success")
    return redirect(done)
