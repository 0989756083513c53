"""Notifications by email: preferences, right away (batched), digests, unsubscribing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import DigestSent, EmailFrequency, LoginSession, Notification
from nic.services import email_delivery, email_preferences, groups
from nic.services.email_preferences import unsubscribe_token
from tests.factories import make_group, make_reply, make_thread, make_user
from tests.mailserver import outbox, parts
from tests.test_mail import certificate, smtp  # noqa: F401 (fixtures)

DAILY, WEEKLY = EmailFrequency.DAILY, EmailFrequency.WEEKLY
# 8:00 in New York (every test user's default time zone), a Wednesday.
MORNING = datetime(2026, 12, 2, 13, 0, tzinfo=UTC)


@pytest.fixture
def people(app):
    maria = make_user("Maria Lopez", email="maria@example.org")
    james = make_user("James Chen", email="james@example.org", job_role="instructional_coach")
    ana = make_user("Ana Ruiz", email="ana@example.org", job_role="instructional_coach")
    group = make_group("Coaches circle", members=[maria, james, ana])
    private = make_group("Principals only", visibility="private", members=[maria, james])
    return {"maria": maria, "james": james, "ana": ana, "group": group, "private": private}


def mails_to(app, address: str):
    return [m for m in outbox(app) if m["To"] == address]


# ── preferences ────────────────────────────────────────────────────────────


def test_every_kind_defaults_to_the_daily_digest(people):
    chosen = email_preferences.preferences(people["maria"].id)
    assert set(chosen.values()) == {"daily"}
    assert "mentioned" in chosen and "session_soon" in chosen


def test_the_settings_page_saves_and_refuses_bad_values(people, client, login):
    login(people["maria"])
    page = client.get("/settings/notifications").text
    assert '<select id="email-mentioned" name="mentioned">' in page
    response = client.post_form(
        "/settings/notifications", {"mentioned": "immediately", "replied": "never"}
    )
    assert response.status_code == 302
    chosen = email_preferences.preferences(people["maria"].id)
    assert (chosen["mentioned"], chosen["replied"], chosen["watched_post"]) == (
        "immediately", "never", "daily",
    )  # fmt: skip
    response = client.post_form("/settings/notifications", {"mentioned": "hourly"})
    assert response.status_code == 400
    assert "Choose immediately, daily, weekly or never." in response.text
    assert email_preferences.preferences(people["maria"].id)["mentioned"] == "immediately"


# ── right away ─────────────────────────────────────────────────────────────


def test_right_away_sends_one_mail_per_thread_per_ten_minutes(app, people):
    email_preferences.set_preferences(people["maria"], {"replied": "immediately"})
    thread = make_thread(people["group"], people["maria"], "Protecting PLC time")
    make_reply(thread, people["james"], "We block it on the master schedule.")
    now = datetime.now(UTC)
    assert email_delivery.send_immediate(now) == 1
    [message] = mails_to(app, "maria@example.org")
    # (Header values are compared unfolded: long ones arrive folded onto a second line.)
    assert message["Subject"].strip() == "James Chen replied to your post in “Protecting PLC time”"
    text, html = parts(message)
    entry = db.session.scalar(
        sa.select(Notification).where(Notification.user_id == people["maria"].id)
    )
    assert f"http://127.0.0.1:5000/notifications/{entry.id}" in text
    assert f'href="http://127.0.0.1:5000/notifications/{entry.id}"' in html
    assert (
        message["List-Unsubscribe"].strip().startswith("<http://127.0.0.1:5000/email/unsubscribe/")
    )
    assert message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"

    # Two more replies within 10 minutes: nothing yet, then one mail with both.
    make_reply(thread, people["ana"], "Same at Lincoln.")
    make_reply(thread, people["james"], "And on Fridays.")
    assert email_delivery.send_immediate(now + timedelta(minutes=5)) == 0
    assert email_delivery.send_immediate(now + timedelta(minutes=11)) == 1
    subjects = {m["Subject"].strip() for m in mails_to(app, "maria@example.org")}
    assert subjects == {
        "James Chen replied to your post in “Protecting PLC time”",
        "3 new replies to you in “Protecting PLC time”",
    }
    # Nothing new: nothing sent, however often the job runs.
    assert email_delivery.send_immediate(now + timedelta(minutes=30)) == 0
    assert len(mails_to(app, "maria@example.org")) == 2


def test_right_away_skips_what_was_read_and_the_default_waits_for_the_digest(app, people):
    email_preferences.set_preferences(people["maria"], {"replied": "immediately"})
    thread = make_thread(people["group"], people["maria"])
    make_reply(thread, people["james"])
    make_reply(thread, people["maria"], f"@{people['ana'].username} thoughts?")  # daily for Ana
    from nic.services import notification_feed

    notification_feed.mark_read(people["maria"], everything=True)
    assert email_delivery.send_immediate() == 0
    assert outbox(app) == []


# ── digests ────────────────────────────────────────────────────────────────


def test_the_daily_digest_summarises_by_group_and_is_safe_to_send_twice(app, people):
    first = make_thread(people["group"], people["maria"], "Protecting PLC time")
    second = make_thread(people["private"], people["maria"], "Staffing for next year")
    make_reply(first, people["james"])
    make_reply(second, people["james"], f"@{people['maria'].username} can we talk?")
    assert email_delivery.send_digests(DAILY, MORNING) == 1
    [digest] = mails_to(app, "maria@example.org")
    assert digest["Subject"].strip() == "Your daily nic digest: 2 new things"
    text, html = parts(digest)
    assert "Coaches circle" in text and "Principals only" in text
    assert 'James Chen replied to your post in "Protecting PLC time"' in text
    assert "James Chen mentioned you" in text
    assert "<h2" in html and "Principals only</h2>" in html
    assert digest["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"

    assert email_delivery.send_digests(DAILY, MORNING + timedelta(minutes=5)) == 0
    make_reply(first, people["ana"], "Later that day")
    # Ana's reply is news for Maria and for James (he watches: he replied). James gets his
    # first digest today; Maria had hers.
    assert email_delivery.send_digests(DAILY, MORNING + timedelta(hours=3)) == 1
    assert len(mails_to(app, "maria@example.org")) == 1
    assert len(mails_to(app, "james@example.org")) == 1
    sent = db.session.execute(sa.select(DigestSent.user_id, DigestSent.period)).all()
    assert sorted(sent) == [(people["maria"].id, "2026-12-02"), (people["james"].id, "2026-12-02")]
    # The next morning: only what is new.
    assert email_delivery.send_digests(DAILY, MORNING + timedelta(days=1)) == 1
    mails = mails_to(app, "maria@example.org")
    assert len(mails) == 2
    [latest] = [m for m in mails if m["Message-ID"] != digest["Message-ID"]]
    assert "2 new replies to you" in parts(latest)[0]  # the entry, as the page shows it
    assert "mentioned you" not in parts(latest)[0]  # in yesterday's digest already


def test_no_digest_before_seven_in_the_morning_of_the_persons_time_zone(app, people):
    thread = make_thread(people["group"], people["maria"])
    make_reply(thread, people["james"])
    early = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)  # 6:00 in New York
    assert email_delivery.send_digests(DAILY, early) == 0
    assert email_delivery.send_digests(DAILY, early + timedelta(hours=1)) == 1


def test_the_digest_leaves_out_what_people_saw_on_nic(app, people, client, login):
    thread = make_thread(people["group"], people["maria"])
    make_reply(thread, people["james"])
    login(people["maria"])  # she was on nic after the reply: the badge told her
    db.session.execute(
        sa.update(LoginSession).values(last_seen_at=datetime.now(UTC) + timedelta(seconds=1))
    )
    db.session.commit()
    assert email_delivery.send_digests(DAILY, MORNING + timedelta(days=1)) == 0
    assert outbox(app) == []


def test_weekly_and_never(app, people):
    email_preferences.set_preferences(people["maria"], {"replied": "weekly"})
    email_preferences.set_preferences(people["ana"], {"mentioned": "never"})
    thread = make_thread(people["group"], people["maria"])
    make_reply(thread, people["james"], f"@{people['ana'].username} have a look")
    assert email_delivery.send_digests(DAILY, MORNING) == 0
    monday = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)  # Monday 8:00 in New York
    assert email_delivery.send_digests(WEEKLY, monday - timedelta(hours=2)) == 0
    assert email_delivery.send_digests(WEEKLY, monday) == 1
    assert email_delivery.send_digests(WEEKLY, monday + timedelta(days=2)) == 0
    assert [m["To"] for m in outbox(app)] == ["maria@example.org"]


def test_leaving_a_group_takes_its_news_out_of_the_digest(app, people):
    thread = make_thread(people["private"], people["maria"], "Staffing for next year")
    make_reply(thread, people["james"])
    groups.leave_group(people["maria"], people["private"].id)
    assert email_delivery.send_digests(DAILY, MORNING) == 0
    assert outbox(app) == []


def test_a_digest_goes_through_a_real_smtp_server(app, people, smtp):  # noqa: F811
    thread = make_thread(people["group"], people["maria"], "Protecting PLC time")
    make_reply(thread, people["james"])
    assert email_delivery.send_digests(DAILY, MORNING) == 1
    [message] = smtp.messages
    assert message["To"] == "maria@example.org"
    assert (
        message["List-Unsubscribe"].strip().startswith("<http://127.0.0.1:5000/email/unsubscribe/")
    )
    assert "Protecting PLC time" in parts(message)[0]


# ── unsubscribing ──────────────────────────────────────────────────────────


def test_one_click_unsubscribe_needs_no_sign_in_and_asks_first_on_get(app, people, client):
    token = unsubscribe_token(people["maria"].id, "replied")
    page = client.get(f"/email/unsubscribe/{token}")
    assert (
        page.status_code == 200
        and "Stop sending maria@example.org emails when someone replies to your post?" in page.text
    )
    assert (
        email_preferences.preferences(people["maria"].id)["replied"] == "daily"
    )  # GET changes nothing
    # A mail program's one-click POST (RFC 8058): no cookie, no CSRF token.
    done = client.post(f"/email/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in done.text
    chosen = email_preferences.preferences(people["maria"].id)
    assert chosen["replied"] == "never" and chosen["mentioned"] == "daily"


def test_the_digests_link_stops_every_kind(app, people, client):
    token = unsubscribe_token(people["maria"].id)
    client.post(f"/email/unsubscribe/{token}")
    assert set(email_preferences.preferences(people["maria"].id).values()) == {"never"}
    thread = make_thread(people["group"], people["maria"])
    make_reply(thread, people["james"])
    assert email_delivery.send_digests(DAILY, MORNING) == 0


@pytest.mark.parametrize("token", ["nonsense", "eyJ1c2VyIjoxLCJraW5kIjoiYWxsIn0.forged"])
def test_a_tampered_link_is_a_404(app, people, client, token):
    assert client.get(f"/email/unsubscribe/{token}").status_code == 404
    assert client.post(f"/email/unsubscribe/{token}").status_code == 404
