"""The improvement pages: the aim, the driver diagram drawn and listed, each part's page
with its forms, the as-of view, who may see and change what, and the queries they run."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import DiagramChange
from nic.services import aims
from nic.services import driver_diagrams as dd
from tests.factories import make_group, make_practice, make_user

AIM_FORM = {"what": "Raise the share of 3rd graders reading on grade level",
            "how_much": "from 48% to 60%", "by_when": "2027-06-30",
            "for_whom": "across our 22 schools"}  # fmt: skip
SENTENCE = ("Raise the share of 3rd graders reading on grade level from 48% to 60% by June 2027 "
            "across our 22 schools.")  # fmt: skip


@pytest.fixture
def fran(app):
    return make_user("Fran Facilitator", job_role="facilitator")


def text(response) -> str:
    return response.get_data(as_text=True)


def diagram_access(user, group=None):
    return dd.get_group_diagram_for(user, group.id) if group else dd.get_network_diagram_for(user)


def build(user, group=None, primaries=1, secondaries=1, ideas=1):
    """An aim and a full tree through the services: returns the nodes made, root first."""
    aims.save_aim(
        user,
        diagram_access(user, group),
        aims.AimFields(
            AIM_FORM["what"], AIM_FORM["how_much"], date(2027, 6, 30), AIM_FORM["for_whom"]
        ),
    )
    access = diagram_access(user, group)
    root = next(n for n in dd.live_nodes(access.diagram.id) if n.parent_id is None)
    made = [root]
    for p in range(primaries):
        primary = dd.add_node(user, access, root.id, None, f"Primary {p}", "")
        made.append(primary)
        for s in range(secondaries):
            secondary = dd.add_node(user, access, primary.id, None, f"Secondary {p}.{s}", "")
            made.append(secondary)
            for i in range(ideas):
                made.append(dd.add_node(user, access, secondary.id, None, f"Idea {p}.{s}.{i}", ""))
    return made  # fmt: skip


def test_a_facilitator_writes_the_aim_and_everyone_reads_it(login, fran):
    client = login(fran)
    page = client.get("/improvement")
    assert "No aim yet" in text(page) and 'href="/improvement/aim"' in text(page)
    saved = client.post_form("/improvement/aim", AIM_FORM)
    assert saved.status_code == 302 and saved.headers["Location"] == "/improvement"
    assert SENTENCE in text(client.get("/improvement"))
    member = make_user()
    client = login(member)
    page = client.get("/improvement")
    assert page.status_code == 200 and SENTENCE in text(page)
    assert 'href="/improvement/aim"' not in text(page)
    assert client.get("/improvement/aim").status_code == 403
    assert client.post_form("/improvement/aim", AIM_FORM).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/improvement").status_code == 302
    assert "/login" in client.get("/improvement").headers["Location"]


def test_an_incomplete_aim_is_reshown_with_its_errors_and_the_text_kept(login, fran):
    client = login(fran)
    page = client.post_form("/improvement/aim", dict(AIM_FORM, how_much=" ", by_when="June"))
    body = text(page)
    assert page.status_code == 400
    assert "Enter the date, for example 2027-06-30." in body
    assert body.count('class="field__errors"') == 2  # the date's and how much's, at once
    assert 'value="Raise the share of 3rd graders reading on grade level"' in body
    assert aims.aim_of(diagram_access(fran).diagram) is None


def test_a_stale_aim_save_shows_both_versions_and_keeps_the_saved_one(login, fran):
    build(fran)
    client = login(fran)
    client.post_form("/improvement/aim", dict(AIM_FORM, how_much="from 48% to 62%", version="1"))
    page = client.post_form("/improvement/aim", dict(AIM_FORM, how_much="to 70%", version="1"))
    body = text(page)
    assert page.status_code == 409
    assert "from 48% to 62% by June 2027" in body  # theirs
    assert 'value="to 70%"' in body  # mine, kept in the form
    assert 'name="version" type="hidden" value="2"' in body
    assert "62%" in aims.aim_of(diagram_access(fran).diagram).statement
    again = client.post_form("/improvement/aim", dict(AIM_FORM, how_much="to 70%", version="2"))
    assert again.status_code == 302
    assert "to 70%" in aims.aim_of(diagram_access(fran).diagram).statement


def test_parts_are_added_at_the_level_below_their_parent_and_drawn(login, fran):
    root = build(fran, primaries=0)[0]
    client = login(fran)
    added = client.post_form("/improvement/parts", {"parent_id": root.id, "title": "Strong PLCs"})
    assert added.status_code == 302
    primary = next(n for n in dd.live_nodes(root.diagram_id) if n.parent_id == root.id)
    assert (primary.kind, primary.title) == ("primary", "Strong PLCs")
    assert added.headers["Location"].endswith(f"#part-{primary.id}")
    client.post_form("/improvement/parts", {"parent_id": primary.id, "title": "Protected time"})
    secondary = next(n for n in dd.live_nodes(root.diagram_id) if n.kind == "secondary")
    client.post_form("/improvement/parts", {"parent_id": secondary.id, "title": "Data huddles"})
    idea = next(n for n in dd.live_nodes(root.diagram_id) if n.kind == "change_idea")
    page = text(client.get("/improvement"))
    assert '<svg class="diagram__svg"' in page and "<tspan" in page
    assert "1 primary drivers, 1 secondary drivers and 1 change ideas." in page
    assert f'id="part-{idea.id}"' in page and ">Data huddles</a>" in page
    refused = client.post_form("/improvement/parts", {"parent_id": idea.id, "title": "Deeper"})
    assert refused.status_code == 400 and "Nothing goes under a change idea." in text(refused)
    assert 'value="Deeper"' in text(refused)
    blank = client.post_form("/improvement/parts", {"parent_id": "", "title": ""})
    assert blank.status_code == 400 and "choose another from the list" in text(blank)


def test_titles_are_text_in_the_drawing_and_the_list(login, fran):
    root = build(fran, primaries=0)[0]
    client = login(fran)
    client.post_form("/improvement/parts", {"parent_id": root.id, "title": "<script>x</script>"})
    page = text(client.get("/improvement"))
    assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


def test_members_see_parts_without_their_forms(login, fran):
    nodes = build(fran)
    client = login(make_user())
    page = client.get(f"/improvement/parts/{nodes[1].id}")
    assert page.status_code == 200 and "Primary 0" in text(page)
    assert "Rename or describe" not in text(page) and "Add to the diagram" not in text(
        client.get("/improvement"))  # fmt: skip
    edit = {"title": "Mine", "version": "1"}
    assert client.post_form(f"/improvement/parts/{nodes[1].id}/edit", edit).status_code == 403
    assert dd.get_node_for(fran, nodes[1].id).node.title == "Primary 0"


def test_a_stale_part_edit_is_409_with_both_versions(login, fran):
    primary = build(fran)[1]
    client = login(fran)
    url = f"/improvement/parts/{primary.id}/edit"
    assert client.post_form(url, {"title": "Strong PLCs", "version": "1"}).status_code == 302
    page = client.post_form(url, {"title": "Coaching", "description": "Mine", "version": "1"})
    body = text(page)
    assert page.status_code == 409
    assert "<strong>Strong PLCs</strong>" in body and 'value="Coaching"' in body
    assert "Mine</textarea>" in body
    assert dd.get_node_for(fran, primary.id).node.title == "Strong PLCs"
    assert client.post_form(url, {"title": "Coaching", "version": "2"}).status_code == 302
    assert dd.get_node_for(fran, primary.id).node.title == "Coaching"


def test_reorder_move_and_archive_by_buttons(login, fran):
    nodes = build(fran, primaries=2)
    root, _p0, s0, idea, p1, s1 = nodes[0], *nodes[1:4], *nodes[4:6]
    client = login(fran)
    client.post_form(f"/improvement/parts/{p1.id}/order", {"step": "up"})
    order = [n.title for n in dd.live_nodes(root.diagram_id) if n.kind == "primary"]
    assert order == ["Primary 1", "Primary 0"]
    page = text(client.get(f"/improvement/parts/{idea.id}"))
    assert f'<option value="{s1.id}">A change idea under “Secondary 1.0”</option>' in page
    assert f'<option value="{s0.id}">' not in page  # where it is already
    assert client.post_form(f"/improvement/parts/{idea.id}/move",
                            {"parent_id": s1.id}).status_code == 302  # fmt: skip
    assert dd.get_node_for(fran, idea.id).node.parent_id == s1.id
    wrong = client.post_form(f"/improvement/parts/{s0.id}/move", {"parent_id": s1.id})
    assert wrong.status_code == 400 and "Under a secondary driver go change ideas" in text(wrong)
    refused = client.post_form(f"/improvement/parts/{p1.id}/archive", {})
    assert refused.status_code == 400 and "still has 3 live part(s) under it" in text(refused)
    done = client.post_form(f"/improvement/parts/{p1.id}/archive", {"with_children": "y"})
    assert done.status_code == 302
    titles = [n.title for n in dd.live_nodes(root.diagram_id)]
    assert "Primary 1" not in titles and "Idea 0.0.0" not in titles and "Primary 0" in titles
    assert "archived the primary driver “Primary 1”" in text(client.get("/improvement"))


def test_practices_link_to_change_ideas_from_their_page(login, fran):
    idea = build(fran)[3]
    author = make_user()
    practice = make_practice(author, "Data huddles every other Friday")
    private = make_group(visibility="private", facilitator=author)
    hidden = make_practice(author, "Private circle's protocol", group=private)
    client = login(fran)
    page = text(client.get(f"/improvement/parts/{idea.id}"))
    assert f'<option value="{practice.id}">' in page and "Private circle" not in page
    url = f"/improvement/parts/{idea.id}/practices"
    assert client.post_form(url, {"practice_id": practice.id}).status_code == 302
    assert client.post_form(url, {"practice_id": hidden.id}).status_code == 400
    diagram = text(client.get("/improvement"))
    assert f'href="/practices/{practice.id}">Data huddles every other Friday</a>' in diagram
    client.post_form(f"{url}/{practice.id}/unlink")
    diagram = text(client.get("/improvement"))
    assert f'href="/practices/{practice.id}"' not in diagram
    assert "unlinked a practice from the change idea" in diagram


def test_the_diagram_as_it_was_on_a_past_day(login, fran):
    primary = build(fran)[1]
    for change in db.session.scalars(sa.select(DiagramChange)):
        change.at -= timedelta(days=10)
    db.session.commit()
    dd.edit_node(fran, dd.get_node_for(fran, primary.id), "Strong PLCs", "", 1)
    client = login(fran)
    day = (date.today() - timedelta(days=5)).isoformat()
    past = text(client.get(f"/improvement?as_of={day}"))
    assert f"as it stood at the end of {day}" in past
    assert "Primary 0" in past and "Strong PLCs" not in past
    assert "Add to the diagram" not in past
    now = text(client.get("/improvement"))
    assert "Strong PLCs" in now and "renamed or described the primary driver" in now
    long_ago = text(client.get("/improvement?as_of=2020-01-01"))
    assert "There was no diagram yet at the end of 2020-01-01." in long_ago
    bad = client.get("/improvement?as_of=last-tuesday")
    assert bad.status_code == 400 and "Give the date as year-month-day" in text(bad)
    assert "Strong PLCs" in text(bad)


def test_a_private_groups_diagram_is_404_to_outsiders(login, fran):
    group = make_group("Coaches' Circle", visibility="private", facilitator=fran)
    nodes = build(fran, group)
    client = login(fran)
    assert SENTENCE in text(client.get(f"/groups/{group.id}"))
    assert "Primary 0" in text(client.get(f"/groups/{group.id}/improvement"))
    client = login(make_user())
    for url in (f"/groups/{group.id}/improvement", f"/groups/{group.id}/improvement/aim",
                f"/improvement/parts/{nodes[1].id}"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    edit = client.post_form(f"/improvement/parts/{nodes[1].id}/edit", {"title": "x"})
    assert edit.status_code == 404
    add = {"parent_id": nodes[0].id, "title": "x"}
    assert client.post_form(f"/groups/{group.id}/improvement/parts", add).status_code == 404
    assert "Primary 0" not in text(client.get("/improvement"))


def test_group_facilitators_edit_their_groups_diagram_only(login, fran):
    lead = make_user("Gail Group")
    group = make_group("Principals' Circle", facilitator=lead)
    client = login(lead)
    assert client.post_form(f"/groups/{group.id}/improvement/aim", AIM_FORM).status_code == 302
    assert SENTENCE in text(client.get(f"/groups/{group.id}"))
    assert client.get("/improvement/aim").status_code == 403


@pytest.mark.parametrize("page", ["diagram", "part"])
def test_diagram_pages_run_the_same_queries_whatever_their_size(login, fran, count_queries, page):
    one, other = make_group(facilitator=fran), make_group(facilitator=fran)
    small = build(fran, one, primaries=1, secondaries=1, ideas=1)
    large = build(fran, other, primaries=3, secondaries=3, ideas=3)
    for idea in (small[3], large[3]):
        for n in range(3 if idea is large[3] else 1):
            practice = make_practice(fran, f"Practice {idea.id}.{n}")
            dd.link_practice(fran, dd.get_node_for(fran, idea.id), practice.id)
    client = login(fran)
    urls = {
        "diagram": (f"/groups/{one.id}/improvement", f"/groups/{other.id}/improvement"),
        "part": (f"/improvement/parts/{small[3].id}", f"/improvement/parts/{large[3].id}"),
    }
    counts = []
    for url in urls[page]:
        client.get(url)
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
