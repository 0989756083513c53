"""A PDSA cycle's Study files through the API: multipart upload, list, download, remove."""

from __future__ import annotations

import io

from tests.api.conftest import error_code
from tests.factories import make_group, make_user
from tests.test_cycles import plan
from tests.test_cycles import world as world
from tests.test_practice_files import PDF, stored_files


def upload(client, cycle_id: int, content: bytes = PDF, name: str = "exit tickets.pdf", **form):
    data = {"caption": "Exit tickets, before and after", "evidence_kind": "assessment_data",
            "deidentified": "true", **form, "file": (io.BytesIO(content), name)}  # fmt: skip
    return client.post(f"cycles/{cycle_id}/files", data=data, content_type="multipart/form-data")


def test_the_school_team_uploads_lists_downloads_and_removes_a_file(app, world, api_client):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    maria = api_client(world["maria"])
    created = upload(maria, cycle.id)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["filename"], body["content_type"], body["size_bytes"], body["deidentified"]) == (
        "exit tickets.pdf", "application/pdf", len(PDF), True)  # fmt: skip
    assert body["download_url"] == f"/api/v1/cycle-files/{body['id']}/download"
    listed = api_client(world["james"]).get(f"cycles/{cycle.id}/files").get_json()
    assert [f["id"] for f in listed["items"]] == [body["id"]] and listed["total"] == 1
    download = api_client(world["james"]).get(body["download_url"])
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()
    assert maria.delete(f"cycle-files/{body['id']}").status_code == 204
    assert maria.get(f"cycles/{cycle.id}/files").get_json()["total"] == 0
    assert stored_files(app) == []


def test_bad_uploads_are_400_with_the_field_and_other_schools_are_refused(app, world, api_client):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    maria = api_client(world["maria"])
    lying = upload(maria, cycle.id, b"MZ\x90\x00 a program", "report.pdf")
    assert lying.status_code == 400 and error_code(lying) == "invalid"
    assert "content is not a PDF" in lying.get_json()["error"]["fields"]["file"]
    student = upload(maria, cycle.id, evidence_kind="student_work", deidentified="false")
    assert "FERPA" in student.get_json()["error"]["fields"]["deidentified"]
    nothing = {"caption": "x", "evidence_kind": "other"}
    missing = maria.post(f"cycles/{cycle.id}/files", data=nothing,
                         content_type="multipart/form-data")  # fmt: skip
    assert missing.status_code == 400 and "file" in missing.get_json()["error"]["fields"]
    assert stored_files(app) == []
    file_id = upload(maria, cycle.id).get_json()["id"]
    james = api_client(world["james"])
    refused = upload(james, cycle.id)
    assert refused.status_code == 403 and error_code(refused) == "forbidden"
    assert james.delete(f"cycle-files/{file_id}").status_code == 403
    admin = api_client(make_user("Ada Admin", admin=True))
    assert upload(admin, cycle.id, name="admin.pdf").status_code == 201
    assert len(stored_files(app)) == 2


def test_a_private_groups_cycle_files_are_404_to_outsiders(app, world, api_client):
    group = make_group(visibility="private", members=[world["maria"]])
    cycle = plan(world["maria"], world["idea"], world["lincoln"], group_id=group.id)
    file_id = upload(api_client(world["maria"]), cycle.id).get_json()["id"]
    outsider = api_client(world["james"])
    for response in (outsider.get(f"cycles/{cycle.id}/files"),
                     outsider.get(f"cycle-files/{file_id}/download"),
                     upload(outsider, cycle.id), outsider.delete(f"cycle-files/{file_id}"),
                     outsider.delete("cycle-files/999999")):  # fmt: skip
        assert response.status_code == 404 and error_code(response) == "not_found"
        assert b"%PDF" not in response.data
    assert len(stored_files(app)) == 1
