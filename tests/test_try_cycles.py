"""A school's try of a practice run as one of its PDSA cycles: linked on the try's form, or
started from the try; shown on the practice page only to those who may see the cycle."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from markupsafe import escape

from nic.errors import ValidationError
from nic.extensions import db
from nic.models import Cycle, PracticeTry
from nic.services import driver_diagrams as dd
from nic.services.cycles import FROM_TRY
from nic.services.tries import CYCLE_CHOICE
from tests.factories import make_group, make_practice, make_school, make_user
from tests.test_cycle_pages import PLAN_FORM, new_url, text
from tests.test_cycles import plan
from tests.test_cycles import world as world
from tests.test_practice_tries import report

TRIED = {"tried_on": (date.today() - timedelta(days=3)).isoformat(), "outcome": "adapted",
         "observations": "Reteach plans named the students."}  # fmt: skip


@pytest.fixture
def trail(world):
    """James of Harbor View wrote the practice; it backs the change idea; Lincoln and Harbor
    View each planned a cycle from it, Lincoln one more kept to a private group of Maria's,
    and one from another practice."""
    practice = make_practice(world["james"], "Data huddles every other Friday")
    elsewhere = make_practice(world["james"], "Exit tickets")
    dd.link_practice(world["fran"], dd.get_node_for(world["fran"], world["idea"].id), practice.id)
    group = make_group("Lincoln ILT", visibility="private", members=[world["maria"]])
    maria, idea, lincoln = world["maria"], world["idea"], world["lincoln"]
    return dict(
        world, practice=practice, group=group,
        own=plan(maria, idea, lincoln, practice_id=practice.id),
        harbors=plan(world["james"], idea, world["harbor"], practice_id=practice.id),
        kept=plan(maria, idea, lincoln, practice_id=practice.id, group_id=group.id),
        elsewhere=plan(maria, idea, lincoln, practice_id=elsewhere.id),
        colleague=make_user("Lin Colleague", school=lincoln),
    )  # fmt: skip


def test_a_try_is_linked_to_its_schools_cycle_kept_on_update_and_unlinked(trail):
    maria, practice, own = trail["maria"], trail["practice"], trail["own"]
    linked = report(maria, practice, "adapted", cycle_id=own.id)
    assert linked.cycle_id == own.id
    # An update that does not name the cycle keeps it; None unlinks it.
    assert report(maria, practice, "adopted").cycle_id == own.id
    assert report(maria, practice, "adopted", cycle_id=None).cycle_id is None
    # A deleted cycle leaves the try standing, unlinked.
    report(maria, practice, cycle_id=own.id)
    db.session.execute(db.delete(Cycle).where(Cycle.id == own.id))
    db.session.commit()
    assert db.session.get(PracticeTry, linked.id, populate_existing=True).cycle_id is None


@pytest.mark.parametrize(
    ("who", "cycle"),
    [("maria", "harbors"), ("maria", "elsewhere"), ("colleague", "kept"), ("maria", None)],
    ids=["another school's", "another practice's", "invisible", "missing"],
)
def test_a_try_is_refused_any_other_cycle(trail, who, cycle):
    cycle_id = trail[cycle].id if cycle else 99_999
    with pytest.raises(ValidationError) as caught:
        report(trail[who], trail["practice"], cycle_id=cycle_id)
    assert caught.value.fields == {"cycle_id": CYCLE_CHOICE}
    assert db.session.scalar(db.select(PracticeTry.id)) is None


def test_the_try_form_lists_the_schools_cycles_and_reshows_a_refusal(login, trail):
    client = login(trail["maria"])
    url = f"/practices/{trail['practice'].id}"
    page = text(client.get(url))
    select = page.split('name="cycle_id"', 1)[1].split("</select>", 1)[0]
    assert f'value="{trail["own"].id}"' in select and f'value="{trail["kept"].id}"' in select
    assert f'value="{trail["harbors"].id}"' not in select
    assert f'value="{trail["elsewhere"].id}"' not in select
    refused = client.post_form(f"{url}/tries", dict(TRIED, cycle_id=trail["harbors"].id))
    assert refused.status_code == 400
    page = text(refused)
    assert "Choose one of your school&#39;s PDSA cycles" in page
    assert "Reteach plans named the students." in page
    done = client.post_form(f"{url}/tries", dict(TRIED, cycle_id=trail["own"].id))
    assert done.status_code == 302
    page = text(client.get(url))
    own = trail["own"]
    assert f'Run as PDSA cycle: <a href="/cycles/{own.id}">{own.title}</a>' in page


def test_a_cycle_planned_from_a_try_is_linked_to_it(login, trail):
    maria, practice = trail["maria"], trail["practice"]
    mine = report(maria, practice, "adapted", changes="Ten minutes, not twenty.")
    theirs = report(trail["james"], practice)
    client = login(maria)
    page = text(client.get(f"/practices/{practice.id}"))
    start = f"{new_url(trail)}?practice={practice.id}&amp;try={mine.id}"
    assert f'href="{start}">Plan a PDSA cycle from this try</a>' in page
    assert f"try={theirs.id}" not in page  # only the school's own people start from its try
    form = text(client.get(start.replace("&amp;", "&")))
    assert f'name="try_id" type="hidden" value="{mine.id}"' in form
    assert "Ten minutes, not twenty." in form  # the plan starts from what they changed
    data = dict(PLAN_FORM, school_id=trail["lincoln"].id, practice_id=practice.id)
    # Another school's try is refused, and nothing is planned.
    count = db.session.scalar(db.select(db.func.count(Cycle.id)))
    refused = client.post_form(new_url(trail), dict(data, try_id=theirs.id))
    assert refused.status_code == 400 and str(escape(FROM_TRY)) in text(refused)
    assert db.session.scalar(db.select(db.func.count(Cycle.id))) == count
    done = client.post_form(new_url(trail), dict(data, try_id=mine.id))
    cycle_id = int(done.headers["Location"].rsplit("/", 1)[1])
    assert db.session.get(PracticeTry, mine.id, populate_existing=True).cycle_id == cycle_id
    page = text(client.get(f"/practices/{practice.id}"))
    assert f'Run as PDSA cycle: <a href="/cycles/{cycle_id}">Grade 3 data huddles</a>' in page


def test_a_private_groups_cycle_title_stays_in_the_group(login, trail):
    kept = trail["kept"]
    db.session.execute(db.update(Cycle).where(Cycle.id == kept.id).values(title="Secret test"))
    db.session.commit()
    report(trail["maria"], trail["practice"], cycle_id=kept.id)
    url = f"/practices/{trail['practice'].id}"
    assert "Run as PDSA cycle: <a" in text(login(trail["maria"]).get(url))
    for outsider in (trail["james"], trail["colleague"]):
        page = text(login(outsider).get(url))
        assert "Secret test" not in page and f"/cycles/{kept.id}" not in page
        assert "Run as PDSA cycle:" not in page
    # The colleague's update of the report leaves the cycle they cannot see linked.
    colleague = login(trail["colleague"])
    page = text(colleague.get(url))
    assert '<option selected value="kept">Keep the cycle it is linked to</option>' in page
    assert colleague.post_form(f"{url}/tries", dict(TRIED, cycle_id="kept")).status_code == 302
    assert db.session.scalar(db.select(PracticeTry.cycle_id)) == kept.id


def test_the_practice_page_runs_the_same_queries_with_more_linked_tries(
    login, trail, count_queries
):
    practice, idea = trail["practice"], trail["idea"]
    report(trail["maria"], practice, cycle_id=trail["own"].id)
    client = login(trail["fran"])
    url = f"/practices/{practice.id}"

    def count() -> int:
        client.get(url)
        with count_queries() as counter:
            page = text(client.get(url))
        assert page.count("Run as PDSA cycle:") == linked
        return counter.count

    linked = 1
    one = count()
    report(trail["james"], practice, cycle_id=trail["harbors"].id)
    school = make_school("Roosevelt High")
    ana = make_user("Ana Ruiz", school=school)
    report(ana, practice, cycle_id=plan(ana, idea, school, practice_id=practice.id).id)
    linked = 3
    assert count() == one
