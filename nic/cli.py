"""Flask CLI commands: seed-demo, create-user, deactivate-user, create-group, ..."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask

from nic import jobs
from nic.demo import demo_sign_ins, load_demo, network_is_empty
from nic.errors import ServiceError, ValidationError
from nic.extensions import db
from nic.models import District, JobRole, User
from nic.services import (
    accounts,
    groups,
    org,
    read_state,
    rerender,
    roster,
    roster_files,
    search,
    tokens,
)


def _fail(exc: ServiceError) -> None:
    raise click.ClickException(exc.message)


def _roster_report(preview: dict) -> None:
    """A roster import's preview as lines: the files' columns, the counts, who is missing,
    and each error with its file and row."""
    labels = roster_files.COLUMN_LABELS
    for found in preview["files"]:
        columns = "; ".join(f"{labels.get(k, k).lower()} from {v!r}"
                            for k, v in found["columns"].items())  # fmt: skip
        ignored = f"; ignored: {', '.join(found['ignored'])}" if found["ignored"] else ""
        click.echo(f"{found['name']}: a {found['kind']} file of {found['rows']:,} rows; "
                   f"{columns}{ignored}.")  # fmt: skip
    missing = preview["missing"]
    if missing:
        click.echo(f"Not in the people file ({len(missing):,}; deactivate those who have "
                   "left with deactivate-user):")  # fmt: skip
        for person in missing[:20]:
            click.echo(f"  {person['name']} <{person['email']}>")
        if len(missing) > 20:
            click.echo(f"  ... and {len(missing) - 20:,} more")
    for error in preview["errors"]:
        column = labels.get(error["column"], error["column"]).lower()
        click.echo(f"{error['file']} row {error['row']}, {column}: {error['message']}", err=True)


def register_commands(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--name", required=True)
    @click.option("--job-role", required=True, type=click.Choice([r.value for r in JobRole]))
    @click.option("--school", help="School id or exact name.")
    @click.option("--password", help="At least 10 characters; generated when omitted.")
    @click.option("--admin", is_flag=True, help="Make the user a network administrator.")
    def create_user(email, name, job_role, school, password, admin):
        """Create an account."""
        school_id = None
        if school:
            found = org.find_school(school)
            if found is None:
                raise click.ClickException(f"No school matches {school!r}.")
            school_id = found.id
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        try:
            user = accounts.create_user(
                accounts.NewAccount(
                    email, name, password, job_role, school_id, admin, confirmed=True
                )
            )
        except ServiceError as exc:
            _fail(exc)
        click.echo(f"Created {user.email} (@{user.username}).")
        if generated:
            click.echo(f"Password: {password}")

    @app.cli.command("jobs")
    @click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
    def run_jobs(workers: int):
        """Run background jobs (mail) until stopped: for servers started with NIC_JOBS_WORKERS=0."""
        click.echo(f"Running jobs with {workers} workers; Ctrl-C stops.")
        jobs.run_consumer(workers)

    @app.cli.command("recount-unread")
    def recount_unread():
        """Rebuild the unread counters of every thread, group and reader from the posts."""
        read_state.recount_all()
        click.echo("Unread counts rebuilt.")

    @app.cli.command("rebuild-search")
    def rebuild_search():
        """Rebuild the full-text index from the rows (SQLite; PostgreSQL's needs nothing)."""
        click.echo(search.rebuild_index())

    @app.cli.command("rerender-markdown")
    @click.option("--dry-run", is_flag=True, help="Only count what would change.")
    def rerender_markdown(dry_run):
        """Re-render stored posts, write-ups, try reports, agendas, chat and questions from their
        text (after the Markdown renderer changed). Revisions stay as they were written."""
        changed = rerender.rerender_all(dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        for label, count in changed.items():
            click.echo(f"{label}: {count} {verb}")

    @app.cli.command("create-district")
    @click.argument("name")
    def create_district(name):
        """Create a district."""
        try:
            district = org.create_district(None, name)
        except ServiceError as exc:
            _fail(exc)
        click.echo(f"Created district {district.name} (id {district.id}).")

    @app.cli.command("create-school")
    @click.argument("name")
    @click.option(
        "--district", "district_name", required=True, help="District name; created if new."
    )
    def create_school(name, district_name):
        """Create a school in a district."""
        district = db.session.scalar(sa.select(District).where(District.name == district_name))
        try:
            if district is None:
                district = org.create_district(None, district_name)
            school = org.create_school(None, name, district.id)
        except ServiceError as exc:
            _fail(exc)
        click.echo(f"Created school {school.name} (id {school.id}) in {district.name}.")

    @app.cli.command("create-group")
    @click.argument("name")
    @click.option("--description", default="")
    @click.option("--private", is_flag=True, help="Members only.")
    @click.option(
        "--job-role", "job_roles", multiple=True, type=click.Choice([r.value for r in JobRole])
    )
    @click.option("--facilitator", help="Email of the group's first facilitator.")
    def create_group(name, description, private, job_roles, facilitator):
        """Create a peer group."""
        lead = None
        if facilitator:
            lead = db.session.scalar(sa.select(User).where(User.email == facilitator.lower()))
            if lead is None:
                raise click.ClickException(f"No account has the email {facilitator}.")
        fields = groups.GroupFields(
            name, description, list(job_roles), "private" if private else "network"
        )
        try:
            group = groups.create_group(None, fields)
            if lead is not None:
                groups.add_member(None, group.id, lead.id, "facilitator")
        except ServiceError as exc:
            _fail(exc)
        click.echo(f"Created group {group.name} (id {group.id}).")

    @app.cli.command("create-token")
    @click.argument("email")
    @click.option("--name", default="API token", show_default=True, help="What will use it.")
    def create_token(email, name):
        """Create a personal access token; prints only the token, for scripts."""
        user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
        if user is None or not user.is_active:
            raise click.ClickException(f"No active account has the email {email}.")
        try:
            created = tokens.create_token(user, name)
        except ServiceError as exc:
            _fail(exc)
        click.echo(created.secret)

    def _set_active(email: str, active: bool) -> User:
        user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise click.ClickException(f"No account has the email {email}.")
        try:
            return accounts.set_account_active(None, user.id, active)
        except ServiceError as exc:
            _fail(exc)

    @app.cli.command("deactivate-user")
    @click.argument("email")
    def deactivate_user(email):
        """Deactivate an account: it is signed out everywhere and cannot sign in."""
        user = _set_active(email, False)
        click.echo(f"Deactivated {user.email}; every sign-in and open connection is ended.")

    @app.cli.command("reactivate-user")
    @click.argument("email")
    def reactivate_user(email):
        """Let a deactivated account sign in again."""
        user = _set_active(email, True)
        click.echo(f"Reactivated {user.email}; they can sign in again.")

    @app.cli.command("import-roster")
    @click.argument("files", nargs=-1, required=True,
                    type=click.Path(exists=True, dir_okay=False, path_type=Path))  # fmt: skip
    @click.option("--dry-run", is_flag=True, help="Only show what would change; save nothing.")
    def import_roster(files, dry_run):
        """Import schools and people from CSV files (a schools file, a people file, or both;
        each kind is told by its columns). Shows what changes, then saves it unless
        --dry-run; any row with an error refuses the whole import."""
        try:
            uploads = []
            for path in files:
                with path.open("rb") as handle:
                    uploads.append(roster.read_upload(path.name, handle))
            if dry_run:
                outcome = roster.check_roster(None, uploads)
            else:
                outcome = roster.import_roster(None, uploads)
        except roster.RosterRefused as exc:
            _roster_report(exc.record.preview)
            raise click.ClickException(f"{exc.message} (Import {exc.record.id}.)") from None
        except ValidationError as exc:
            _fail(exc)
        preview = outcome.record.preview
        _roster_report(preview)
        click.echo(roster.summary(preview["counts"], saved=not dry_run))
        if dry_run and preview["errors"]:
            found = len(preview["errors"])
            raise click.ClickException(
                f"{found:,} problem{'s' if found != 1 else ''}: the import would be refused. "
                f"Nothing was saved (import {outcome.record.id})."
            )
        if dry_run:
            click.echo(f"Dry run: nothing saved (import {outcome.record.id}).")

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when data exists.")
    def seed_demo(if_empty):
        """Load a realistic demo network (refuses to run twice)."""
        if not network_is_empty():
            if not if_empty:
                raise click.ClickException(
                    "The database already has data; seed-demo runs only once."
                )
            click.echo("The database already has data; demo not loaded.")
            sign_ins = demo_sign_ins()
        else:
            sign_ins = load_demo()
            click.echo("Demo network loaded.")
        for sign_in in sign_ins:
            click.echo(f"Sign in as {sign_in.role}: {sign_in.email}, password {sign_in.password}")
