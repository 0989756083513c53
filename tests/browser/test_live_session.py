"""A live session in two browsers: a facilitator and a member, end to end."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from nic.models import utcnow
from nic.services.live import sessions as live_sessions
from tests.factories import make_group, make_practice, make_school, make_user

pytestmark = pytest.mark.browser


def setup_session() -> dict:
    """A private group with a facilitator and a member, and a scheduled session."""
    tag = utcnow().strftime("%H%M%S%f")
    school = make_school(f"Roosevelt Middle {tag}")
    facilitator = make_user("Fran Facilitator", email=f"fran{tag}@example.org",
                            job_role="facilitator")  # fmt: skip
    member = make_user("Mia Member", email=f"mia{tag}@example.org",
                       job_role="instructional_coach", school=school)  # fmt: skip
    group = make_group(f"Coaches {tag}", visibility="private", facilitator=facilitator,
                       members=[member])  # fmt: skip
    starts = utcnow() + timedelta(minutes=5)
    session = live_sessions.schedule_session(
        facilitator,
        group.id,
        live_sessions.SessionFields(
            "Protecting PLC time", "- Check-in\n- Data dive", starts, starts + timedelta(hours=1)
        ),
    )
    practice = make_practice(facilitator, f"Data huddles every other Friday {tag}")
    return {"facilitator": facilitator.email, "member": member.email, "session": session.id,
            "school": school.name, "practice": practice.id, "title": practice.title}  # fmt: skip


def test_a_live_session_from_start_to_record(live_server, new_page):
    data = live_server.run(setup_session)
    url = f"{live_server.url}/sessions/{data['session']}"
    fran = new_page(data["facilitator"])
    mia = new_page(data["member"], width=400)  # a phone-sized window
    # Mia's socket goes through a proxy the test can cut, to see her reconnect.
    # While `offline` is set, her reconnection attempts are turned away.
    mia_sockets = []
    offline = []

    def proxy(ws):
        if offline:
            ws.close()
            return
        ws.connect_to_server()
        mia_sockets.append(ws)

    mia.route_web_socket(re.compile(r"/socket\.io/"), proxy)
    for page in (fran, mia):
        page.goto(url)
        expect(page.get_by_text("This session has not started yet")).to_be_visible()
    expect(mia.get_by_role("button", name="Start session")).to_have_count(0)

    # The facilitator starts; the member's page goes live without a reload.
    fran.get_by_role("button", name="Start session").click()
    expect(mia.get_by_text("The session is live")).to_be_visible()
    expect(mia.get_by_role("textbox", name="Message")).to_be_enabled()
    expect(fran.locator("[data-live-participants]")).to_contain_text("Mia Member")

    # Chat both ways: author, role and school on each message; a linked practice's card.
    fran.get_by_role("textbox", name="Message").fill(
        f"Welcome, **everyone**. We start from {live_server.url}/practices/{data['practice']}"
    )
    fran.get_by_role("textbox", name="Message").press("Enter")
    mia_log = mia.get_by_role("log")
    expect(mia_log.locator("strong", has_text="everyone")).to_be_visible()
    card = mia_log.get_by_role("list", name="Linked practices")
    expect(card.get_by_role("link", name=data["title"])).to_have_attribute(
        "href", f"/practices/{data['practice']}"
    )
    expect(card).to_contain_text("Not tried by another school yet")
    mia.get_by_role("textbox", name="Message").fill("Glad to be here")
    mia.get_by_role("button", name="Send").click()
    fran_log = fran.get_by_role("log")
    expect(fran_log).to_contain_text("Glad to be here")
    expect(fran_log).to_contain_text(f"Instructional coach · {data['school']}")
    expect(mia.get_by_role("textbox", name="Message")).to_have_value("")

    # Reply (quoted) and react.
    mia.get_by_role("button", name="Reply to Fran Facilitator").click()
    mia.get_by_role("textbox", name="Message").fill("Thanks for hosting")
    mia.get_by_role("textbox", name="Message").press("Enter")
    expect(fran_log.locator(".chat__quote")).to_contain_text("Fran Facilitator: Welcome")
    fran.get_by_role("button", name="React to Mia Member's message").first.click()
    fran.get_by_role("button", name="React with 👍").first.click()
    expect(mia_log.locator("button.chat__reaction", has_text="👍 1")).to_be_visible()

    # Raise a hand; the facilitator sees it in the queue and calls on her.
    mia.get_by_role("button", name="Raise hand").click()
    expect(fran.locator("[data-live-hands]")).to_contain_text("Mia Member")
    fran.get_by_role("button", name="Call on next hand").click()
    expect(mia.locator("[data-live-hands-empty]")).to_contain_text("Called on: Mia Member")

    # Lock the chat: the member's error is shown and her text is kept.
    fran.get_by_role("button", name="Lock chat").click()
    expect(mia.locator("[data-live-locked]")).to_be_visible()
    mia.get_by_role("textbox", name="Message").fill("Can I still write?")
    mia.get_by_role("textbox", name="Message").press("Enter")
    expect(mia.get_by_role("alert").filter(has_text="locked the chat")).to_be_visible()
    expect(mia.get_by_role("textbox", name="Message")).to_have_value("Can I still write?")
    fran.get_by_role("button", name="Unlock chat").click()

    # A question, upvoted by the facilitator and marked answered.
    mia.get_by_label("Ask a question").fill("How do we protect PLC time?")
    mia.get_by_role("button", name="Ask", exact=True).click()
    fran.get_by_role("button", name="Upvote: How do we protect PLC time?").click()
    fran.get_by_role("button", name="Mark answered").click()
    expect(mia.locator("[data-live-questions]")).to_contain_text("1 vote")

    # Mia's connection drops; what she missed arrives once she is back, once.
    mia_messages = mia_log.locator("li.chat__message")
    expect(mia_messages).to_have_count(3)
    mia_sockets[-1].close()
    expect(mia.locator("[data-live-connection]")).to_contain_text("Reconnecting")
    fran.get_by_role("textbox", name="Message").fill("Sent while Mia was away")
    fran.get_by_role("textbox", name="Message").press("Enter")
    expect(mia.locator("[data-live-connection]")).to_have_text("Connected.", timeout=15_000)
    expect(mia_log).to_contain_text("Sent while Mia was away")
    expect(mia_messages).to_have_count(4)

    # She writes while offline: told so, her text kept, sent once she is back.
    offline.append(True)
    mia_sockets[-1].close()
    expect(mia.locator("[data-live-connection]")).to_contain_text("Reconnecting")
    mia.get_by_role("textbox", name="Message").fill("Typed in the car park")
    mia.get_by_role("textbox", name="Message").press("Enter")
    expect(mia.get_by_role("alert").filter(has_text="You are offline")).to_contain_text(
        "will be sent when the page reconnects"
    )
    expect(mia.get_by_role("textbox", name="Message")).to_have_value("Typed in the car park")
    offline.clear()
    expect(fran_log.locator("li.chat__message", has_text="Typed in the car park")).to_have_count(
        1, timeout=15_000
    )
    expect(mia.get_by_role("textbox", name="Message")).to_have_value("")
    expect(mia_messages).to_have_count(5)

    # The facilitator ends the session; the member is told.
    fran.once("dialog", lambda dialog: dialog.accept())
    fran.get_by_role("button", name="End session").click()
    expect(mia.get_by_text("The session has ended")).to_be_visible()

    # The record: transcript, hand, question, attendance.
    mia.get_by_role("link", name="Open the session record").click()
    expect(mia.get_by_role("heading", name="Transcript")).to_be_visible()
    transcript = mia.locator(".transcript")
    for text in ("everyone", "Glad to be here", "Thanks for hosting", "Typed in the car park"):
        expect(transcript).to_contain_text(text)
    expect(transcript).not_to_contain_text("Can I still write?")
    expect(transcript.locator(".chat__quote")).to_contain_text("Fran Facilitator")
    expect(mia.locator(".questions")).to_contain_text("How do we protect PLC time?")
    expect(mia.locator(".questions")).to_contain_text("Answered")
    attendance = mia.get_by_role("table")
    expect(attendance).to_contain_text("Fran Facilitator")
    expect(attendance).to_contain_text("Mia Member")
    expect(attendance).to_contain_text(re.compile(r"Called on at"))
    with mia.expect_download() as download:
        mia.get_by_role("link", name="Download transcript (.md)").click()
    assert download.value.suggested_filename.endswith("protecting-plc-time.md")

    # One click posts the record to the group as a thread.
    fran.goto(url)
    fran.get_by_role("button", name="Post session notes to the group").click()
    expect(fran.get_by_role("heading", name="Session notes: Protecting PLC time")).to_be_visible()

    assert fran.problems == [] and mia.problems == []
