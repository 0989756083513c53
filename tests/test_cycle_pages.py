"""PDSA cycle pages: plan from a change idea, record each phase, ramps, who sees what."""

from __future__ import annotations

import re

from nic.services import cycles
from nic.services import driver_diagrams as dd
from tests.factories import make_group, make_practice, make_user
from tests.test_cycles import PLAN, access, plan
from tests.test_cycles import world as world
from tests.test_improvement_pages import build

PLAN_FORM = {"title": "Grade 3 data huddles", "question": "Will huddles change the reteach?",
             "prediction": "Most teams plan a reteach.", "plan": "Grade 3, Fridays",
             "data_plan": "Exit tickets", "planned_start": "2026-09-01",
             "planned_end": "2026-09-30"}  # fmt: skip


def text(response) -> str:
    return response.get_data(as_text=True)


def new_url(world) -> str:
    return f"/improvement/parts/{world['idea'].id}/cycles/new"


def test_a_principal_plans_a_cycle_and_records_every_phase(login, world):
    client = login(world["maria"])
    idea = world["idea"]
    part = text(client.get(f"/improvement/parts/{idea.id}"))
    assert "No school has tested this change idea yet." in part
    form = text(client.get(new_url(world)))
    assert f'<option selected value="{world["lincoln"].id}">Lincoln Elementary</option>' in form
    sent = client.post_form(new_url(world), dict(PLAN_FORM, school_id=world["lincoln"].id))
    assert sent.status_code == 302
    cycle_id = int(re.search(r"/cycles/(\d+)$", sent.headers["Location"]).group(1))
    page = text(client.get(f"/cycles/{cycle_id}"))
    assert "Grade 3 data huddles" in page and "Now in <strong>Plan</strong>" in page
    steps = [("do", {"did": "Ran four huddles", "version": "1"}),
             ("study", {"results": "| Before | After |\n|---|---|\n| 41% | 58% |",
                        "learned": "Teams need the ticket a day early.", "version": "2"}),
             ("act", {"decision": "adopt", "next_steps": "All grades in January",
                      "version": "3"})]  # fmt: skip
    for phase, data in steps:
        saved = client.post_form(f"/cycles/{cycle_id}/{phase}", data)
        assert saved.status_code == 302 and saved.headers["Location"].endswith(f"#{phase}")
    page = text(client.get(f"/cycles/{cycle_id}"))
    assert "Decided: <strong>Adopt</strong>" in page and "<td>58%</td>" in page
    assert "Plan the next cycle" in page
    diagram = text(client.get("/improvement"))
    assert "1 school: 1 implementing · 1 cycle" in diagram


def test_bad_dates_are_reshown_with_the_text_kept(login, world):
    client = login(world["maria"])
    lincoln = world["lincoln"].id
    sent = client.post_form(new_url(world), dict(PLAN_FORM, school_id=lincoln,
                                                 planned_end="2026-08-01"))  # fmt: skip
    assert sent.status_code == 400
    assert "comes before the start" in text(sent)
    assert "Will huddles change the reteach?" in text(sent)
    garbled = client.post_form(new_url(world), dict(PLAN_FORM, school_id=lincoln,
                                                    planned_start="soon"))  # fmt: skip
    assert garbled.status_code == 400
    assert "Enter the date, for example 2026-09-30." in text(garbled)
    other = client.post_form(new_url(world), dict(PLAN_FORM, school_id=world["harbor"].id))
    assert other.status_code == 403


def test_act_before_plan_saves_with_a_warning(login, world):
    node = dd.get_node_for(world["maria"], world["idea"].id)
    bare = cycles.plan_cycle(world["maria"], node, cycles.NewCycle(world["lincoln"].id),
                             cycles.PlanFields("Huddles"))  # fmt: skip
    client = login(world["maria"])
    saved = client.post_form(f"/cycles/{bare.id}/act", {"decision": "abandon", "version": "1"})
    assert saved.status_code == 302
    page = text(client.get(f"/cycles/{bare.id}"))
    assert "flash--warning" in page and "has a decision but no plan yet" in page


def test_a_stale_phase_save_shows_both(login, world):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    client = login(world["maria"])
    client.post_form(f"/cycles/{cycle.id}/do", {"did": "Theirs", "version": "1"})
    page = client.post_form(f"/cycles/{cycle.id}/do", {"did": "Mine", "version": "1"})
    assert page.status_code == 409
    assert "<p>Theirs</p>" in text(page) and "Mine</textarea>" in text(page)
    assert access(world["maria"], cycle).cycle.did == "Theirs"


def test_other_schools_read_a_cycle_without_its_forms(login, world):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    client = login(world["james"])
    page = text(client.get(f"/cycles/{cycle.id}"))
    assert "Will a 20-minute huddle" in page and "Save Do" not in page
    refused = client.post_form(f"/cycles/{cycle.id}/do", {"did": "x", "version": "1"})
    assert refused.status_code == 403
    assert client.post_form(f"/cycles/{cycle.id}/nonsense", {}).status_code == 404


def test_a_private_groups_cycle_is_404_to_outsiders(login, world):
    group = make_group(visibility="private", members=[world["maria"]])
    cycle = plan(world["maria"], world["idea"], world["lincoln"], group_id=group.id)
    client = login(world["james"])
    assert client.get(f"/cycles/{cycle.id}").status_code == 404
    assert client.post_form(f"/cycles/{cycle.id}/do", {"did": "x"}).status_code == 404
    part = text(client.get(f"/improvement/parts/{world['idea'].id}"))
    assert PLAN.title not in part and "No school has tested" in part
    assert "1 cycle" not in text(client.get("/improvement"))


def test_a_next_cycle_starts_from_the_one_before_and_shows_the_ramp(login, world):
    first = plan(world["maria"], world["idea"], world["lincoln"])
    cycles.save_phase(world["maria"], access(world["maria"], first), "act",
                      {"decision": "adapt", "next_steps": "Try it in grade 4"}, 1)  # fmt: skip
    client = login(world["maria"])
    form = text(client.get(f"{new_url(world)}?after={first.id}"))
    assert f'value="{PLAN.title}, next cycle"' in form and "Try it in grade 4</textarea>" in form
    data = dict(PLAN_FORM, school_id=world["lincoln"].id, previous_id=first.id)
    sent = client.post_form(new_url(world), data)
    second = int(sent.headers["Location"].rsplit("/", 1)[1])
    page = text(client.get(f"/cycles/{second}"))
    assert "The ramp" in page and f'href="/cycles/{first.id}"' in page


def test_people_without_a_school_are_told_how_to_plan(login, world):
    client = login(make_user("District Dan", job_role="district_leader"))
    assert "Add your school to your profile" in text(client.get(new_url(world)))


def test_cycle_pages_run_the_same_queries_whatever_the_ramp(login, world, count_queries):
    maria, idea = world["maria"], world["idea"]
    first = plan(maria, idea, world["lincoln"])
    urls = (f"/cycles/{first.id}", f"/improvement/parts/{idea.id}", "/improvement")
    client = login(maria)

    def counts() -> list[int]:
        found = []
        for url in urls:
            client.get(url)
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            found.append(counter.count)
        return found

    small = counts()
    previous = first
    for _ in range(5):
        previous = plan(maria, idea, world["lincoln"], previous_id=previous.id)
        cycles.save_phase(maria, access(maria, previous), "act", {"decision": "adapt"}, 1)
        plan(world["james"], idea, world["harbor"])
        plan(world["james"], world["other"], world["harbor"])
    assert counts() == small


def test_each_cycle_has_its_discussion_where_its_readers_are(login, world):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    group = make_group(visibility="private", members=[world["maria"]])
    kept = plan(world["maria"], world["idea"], world["lincoln"], group_id=group.id)
    client = login(world["james"])
    page = text(client.get(f"/cycles/{cycle.id}"))
    assert f'href="/threads/{cycle.thread_id}"' in page
    thread = text(client.get(f"/threads/{cycle.thread_id}"))
    assert f"PDSA cycle: {PLAN.title} (Lincoln Elementary)" in thread
    assert 'action="/threads/' in thread  # anyone in the network may reply
    assert client.get(f"/threads/{kept.thread_id}").status_code == 404
    client = login(world["maria"])
    client.post_form(f"/cycles/{cycle.id}/plan", {"title": "Huddles, renamed", "version": "1"})
    assert "PDSA cycle: Huddles, renamed" in text(client.get(f"/threads/{cycle.thread_id}"))


def test_a_school_team_sets_its_own_stage_on_the_record(login, world):
    plan(world["maria"], world["idea"], world["lincoln"])
    client = login(world["james"])  # Harbor View: no cycles on it, already does it
    url = f"/improvement/parts/{world['idea'].id}/stage"
    blank = client.post_form(url, {"stage": "implementing", "reason": ""})
    assert blank.status_code == 400 and "This cannot be empty." in text(blank)
    client.post_form(url, {"stage": "implementing", "reason": "All grades since 2025"})
    part = text(client.get(f"/improvement/parts/{world['idea'].id}"))
    assert "2 schools: 1 testing, 1 implementing · 1 cycle" in part
    assert "Set by the school team" in part and "All grades since 2025" in part
    assert "2 schools: 1 testing, 1 implementing · 1 cycle" in text(client.get("/improvement"))
    client.post_form(url, {"stage": "", "reason": ""})  # back to what its cycles say
    assert "1 school: 1 testing · 1 cycle" in text(client.get("/improvement"))
    wrong = client.post_form(url, {"stage": "finished", "reason": "x"})
    assert wrong.status_code == 400 and "Choose testing, implementing" in text(wrong)
    nobody = login(make_user("District Dan", job_role="district_leader"))
    assert "Set your school's stage" not in text(
        nobody.get(f"/improvement/parts/{world['idea'].id}")
    )
    assert nobody.post_form(url, {"stage": "testing", "reason": "x"}).status_code == 403


def test_a_practice_and_its_cycles_are_one_trail(login, world):
    practice = make_practice(world["james"], "Data huddles every other Friday")
    dd.link_practice(world["fran"], dd.get_node_for(world["fran"], world["idea"].id), practice.id)
    client = login(world["maria"])
    page = text(client.get(f"/practices/{practice.id}"))
    start = f"/improvement/parts/{world['idea'].id}/cycles/new?practice={practice.id}"
    assert f'href="{start}"' in page and "No school has run a PDSA cycle from it yet." in page
    form = text(client.get(start))
    assert f'name="practice_id" type="hidden" value="{practice.id}"' in form
    data = dict(PLAN_FORM, school_id=world["lincoln"].id, practice_id=practice.id)
    cycle_id = int(client.post_form(new_url(world), data).headers["Location"].rsplit("/", 1)[1])
    page = text(client.get(f"/practices/{practice.id}"))
    assert f'href="/cycles/{cycle_id}">Grade 3 data huddles</a>' in page
    assert "Lincoln Elementary · Plan" in page
    group = make_group(visibility="private", members=[world["maria"]])
    kept = plan(world["maria"], world["idea"], world["lincoln"], group_id=group.id,
                practice_id=practice.id)  # fmt: skip
    outsider = login(make_user(school=world["harbor"]))
    page = text(outsider.get(f"/practices/{practice.id}"))
    assert f'href="/cycles/{cycle_id}"' in page and f'href="/cycles/{kept.id}"' not in page


def test_change_ideas_of_a_private_groups_diagram_stay_in_the_group(login, world):
    lead = make_user("Gail Group", school=world["lincoln"])
    group = make_group("Coaches' Circle", visibility="private", facilitator=lead)
    idea = build(lead, group)[3]
    practice = make_practice(world["james"], "Walkthroughs")
    dd.link_practice(lead, dd.get_node_for(lead, idea.id), practice.id)
    assert "Idea 0.0.0" in text(login(lead).get(f"/practices/{practice.id}"))
    assert "Idea 0.0.0" not in text(login(world["james"]).get(f"/practices/{practice.id}"))


def test_the_network_list_of_cycles_filters_and_keeps_private_ones_private(login, world):
    maria, james = world["maria"], world["james"]
    late = plan(maria, world["idea"], world["lincoln"])  # planned to end Sep 30, 2026
    decided = plan(james, world["other"], world["harbor"])
    cycles.save_phase(james, access(james, decided), "act", {"decision": "adopt"}, 1)
    group = make_group(visibility="private", members=[maria])
    hidden = plan(maria, world["idea"], world["lincoln"], group_id=group.id)
    client = login(james)
    page = text(client.get("/cycles"))
    assert f'href="/cycles/{late.id}"' in page and f'href="/cycles/{decided.id}"' in page
    assert f'href="/cycles/{hidden.id}"' not in page and "2 cycles." in page
    assert "Do overdue" in page
    overdue = text(client.get("/cycles?overdue=yes"))
    assert f'href="/cycles/{late.id}"' in overdue and f'href="/cycles/{decided.id}"' not in overdue
    school = text(client.get(f"/cycles?school_id={world['harbor'].id}"))
    assert f'href="/cycles/{decided.id}"' in school and f'href="/cycles/{late.id}"' not in school
    assert "1 cycle." in text(client.get("/cycles?decided=no&phase=plan"))
    assert client.get("/cycles?school_id=abc&phase=zzz&page=-4").status_code == 200
    assert f'href="/cycles/{hidden.id}"' in text(login(maria).get("/cycles"))


def test_the_list_pages_and_runs_the_same_queries_whatever_its_length(login, world, count_queries):
    maria = world["maria"]
    plan(maria, world["idea"], world["lincoln"])
    client = login(maria)
    client.get("/cycles")
    with count_queries() as small:
        client.get("/cycles")
    for _ in range(30):
        plan(maria, world["idea"], world["lincoln"])
    with count_queries() as large:
        page = text(client.get("/cycles"))
    assert large.count == small.count
    assert "31 cycles." in page and 'rel="next"' in page
    assert page.count('class="item__title"') == 25


def test_co_owners_from_other_schools_record_the_cycle_too(login, world):
    cycle = plan(world["maria"], world["idea"], world["lincoln"])
    client = login(world["james"])
    assert client.post_form(f"/cycles/{cycle.id}/owners",
                            {"user_id": world["james"].id}).status_code == 403  # fmt: skip
    client = login(world["maria"])
    page = text(client.get(f"/cycles/{cycle.id}"))
    assert f'<option value="{world["james"].id}">James Okafor' in page
    teammate = make_user("Tina Teammate", school=world["lincoln"])
    same = client.post_form(f"/cycles/{cycle.id}/owners", {"user_id": teammate.id})
    assert same.status_code == 400 and "Tina Teammate is at the cycle" in text(same)
    assert client.post_form(f"/cycles/{cycle.id}/owners",
                            {"user_id": world["james"].id}).status_code == 302  # fmt: skip
    assert "James Okafor · Harbor View" in text(client.get(f"/cycles/{cycle.id}"))
    client = login(world["james"])
    saved = client.post_form(f"/cycles/{cycle.id}/do", {"did": "Co-observed", "version": "1"})
    assert saved.status_code == 302
    client = login(world["maria"])
    client.post_form(f"/cycles/{cycle.id}/owners/{world['james'].id}/remove")
    assert access(world["james"], cycle).can_edit is False
