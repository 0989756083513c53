"""The flask CLI: seed-demo, create-user, create-school, create-group, rerender-markdown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from nic.database import begin_write
from nic.extensions import db
from nic.models import (
    ChangeIdeaPractice,
    ChatMessage,
    Cycle,
    CycleAttachment,
    DiagramChange,
    DriverNode,
    Group,
    LiveSession,
    Membership,
    Post,
    Practice,
    PracticeAttachment,
    PracticeLabel,
    PracticeTry,
    Question,
    School,
    Thread,
    User,
    as_utc,
)
from nic.services import accounts, discussions, practices
from nic.storage import storage


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
    assert count(Group) == 6  # with the open groups of the practices' and cycles' discussions
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
    mentions = db.session.scalars(sa.select(Post.body_html).where(Post.body.contains("@")))
    assert sum(html.count('class="mention"') for html in mentions) >= 2
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
    # The network's aim and a driver diagram: three primary drivers, a dozen change ideas,
    # most of them backed by a practice write-up, built up over the past weeks.
    kinds = list(db.session.scalars(sa.select(DriverNode.kind)))
    assert (kinds.count("aim"), kinds.count("primary"), kinds.count("change_idea")) == (1, 3, 12)
    assert count(ChangeIdeaPractice) >= 6
    days = {as_utc(t).date() for t in db.session.scalars(sa.select(DiagramChange.at))}
    assert len(days) >= 4 and max(days) < datetime.now(UTC).date()
    # Cycles at several schools, in every phase, one of them a ramp of two.
    cycles = db.session.scalars(sa.select(Cycle)).all()
    assert len({c.school_id for c in cycles}) >= 4
    assert {c.phase for c in cycles} == {"plan", "do", "study", "act"}
    assert {c.decision for c in cycles} == {None, "adopt", "adapt", "abandon"}
    assert any(c.previous_id for c in cycles)
    # The first cycle's Study file, de-identified assessment data, is a PDF in storage.
    (tally,) = db.session.scalars(sa.select(CycleAttachment)).all()
    assert (tally.evidence_kind, tally.deidentified) == ("assessment_data", True)
    assert storage().path(tally.storage_key).read_bytes().startswith(b"%PDF-")

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


# What nic's renderer stored before it read Markdown the way CommonMark does.
OLD_LIST_HTML = "<p>Here is what we tried:<br>\n- exit tickets<br>\n- /practices/{id}</p>"


def _old_texts():
    """One text of each kind, written now, then set back to the HTML an older renderer made."""
    from nic.services import tries
    from nic.services.live import attendance, chat, questions, sessions
    from tests.factories import in_session, make_group, make_practice, make_school, make_user

    writer = make_user("Maria Lopez", school=make_school("Lincoln Elementary"))
    facilitator = make_user("Dana Whitfield", job_role="facilitator")
    group = make_group("Principals", facilitator=facilitator, members=[writer])
    practice = make_practice(writer, body="See https://nic.example.org/practices/1")
    body = f"Here is what we tried:\n- exit tickets\n- /practices/{practice.id}"
    thread = discussions.start_thread(writer, group.id, "PLC time", body)
    reply = discussions.reply(writer, thread.id, "Plain words stay the same.", None)
    access = practices.get_practice_for(writer, practice.id)
    report = tries.record_try(
        access, writer, tries.TryFields(tried_on=date.today(), outcome="adopted",
                                        changes="~~Friday~~ Thursday", observations="Better.")
    )  # fmt: skip
    starts = datetime.now(UTC) + timedelta(days=1)
    session = sessions.schedule_session(
        facilitator, group.id,
        sessions.SessionFields("March session", "Agenda:\n- check-in", starts,
                               starts + timedelta(hours=1)),
    )  # fmt: skip
    sessions.start_session(in_session(facilitator, session.id))
    attendance.attend(in_session(writer, session.id))
    message = chat.send_message(in_session(writer, session.id), "see www.example.org", "m-1")
    question = questions.ask(in_session(writer, session.id), "Who has ~~time~~?")
    old = {
        (Post, thread_post_id(thread)): {"body_html": OLD_LIST_HTML.format(id=practice.id),
                                         "practice_links": ""},
        (Practice, practice.id): {"body_html": "<p>See https://nic.example.org/practices/1</p>"},
        (PracticeTry, report.id): {"changes_html": "<p>~~Friday~~ Thursday</p>"},
        (LiveSession, session.id): {"agenda_html": "<p>Agenda:<br>\n- check-in</p>"},
        (ChatMessage, message["id"]): {"body_html": "<p>see www.example.org</p>"},
        (Question, question["id"]): {"body_html": "<p>Who has ~~time~~?</p>"},
    }  # fmt: skip
    begin_write()
    for (model, row_id), values in old.items():
        db.session.execute(sa.update(model).where(model.id == row_id).values(values))
    db.session.commit()
    return old, practice, reply


def thread_post_id(thread) -> int:
    return db.session.scalar(sa.select(sa.func.min(Post.id)).where(Post.thread_id == thread.id))


def _stored(old):
    return {
        key: tuple(getattr(db.session.get(key[0], key[1]), name) for name in values)
        for key, values in old.items()
    }


def test_rerender_markdown_updates_only_what_differs_and_counts_it(app):
    old, practice, reply = _old_texts()
    app.config["SERVER_NAME"] = "nic.example.org"
    reply_html = db.session.get(Post, reply.id).body_html
    before = _stored(old)
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["rerender-markdown", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines() == [
        "posts: 1 would change", "practice write-ups: 1 would change",
        "try reports: 1 would change", "session agendas: 1 would change",
        "chat messages: 1 would change", "questions: 1 would change",
    ]  # fmt: skip
    db.session.expire_all()
    assert _stored(old) == before  # a dry run writes nothing

    real = runner.invoke(args=["rerender-markdown"])
    assert real.exit_code == 0, real.output
    assert "posts: 1 changed" in real.output and "questions: 1 changed" in real.output
    db.session.expire_all()
    post = db.session.get(Post, next(i for model, i in old if model is Post))
    assert "<ul>" in post.body_html and "<li>exit tickets</li>" in post.body_html
    assert post.practice_links == str(practice.id)  # kept in step with the new HTML
    written = db.session.get(Practice, practice.id)
    assert 'href="https://nic.example.org/practices/1"' in written.body_html
    assert written.practice_links == "1"  # the site's full link still counts
    assert "<del>Friday</del>" in db.session.scalars(sa.select(PracticeTry.changes_html)).one()
    assert "<li>check-in</li>" in db.session.scalars(sa.select(LiveSession.agenda_html)).one()
    assert (
        'href="http://www.example.org"'
        in db.session.scalars(sa.select(ChatMessage.body_html)).one()
    )
    assert (
        db.session.scalars(sa.select(Question.body_html)).one() == "<p>Who has <del>time</del>?</p>"
    )
    assert db.session.get(Post, reply.id).body_html == reply_html  # nothing to change

    again = runner.invoke(args=["rerender-markdown"])
    assert again.exit_code == 0
    assert [line.rsplit(": ", 1)[1] for line in again.output.splitlines()] == ["0 changed"] * 6


def test_rerender_keeps_links_to_the_site_written_under_its_host_without_server_name(app):
    _, practice, _ = _old_texts()
    app.config["SERVER_NAME"] = None  # the command runs with no request to name the host
    begin_write()
    db.session.execute(
        sa.update(Practice).where(Practice.id == practice.id).values(practice_links="1")
    )
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["rerender-markdown"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Practice, practice.id).practice_links == "1"
