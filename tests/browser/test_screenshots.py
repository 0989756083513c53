"""Screenshots of each main page at 1280 and 390 px, and the phone layout's two promises.

The PNGs go to `screenshots/` at the repository root (git-ignored; CI leaves
the folder in the work tree for people to look at), named
`<page>-<width>.png`. Each page is also checked where a phone shows it: at
390 px the header is one row, at 320 px nothing scrolls sideways.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from nic.services import practices, tries
from nic.services.live import attendance as live_attendance
from nic.services.live import chat as live_chat
from nic.services.live import sessions as live_sessions
from tests.factories import (
    in_session,
    make_group,
    make_practice,
    make_reply,
    make_school,
    make_thread,
    make_user,
)
from tests.servers import ROOT

pytestmark = pytest.mark.browser

SHOTS = ROOT / "screenshots"
ONE_ROW = 64  # px: the site name and the menu button, one control high


@pytest.fixture(scope="module")
def site(live_server):
    def setup():
        school = make_school("Lincoln Elementary (shots)", "Riverside Unified (shots)")
        other = make_school("Harbor View Middle (shots)", "North County (shots)")
        facilitator = make_user("Frank Fisher", email="shots.frank@example.org",
                                job_role="facilitator")  # fmt: skip
        maria = make_user("Maria Lopez", email="shots.maria@example.org", school=school)
        coach = make_user("Dr. Evangeline Montgomery-Castellanos", email="shots.coach@example.org",
                          job_role="instructional_coach", school=other)  # fmt: skip
        group = make_group("Principals' Circle (shots)", facilitator=facilitator,
                           members=[maria, coach])  # fmt: skip
        thread = make_thread(group, maria, "Protecting PLC time",
                             "Our PLCs keep getting **cancelled** for coverage.\n\n"
                             "- common planning block\n- a sub rotation")  # fmt: skip
        first = make_reply(thread, coach, "We moved PLCs into the master schedule.")
        make_reply(thread, maria, "What did you give up to make room?", first)
        starts = datetime.now(UTC) + timedelta(days=2)
        fields = live_sessions.SessionFields("Network session", "1. Wins\n2. PLC time", starts,
                                             starts + timedelta(hours=1))  # fmt: skip
        scheduled = live_sessions.schedule_session(facilitator, group.id, fields)
        live = live_sessions.schedule_session(facilitator, group.id, fields)
        live_sessions.start_session(in_session(facilitator, live.id))
        live_attendance.attend(in_session(maria, live.id))
        live_chat.send_message(in_session(maria, live.id), "Hello from Lincoln", "shots-1")
        ended = live_sessions.schedule_session(facilitator, group.id, fields)
        live_sessions.start_session(in_session(facilitator, ended.id))
        live_attendance.attend(in_session(coach, ended.id))
        live_chat.send_message(in_session(facilitator, ended.id), "Thanks, everyone", "shots-2")
        live_sessions.end_session(in_session(facilitator, ended.id))
        practice = make_practice(maria, "Data huddles every other Friday (shots)")
        report = tries.TryFields(date.today(), "adapted", "6-8", "Grade 7 team", "Monthly",
                                 "Teams brought student work without being asked.")  # fmt: skip
        tries.record_try(practices.get_practice_for(coach, practice.id), coach, report)
        return {"group": group.id, "thread": thread.id, "scheduled": scheduled.id,
                "live": live.id, "ended": ended.id, "practice": practice.id}  # fmt: skip

    return live_server.run(setup)


SIGNED_IN = {
    "home": "/",
    "group": "/groups/{group}",
    "thread": "/threads/{thread}",
    "practice-library": "/practices",
    "practice": "/practices/{practice}",
    "directory": "/directory",
    "profile": "/u/maria.lopez",
    "session-scheduled": "/sessions/{scheduled}",
    "session-live": "/sessions/{live}",
    "session-record": "/sessions/{ended}",
    "settings": "/settings/profile",
    "api-reference": "/api/v1/docs",
}
SIGNED_OUT = {"sign-in": "/login", "sign-up": "/register"}


def visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("width", [1280, 390])
def test_each_main_page_is_photographed(live_server, site, new_page, width):
    SHOTS.mkdir(exist_ok=True)
    for signed_in, pages in ((True, SIGNED_IN), (False, SIGNED_OUT)):
        page = new_page("shots.maria@example.org" if signed_in else None, width=width)
        for name, path in pages.items():
            visit(page, live_server.url + path.format(**site))
            shot = SHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 5_000, shot
        assert page.problems == []


def test_at_390_px_the_header_is_one_row_on_every_page(live_server, site, new_page):
    tall = []
    for signed_in, pages in ((True, SIGNED_IN), (False, SIGNED_OUT)):
        page = new_page("shots.maria@example.org" if signed_in else None, width=390)
        for name, path in pages.items():
            visit(page, live_server.url + path.format(**site))
            height = page.locator(".site-header").bounding_box()["height"]
            if height >= ONE_ROW:
                tall.append(f"{name}: {height:.0f} px")
    assert tall == []


def test_at_320_px_no_page_scrolls_sideways(live_server, site, new_page):
    wider = []
    for signed_in, pages in ((True, SIGNED_IN), (False, SIGNED_OUT)):
        page = new_page("shots.maria@example.org" if signed_in else None, width=320)
        for name, path in pages.items():
            visit(page, live_server.url + path.format(**site))
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                wider.append(f"{name}: {width} px")
    assert wider == []
