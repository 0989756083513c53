"""Length limits: shown to the counter, refused (never cut) by the server, text kept."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import Group, Post, Practice, Thread
from nic.services.validation import BODY_MAX
from tests.factories import make_group, make_practice, make_school, make_user


@pytest.fixture
def people():
    school = make_school("Lincoln Elementary")
    facilitator = make_user("Frank Fisher", job_role="facilitator")
    principal = make_user("Maria Lopez", job_role="principal", school=school)
    group = make_group("Principals ILT", facilitator=facilitator, members=[principal])
    return {"facilitator": facilitator, "principal": principal, "group": group}


def widget(page: str, name: str) -> str:
    """The <input> or <textarea> tag of the field `name`."""
    found = re.search(rf'<(?:input|textarea)[^>]*\bname="{name}"[^>]*>', page)
    assert found, name
    return found.group(0)


@pytest.mark.parametrize(
    ("who", "url", "limits"),
    [
        ("principal", "/groups/{group}/threads/new", {"title": 200, "body": 50_000}),
        ("principal", "/settings/profile", {"name": 120, "username": 40, "bio": 500}),
        ("facilitator", "/groups/new", {"name": 120, "description": 2000}),
        ("facilitator", "/groups/{group}/sessions/new", {"title": 200, "agenda": 50_000}),
        ("principal", "/practices/new", {"title": 200, "summary": 300, "body": 50_000}),
        ("principal", "/settings/tokens", {"name": 100}),
        ("facilitator", "/measures/new", {"name": 200, "definition": 5000, "unit_label": 60}),
        (None, "/register", {"name": 120, "password": 200}),
    ],
)
def test_every_limited_field_carries_its_limit_for_the_counter_and_no_maxlength(
    client, login, people, who, url, limits
):
    if who:
        login(people[who])
    page = client.get(url.format(group=people["group"].id)).get_data(as_text=True)
    assert "maxlength" not in page  # the browser would cut a long paste without a word
    for name, limit in limits.items():
        tag = widget(page, name)
        assert f'data-limit="{limit}"' in tag, tag
        counter = re.search(r'data-counter="([^"]+)"', tag).group(1)
        assert f'<p class="field__counter" id="{counter}" hidden></p>' in page
        assert counter in re.search(r'aria-describedby="([^"]+)"', tag).group(1)
    assert 'src="/static/js/counters.js"' in page


def test_the_practice_page_try_form_carries_its_limits(client, login, people):
    practice = make_practice(people["facilitator"])
    login(people["principal"])
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert 'data-limit="10000"' in widget(page, "observations")
    assert 'data-limit="60"' in widget(page, "grade_band")
    assert "maxlength" not in page


def test_a_60000_character_post_is_refused_whole_not_cut_to_50000(client, login, people):
    login(people["principal"])
    pasted = "Our PLC notes. " + "x" * (60_000 - 15)
    response = client.post_form(
        f"/groups/{people['group'].id}/threads/new", {"title": "PLC notes", "body": pasted}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This is 60,000 characters; the limit is 50,000. Shorten it by 10,000." in page
    assert pasted in page  # every character kept for the writer to shorten
    assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 0


def test_a_600_character_bio_is_refused_and_kept(client, login, people):
    user = people["principal"]
    login(user)
    bio = "b" * 600
    response = client.post_form(
        "/settings/profile",
        {"name": user.name, "username": user.username, "job_role": user.job_role,
         "school_id": "", "bio": bio, "time_zone": "America/Chicago"},
    )  # fmt: skip
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This is 600 characters; the limit is 500. Shorten it by 100." in page
    assert f"{bio}</textarea>" in page
    db.session.refresh(user)
    assert user.bio == "" and user.time_zone != "America/Chicago"


def test_a_long_group_description_is_refused_and_kept(client, login, people):
    login(people["facilitator"])
    description = "d" * 2001
    response = client.post_form(
        "/groups/new", {"name": "Coaches", "description": description, "visibility": "network"}
    )
    assert response.status_code == 400
    assert "the limit is 2,000. Shorten it by 1." in response.text
    assert description in response.text
    assert db.session.scalar(sa.select(Group.id).where(Group.name == "Coaches")) is None


def test_a_long_measure_definition_is_refused_and_kept(client, login, people):
    login(people["facilitator"])
    definition = "d" * 5003
    response = client.post_form("/measures/new", {
        "name": "Chronic absence", "kind": "balancing", "unit": "percent",
        "frequency": "monthly", "direction": "down", "definition": definition,
        "baseline_points": "12"})  # fmt: skip
    assert response.status_code == 400
    assert "the limit is 5,000. Shorten it by 3." in response.text
    assert definition in response.text


def test_a_long_session_agenda_is_refused_and_kept(client, login, people):
    login(people["facilitator"])
    agenda = "a" * (BODY_MAX + 5)
    response = client.post_form(
        f"/groups/{people['group'].id}/sessions/new",
        {"title": "Data huddle", "agenda": agenda,
         "starts_at": "2030-03-14T15:00", "ends_at": "2030-03-14T16:00"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "the limit is 50,000. Shorten it by 5." in response.text and agenda in response.text


def test_practice_and_try_fields_over_their_limits_are_refused_with_everything_else(
    client, login, people
):
    login(people["principal"])
    summary = "s" * 350
    response = client.post_form(
        "/practices/new",
        {"title": "", "summary": summary, "body": "Body", "levers": [], "levels": ["elementary"],
         "tags": "", "group_id": "", "publish": "Publish"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "This is 350 characters; the limit is 300. Shorten it by 50." in response.text
    assert "Choose at least one lever." in response.text and summary in response.text
    assert db.session.scalar(sa.select(sa.func.count(Practice.id))) == 0

    practice = make_practice(people["facilitator"])
    observations = "o" * 10_001
    refused = client.post_form(
        f"/practices/{practice.id}/tries",
        {"tried_on": date.today().isoformat(), "outcome": "adopted",
         "observations": observations},
    )  # fmt: skip
    assert refused.status_code == 400
    assert "the limit is 10,000. Shorten it by 1." in refused.text and observations in refused.text


def test_line_breaks_count_once_as_the_counter_counts_them(client, login, people):
    """Browsers send a line break as CR LF; the page and the counter show one character."""
    login(people["principal"])
    lines = ["x" * 99] * 500  # 500 lines of 99 characters: 49,999 characters with LF breaks
    body = "\r\n".join(lines)
    assert len(body.replace("\r\n", "\n")) <= BODY_MAX < len(body)
    response = client.post_form(
        f"/groups/{people['group'].id}/threads/new", {"title": "Long notes", "body": body}
    )
    assert response.status_code == 302
    post = db.session.scalar(sa.select(Post))
    assert post.body == "\n".join(lines)
