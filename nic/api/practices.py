"""/api/v1 practices: the library, write-ups (drafts, publishing, revisions), tries, helpful.

The same services and `nic.policy` rules as the pages: a draft is its
authors' alone and a group-only practice its group's, so anyone else gets
404, as for a missing id. Unlike the library page, the filters are strict:
an unknown lever, level or sort is a 400.
"""

from __future__ import annotations

from dataclasses import replace

from flask import url_for

from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.files import DOWNLOAD_DOC, file_upload
from nic.api.pagination import paginate, paginate_list
from nic.api.schemas.common import PageArgs, annotate, page_of
from nic.api.schemas.practices import (
    AttachmentSchema,
    HelpfulSchema,
    LibraryArgs,
    PracticeCreateSchema,
    PracticeRevisionSchema,
    PracticeSchema,
    PracticeUpdateSchema,
    SchoolPracticesSchema,
    TryCreateSchema,
    TrySchema,
)
from nic.models import Practice, PracticeAttachment, PracticeRevision
from nic.services import attachments, library, org, practice_cycles, practices, revisions, tries
from nic.services.practice_fields import PracticeFields, normalize_tag
from nic.views.helpers import send_attachment

bp = ApiBlueprint(
    "api_practices", __name__, tag="Practices",
    description="The practice library. Drafts are their authors' alone, group-only practices "
    "their group's: anyone else gets 404.",
)  # fmt: skip


def _card_view(card: library.PracticeCard):
    practice = card.practice
    return annotate(
        practice, authors=card.authors, levers=card.levers, levels=card.levels, tags=card.tags,
        url=url_for("practices.show", practice_id=practice.id),
    )  # fmt: skip


def _views(page: list[Practice]) -> list:
    """Practices with their authors and labels: two queries for a whole page."""
    return [_card_view(card) for card in library.cards(page)]


def _view(practice: Practice):
    return _views([practice])[0]


def _with(start: PracticeFields, args: dict) -> PracticeFields:
    """`start` with the fields the request sent (lists as the services' tuples)."""
    sent = {k: tuple(v) if isinstance(v, list) else v for k, v in args.items()}
    return replace(start, **sent)


def _filters(args: dict) -> library.LibraryFilters:
    wanted = {k: v for k, v in args.items() if k not in ("page", "per_page")}
    if "tag" in wanted:
        wanted["tag"] = normalize_tag(wanted["tag"]) or None
    return library.LibraryFilters(**wanted)


@bp.route("/practices")
@bp.arguments(LibraryArgs, location="query")
@bp.response(200, page_of(PracticeSchema))
def list_practices(args: dict):
    """The library: published practices the caller may see, filtered, newest first by default."""
    return paginate(library.library_query(api_user, _filters(args)), args, _views)


@bp.route("/practices", methods=["POST"])
@bp.arguments(PracticeCreateSchema)
@bp.response(201, PracticeSchema)
def create_practice(args: dict):
    """Write a practice: a draft only its authors see, or published at once with `publish`."""
    publish = args.pop("publish")
    fields = _with(PracticeFields("", "", ""), args)
    return _view(practices.create_practice(api_user, fields, publish=publish))


@bp.route("/practices/<id:practice_id>")
@bp.response(200, PracticeSchema)
@bp.errors(404)
def get_practice(practice_id: int):
    """One practice: a draft for its authors, a group-only one for its group."""
    return _view(practices.get_practice_for(api_user, practice_id).item)


@bp.route("/practices/<id:practice_id>", methods=["PATCH"])
@bp.arguments(PracticeUpdateSchema)
@bp.response(200, PracticeSchema)
@bp.errors(403, 404)
def update_practice(args: dict, practice_id: int):
    """Change some of a practice's fields (its authors); a published one gets a revision."""
    access = practices.get_practice_to_edit(api_user, practice_id)
    fields = _with(practices.current_fields(access.item), args)
    return _view(practices.update_practice(access, api_user, fields))


@bp.route("/practices/<id:practice_id>", methods=["DELETE"])
@bp.response(204)
@bp.errors(403, 404)
def delete_practice(practice_id: int):
    """Delete a practice with its revisions, tries and helpful marks (its authors)."""
    practices.delete_practice(practices.get_practice_to_edit(api_user, practice_id))


@bp.route("/practices/<id:practice_id>/publish", methods=["POST"])
@bp.response(200, PracticeSchema)
@bp.errors(400, 403, 404)
def publish_practice(practice_id: int):
    """Publish a draft as it stands (its authors); a 400 names what it still needs."""
    access = practices.get_practice_to_edit(api_user, practice_id)
    return _view(practices.publish_practice(access, api_user))


def _revision_views(page: list[PracticeRevision]) -> list:
    return [annotate(r, labels=revisions.revision_labels(r)) for r in page]


@bp.route("/practices/<id:practice_id>/revisions")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(PracticeRevisionSchema))
@bp.errors(404)
def list_revisions(args: dict, practice_id: int):
    """The practice's published revisions, newest first (a draft never published has none)."""
    access = practices.get_practice_for(api_user, practice_id)
    return paginate(revisions.revisions_query(access), args, _revision_views)


@bp.route("/practices/<id:practice_id>/tries")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(TrySchema))
@bp.errors(404)
def list_tries(args: dict, practice_id: int):
    """Every school's report of trying the practice, latest first."""
    access = practices.get_practice_for(api_user, practice_id)
    return paginate_list(_try_views(access.item.id, tries.tries_of(access.item.id)), args)


def _try_views(practice_id: int, reports: list, **extra) -> list:
    """Each try with its cycle's id only where the caller may see that cycle."""
    seen = practice_cycles.run_as(
        reports, practice_cycles.cycles_of_practice(api_user, practice_id)
    )
    return [annotate(r, cycle_id=seen[r.id].id if r.id in seen else None, **extra)
            for r in reports]  # fmt: skip


@bp.route("/practices/<id:practice_id>/tries", methods=["POST"])
@bp.arguments(TryCreateSchema)
@bp.response(201, TrySchema, description="Your school's first report.")
@bp.alt_response(200, schema=TrySchema, description="Your school's report, updated.")
@bp.errors(403, 404)
def report_try(args: dict, practice_id: int):
    """Report that your school tried it (one report a school: a second one updates it).

    403 for a draft, or when your profile has no school.
    """
    access = practices.get_practice_for(api_user, practice_id)
    report = tries.record_try(access, api_user, tries.TryFields(**args))
    view = _try_views(practice_id, [report], school=org.get_school(report.school_id),
                      user=api_user)[0]  # fmt: skip
    # The service stamps a new report created and updated at one moment; an update moves only
    # updated_at.
    return view, 201 if report.created_at == report.updated_at else 200


def _helpful_route(method: str, helpful: bool, summary: str):
    """POST marks the practice helpful, DELETE takes the mark back; both say where it stands."""

    @bp.route("/practices/<id:practice_id>/helpful", methods=[method], endpoint=f"helpful_{method}")
    @bp.response(200, HelpfulSchema)
    @bp.errors(403, 404)
    @bp.doc(summary=summary, description="Doing it twice is the same as once.")
    def set_helpful(practice_id: int):
        access = practices.get_practice_for(api_user, practice_id)
        practice = tries.set_helpful(access, api_user, helpful)
        return {"helpful": helpful, "helpful_count": practice.helpful_count}

    return set_helpful


mark_helpful = _helpful_route("POST", True, "Mark a published practice helpful.")
unmark_helpful = _helpful_route("DELETE", False, "Take back your helpful mark.")


@bp.route("/schools/<id:school_id>/practices")
@bp.response(200, SchoolPracticesSchema)
@bp.errors(404)
def school_practices(school_id: int):
    """What a school's people wrote and what the school tried, as far as the caller may see."""
    school = org.get_school(school_id)
    found = library.school_practices(api_user, school_id)
    return {
        "school": school,
        "written": [_card_view(card) for card in found.written],
        "tried": [{"practice": _card_view(card), "report": report} for card, report in found.tried],
    }


def _attachment_view(attachment: PracticeAttachment):
    url = url_for("api_practices.download_attachment", attachment_id=attachment.id)
    return annotate(attachment, download_url=url)


@bp.route("/practices/<id:practice_id>/attachments")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(AttachmentSchema))
@bp.errors(404)
def list_attachments(args: dict, practice_id: int):
    """The practice's files of evidence and resources, oldest first."""
    access = practices.get_practice_for(api_user, practice_id)
    files = [_attachment_view(a) for a in attachments.attachments_of(access.item.id)]
    return paginate_list(files, args)


@bp.route("/practices/<id:practice_id>/attachments", methods=["POST"])
@file_upload(bp)
def upload_attachment(practice_id: int, form: dict, files: dict):
    """Attach a file (its authors; multipart/form-data). Its type is checked by its content."""
    access = practices.get_practice_to_edit(api_user, practice_id)
    upload = attachments.Upload.of(files["file"])
    attachment = attachments.attach(
        access, api_user, upload, form["caption"], form["evidence_kind"], form["deidentified"]
    )
    return _attachment_view(attachment)


@bp.route("/attachments/<id:attachment_id>", methods=["DELETE"])
@bp.response(204)
@bp.errors(403, 404)
def delete_attachment(attachment_id: int):
    """Remove a file (the practice's authors): its row and the stored file."""
    attachments.remove(api_user, attachment_id)


@bp.route("/attachments/<id:attachment_id>/download")
@bp.doc(**DOWNLOAD_DOC)
@bp.errors(404)
def download_attachment(attachment_id: int):
    """A practice's file, for anyone who may see the practice."""
    attachment, _access = attachments.get_attachment_for(api_user, attachment_id)
    return send_attachment(attachment)
