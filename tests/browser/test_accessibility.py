"""WCAG 2.1 A and AA: axe-core audits every kind of page in a real browser.

axe-core (tests/browser/vendor, from its npm package) runs inside Chromium on
each page, in the states people meet: empty, full, with form errors, live and
ended sessions, on a desktop and a phone width. Any violation fails the test
with axe's own description of what to fix and where.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from nic.services import (
    aims,
    attachments,
    commitments,
    cycles,
    discussions,
    driver_diagrams,
    measure_points,
    measures,
    practices,
    reading,
    tries,
)
from tests.browser.conftest import sign_in
from tests.factories import (
    in_session,
    make_group,
    make_practice,
    make_reply,
    make_school,
    make_sessions,
    make_thread,
    make_user,
)
from tests.mailserver import outbox, parts

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def audit(page) -> list[str]:
    """axe's violations on the current page, one readable line per node."""
    page.evaluate(AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


@pytest.fixture(scope="module")
def site(live_server):
    def setup():
        school = make_school("Lincoln Elementary (a11y)", "Riverside (a11y)")
        admin = make_user("Ada Admin", email="a11y.admin@example.org", admin=True)
        maria = make_user("Maria Lopez", email="a11y.maria@example.org", school=school)
        james = make_user("James Okafor", email="a11y.james@example.org", school=school)
        group = make_group("Principals' Circle (a11y)", facilitator=admin, members=[maria, james])
        thread = make_thread(
            group, maria, "Protecting PLC time",
            "Our PLCs keep getting **cancelled**. What we tried:\n- [x] a common planning block"
            "\n  - [ ] ~~Friday~~ Thursday check-ins, see www.example.org\n\n> It helped.",
        )  # fmt: skip
        first = make_reply(thread, james, "We moved PLCs into the master schedule.")
        make_reply(thread, maria, "What did you give up?", first)
        discussions.set_thread_flag(admin, thread.id, "pinned", True)
        long = make_thread(group, james, "Walkthrough notes")
        for n in range(reading.REPLIES_PER_PAGE + 1):
            make_reply(long, maria if n % 2 else james, f"Note {n}")
        upcoming, live, ended = make_sessions(admin, group, maria, james, "a11y")
        practice = make_practice(maria, "Data huddles (a11y)", coauthors=(james,))
        fields = practices.current_fields(practice)
        practices.update_practice(
            practices.get_practice_for(maria, practice.id),
            maria,
            replace(fields, body=fields.body + "\n\nWe added a sorting sheet."),
        )
        other = make_user("Priya Raman", school=make_school("Harbor View (a11y)", "North (a11y)"))
        report = tries.TryFields(date.today(), "adapted", "K-2", "Grade 1 team", "Monthly",
                                 "Teams brought work.")  # fmt: skip
        tries.record_try(practices.get_practice_for(other, practice.id), other, report)
        attachments.attach(practices.get_practice_for(maria, practice.id), maria,
                           attachments.Upload("protocol.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n")),
                           "The protocol", "protocol", False)  # fmt: skip
        make_practice(maria, "Half written (a11y)", publish=False)
        diagram = driver_diagrams.get_group_diagram_for(admin, group.id)
        aims.save_aim(
            admin,
            diagram,
            aims.AimFields("Raise reading", "from 48% to 60%", date(2027, 6, 30), "in our schools"),
        )
        diagram = driver_diagrams.get_group_diagram_for(admin, group.id)
        root = driver_diagrams.live_nodes(diagram.diagram.id)[0]
        primary = driver_diagrams.add_node(admin, diagram, root.id, None, "Strong PLCs", "")
        secondary = driver_diagrams.add_node(
            admin, diagram, primary.id, None, "Protected time", "Teams *meet* weekly."
        )
        idea = driver_diagrams.add_node(admin, diagram, secondary.id, None, "Data huddles", "")
        driver_diagrams.link_practice(
            admin, driver_diagrams.get_node_for(admin, idea.id), practice.id
        )
        first_cycle = cycles.plan_cycle(
            maria,
            driver_diagrams.get_node_for(maria, idea.id),
            cycles.NewCycle(school.id),
            cycles.PlanFields(
                "Huddles, cycle 1",
                "Will it help?",
                planned_start=date(2026, 9, 1),
                planned_end=date(2026, 9, 14),
            ),
        )
        cycles.save_phase(
            maria,
            cycles.get_cycle_for(maria, first_cycle.id),
            "act",
            {"decision": "adapt", "next_steps": "Ticket a day early"},
            1,
        )
        cycle = cycles.plan_cycle(
            maria,
            driver_diagrams.get_node_for(maria, idea.id),
            cycles.NewCycle(school.id, previous_id=first_cycle.id),
            cycles.PlanFields("Huddles, cycle 2"),
        )
        commitments.open_commitments(in_session(admin, ended.id))
        reading_fields = measures.MeasureFields(
            "Reading on grade level", "outcome", "percent", "monthly", "up",
            "At or above benchmark, **of those tested**.", goal=70, node_ids=(idea.id,),
        )  # fmt: skip
        reading_measure = measures.define_measure(admin, group.id, reading_fields)
        measures.define_measure(admin, None, measures.MeasureFields(
            "PLC meetings held", "process", "count", "weekly", "up"))  # fmt: skip
        measure_points.record_points(
            maria, measures.get_measure_for(maria, reading_measure.id), school.id,
            [measure_points.PointInput(f"2026-{m:02}", numerator=8 + m, denominator=20,
                                       note="Huddles began" if m == 3 else "",
                                       cycle_id=cycle.id if m == 3 else None)
             for m in range(1, 7)])  # fmt: skip
        return {"measure": reading_measure.id, "primary": primary.id, "idea": idea.id,
                "cycle": cycle.id, "group": group.id, "thread": thread.id,
                "upcoming": upcoming.id, "live": live.id, "ended": ended.id,
                "post": first.id, "long": long.id, "practice": practice.id,
                "school": school.id}  # fmt: skip

    return live_server.run(setup)


MEMBER_PAGES = [
    "/", "/groups/", "/groups/{group}", "/groups/{group}/members", "/threads/{thread}",
    "/threads/{long}?page=2", "/threads/{thread}?reply_to={post}",
    "/groups/{group}/threads/new", "/directory", "/directory?job_role=principal",
    "/u/maria.lopez", "/settings/profile",
    "/settings/tokens", "/settings/password", "/settings/email", "/settings/devices",
    "/sessions/{upcoming}",
    "/sessions/{live}", "/sessions/{ended}",
    "/posts/{post}/history", "/api/v1/docs", "/no-such-page",
    "/practices", "/practices/new", "/practices/drafts", "/practices/{practice}",
    "/practices/{practice}/edit", "/practices/{practice}/revisions",
    "/practices/{practice}/compare?from=1&to=2",
    "/practices/{practice}/compare?from=1&to=2&view=inline", "/schools/{school}",
    "/notifications", "/notifications?unread=1", "/settings/following", "/settings/notifications",
    "/search?q=coaching", "/search?q=zzzz", "/search?q=" + "x" * 600,
    "/improvement", "/groups/{group}/improvement", "/groups/{group}/improvement?as_of=2020-01-01",
    "/groups/{group}/improvement?as_of=soon", "/improvement/parts/{idea}",
    "/improvement/parts/{idea}/cycles/new", "/cycles/{cycle}", "/cycles", "/cycles?overdue=yes",
    "/measures", "/measures/{measure}", "/measures/{measure}/schools/{school}",
    "/measures/{measure}/upload",
]  # fmt: skip


def audit_pages(page, base: str, paths: list[str], ids: dict[str, int]) -> list[str]:
    violations = []
    for path in paths:
        page.goto(base + path.format(**ids))
        page.wait_for_load_state("networkidle")
        violations += [f"{path}: {v}" for v in audit(page)]
    return violations


@pytest.mark.parametrize("width", [1280, 360])
def test_member_pages_meet_wcag_aa(live_server, site, new_page, width):
    page = new_page("a11y.maria@example.org", width=width)
    assert audit_pages(page, live_server.url, MEMBER_PAGES, site) == []


def test_member_pages_reflow_at_320_css_pixels(live_server, site, new_page):
    """WCAG 1.4.10: no page scrolls sideways on a 320 px wide screen (a table may, in its frame)."""
    page = new_page("a11y.maria@example.org", width=320)
    wider = []
    for path in MEMBER_PAGES:
        page.goto(live_server.url + path.format(**site))
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wider.append(f"{path}: {width} px")
    assert wider == []


def test_facilitator_and_admin_pages_meet_wcag_aa(live_server, site, new_page):
    page = new_page("a11y.admin@example.org")
    paths = ["/admin/", "/u/maria.lopez", "/groups/new", "/groups/{group}/edit",
             "/groups/{group}/sessions/new", "/sessions/{live}",
             "/groups/{group}/members", "/groups/{group}/members?q=james",
             "/improvement", "/improvement/aim", "/groups/{group}/improvement",
             "/groups/{group}/improvement/aim", "/improvement/parts/{idea}",
             "/improvement/parts/{primary}", "/measures", "/measures/new",
             "/measures/{measure}/edit", "/measures/{measure}"]  # fmt: skip
    assert audit_pages(page, live_server.url, paths, site) == []


DASHBOARD_PAGES = ["/dashboard", "/dashboard?days=7", "/dashboard?days=5",
                   "/dashboard/unanswered", "/dashboard/untold",
                   "/dashboard/posts?school={school}", "/dashboard/posts?school=none&across=1",
                   "/dashboard/sessions?school={school}&role=principal",
                   "/dashboard/learning?school={school}&from={school}"]  # fmt: skip


@pytest.mark.parametrize("width", [1280, 320])
def test_the_facilitators_dashboard_meets_wcag_aa_and_reflows(live_server, site, new_page, width):
    """Its wide tables scroll in their labelled frames; the page itself never sideways."""
    page = new_page("a11y.admin@example.org", width=width)
    assert audit_pages(page, live_server.url, DASHBOARD_PAGES, site) == []
    page.goto(live_server.url + "/dashboard")
    assert page.locator('[role="region"][aria-label^="Participation"] table caption').count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_improvement_forms_with_errors_meet_wcag_aa(live_server, site, new_page):
    page = new_page("a11y.admin@example.org")
    page.goto(live_server.url + "/improvement/aim")
    page.get_by_role("button", name="Save the aim").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".field--invalid").count() >= 3
    assert audit(page) == []
    page.goto(live_server.url + "/groups/{group}/improvement".format(**site))
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".field--invalid").count() >= 1
    assert audit(page) == []
    page = new_page("a11y.maria@example.org")
    page.goto(live_server.url + "/improvement/parts/{idea}/cycles/new".format(**site))
    page.get_by_label("Planned start").fill("2026-09-30")
    page.get_by_label("Planned end").fill("2026-09-01")
    page.get_by_role("button", name="Plan the cycle").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".field--invalid").count() >= 1
    assert audit(page) == []


@pytest.mark.parametrize(
    ("path", "button"),
    [("/login", "Sign in"), ("/register", "Sign up"), ("/forgot-password", "Send the link")],
)
def test_signed_out_forms_with_errors_meet_wcag_aa(live_server, new_page, path, button):
    page = new_page()
    page.goto(live_server.url + path)
    assert audit(page) == []
    page.locator("main").get_by_role("button", name=button).click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".field--invalid").count() > 0
    assert audit(page) == []


@pytest.mark.parametrize("width", [1280, 360])
def test_the_confirm_your_email_banner_meets_wcag_aa(live_server, new_page, width):
    """Signed up, signed in, not confirmed yet: every page carries the banner with Resend."""
    page = new_page(width=width)
    page.goto(live_server.url + "/register")
    page.get_by_label("Your name").fill("Rosa Banner")
    page.get_by_label("Email").fill(f"a11y.banner{width}@example.org")
    page.get_by_label("Password").fill("a long enough password")
    page.locator("main").get_by_role("button", name="Sign up").click()
    page.wait_for_url(lambda url: "/register" not in url)  # to sign in: registering does not
    sign_in(page, live_server.url, f"a11y.banner{width}@example.org", "a long enough password")
    banner = page.locator("[data-email-banner]")
    expect(banner).to_contain_text("Confirm your email: we sent a link to")
    assert audit(page) == []
    banner.get_by_role("button", name="Resend").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".flash--info").last).to_contain_text("We sent a new link")
    assert audit(page) == []


def test_practice_forms_with_errors_meet_wcag_aa(live_server, site, new_page):
    page = new_page("a11y.maria@example.org")
    page.goto(live_server.url + "/practices/new")
    page.locator("main").get_by_role("button", name="Publish").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".field--invalid").count() >= 3
    assert audit(page) == []
    page.goto(live_server.url + "/practices/{practice}".format(**site))
    page.get_by_role("button", name="Report the try").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".field--invalid").count() > 0
    assert audit(page) == []


def test_measure_forms_with_errors_and_the_upload_preview_meet_wcag_aa(
    live_server, site, new_page, tmp_path
):
    page = new_page("a11y.admin@example.org")
    page.goto(live_server.url + "/measures/new")
    with page.expect_navigation():
        page.get_by_role("button", name="Define the measure").click()
    assert page.locator(".field--invalid").count() >= 1  # the service reports its first problem
    assert audit(page) == []
    page = new_page("a11y.maria@example.org")
    page.goto(live_server.url + "/measures/{measure}".format(**site))
    page.get_by_label("Period", exact=True).fill("soon")
    page.get_by_label("Numerator", exact=True).fill("30")
    page.get_by_label("Denominator", exact=True).fill("20")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the point").click()
    expect(page.locator(".field--invalid").first).to_contain_text("This measure is monthly")
    assert page.get_by_label("Numerator", exact=True).input_value() == "30"
    assert audit(page) == []
    for body, heading in [
        ("Month,Met,Total\n2026-07,9,20\n2026-01,9,20\n", "Check before saving"),
        ("Month,Met,Total\n2026-07,30,20\n2026-07,9,20\n", "The file has problems"),
    ]:
        upload = tmp_path / "points.csv"
        upload.write_text(body)
        page.goto(live_server.url + "/measures/{measure}/upload".format(**site))
        page.get_by_label("CSV file").set_input_files(str(upload))
        with page.expect_navigation():
            page.get_by_role("button", name="Check the file").click()
        expect(page.locator("h1")).to_have_text(heading)
        assert audit(page) == []


def refused_new_password(page) -> list[str]:
    """Type a too-short new password twice (differently), send it: axe's view of the errors."""
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password again").fill("shorter")
    page.locator("main").get_by_role("button", name="Change password").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".field--invalid").count() > 0
    return audit(page)


def test_password_form_with_errors_meets_wcag_aa(live_server, site, new_page):
    page = new_page("a11y.maria@example.org")
    page.goto(live_server.url + "/settings/password")
    page.get_by_label("Current password").fill("not my password")
    assert refused_new_password(page) == []


def test_the_mailed_password_reset_page_with_errors_meets_wcag_aa(live_server, site, new_page):
    """Asked for on the sign-in page, mailed by the server's own job consumer, then opened."""
    page = new_page()
    page.goto(live_server.url + "/login")
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("Email").fill("a11y.james@example.org")
    page.locator("main").get_by_role("button", name="Send the link").click()
    page.get_by_text("If an account uses that address").wait_for()
    assert audit(page) == []
    folder = Path(live_server.database_url.removeprefix("sqlite:///")).parent / "outbox"
    deadline = time.monotonic() + 15

    def resets() -> list:  # the outbox holds other tests' mails too (sign-up links)
        return [m for m in outbox(folder) if "/reset-password/" in parts(m)[0]]

    while not (mails := resets()) and time.monotonic() < deadline:
        time.sleep(0.1)
    link = re.search(r"http://\S+/reset-password/\S+", parts(mails[-1])[0]).group(0)
    page.goto(link)
    assert audit(page) == []
    assert refused_new_password(page) == []
    page.goto(live_server.url + "/reset-password/not-a-real-link")
    assert page.get_by_role("alert").inner_text().startswith("This link does not work")
    assert audit(page) == []


def test_reply_box_in_place_with_an_error_meets_wcag_aa(live_server, site, new_page):
    """The reply box opened under a post (static/js/replies.js), then refused (issue 17)."""
    page = new_page("a11y.maria@example.org", width=360)
    page.goto(live_server.url + "/threads/{thread}".format(**site))
    page.locator("#post-{post}".format(**site)).get_by_role("link", name="Reply").click()
    box = page.locator("form.reply-form--in-place")
    box.wait_for()
    assert audit(page) == []
    box.get_by_role("button", name="Post reply").click()
    box.get_by_role("alert").wait_for()
    assert audit(page) == []


def test_invitation_pages_meet_wcag_aa(live_server, site, new_page):
    """A facilitator invites from the members page (a bad address first), the pending list;
    the mailed link's page, refused for a short password; a link that does not work."""
    page = new_page("a11y.admin@example.org")
    page.goto(live_server.url + "/groups/{group}/members".format(**site))
    page.get_by_label("Email addresses").fill("a11y.invited@example.org, not-an-address")
    page.get_by_role("button", name="Send invitations").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".field--invalid").count() == 1
    assert audit(page) == []
    page.get_by_label("Email addresses").fill("a11y.invited@example.org")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.locator(".flash--success")).to_contain_text("1 person invited by email")
    expect(page.get_by_role("region", name="Invitations waiting for an answer")).to_contain_text(
        "a11y.invited@example.org"
    )
    assert audit(page) == []
    page.goto(live_server.url + "/admin/")
    assert audit(page) == []
    folder = Path(live_server.database_url.removeprefix("sqlite:///")).parent / "outbox"
    deadline = time.monotonic() + 15

    def invited() -> list:
        return [m for m in outbox(folder) if m["To"] == "a11y.invited@example.org"]

    while not (mails := invited()) and time.monotonic() < deadline:
        time.sleep(0.1)
    link = re.search(r"http://\S+/invitations/\S+", parts(mails[-1])[0]).group(0)
    newcomer = new_page(width=360)
    newcomer.goto(link)
    assert audit(newcomer) == []
    newcomer.get_by_label("Your name").fill("Ivy Invited")
    newcomer.get_by_label("Password", exact=True).fill("short")
    newcomer.get_by_label("Password again").fill("short")
    newcomer.get_by_role("button", name="Accept and sign in").click()
    newcomer.wait_for_load_state("networkidle")
    assert newcomer.locator(".field--invalid").count() >= 1
    assert audit(newcomer) == []
    newcomer.goto(live_server.url + "/invitations/not-a-real-link")
    expect(newcomer.get_by_role("alert")).to_contain_text("This invitation link does not work")
    assert audit(newcomer) == []
