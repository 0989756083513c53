"""Practice write-ups through the services: drafts, publishing, revisions, who sees what."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa

from nic.errors import NotFound, PermissionDenied, ValidationError
from nic.extensions import db
from nic.models import PracticeLabel, PracticeRevision
from nic.services import practices
from nic.services.practice_fields import PracticeFields
from tests.factories import make_group, make_practice, make_school, make_user


@pytest.fixture
def people(app):
    lincoln, jefferson = make_school("Lincoln Elementary"), make_school("Jefferson Middle")
    writer = make_user("Maria Lopez", school=lincoln)
    coauthor = make_user("Sam Chen", job_role="instructional_coach", school=jefferson)
    member = make_user("Priya Raman", school=jefferson)
    outsider = make_user("Olive Outsider", school=jefferson)
    admin = make_user("Ada Admin", admin=True)
    group = make_group("Principals' Circle", visibility="private", members=[writer, member])
    return dict(writer=writer, coauthor=coauthor, member=member, outsider=outsider,
                admin=admin, group=group)  # fmt: skip


def labels(practice_id: int) -> list[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(PracticeLabel.kind, PracticeLabel.value)
        .where(PracticeLabel.practice_id == practice_id)
        .order_by(PracticeLabel.kind, PracticeLabel.value)
    )
    return [tuple(r) for r in rows]


def revisions(practice_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(PracticeRevision.number)
            .where(PracticeRevision.practice_id == practice_id)
            .order_by(PracticeRevision.number)
        )
    )


def test_a_draft_needs_only_a_title_and_publishing_says_everything_it_still_needs(people):
    draft = practices.create_practice(
        people["writer"], PracticeFields("Walkthrough cadence", "", "")
    )
    assert not draft.is_published and revisions(draft.id) == []
    access = practices.get_practice_for(people["writer"], draft.id)
    with pytest.raises(ValidationError) as refused:
        practices.publish_practice(access, people["writer"])
    assert set(refused.value.fields) == {"summary", "body", "levers", "levels"}
    assert not draft.is_published


def test_missing_title_unknown_levers_and_a_long_summary_are_each_named(people):
    with pytest.raises(ValidationError) as refused:
        practices.create_practice(
            people["writer"],
            PracticeFields("  ", "x" * 301, "Body", ("ilt", "magic"), ("college",)),
            publish=True,
        )
    fields = refused.value.fields
    assert fields["title"] == "This cannot be empty."
    assert fields["summary"] == "This is 301 characters; the limit is 300. Shorten it by 1."
    assert fields["levers"] == "Unknown levers: magic."
    assert fields["levels"] == "Unknown levels: college."


def test_tags_are_normalised_and_the_summary_is_one_paragraph(people):
    practice = make_practice(
        people["writer"], summary="Twenty minutes.\n\nOne ticket.",
        tags=("Data  Huddles ", "data huddles", "Exit Tickets"),
    )  # fmt: skip
    assert practice.summary == "Twenty minutes. One ticket."
    assert [v for k, v in labels(practice.id) if k == "tag"] == ["data huddles", "exit tickets"]


def test_publishing_makes_revision_one_and_each_real_change_another(people):
    writer = people["writer"]
    practice = make_practice(writer)
    assert practice.is_published and practice.revision_number == 1
    access = practices.get_practice_for(writer, practice.id)
    same = practices.current_fields(practice)
    practices.update_practice(access, writer, same)
    assert revisions(practice.id) == [1]  # saved without a change: no new revision
    changed = PracticeFields(same.title, same.summary, same.body + "\n\nWe added a protocol.",
                             same.levers, same.levels, same.tags)  # fmt: skip
    practices.update_practice(access, writer, changed)
    assert revisions(practice.id) == [1, 2] and practice.revision_number == 2


def test_who_sees_a_draft_a_network_practice_and_a_group_only_one(people):
    writer, coauthor = people["writer"], people["coauthor"]
    draft = make_practice(writer, "Draft", coauthors=(coauthor,), publish=False)
    network = make_practice(writer, "Network")
    private = make_practice(writer, "Group only", group=people["group"])
    expected = {
        "writer": {draft.id, network.id, private.id},
        "coauthor": {draft.id, network.id},
        "member": {network.id, private.id},
        "outsider": {network.id},
        "admin": {network.id, private.id},
    }
    for who, visible in expected.items():
        for practice in (draft, network, private):
            try:
                practices.get_practice_for(people[who], practice.id)
                seen = True
            except NotFound as exc:
                assert exc.message == "No such practice."
                seen = False
            assert seen == (practice.id in visible), (who, practice.title)
    with pytest.raises(NotFound):
        practices.get_practice_for(None, network.id)


def test_only_authors_change_a_practice_and_co_authors_may(people):
    practice = make_practice(people["writer"], coauthors=(people["coauthor"],))
    with pytest.raises(PermissionDenied):
        practices.get_practice_to_edit(people["member"], practice.id)
    with pytest.raises(PermissionDenied):
        practices.get_practice_to_edit(people["admin"], practice.id)
    access = practices.get_practice_to_edit(people["coauthor"], practice.id)
    fields = practices.current_fields(practice)
    assert fields.coauthor_ids == (people["coauthor"].id,)
    practices.update_practice(access, people["coauthor"], fields)


def test_a_practice_goes_only_to_a_group_its_writer_belongs_to(people):
    with pytest.raises(ValidationError) as refused:
        make_practice(people["outsider"], group=people["group"])
    assert "group you belong to" in refused.value.fields["group_id"]
    practice = make_practice(people["writer"])
    access = practices.get_practice_for(people["writer"], practice.id)
    other = make_group("Coaches", members=[people["coauthor"]])
    fields = practices.current_fields(practice)
    moved = PracticeFields(fields.title, fields.summary, fields.body, fields.levers,
                           fields.levels, fields.tags, other.id)  # fmt: skip
    with pytest.raises(ValidationError):
        practices.update_practice(access, people["writer"], moved)
    db.session.rollback()
    assert practices.get_practice_for(people["outsider"], practice.id)  # still network-wide


def test_deleting_removes_the_practice_and_what_hangs_on_it(people):
    practice = make_practice(people["writer"])
    practice_id = practice.id
    practices.delete_practice(practices.get_practice_for(people["writer"], practice_id))
    assert labels(practice_id) == [] and revisions(practice_id) == []
    with pytest.raises(NotFound):
        practices.get_practice_for(people["writer"], practice_id)


def test_a_co_author_from_outside_the_group_may_still_edit_a_group_practice(people):
    practice = make_practice(
        people["writer"], group=people["group"], coauthors=(people["coauthor"],)
    )
    access = practices.get_practice_to_edit(people["coauthor"], practice.id)
    fields = practices.current_fields(practice)
    changed = replace(fields, body=fields.body + " More.")
    practices.update_practice(access, people["coauthor"], changed)
    assert practice.revision_number == 2 and practice.group_id == people["group"].id
    with pytest.raises(ValidationError):  # nor move it to a group they are not in
        other = make_group("Coaches", members=[people["writer"]])
        moved = replace(fields, group_id=other.id)
        practices.update_practice(access, people["coauthor"], moved)
