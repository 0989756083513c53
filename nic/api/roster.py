"""/api/v1/roster/imports: a network's schools and people from CSV files (administrators).

The same service as the admin pages and `flask import-roster`: the files are read and
planned whole; `dry_run: true` keeps the preview only; otherwise a file whose rows all
pass is saved in one transaction, and one bad row refuses it all (a 400, the preview
kept under the import's id). Every import, previewed or saved, is read back by its id.
"""

from __future__ import annotations

from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.schemas.roster import (
    RosterFilesSchema,
    RosterFormSchema,
    RosterImportSchema,
    RosterUploadSchema,
)
from nic.errors import ValidationError
from nic.models import ImportStatus, RosterImport
from nic.responses import error_response
from nic.services import roster
from nic.storage import accepts_uploads

bp = ApiBlueprint(
    "api_roster", __name__, tag="Roster imports",
    description="Bring districts, schools and people in from the CSV files a district "
    "exports: previewed before anything is saved, re-imported without duplicates. Network "
    "administrators only (others get 403).",
)  # fmt: skip


def _refused(exc: roster.RosterRefused):
    """400 for files with bad rows: each problem under `fields` as `file:row.column`."""
    fields = {f"{e['file']}:{e['row']}.{e['column']}": e["message"]
              for e in exc.record.preview["errors"]}  # fmt: skip
    message = f"{exc.message} The preview is GET /api/v1/roster/imports/{exc.record.id}."
    return error_response(exc.status, exc.code, message, fields)


bp.register_error_handler(roster.RosterRefused, _refused)


def _view(record: RosterImport) -> dict:
    preview = record.preview
    return {
        "id": record.id, "status": record.status, "created_at": record.created_at,
        "dry_run": record.status != ImportStatus.APPLIED.value,
        "applied_at": record.applied_at, "created_by_id": record.created_by_id,
        "files": preview["files"], "counts": preview["counts"], "changes": preview["changes"],
        "errors": preview["errors"], "missing": preview["missing"],
        "totals": {"created": record.created, "updated": record.updated,
                   "unchanged": record.unchanged, "errors": record.errors},
    }  # fmt: skip


@bp.route("/roster/imports", methods=["POST"])
@bp.arguments(RosterFormSchema, location="form", arg_name="form")
@bp.arguments(RosterFilesSchema, location="files", arg_name="files")
@bp.doc(
    requestBody={"required": True,
                 "content": {"multipart/form-data": {"schema": RosterUploadSchema}}}
)  # fmt: skip
@bp.response(201, RosterImportSchema)
@bp.errors(400, 403, 413)
@accepts_uploads
def create_import(form: dict, files: dict):
    """Import a roster (multipart/form-data: `files`, and `dry_run`), or with
    `dry_run=true` only preview it.

    Schools are matched by external id (else by name in their district), people by email
    in any case; a blank cell leaves a value as it is. The answer is the import: what was
    (or would be) created, updated and left alone, the errors by file and row, and the
    active people not in the people file (never deactivated by an import).
    """
    roster.may_import(api_user)
    try:
        uploads = [roster.read_upload(f.filename or "roster.csv", f.stream) for f in files["files"]]
        if form["dry_run"]:
            outcome = roster.check_roster(api_user, uploads)
        else:
            outcome = roster.import_roster(api_user, uploads)
    except roster.RosterRefused:
        raise
    except ValidationError as exc:
        if "file" not in exc.fields:
            raise
        raise ValidationError("files", exc.message) from None
    return _view(outcome.record)


@bp.route("/roster/imports/<id:import_id>")
@bp.response(200, RosterImportSchema)
@bp.errors(403, 404)
def get_import(import_id: int):
    """A roster import, previewed or saved: what it showed, and what it saved."""
    return _view(roster.get_import(api_user, import_id))
