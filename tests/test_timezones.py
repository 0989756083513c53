"""Time zones by the names people know; sign-up asks for one (the browser pre-fills it)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import render_template_string

from nic.extensions import db
from nic.models import User
from nic.timezones import zone_groups, zone_label
from tests.factories import make_user


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("America/New_York", "Eastern Time (US & Canada)"),
        ("America/Chicago", "Central Time (US & Canada)"),
        ("America/Phoenix", "Arizona (Mountain Time, no daylight saving)"),
        ("Pacific/Honolulu", "Hawaii Time"),
        ("Europe/London", "London (Europe)"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires (America / Argentina)"),
        ("UTC", "Coordinated Universal Time (UTC)"),
        (None, "Eastern Time (US & Canada)"),
    ],
)
def test_a_zone_is_named_as_people_name_it(zone, label):
    assert zone_label(zone) == label


def test_every_zone_is_offered_once_common_us_zones_first():
    groups = zone_groups()
    first = next(iter(groups))
    assert [z for z, _ in groups[first]][:5] == [
        "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
        "America/Los_Angeles",
    ]  # fmt: skip
    ids = [z for pairs in groups.values() for z, _ in pairs]
    assert len(ids) == len(set(ids)) > 400
    assert "Europe/Paris" in dict(groups["Europe"])


def test_templates_have_a_filter_for_the_friendly_name(app):
    with app.test_request_context():
        assert render_template_string("{{ 'America/Denver'|zone_label }}") == (
            "Mountain Time (US &amp; Canada)"
        )


def time_zone_select(page: str) -> str:
    return re.search(r'<select[^>]*name="time_zone".*?</select>', page, re.S).group(0)


def test_sign_up_asks_for_a_time_zone_by_name_with_a_sensible_default(client):
    page = client.get("/register").get_data(as_text=True)
    select = time_zone_select(page)
    assert "data-detect-time-zone" in select  # static/js/timezone.js pre-fills the browser's
    assert '<optgroup label="United States, Canada and UTC">' in select
    assert re.search(
        r'<option selected value="America/New_York">Eastern Time \(US &amp; Canada\)', select
    )
    assert ">America/New_York<" not in select and ">Europe/London<" not in select
    assert 'src="/static/js/timezone.js"' in page


def test_sign_up_stores_the_chosen_zone_and_refuses_an_unknown_one(client):
    data = {"name": "Maria Lopez", "email": "maria@example.org", "job_role": "principal",
            "password": "a long enough password", "school_id": ""}  # fmt: skip
    refused = client.post_form("/register", {**data, "time_zone": "Mars/Olympus"})
    assert refused.status_code == 400
    assert (
        "Choose a time zone from the list." in refused.text
        and 'value="Maria Lopez"' in refused.text
    )
    created = client.post_form("/register", {**data, "time_zone": "America/Denver"})
    assert created.status_code == 302
    assert db.session.scalar(sa.select(User.time_zone)) == "America/Denver"


def test_settings_show_the_zone_by_name(client, login):
    user = make_user("Grace Adeyemi")
    user.time_zone = "America/Los_Angeles"
    db.session.commit()
    login(user)
    select = time_zone_select(client.get("/settings/profile").get_data(as_text=True))
    assert '<option selected value="America/Los_Angeles">Pacific Time (US &amp; Canada)' in select
