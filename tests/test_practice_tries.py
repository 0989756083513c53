"""Schools trying a practice and reporting back; helpful marks; a school's page."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from nic.errors import PermissionDenied, ValidationError
from nic.extensions import db
from nic.models import Practice, PracticeTry
from nic.services import attachments, practices, tries
from nic.services.tries import TryFields
from tests.factories import make_group, make_practice, make_school, make_user

TODAY = date.today()


@pytest.fixture
def people(app):
    lincoln, jefferson, roosevelt = (make_school(n) for n in ("Lincoln Elementary",
                                     "Jefferson Middle", "Roosevelt High"))  # fmt: skip
    writer = make_user("Maria Lopez", school=lincoln)
    priya = make_user("Priya Raman", school=jefferson)
    ben = make_user("Ben Torres", school=jefferson)
    aisha = make_user("Aisha Khan", school=roosevelt)
    nobody = make_user("No School")
    outsider = make_user("Olive Outsider", school=roosevelt)
    group = make_group("Principals' Circle", visibility="private", members=[writer, priya, ben])
    return dict(writer=writer, priya=priya, ben=ben, aisha=aisha, nobody=nobody,
                outsider=outsider, group=group, jefferson=jefferson)  # fmt: skip


def report(user, practice: Practice, outcome: str = "adopted", **extra) -> PracticeTry:
    extra.setdefault("tried_on", TODAY - timedelta(days=7))
    extra.setdefault("observations", "More students explained their thinking.")
    fields = TryFields(outcome=outcome, **extra)
    return tries.record_try(practices.get_practice_for(user, practice.id), user, fields)


def attach_pdf(user, practice: Practice) -> None:
    access = practices.get_practice_for(user, practice.id)
    pdf = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    attachments.attach(access, user, attachments.Upload("p.pdf", pdf), "A protocol", "protocol",
                       False)  # fmt: skip


def test_schools_are_counted_by_outcome_once_each(people):
    practice = make_practice(people["writer"])
    report(people["priya"], practice, "adapted", changes="We used it with 7th grade.")
    report(people["aisha"], practice, "stopped")
    db.session.refresh(practice)
    assert (practice.tried_count, practice.adopted_count, practice.adapted_count,
            practice.stopped_count) == (2, 0, 1, 1)  # fmt: skip
    # A second report from the same school updates the first; the old text is kept.
    second = report(people["ben"], practice, "adopted", observations="It stuck after a month.")
    db.session.refresh(practice)
    assert (practice.tried_count, practice.adopted_count, practice.adapted_count) == (2, 1, 0)
    assert second.user_id == people["ben"].id
    history = tries.try_history(second.id)
    assert [h.outcome for h in history] == ["adapted"]
    assert history[0].changes == "We used it with 7th grade."


def test_bad_reports_are_refused_with_a_message_per_field(people):
    practice = make_practice(people["writer"])
    access = practices.get_practice_for(people["priya"], practice.id)
    with pytest.raises(ValidationError) as refused:
        tries.record_try(access, people["priya"], TryFields(
            tried_on=TODAY + timedelta(days=30), outcome="loved it", observations=" "))  # fmt: skip
    assert set(refused.value.fields) == {"tried_on", "outcome", "observations"}
    assert db.session.scalars(db.select(PracticeTry)).all() == []


def test_only_members_with_a_school_report_and_never_on_a_draft(people):
    practice = make_practice(people["writer"])
    with pytest.raises(PermissionDenied, match="Add your school"):
        report(people["nobody"], practice)
    draft = make_practice(people["writer"], "Half written", publish=False)
    with pytest.raises(PermissionDenied):
        report(people["writer"], draft)


def test_helpful_is_one_mark_per_person_and_can_be_taken_back(people):
    practice = make_practice(people["writer"])
    access = practices.get_practice_for(people["priya"], practice.id)
    tries.set_helpful(access, people["priya"], True)
    tries.set_helpful(access, people["priya"], True)
    tries.set_helpful(practices.get_practice_for(people["ben"], practice.id), people["ben"], True)
    assert practice.helpful_count == 2
    tries.set_helpful(access, people["priya"], False)
    assert practice.helpful_count == 1 and not tries.is_helpful_to(practice.id, people["priya"].id)


def test_the_authors_hear_of_a_try_in_their_own_room(people, captured_events):
    practice = make_practice(people["writer"])
    report(people["priya"], practice, "adapted")
    sent = [e for e in captured_events if e["event"] == "practice_tried"]
    assert len(sent) == 1 and sent[0]["to"] == f"user:{people['writer'].id}"
    assert sent[0]["data"]["school"] == "Jefferson Middle"


def test_the_practice_page_shows_reports_and_keeps_a_refused_one(people, login):
    practice = make_practice(people["writer"])
    report(people["aisha"], practice, "stopped", grade_band="9-12")
    client = login(people["priya"])
    page = client.get(f"/practices/{practice.id}").text
    assert "Roosevelt High: Stopped" in page and "Tried in 1 school" in page
    refused = client.post_form(f"/practices/{practice.id}/tries",
                               {"tried_on": TODAY.isoformat(), "outcome": "adapted",
                                "changes": "Shorter protocol", "observations": ""})  # fmt: skip
    assert refused.status_code == 400
    assert "This cannot be empty." in refused.text and "Shorter protocol" in refused.text
    typed = "Teachers liked it <img src=x onerror=alert(1)>"
    done = client.post_form(f"/practices/{practice.id}/tries",
                            {"tried_on": TODAY.isoformat(), "outcome": "adapted",
                             "observations": typed})  # fmt: skip
    assert done.status_code == 302
    page = client.get(f"/practices/{practice.id}").text
    assert "1 adapted, 1 stopped" in page and "Update your school&#39;s report" in page
    assert "Teachers liked it" in page and "<img" not in page  # sanitised when written


def test_a_school_page_lists_what_it_wrote_and_tried_as_the_reader_may_see(people, login):
    network = make_practice(people["priya"], "Network practice")
    private = make_practice(people["priya"], "Group practice", group=people["group"])
    tried = make_practice(people["writer"], "Tried elsewhere")
    report(people["ben"], tried, "adopted")
    school_id = people["jefferson"].id
    member_page = login(people["ben"]).get(f"/schools/{school_id}").text
    assert all(t in member_page for t in (network.title, private.title, tried.title))
    outsider_page = login(people["outsider"]).get(f"/schools/{school_id}").text
    assert network.title in outsider_page and tried.title in outsider_page
    assert private.title not in outsider_page
    assert login(people["outsider"]).get("/schools/99999").status_code == 404


def test_practice_and_school_pages_do_not_grow_in_queries(people, login, count_queries):
    practice = make_practice(people["writer"])
    school_id = people["jefferson"].id
    client = login(people["priya"])

    def counted() -> tuple[int, int]:
        client.get(f"/practices/{practice.id}")
        with count_queries() as page:
            client.get(f"/practices/{practice.id}")
        with count_queries() as school:
            client.get(f"/schools/{school_id}")
        return page.count, school.count

    report(people["aisha"], practice, "adopted")
    attach_pdf(people["writer"], practice)
    make_practice(people["priya"], "Jefferson practice")
    report(people["ben"], make_practice(people["writer"], "Lincoln practice"))
    few = counted()
    for n in range(6):
        extra = make_school(f"Extra School {n}")
        report(make_user(f"Extra {n}", school=extra), practice, "adapted")
        attach_pdf(people["writer"], practice)
        make_practice(people["priya"], f"Jefferson practice {n}", tags=(f"t{n}",))
        report(people["ben"], make_practice(people["writer"], f"Lincoln practice {n}"))
    assert counted() == few
