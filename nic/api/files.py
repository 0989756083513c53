"""What the API's file endpoints share (a practice's attachments, a cycle's Study files):
the decorators of a multipart upload and the description of a download."""

from __future__ import annotations

from collections.abc import Callable

from nic.api.base import ApiBlueprint
from nic.api.schemas.practices import (
    AttachmentFileSchema,
    AttachmentFormSchema,
    AttachmentSchema,
    AttachmentUploadSchema,
)
from nic.storage import accepts_uploads

# For @bp.doc: a download is the file's bytes, always as an attachment.
DOWNLOAD_DOC = {
    "responses": {
        "200": {
            "description": "The file, as a download (Content-Disposition: attachment).",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def file_upload(bp: ApiBlueprint) -> Callable[[Callable], Callable]:
    """An upload endpoint's decorators, below its route: the form fields and the file as
    `form` and `files`, the multipart body in the OpenAPI document, 201 with the file's
    row, its errors, and the larger request limit of uploads."""
    decorators = [
        bp.arguments(AttachmentFormSchema, location="form", arg_name="form"),
        bp.arguments(AttachmentFileSchema, location="files", arg_name="files"),
        bp.doc(
            requestBody={
                "required": True,
                "content": {"multipart/form-data": {"schema": AttachmentUploadSchema}},
            }
        ),
        bp.response(201, AttachmentSchema),
        bp.errors(400, 403, 404, 413),
        accepts_uploads,
    ]

    def apply(view: Callable) -> Callable:
        for decorator in reversed(decorators):
            view = decorator(view)
        return view

    return apply
