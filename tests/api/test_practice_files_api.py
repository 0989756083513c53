"""Files on a practice through the API: multipart upload, list with download links, remove."""

from __future__ import annotations

import io

from tests.api.conftest import error_code
from tests.factories import make_practice

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(client, practice_id: int, content: bytes = PDF, name: str = "protocol.pdf", **form):
    data = {"caption": "The protocol", "evidence_kind": "protocol", **form,
            "file": (io.BytesIO(content), name)}  # fmt: skip
    return client.post(f"practices/{practice_id}/attachments", data=data,
                       content_type="multipart/form-data")  # fmt: skip


def test_an_author_uploads_lists_downloads_and_removes_a_file(network, as_role, api_client):
    practice = make_practice(network.member, group=network.private_group)
    author = as_role("member")
    created = upload(author, practice.id, name="Huddle protocol.pdf")
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["filename"], body["content_type"], body["size_bytes"]) == (
        "Huddle protocol.pdf", "application/pdf", len(PDF))  # fmt: skip
    listed = as_role("facilitator").get(f"practices/{practice.id}/attachments").get_json()
    assert [a["id"] for a in listed["items"]] == [body["id"]] and listed["total"] == 1
    download = author.get(body["download_url"])
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    download.close()
    assert author.delete(f"attachments/{body['id']}").status_code == 204
    assert author.get(f"practices/{practice.id}/attachments").get_json()["total"] == 0


def test_bad_uploads_are_400_with_the_field_and_readers_are_refused(network, as_role):
    practice = make_practice(network.member, group=network.private_group)
    author = as_role("member")
    lying = upload(author, practice.id, b"MZ\x90\x00 a program", "report.pdf")
    assert (
        lying.status_code == 400
        and "content is not a PDF" in lying.get_json()["error"]["fields"]["file"]
    )
    student = upload(author, practice.id, evidence_kind="student_work")
    assert "FERPA" in student.get_json()["error"]["fields"]["deidentified"]
    assert (
        upload(author, practice.id, evidence_kind="student_work", deidentified="true").status_code
        == 201
    )
    missing = author.post(f"practices/{practice.id}/attachments",
                          data={"caption": "x", "evidence_kind": "other"},
                          content_type="multipart/form-data")  # fmt: skip
    assert missing.status_code == 400 and "file" in missing.get_json()["error"]["fields"]
    as_json = author.post(f"practices/{practice.id}/attachments", {"caption": "x"})
    assert as_json.status_code == 400
    # A member who is not an author may read the files, not add or remove them.
    assert upload(as_role("facilitator"), practice.id).status_code == 403
    file_id = author.get(f"practices/{practice.id}/attachments").get_json()["items"][0]["id"]
    assert as_role("facilitator").delete(f"attachments/{file_id}").status_code == 403
    # An outsider learns nothing: 404, as for a practice or file that does not exist.
    outsider = as_role("outsider")
    for response in (outsider.get(f"practices/{practice.id}/attachments"),
                     outsider.get(f"attachments/{file_id}/download"),
                     upload(outsider, practice.id), outsider.delete(f"attachments/{file_id}"),
                     outsider.delete("attachments/999999")):  # fmt: skip
        assert response.status_code == 404 and error_code(response) == "not_found"
