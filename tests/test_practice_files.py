"""Files on a practice: checked by content, stored under random names, served only to readers."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder

from nic.extensions import db
from nic.models import PracticeAttachment
from nic.services import attachments, practices
from nic.services.attachments import Upload
from tests.factories import make_group, make_practice, make_school, make_user

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
OOXML = "application/vnd.openxmlformats-officedocument."


def office(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(f"{folder}document.xml", "<doc/>")
    return buffer.getvalue()


@pytest.fixture
def people(app):
    school = make_school("Lincoln Elementary")
    writer = make_user("Maria Lopez", school=school)
    member = make_user("Priya Raman", school=make_school("Jefferson Middle"))
    outsider = make_user("Olive Outsider")
    group = make_group("Principals' Circle", visibility="private", members=[writer, member])
    return dict(writer=writer, member=member, outsider=outsider, group=group)


def stored_files(app) -> list[Path]:
    root = Path(app.config["NIC_UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def attach(user, practice, name: str, content: bytes, kind: str = "protocol", **extra):
    access = practices.get_practice_for(user, practice.id)
    return attachments.attach(access, user, Upload(name, io.BytesIO(content)),
                              extra.get("caption", "Our protocol"), kind,
                              extra.get("deidentified", False))  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Huddle protocol.pdf", PDF, "application/pdf"),
        ("chart.png", PNG, "image/png"),
        ("photo.JPG", JPEG, "image/jpeg"),
        ("plan.docx", office("word/"), OOXML + "wordprocessingml.document"),
        ("slides.pptx", office("ppt/"), OOXML + "presentationml.presentation"),
        ("data.xlsx", office("xl/"), OOXML + "spreadsheetml.sheet"),
        ("old plan.doc", OLE, "application/msword"),
        (r"C:\Users\maria\Desktop\notes.xls", OLE, "application/vnd.ms-excel"),
    ],
)  # fmt: skip
def test_each_accepted_type_is_stored_under_a_random_name(app, people, name, content, content_type):
    practice = make_practice(people["writer"])
    attachment = attach(people["writer"], practice, name, content)
    assert attachment.content_type == content_type and attachment.size_bytes == len(content)
    assert attachment.filename == name.replace("\\", "/").rsplit("/", 1)[-1]
    (stored,) = stored_files(app)
    assert stored.name == attachment.storage_key and stored.read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00 this is a Windows program", "content is not a PDF"),
        ("plan.docx", office("xl/"), "content is not a DOCX"),
        ("plan.docx", b"PK\x03\x04 not really a zip", "content is not a DOCX"),
        ("page.html", b"<html><script>alert(1)</script></html>", "Attach a PDF, Word"),
        ("setup.exe", b"MZ\x90\x00", "Attach a PDF, Word"),
        ("../../etc/passwd.pdf", PDF, "other folders"),
        ("", PDF, "Choose a file"),
        ("no-extension", PDF, "needs a name ending in its type"),
        ("empty.pdf", b"", "The file is empty."),
    ],
)  # fmt: skip
def test_bad_files_are_refused_with_a_message_and_leave_nothing(
    app, people, name, content, message
):
    practice = make_practice(people["writer"])
    with pytest.raises(attachments.ValidationError) as refused:
        attach(people["writer"], practice, name, content)
    assert message in refused.value.message
    assert stored_files(app) == []
    assert db.session.scalars(db.select(PracticeAttachment)).all() == []


def test_limits_of_size_and_number_and_the_ferpa_confirmation(app, people, monkeypatch):
    practice = make_practice(people["writer"])
    monkeypatch.setattr(attachments, "MAX_BYTES", 1000)
    with pytest.raises(attachments.ValidationError, match="larger than 10 MB"):
        attach(people["writer"], practice, "big.pdf", PDF + b"x" * 1000)
    assert stored_files(app) == []
    with pytest.raises(attachments.ValidationError) as refused:
        attach(people["writer"], practice, "work.pdf", PDF, kind="student_work")
    assert "FERPA" in refused.value.fields["deidentified"]
    attach(people["writer"], practice, "work.pdf", PDF, kind="student_work", deidentified=True)
    monkeypatch.setattr(attachments, "MAX_FILES", 2)
    attach(people["writer"], practice, "two.pdf", PDF)
    with pytest.raises(attachments.ValidationError, match="at most 2 files"):
        attach(people["writer"], practice, "three.pdf", PDF)
    assert len(stored_files(app)) == 2


def test_downloads_go_only_to_readers_and_always_as_attachments(app, people, login):
    private = make_practice(people["writer"], "Group only", group=people["group"])
    draft = make_practice(people["writer"], "Half written", publish=False)
    shared = attach(people["writer"], private, "Huddle protocol.pdf", PDF)
    unpublished = attach(people["writer"], draft, "draft.pdf", PDF)
    response = login(people["member"]).get(f"/attachments/{shared.id}/download")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert (
        "Huddle%20protocol.pdf" in response.headers["Content-Disposition"]
        or '"Huddle protocol.pdf"' in response.headers["Content-Disposition"]
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"
    response.close()
    assert login(people["member"]).get(f"/attachments/{unpublished.id}/download").status_code == 404
    outsider = login(people["outsider"])
    for attachment_id in (shared.id, unpublished.id, 999999):
        missing = outsider.get(f"/attachments/{attachment_id}/download")
        assert missing.status_code == 404 and b"%PDF" not in missing.data


def test_the_page_attaches_a_file_and_refuses_one_that_lies(app, people, login):
    practice = make_practice(people["writer"])
    client = login(people["writer"])
    ok = client.post_form(f"/practices/{practice.id}/attachments", {
        "file": (io.BytesIO(PDF), "Huddle protocol.pdf"), "caption": "The protocol we use",
        "evidence_kind": "protocol"}, content_type="multipart/form-data")  # fmt: skip
    assert ok.status_code == 302
    page = client.get(f"/practices/{practice.id}").text
    assert (
        "Huddle protocol.pdf" in page
        and "The protocol we use" in page
        and "Protocol or template" in page
    )
    lying = client.post_form(f"/practices/{practice.id}/attachments", {
        "file": (io.BytesIO(b"MZ\x90\x00"), "report.pdf"), "caption": "Scores",
        "evidence_kind": "assessment_data", "deidentified": "y"},
        content_type="multipart/form-data")  # fmt: skip
    assert lying.status_code == 400 and "content is not a PDF" in lying.text
    assert "Scores" in lying.text  # the caption typed is kept
    other = login(people["member"])
    assert other.post_form(f"/practices/{practice.id}/attachments", {
        "file": (io.BytesIO(PDF), "x.pdf"), "caption": "x", "evidence_kind": "other"},
        content_type="multipart/form-data").status_code == 403  # fmt: skip
    assert len(stored_files(app)) == 1


def test_uploads_may_be_large_but_other_requests_keep_the_small_limit(app, people, login):
    practice = make_practice(people["writer"])
    client = login(people["writer"])
    two_mb = PDF + b"0" * (2 * 1024 * 1024)
    data = {"file": (io.BytesIO(two_mb), "scan.pdf"), "caption": "A scan",
            "evidence_kind": "other", "csrf_token": client.csrf_token()}  # fmt: skip
    # Built here, not by the client, to close the temporary file a body this big is kept in.
    environ = EnvironBuilder(f"/practices/{practice.id}/attachments", method="POST", data=data,
                             content_type="multipart/form-data").get_environ()  # fmt: skip
    try:
        response = client.open(environ)
    finally:
        environ["wsgi.input"].close()
    assert response.status_code == 302
    assert [a.size_bytes for a in attachments.attachments_of(practice.id)] == [len(two_mb)]
    big_reply = client.post_form("/practices/new", {"title": "x" * (2 * 1024 * 1024)})
    assert big_reply.status_code == 413


def test_a_file_beyond_the_upload_limit_is_413_with_its_limit(app, people, login):
    practice = make_practice(people["writer"])
    client = login(people["writer"])
    data = {"file": (io.BytesIO(b"0" * (12 * 1024 * 1024)), "huge.pdf"), "caption": "Huge",
            "evidence_kind": "other", "csrf_token": client.csrf_token()}  # fmt: skip
    environ = EnvironBuilder(f"/practices/{practice.id}/attachments", method="POST", data=data,
                             content_type="multipart/form-data").get_environ()  # fmt: skip
    try:
        response = client.open(environ)
    finally:
        environ["wsgi.input"].close()
    assert response.status_code == 413 and "at most 10 MB" in response.text
    assert stored_files(app) == []


def test_removing_a_file_or_the_practice_removes_what_was_stored(app, people, login):
    practice = make_practice(people["writer"])
    first_id = attach(people["writer"], practice, "one.pdf", PDF).id
    attach(people["writer"], practice, "two.pdf", PDF)
    client = login(people["writer"])
    assert client.post_form(f"/attachments/{first_id}/delete").status_code == 302
    assert len(stored_files(app)) == 1
    assert login(people["member"]).post_form(f"/attachments/{first_id}/delete").status_code == 404
    client = login(people["writer"])
    client.post_form(f"/practices/{practice.id}/delete")
    assert stored_files(app) == []
