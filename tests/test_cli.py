"""The flask CLI: seed-demo, create-user, create-school, create-group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from nic.extensions import db
from nic.models import (
    ChatMessage,
    Group,
    LiveSession,
    Membership,
    Post,
    Practice,
    PracticeAttachment,
    PracticeLabel,
    PracticeTry,
    School,
    Thread,
    User,
    as_utc,
)
from nic.services import accounts


def test_seed_demo_loads_a_realistic_network_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert (
        "Sign in as a principal (member): maria.lopez@example.org, password demo-password-2026"
        in result.output
    )
    assert "Sign in as the facilitator (admin): dana.whitfield@example.org" in result.output
    count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
    assert count(School) == 8
    assert 20 <= count(User) <= 30
    assert count(Group) == 5  # with the practice library's open group
    assert (
        db.session.scalar(sa.select(sa.func.count(Group.id)).where(Group.visibility == "private"))
        == 1
    )
    assert count(Thread) >= 5
    nested = db.session.scalar(
        sa.select(sa.func.count(Post.id)).where(
            Post.parent_id.in_(sa.select(Post.id).where(Post.parent_id.is_not(None)))
        )
    )
    assert nested >= 3  # replies to replies
    roles = set(db.session.scalars(sa.select(User.job_role)))
    assert {"principal", "assistant_principal", "instructional_coach", "teacher_leader",
            "district_leader", "facilitator"} <= roles  # fmt: skip
    assert accounts.authenticate("maria.lopez@example.org", "demo-password-2026") is not None
    statuses = sorted(db.session.scalars(sa.select(LiveSession.status)))
    assert statuses == ["ended", "scheduled"]
    ended = db.session.scalar(sa.select(LiveSession).where(LiveSession.status == "ended"))
    assert count(ChatMessage) >= 5 and ended.notes_thread_id is not None
    # The practice library: across the levers, tried with every outcome, a file, a draft.
    published = db.session.scalars(sa.select(Practice).where(Practice.status == "published")).all()
    assert 6 <= len(published) <= 8
    levers = set(
        db.session.scalars(sa.select(PracticeLabel.value).where(PracticeLabel.kind == "lever"))
    )
    assert len(levers) >= 6
    assert set(db.session.scalars(sa.select(PracticeTry.outcome))) == {
        "adopted",
        "adapted",
        "stopped",
    }
    assert all(
        p.tried_count == p.adopted_count + p.adapted_count + p.stopped_count for p in published
    )
    assert count(PracticeAttachment) >= 1
    assert db.session.scalar(sa.select(sa.func.count()).where(Practice.status == "draft")) == 1
    assert all(as_utc(p.published_at) < datetime.now(UTC) - timedelta(days=1) for p in published)

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0
    assert "runs only once" in again.output
    assert count(User) <= 30
    quiet = runner.invoke(args=["seed-demo", "--if-empty"])
    assert quiet.exit_code == 0 and "not loaded" in quiet.output
    # The re-run (the README's run command, every time) still says how to sign in.
    assert "maria.lopez@example.org" in quiet.output
    assert "dana.whitfield@example.org" in quiet.output


def test_create_school_user_and_group(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-school", "Lincoln Elementary", "--district", "Riverside"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["create-user", "Coach@Example.org", "--name", "Priya Raman",
              "--job-role", "instructional_coach", "--school", "Lincoln Elementary",
              "--password", "long password 1"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User))
    school = db.session.get(School, user.school_id)
    assert user.email == "coach@example.org" and school.name == "Lincoln Elementary"
    result = runner.invoke(
        args=["create-group", "Instructional Coaches", "--private", "--job-role",
              "instructional_coach", "--facilitator", "coach@example.org"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    group = db.session.scalar(sa.select(Group))
    assert group.is_private and group.job_roles == ["instructional_coach"]
    assert db.session.get(Membership, (group.id, user.id)).role == "facilitator"


def test_create_user_generates_a_password_and_makes_admins(app):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "admin@example.org",
            "--name",
            "Dana",
            "--job-role",
            "facilitator",
            "--admin",
        ]
    )
    assert result.exit_code == 0
    password = result.output.split("Password: ")[1].strip()
    user = accounts.authenticate("admin@example.org", password)
    assert user is not None and user.is_admin


def test_cli_errors_are_clear(app):
    runner = app.test_cli_runner()
    bad_role = runner.invoke(
        args=["create-user", "x@example.org", "--name", "X", "--job-role", "wizard"]
    )
    assert bad_role.exit_code != 0 and "wizard" in bad_role.output
    short = runner.invoke(
        args=[
            "create-user",
            "x@example.org",
            "--name",
            "X",
            "--job-role",
            "other",
            "--password",
            "short",
        ]
    )
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    runner.invoke(args=["create-user", "x@example.org", "--name", "X", "--job-role", "other"])
    dup = runner.invoke(args=["create-user", "X@example.org", "--name", "X", "--job-role", "other"])
    assert dup.exit_code != 0 and "already exists" in dup.output
    no_school = runner.invoke(
        args=[
            "create-user",
            "y@example.org",
            "--name",
            "Y",
            "--job-role",
            "other",
            "--school",
            "Nowhere",
        ]
    )
    assert no_school.exit_code != 0 and "No school matches" in no_school.output
    assert "Traceback" not in bad_role.output + short.output + dup.output + no_school.output


def test_deactivate_and_reactivate_user(app):
    from tests.factories import PASSWORD, make_user, sign_in

    member = make_user(email="maria.lopez@example.org")
    browser = app.test_client()
    sign_in(browser, member)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["deactivate-user", "Maria.Lopez@example.org"])
    assert result.exit_code == 0, result.output
    assert "Deactivated maria.lopez@example.org" in result.output
    assert browser.get("/settings/profile").status_code == 302
    assert accounts.authenticate("maria.lopez@example.org", PASSWORD) is None
    result = runner.invoke(args=["reactivate-user", "maria.lopez@example.org"])
    assert result.exit_code == 0, result.output
    assert accounts.authenticate("maria.lopez@example.org", PASSWORD) is not None
    result = runner.invoke(args=["deactivate-user", "nobody@example.org"])
    assert result.exit_code != 0 and "No account has the email nobody@example.org" in result.output


def test_the_demo_reads_as_a_real_network_over_the_past_weeks(app):
    from datetime import UTC, datetime, timedelta

    from nic.demo import EASTERN
    from nic.models import as_utc

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    now = datetime.now(UTC)
    times = [as_utc(t) for t in db.session.scalars(sa.select(Post.created_at))]
    assert all(t < now for t in times)
    assert min(times) < now - timedelta(days=20)  # weeks of discussion, not one minute
    minutes = {t.replace(second=0, microsecond=0) for t in times}
    assert len(minutes) > len(times) * 0.8
    local_hours = {t.astimezone(EASTERN).hour for t in times}
    assert len(local_hours) >= 6 and all(6 <= h <= 22 for h in local_hours)
    for thread in db.session.scalars(sa.select(Thread)):
        posts = db.session.scalars(
            sa.select(Post.created_at).where(Post.thread_id == thread.id).order_by(Post.id)
        ).all()
        assert list(posts) == sorted(posts)  # replies come after what they answer
        assert as_utc(thread.last_activity_at) == max(as_utc(p) for p in posts)

    upcoming = db.session.scalar(sa.select(LiveSession).where(LiveSession.status == "scheduled"))
    starts = as_utc(upcoming.starts_at)
    assert now < starts < now + timedelta(days=7)
    assert starts.astimezone(EASTERN).weekday() < 5
    assert f"{starts.astimezone(EASTERN):%B}" in upcoming.title
    ended = db.session.scalar(sa.select(LiveSession).where(LiveSession.status == "ended"))
    held = as_utc(ended.started_at).astimezone(EASTERN)
    this_month = now.astimezone(EASTERN).replace(day=1)
    assert (held.year, held.month) == ((this_month - timedelta(days=1)).year,
                                       (this_month - timedelta(days=1)).month)  # fmt: skip
    notes = db.session.get(Thread, ended.notes_thread_id)
    assert as_utc(ended.ended_at) < as_utc(notes.created_at) < now - timedelta(days=9)
