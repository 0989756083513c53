"""The practice library's pages: write from the template, drafts, publish, browse, read."""

from __future__ import annotations

import pytest

from nic.extensions import db
from nic.models import Practice
from tests.factories import make_group, make_practice, make_school, make_user


@pytest.fixture
def people(app):
    lincoln, jefferson = make_school("Lincoln Elementary"), make_school("Jefferson Middle")
    writer = make_user("Maria Lopez", school=lincoln)
    coach = make_user("Sam Chen", job_role="instructional_coach", school=jefferson)
    outsider = make_user("Olive Outsider", school=jefferson)
    group = make_group("Principals' Circle", visibility="private", members=[writer])
    return dict(writer=writer, coach=coach, outsider=outsider, group=group)


FORM = {
    "title": "Data huddles every other Friday",
    "summary": "Grade teams look at one exit ticket together.",
    "body": "## What we did\n\nTwenty minutes.",
    "levers": ["data_use", "plc"],
    "levels": ["elementary"],
    "tags": "Data  Huddles, exit tickets",
    "group_id": "",
}


def test_a_new_practice_starts_from_the_template(people, login):
    page = login(people["writer"]).get("/practices/new").text
    for heading in ("The problem of practice", "What we did", "Evidence of impact",
                    "How to adapt it", "Resources"):  # fmt: skip
        assert f"## {heading}" in page
    assert "Instructional leadership team" in page and "Elementary" in page
    assert "Sam Chen" in page  # co-authors from any school


def test_save_a_draft_then_publish_it(people, login):
    client = login(people["writer"])
    saved = client.post_form("/practices/new", {**FORM, "save": "Save draft"})
    assert saved.status_code == 302
    practice = db.session.scalars(db.select(Practice)).one()
    assert not practice.is_published
    assert "Data huddles every other Friday" in client.get("/practices/drafts").text
    assert "Data huddles" not in client.get("/practices").text.split('role="status"')[1]
    client.post_form(f"/practices/{practice.id}/publish")
    db.session.refresh(practice)
    assert practice.is_published and practice.revision_number == 1
    library = client.get("/practices").text
    assert (
        "Data huddles every other Friday" in library
        and "Maria Lopez (Lincoln Elementary)" in library
    )
    page = client.get(f"/practices/{practice.id}").text
    assert "Data use" in page and "Professional learning communities" in page
    assert 'href="/practices?tag=data+huddles"' in page


def test_a_refused_form_is_shown_again_with_every_message_and_the_text_kept(people, login):
    client = login(people["writer"])
    typed = {**FORM, "title": "", "summary": "s" * 301, "levers": [], "publish": "Publish"}
    response = client.post_form("/practices/new", typed)
    assert response.status_code == 400
    page = response.text
    assert "This cannot be empty." in page
    assert "This is 301 characters; the limit is 300. Shorten it by 1." in page
    assert "Choose at least one lever." in page
    assert "Twenty minutes." in page and "s" * 301 in page
    assert db.session.scalars(db.select(Practice)).all() == []


def test_outsiders_get_404_for_a_group_only_practice_and_a_draft(people, login):
    private = make_practice(people["writer"], "Group only", group=people["group"])
    draft = make_practice(people["writer"], "Half written", publish=False)
    client = login(people["outsider"])
    for practice in (private, draft):
        assert client.get(f"/practices/{practice.id}").status_code == 404
        assert client.get(f"/practices/{practice.id}/edit").status_code == 404
        assert client.post_form(f"/practices/{practice.id}/delete").status_code == 404
    library = client.get("/practices").text
    assert "Group only" not in library and "Half written" not in library
    assert client.get("/practices/999999").status_code == 404


def test_only_authors_see_edit_and_a_reader_is_sent_back_from_it(people, login):
    practice = make_practice(people["writer"])
    client = login(people["coach"])
    assert "/edit" not in client.get(f"/practices/{practice.id}").text
    refused = client.get(f"/practices/{practice.id}/edit")
    assert refused.status_code == 302
    assert client.post_form(f"/practices/{practice.id}/delete").status_code == 403


def test_editing_a_published_practice_makes_a_revision(people, login):
    practice = make_practice(people["writer"])
    client = login(people["writer"])
    form = client.get(f"/practices/{practice.id}/edit").text
    assert "Data huddles every other Friday" in form and "data huddles" in form
    changed = {**FORM, "body": "## What we did\n\nThirty minutes now.", "save": "Save changes"}
    assert client.post_form(f"/practices/{practice.id}/edit", changed).status_code == 302
    db.session.refresh(practice)
    assert practice.revision_number == 2 and "Thirty minutes" in practice.body_html


def test_the_library_filters_and_sorts(people, login):
    make_practice(people["writer"], "Instructional rounds", levers=("ilt",), levels=("middle",),
                  tags=("rounds",))  # fmt: skip
    make_practice(people["coach"], "Coaching cycle", levers=("coaching",), levels=("high",),
                  tags=("cycles",))  # fmt: skip
    client = login(people["outsider"])

    def titles(query: str) -> list[str]:
        page = client.get(f"/practices?{query}").text
        return [t for t in ("Instructional rounds", "Coaching cycle") if t in page]

    assert titles("lever=ilt") == ["Instructional rounds"]
    assert titles("level=high") == ["Coaching cycle"]
    assert titles("tag=Rounds") == ["Instructional rounds"]
    assert titles("author_role=instructional_coach") == ["Coaching cycle"]
    assert titles(f"school_id={people['writer'].school_id}") == ["Instructional rounds"]
    assert titles("lever=nonsense&sort=sideways&school_id=x") == [
        "Instructional rounds",
        "Coaching cycle",
    ]


def test_library_and_practice_pages_run_a_constant_number_of_queries(people, login, count_queries):
    client = login(people["outsider"])

    def counted() -> tuple[int, int]:
        newest = db.session.scalars(db.select(Practice).order_by(Practice.id.desc())).first()
        client.get("/practices")
        with count_queries() as library:
            client.get("/practices")
        with count_queries() as practice:
            client.get(f"/practices/{newest.id}")
        return library.count, practice.count

    make_practice(people["writer"], "Practice 0", coauthors=(people["coach"],))
    few = counted()
    for n in range(1, 12):
        make_practice(people["writer"], f"Practice {n}", coauthors=(people["coach"],),
                      tags=(f"tag {n}", "shared"))  # fmt: skip
    assert counted() == few
