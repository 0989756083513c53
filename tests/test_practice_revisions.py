"""A practice's history: every published version, and what changed between any two."""

from __future__ import annotations

import pytest

from nic.services import practices, revisions
from nic.services.practice_fields import PracticeFields
from tests.factories import make_group, make_practice, make_user

BODY = "\n".join(f"Line {n} of the protocol." for n in range(1, 21))


@pytest.fixture
def practice(app):
    writer = make_user("Maria Lopez")
    coauthor = make_user("Sam Chen")
    made = make_practice(writer, body=BODY, coauthors=(coauthor,))
    fields = practices.current_fields(made)
    changed_body = BODY.replace("Line 10 of the protocol.", "Line 10, now with exit tickets.")
    changed_body += "\nA closing step: name one change."
    practices.update_practice(
        practices.get_practice_for(coauthor, made.id), coauthor,
        PracticeFields(fields.title, fields.summary, changed_body, ("data_use", "coaching"),
                       fields.levels, fields.tags),
    )  # fmt: skip
    return made


def test_history_lists_each_revision_with_who_published_it(practice, login):
    page = login(make_user("Priya Raman")).get(f"/practices/{practice.id}/revisions").text
    assert "Revision 2 (current)" in page and "Changed by Sam Chen" in page
    assert "Published by Maria Lopez" in page


def test_the_comparison_shows_changed_lines_in_context_and_folds_the_rest(practice):
    access = practices.get_practice_for(make_user("Reader"), practice.id)
    old, new = revisions.revision_pair(access, 2, 1)  # either order
    assert (old.number, new.number) == (1, 2)
    by_field = {f.name: f for f in revisions.compare(old, new)}
    assert not by_field["title"].changed and by_field["body"].changed
    body = by_field["body"].lines
    changed = [line for line in body if line.kind == "changed"]
    assert [(c.old, c.new) for c in changed] == [
        ("Line 10 of the protocol.", "Line 10, now with exit tickets.")
    ]
    assert [line.new for line in body if line.kind == "added"] == [
        "A closing step: name one change."
    ]
    gaps = [line.folded for line in body if line.kind == "gap"]
    assert gaps == [6, 4]  # lines 1-6 and 14-17 fold: three lines of context around changes
    labels = by_field["labels"].lines
    assert [(line.old, line.new) for line in labels if line.kind != "same"] == [
        ("lever: plc", "lever: coaching")
    ]


def test_the_compare_page_side_by_side_and_inline_escapes_text(app, login):
    writer = make_user("Maria Lopez")
    made = make_practice(writer, body="Plain text.")
    fields = practices.current_fields(made)
    practices.update_practice(
        practices.get_practice_for(writer, made.id), writer,
        PracticeFields(fields.title, fields.summary, "<script>alert(1)</script>", fields.levers,
                       fields.levels, fields.tags),
    )  # fmt: skip
    client = login(writer)
    side = client.get(f"/practices/{made.id}/compare?from=1&to=2").text
    assert '<th scope="col">Revision 1</th>' in side
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in side and "<script>alert" not in side
    inline = client.get(f"/practices/{made.id}/compare?from=1&to=2&view=inline").text
    assert '<del><span class="visually-hidden">Removed: </span>Plain text.</del>' in inline
    assert client.get(f"/practices/{made.id}/compare?from=1&to=9").status_code == 404


def test_history_of_a_group_only_practice_is_hidden_from_outsiders(app, login):
    writer = make_user("Maria Lopez")
    group = make_group("Principals' Circle", visibility="private", members=[writer])
    made = make_practice(writer, group=group)
    outsider = login(make_user("Olive Outsider"))
    assert outsider.get(f"/practices/{made.id}/revisions").status_code == 404
    assert outsider.get(f"/practices/{made.id}/compare?from=1&to=1").status_code == 404
