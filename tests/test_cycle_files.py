"""Study files on a PDSA cycle: checked and stored as a practice's are, seen by its readers,
attached and removed by whoever records the cycle."""

from __future__ import annotations

import io

import pytest

from nic.errors import PermissionDenied
from nic.extensions import db
from nic.models import CycleAttachment
from nic.services import cycle_files, cycles
from nic.services.attachments import Upload, ValidationError
from tests.factories import make_group, make_user
from tests.test_cycles import access, plan
from tests.test_cycles import world as world
from tests.test_practice_files import PDF, PNG, stored_files

MULTIPART = {"content_type": "multipart/form-data"}


def attach(user, cycle, name: str = "exit tickets.pdf", content: bytes = PDF, **extra):
    return cycle_files.attach(access(user, cycle), user, Upload(name, io.BytesIO(content)),
                              extra.get("caption", "Exit tickets, before and after"),
                              extra.get("kind", "assessment_data"),
                              extra.get("deidentified", True))  # fmt: skip


def form(name: str = "chart.png", content: bytes = PNG, **extra) -> dict:
    return {"file": (io.BytesIO(content), name), "caption": "Reteach plans by week",
            "evidence_kind": "other", **extra}  # fmt: skip


def test_a_school_member_attaches_a_study_file_and_the_page_lists_it(app, login, world):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    client = login(world["maria"])
    sent = client.post_form(f"/cycles/{cycle.id}/files", form(), **MULTIPART)
    assert sent.status_code == 302 and sent.headers["Location"].endswith(
        f"/cycles/{cycle.id}#files"
    )
    page = client.get(f"/cycles/{cycle.id}").text
    assert "Study files" in page and "chart.png" in page and "Reteach plans by week" in page
    (row,) = cycle_files.files_of(cycle.id)
    assert (row.content_type, row.size_bytes, row.uploaded_by_id) == (
        "image/png",
        len(PNG),
        world["maria"].id,
    )
    assert f'href="/cycle-files/{row.id}/download"' in page
    assert f'action="/cycle-files/{row.id}/delete"' in page
    (stored,) = stored_files(app)
    assert stored.name == row.storage_key


def test_other_schools_read_the_files_but_may_not_attach_or_remove(app, login, world):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    row = attach(world["maria"], cycle)
    client = login(world["james"])
    page = client.get(f"/cycles/{cycle.id}").text
    assert "exit tickets.pdf" in page and "Attach the file" not in page
    assert f"/cycle-files/{row.id}/delete" not in page
    assert client.get(f"/cycle-files/{row.id}/download").status_code == 200
    refused = client.post_form(f"/cycles/{cycle.id}/files", form(), **MULTIPART)
    assert refused.status_code == 403
    assert client.post_form(f"/cycle-files/{row.id}/delete").status_code == 403
    assert len(stored_files(app)) == 1


def test_a_co_owner_and_an_admin_attach_too(app, world):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    with pytest.raises(PermissionDenied, match="school team and co-owners"):
        attach(world["james"], cycle)
    cycles.add_owner(world["maria"], access(world["maria"], cycle), world["james"].id)
    attach(world["james"], cycle, "co-owner.pdf")
    attach(make_user("Ada Admin", admin=True), cycle, "admin.pdf")
    names = [f.filename for f in cycle_files.files_of(cycle.id)]
    assert names == ["co-owner.pdf", "admin.pdf"]
    assert len(stored_files(app)) == 2


def test_a_private_groups_cycle_file_is_404_to_outsiders(app, login, world):
    group = make_group(visibility="private", members=[world["maria"]])
    cycle = plan(world["maria"], world["idea"], world["lincoln"], group_id=group.id)
    row = attach(world["maria"], cycle)
    mine = login(world["maria"]).get(f"/cycle-files/{row.id}/download")
    assert mine.status_code == 200 and mine.data == PDF
    assert mine.headers["Content-Disposition"].startswith("attachment;")
    assert "exit%20tickets.pdf" in mine.headers["Content-Disposition"] or (
        '"exit tickets.pdf"' in mine.headers["Content-Disposition"]
    )
    assert mine.headers["X-Content-Type-Options"] == "nosniff"
    assert mine.mimetype == "application/pdf"
    mine.close()
    outsider = login(world["james"])
    for file_id in (row.id, 999999):
        missing = outsider.get(f"/cycle-files/{file_id}/download")
        assert missing.status_code == 404 and b"%PDF" not in missing.data
    assert outsider.post_form(f"/cycle-files/{row.id}/delete").status_code == 404
    assert outsider.post_form(f"/cycles/{cycle.id}/files", form(), **MULTIPART).status_code == 404
    assert len(stored_files(app)) == 1


def test_a_file_that_lies_is_refused_with_its_message_and_nothing_is_stored(app, login, world):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    client = login(world["maria"])
    lying = client.post_form(f"/cycles/{cycle.id}/files",
                             form("scores.pdf", b"MZ\x90\x00 a program"), **MULTIPART)  # fmt: skip
    assert lying.status_code == 400 and "content is not a PDF" in lying.text
    assert "Reteach plans by week" in lying.text  # the caption typed is kept
    nothing = {"caption": "x", "evidence_kind": "other"}
    empty = client.post_form(f"/cycles/{cycle.id}/files", nothing, **MULTIPART)
    assert empty.status_code == 400 and "Choose a file to attach." in empty.text
    assert stored_files(app) == []
    assert db.session.scalars(db.select(CycleAttachment)).all() == []


def test_student_work_needs_the_ferpa_confirmation(app, login, world):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    client = login(world["maria"])
    refused = client.post_form(f"/cycles/{cycle.id}/files",
                               form(evidence_kind="student_work"), **MULTIPART)  # fmt: skip
    assert refused.status_code == 400 and "FERPA" in refused.text
    assert stored_files(app) == []
    with pytest.raises(ValidationError) as raised:
        attach(world["maria"], cycle, kind="student_work", deidentified=False)
    assert "FERPA" in raised.value.fields["deidentified"]
    confirmed = form(evidence_kind="student_work", deidentified="y")
    ok = client.post_form(f"/cycles/{cycle.id}/files", confirmed, **MULTIPART)
    assert ok.status_code == 302
    assert "The team confirmed that students" in client.get(f"/cycles/{cycle.id}").text


def test_a_cycle_holds_at_most_max_files(app, world, monkeypatch):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    monkeypatch.setattr(cycle_files, "MAX_FILES", 2)
    attach(world["maria"], cycle, "one.pdf")
    attach(world["maria"], cycle, "two.pdf")
    with pytest.raises(ValidationError, match="A cycle can have at most 2 files"):
        attach(world["maria"], cycle, "three.pdf")
    assert len(stored_files(app)) == 2


def test_removing_a_file_deletes_what_was_stored(app, login, world):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    first_id = attach(world["maria"], cycle, "one.pdf").id
    attach(world["maria"], cycle, "two.pdf")
    client = login(world["maria"])
    removed = client.post_form(f"/cycle-files/{first_id}/delete")
    assert removed.status_code == 302 and removed.headers["Location"].endswith("#files")
    assert len(stored_files(app)) == 1
    assert [f.filename for f in cycle_files.files_of(cycle.id)] == ["two.pdf"]
    assert client.get(f"/cycle-files/{first_id}/download").status_code == 404


def test_a_failed_save_leaves_no_file(app, world, monkeypatch):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])

    def broken() -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db.session, "commit", broken)
    with pytest.raises(RuntimeError):
        attach(world["maria"], cycle)
    monkeypatch.undo()
    assert stored_files(app) == []


def test_the_cycle_page_runs_the_same_queries_with_one_file_or_five(login, world, count_queries):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    attach(world["maria"], cycle, "one.pdf")
    client = login(world["maria"])

    def count() -> int:
        client.get(f"/cycles/{cycle.id}")
        with count_queries() as counter:
            assert client.get(f"/cycles/{cycle.id}").status_code == 200
        return counter.count

    one = count()
    for n in range(4):
        attach(world["maria"], cycle, f"more {n}.pdf", kind="student_work")
    assert count() == one
