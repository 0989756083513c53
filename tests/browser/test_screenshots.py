"""Screenshots of each main page at 1280 and 390 px, and the phone layout's two promises.

The PNGs go to `screenshots/` at the repository root (git-ignored; CI leaves
the folder in the work tree for people to look at), named
`<page>-<width>.png`. Each page is also checked where a phone shows it: at
390 px the header is one row, at 320 px nothing scrolls sideways.
"""

from __future__ import annotations

from datetime import date

import pytest

from nic.services import practices, tries
from tests.factories import (
    make_group,
    make_practice,
    make_reply,
    make_school,
    make_sessions,
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
        scheduled, live, ended = make_sessions(facilitator, group, maria, coach, "shots")
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


def each_page(new_page, live_server, site, width: int):
    """Every main page at `width` in turn (signed in, then out): its name and the open page."""
    for signed_in, pages in ((True, SIGNED_IN), (False, SIGNED_OUT)):
        page = new_page("shots.maria@example.org" if signed_in else None, width=width)
        for name, path in pages.items():
            page.goto(live_server.url + path.format(**site))
            page.wait_for_load_state("networkidle")
            yield name, page
        assert page.problems == []


@pytest.mark.parametrize("width", [1280, 390])
def test_each_main_page_is_photographed(live_server, site, new_page, width):
    SHOTS.mkdir(exist_ok=True)
    for name, page in each_page(new_page, live_server, site, width):
        shot = SHOTS / f"{name}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 5_000, shot


def test_at_390_px_the_header_is_one_row_on_every_page(live_server, site, new_page):
    tall = []
    for name, page in each_page(new_page, live_server, site, 390):
        height = page.locator(".site-header").bounding_box()["height"]
        if height >= ONE_ROW:
            tall.append(f"{name}: {height:.0f} px")
    assert tall == []


def test_at_320_px_no_page_scrolls_sideways(live_server, site, new_page):
    wider = []
    for name, page in each_page(new_page, live_server, site, 320):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wider.append(f"{name}: {width} px")
    assert wider == []
