"""A live session in two browsers: a facilitator and a member, end to end."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from nic.extensions import db
from nic.models import LiveSession, User, utcnow
from nic.services.live import sessions as live_sessions
from tests.factories import make_change_idea, make_group, make_practice, make_school, make_user

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
    expect(mia.get_by_text("This session is live: the chat is open")).to_be_visible()
    expect(mia.get_by_role("combobox", name="Message")).to_be_enabled()
    expect(fran.locator("[data-live-participants]")).to_contain_text("Mia Member")

    # Chat both ways: author, role and school on each message; a linked practice's card.
    fran.get_by_role("combobox", name="Message").fill(
        f"Welcome, **everyone**. We start from {live_server.url}/practices/{data['practice']}"
    )
    fran.get_by_role("combobox", name="Message").press("Enter")
    mia_log = mia.get_by_role("log")
    expect(mia_log.locator("strong", has_text="everyone")).to_be_visible()
    card = mia_log.get_by_role("list", name="Linked practices")
    expect(card.get_by_role("link", name=data["title"])).to_have_attribute(
        "href", f"/practices/{data['practice']}"
    )
    expect(card).to_contain_text("Not tried by another school yet")
    mia.get_by_role("combobox", name="Message").fill("Glad to be here")
    mia.get_by_role("button", name="Send").click()
    fran_log = fran.get_by_role("log")
    expect(fran_log).to_contain_text("Glad to be here")
    expect(fran_log).to_contain_text(f"Instructional coach · {data['school']}")
    expect(mia.get_by_role("combobox", name="Message")).to_have_value("")

    # Reply (quoted) and react.
    mia.get_by_role("button", name="Reply to Fran Facilitator").click()
    mia.get_by_role("combobox", name="Message").fill("Thanks for hosting")
    mia.get_by_role("combobox", name="Message").press("Enter")
    expect(fran_log.locator(".chat__quote")).to_contain_text("Fran Facilitator: Welcome")
    fran.get_by_role("button", name="React to Mia Member's message").first.click()
    fran.get_by_role("button", name="React with 👍").first.click()
    expect(mia_log.locator("button.chat__reaction", has_text="👍 1")).to_be_visible()

    # Raise a hand; the facilitator sees it in the queue and calls on her.
    mia.get_by_role("button", name="Raise hand").click()
    expect(fran.locator("[data-live-hands]")).to_contain_text("Mia Member")
    fran.get_by_role("button", name="Call on next hand").click()
    expect(mia.locator("[data-live-hands-empty]")).to_contain_text("Called on: Mia Member")

    # Lock the chat: the member's box is disabled at once, saying why; her draft is kept.
    mia.get_by_role("combobox", name="Message").fill("Can I still write?")
    fran.get_by_role("button", name="Lock chat").click()
    expect(mia.locator("[data-live-locked]")).to_be_visible()
    expect(mia.get_by_role("combobox", name="Message")).to_be_disabled()
    expect(mia.get_by_role("button", name="Send")).to_be_disabled()
    expect(mia.locator("#live-message-blocked")).to_have_text(
        re.compile("The facilitator has locked the chat")
    )
    expect(mia.get_by_role("combobox", name="Message")).to_have_value("Can I still write?")
    expect(mia.get_by_role("button", name="Raise hand")).to_be_enabled()  # hands stay open
    expect(fran.get_by_role("combobox", name="Message")).to_be_enabled()  # never locked out
    fran.get_by_role("button", name="Unlock chat").click()
    expect(mia.get_by_role("combobox", name="Message")).to_be_enabled()
    expect(mia.locator("#live-message-blocked")).to_be_hidden()
    mia.get_by_role("combobox", name="Message").fill("")

    # A question, upvoted by the facilitator and marked answered. On Mia's phone the
    # questions are a tab away; "Ask a question" beside the composer opens it.
    mia.get_by_role("link", name="Ask a question").click()
    expect(mia.get_by_role("tab", name="Questions")).to_have_attribute("aria-selected", "true")
    mia.get_by_role("textbox", name="Ask a question").fill("How do we protect PLC time?")
    mia.get_by_role("button", name="Ask", exact=True).click()
    fran.get_by_role("button", name="Upvote: How do we protect PLC time?").click()
    fran.get_by_role("button", name="Mark answered").click()
    expect(mia.locator("[data-live-questions]")).to_contain_text("1 vote")
    mia.get_by_role("tab", name="Chat").click()
    expect(mia.get_by_role("combobox", name="Message")).to_be_visible()

    # Mia's connection drops; what she missed arrives once she is back, once.
    mia_messages = mia_log.locator("li.chat__message")
    expect(mia_messages).to_have_count(3)
    mia_sockets[-1].close()
    expect(mia.locator("[data-live-connection]")).to_contain_text("Reconnecting")
    fran.get_by_role("combobox", name="Message").fill("Sent while Mia was away")
    fran.get_by_role("combobox", name="Message").press("Enter")
    expect(mia.locator("[data-live-connection]")).to_have_text("Connected.", timeout=15_000)
    expect(mia_log).to_contain_text("Sent while Mia was away")
    expect(mia_messages).to_have_count(4)

    # She writes while offline: told so, her text kept, sent once she is back.
    offline.append(True)
    mia_sockets[-1].close()
    expect(mia.locator("[data-live-connection]")).to_contain_text("Reconnecting")
    mia.get_by_role("combobox", name="Message").fill("Typed in the car park")
    mia.get_by_role("combobox", name="Message").press("Enter")
    expect(mia.get_by_role("alert").filter(has_text="You are offline")).to_contain_text(
        "will be sent when the page reconnects"
    )
    expect(mia.get_by_role("combobox", name="Message")).to_have_value("Typed in the car park")
    offline.clear()
    expect(fran_log.locator("li.chat__message", has_text="Typed in the car park")).to_have_count(
        1, timeout=15_000
    )
    expect(mia.get_by_role("combobox", name="Message")).to_have_value("")
    expect(mia_messages).to_have_count(5)

    # The facilitator ends the session: both pages become the record without a reload.
    fran.once("dialog", lambda dialog: dialog.accept())
    fran.get_by_role("button", name="End session").click()
    for page in (mia, fran):
        expect(page.get_by_text("This page is now its record")).to_be_visible(timeout=2_000)
        expect(page.get_by_role("heading", name="Who is here")).to_have_count(0)
        expect(page.get_by_role("combobox", name="Message")).to_have_count(0)
        expect(page.get_by_role("link", name="Add to calendar (.ics)")).to_have_count(0)
    expect(fran.get_by_role("link", name="Edit session")).to_have_count(0)
    expect(fran.get_by_role("button", name="Post session notes to the group")).to_be_visible()
    expect(mia.get_by_role("button", name="Post session notes to the group")).to_have_count(0)

    # The record: transcript, hand, question, attendance.
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
    fran.get_by_role("button", name="Post session notes to the group").click()
    expect(fran.get_by_role("heading", name="Session notes: Protecting PLC time")).to_be_visible()

    assert fran.problems == [] and mia.problems == []


def test_a_late_arrival_on_a_phone_sees_the_room_as_it_is(live_server, new_page):
    data = live_server.run(setup_session)
    url = f"{live_server.url}/sessions/{data['session']}"
    fran = new_page(data["facilitator"])
    fran.goto(url)
    fran.get_by_role("button", name="Start session").click()
    expect(fran.locator("[data-live-connection]")).to_have_text("Connected.")

    # Mia arrives after the start, on a phone: the banner and the chat agree.
    mia = new_page(data["member"], width=390, height=844)
    mia.goto(url)
    expect(mia.locator("[data-live-notice]")).to_have_text(
        "This session is live: the chat is open."
    )
    expect(mia.locator("[data-live-connection]")).to_have_text("Connected.")
    # The first screen holds what a member needs: the message box, Send, Raise hand.
    for control in (
        mia.get_by_role("combobox", name="Message"),
        mia.get_by_role("button", name="Send"),
        mia.get_by_role("button", name="Raise hand"),
    ):
        expect(control).to_be_in_viewport(ratio=1)
    # Agenda, people, questions and poll are tabs (arrow keys move between them).
    expect(mia.get_by_role("tab", name="Chat")).to_have_attribute("aria-selected", "true")
    expect(mia.get_by_role("heading", name="Who is here")).to_be_hidden()
    mia.get_by_role("tab", name="Chat").press("ArrowRight")
    expect(mia.get_by_role("tab", name="Questions")).to_be_focused()
    mia.get_by_role("tab", name="People").click()
    expect(mia.get_by_role("heading", name="Who is here")).to_be_visible()
    expect(mia.get_by_role("combobox", name="Message")).to_be_hidden()
    mia.get_by_role("tab", name="Chat").click()

    # Muted: her box is disabled at once and says why, also after a reload.
    fran.get_by_role("button", name="Mute Mia Member").first.click()
    note = mia.locator("#live-message-blocked")
    expect(mia.get_by_role("combobox", name="Message")).to_be_disabled()
    expect(note).to_contain_text("A facilitator has muted you")
    mia.reload()
    expect(mia.locator("[data-live-connection]")).to_have_text("Connected.")
    expect(mia.get_by_role("combobox", name="Message")).to_be_disabled()
    expect(note).to_contain_text("A facilitator has muted you")
    fran.get_by_role("button", name="Unmute Mia Member").first.click()
    expect(mia.get_by_role("combobox", name="Message")).to_be_enabled()
    expect(note).to_be_hidden()

    # Nothing scrolls sideways on the narrowest phones.
    mia.set_viewport_size({"width": 320, "height": 640})
    assert mia.evaluate("document.documentElement.scrollWidth") <= 320

    # The end reaches a late arrival too, and leaves nothing live behind.
    fran.once("dialog", lambda dialog: dialog.accept())
    fran.get_by_role("button", name="End session").click()
    expect(mia.get_by_role("heading", name="Transcript")).to_be_visible(timeout=2_000)
    expect(mia.get_by_role("tab")).to_have_count(0)
    expect(mia.get_by_role("button", name="Raise hand")).to_have_count(0)
    assert fran.problems == [] and mia.problems == []


def _with_options(session_id: int) -> None:
    from nic.extensions import db
    from nic.models import LiveSession

    session = db.session.get(LiveSession, session_id)
    session.anonymous_questions = session.hide_poll_results = True
    db.session.commit()


def test_anonymous_questions_and_a_hidden_multiple_choice_poll(live_server, new_page):
    data = live_server.run(setup_session)
    live_server.run(lambda: _with_options(data["session"]))
    url = f"{live_server.url}/sessions/{data['session']}"
    fran, mia = new_page(data["facilitator"]), new_page(data["member"])
    fran.goto(url)
    fran.get_by_role("button", name="Start session").click()
    mia.goto(url)
    expect(mia.locator("[data-live-connection]")).to_have_text("Connected.")

    mia.get_by_role("textbox", name="Ask a question").fill("Can PLCs skip a week?")
    mia.get_by_role("checkbox", name="Ask anonymously").check()
    mia.get_by_role("button", name="Ask", exact=True).click()
    expect(mia.locator("[data-live-questions]")).to_contain_text("Asked anonymously")
    expect(mia.locator("[data-live-questions]")).not_to_contain_text("Mia Member")
    expect(fran.locator("[data-live-questions]")).to_contain_text(
        "Asked anonymously (by Mia Member: only facilitators see this)"
    )

    fran.get_by_label("Question", exact=True).fill("Which protocols have you used?")
    fran.get_by_label("Choices, one per line").fill("Tuning\nConsultancy\nATLAS")
    fran.get_by_role("checkbox", name="People may choose more than one").check()
    fran.get_by_role("button", name="Open poll").click()
    mia.get_by_role("checkbox", name="Tuning").check()
    mia.get_by_role("checkbox", name="ATLAS").check()
    mia.get_by_role("button", name="Vote", exact=True).click()
    expect(mia.locator("[data-live-poll]")).to_contain_text(
        "1 person has voted. The results show when the poll closes."
    )
    expect(fran.locator("[data-live-poll]")).to_contain_text("1 of 1")
    fran.get_by_role("button", name="Close poll").click()
    expect(mia.locator("[data-live-poll]")).to_contain_text("(closed)")
    expect(mia.locator("[data-live-poll] meter")).to_have_count(3)
    assert fran.problems == [] and mia.problems == []


def setup_commitments() -> dict:
    """The session of setup_session, its group's diagram holding one change idea."""
    data = setup_session()
    session = db.session.get(LiveSession, data["session"])
    make_change_idea(db.session.get(User, session.created_by_id), session.group_id)
    return data


def test_asking_for_commitments_shows_the_question_in_every_room(live_server, new_page):
    data = live_server.run(setup_commitments)
    url = f"{live_server.url}/sessions/{data['session']}"
    fran, mia = new_page(data["facilitator"]), new_page(data["member"])
    for page in (fran, mia):  # both pages were loaded before the session started
        page.goto(url)
        expect(page.locator("[data-live-connection]")).to_have_text("Connected.")
    expect(fran.get_by_role("button", name="Ask for commitments")).to_be_hidden()
    fran.get_by_role("button", name="Start session").click()
    question = mia.get_by_role("heading", name="What will you test before we meet next?")
    expect(mia.get_by_role("combobox", name="Message")).to_be_enabled()
    expect(question).to_be_hidden()
    mia.get_by_role("combobox", name="Message").focus()
    expect(mia.get_by_role("combobox", name="Change idea")).to_have_count(0)  # not reachable

    with fran.expect_navigation():
        fran.get_by_role("button", name="Ask for commitments").click()
    # Mia's page shows the form it already held, and says so politely; focus stays put.
    expect(question).to_be_visible()
    expect(mia.locator("[data-live-notice]")).to_contain_text("The facilitator asked")
    expect(mia.get_by_role("combobox", name="Message")).to_be_focused()
    mia.get_by_role("combobox", name="Change idea").select_option(label="Data huddles")
    mia.get_by_role("textbox", name="What will your school test?").fill("Huddles with grade 3")
    with mia.expect_navigation():
        mia.get_by_role("button", name="Commit to this test").click()
    expect(mia.get_by_role("heading", name="Huddles with grade 3")).to_be_visible()
    assert fran.problems == [] and mia.problems == []
