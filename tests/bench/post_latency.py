"""Post latency benchmark: a reply telling 0 and 500 watchers, against a bare INSERT.

Measures `nic.services.discussions.reply(user, thread_id, body)` in-process
(no HTTP), in a database migrated for the run (SQLite in a temporary
directory; with `--database-url`, a scratch PostgreSQL database `nic_bench`
created on that server and dropped afterwards), for four cases:

- first reply, 0 watchers: a fresh thread that only its author (the writer)
  follows: no notification is written (the baseline of the reply itself);
- first reply, 500 watchers: a fresh thread with 500 ThreadFollow rows
  (level "watching", bulk-inserted): one INSERT of 500 entries (executemany);
- later reply, 0 / 500 watchers: the next replies to the same threads, which
  fold into the unread entries (one UPDATE ... RETURNING, their count grows).

Each round makes a fresh thread per watcher case, replies once (first) and
`--later` times (later), in alternating order (0 then 500, then 500 then 0),
and times a bare INSERT of one row into a scratch table of the same
database (one statement and a commit) beside them, so the figures can be
compared across machines and runs as ratios. At the end of a round every
entry is marked read (not timed), so each reply's recipients have one
unread entry and the badge count after the commit does the same work every
round; `--keep-unread` leaves them (each watcher gains one per round), to
see that count grow. Every statement the reply sends is counted with a
SQLAlchemy `before_cursor_execute` listener.

    python tests/bench/post_latency.py                            # SQLite, ~20 s
    python tests/bench/post_latency.py --rounds 100 --json /tmp/post.json
    python tests/bench/post_latency.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Not collected by pytest. The temporary directory (and the PostgreSQL scratch
database) is removed in a `finally`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "post-latency-bench-secret"
SCRATCH_DB = "nic_bench"
BODY = (
    "We moved our data meeting to Tuesday mornings and gave each grade-level team "
    "**one question** to bring: which students moved, and what did we change?"
)


def case_names(watchers: int) -> tuple[str, ...]:
    """The cases in table order; the 0-watcher ones are the baselines of the others."""
    return ("bare insert", "first, 0", f"first, {watchers}", "later, 0", f"later, {watchers}")


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


# --------------------------------------------------------------------------- databases


@contextlib.contextmanager
def scratch_database(database_url: str | None, work: Path, name: str = SCRATCH_DB) -> Iterator[str]:
    """The URL to measure: a SQLite file in `work`, or a PostgreSQL database made for the run.

    PostgreSQL: `name` (`nic_bench`) is created on the server of `database_url` (which
    must not have one already: it is never dropped unless this run made it)
    and dropped when the block ends; the database named in the URL is only
    used to connect.
    """
    if database_url is None:
        yield f"sqlite:///{work / 'bench.sqlite3'}"
        return
    import sqlalchemy as sa

    url = sa.make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        raise SystemExit("--database-url takes a PostgreSQL URL (SQLite is the default)")
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if exists:
                raise SystemExit(f"database {name} exists already; drop it or keep it")
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    finally:
        admin.dispose()


def bench_env(db_url: str, work: Path) -> dict[str, str]:
    """The NIC_* settings of the run: its database, and jobs and mail beside it in `work`."""
    return {
        "NIC_DATABASE_URL": db_url,
        "NIC_SECRET_KEY": SECRET,
        "NIC_RATELIMIT_STORAGE_URI": "memory://",
        "NIC_JOBS_DATABASE": str(work / "jobs.sqlite3"),
        "NIC_MAIL_OUTBOX": str(work / "outbox"),
        "NIC_ASYNC_MODE": "threading",
    }


def migrate(env: dict[str, str]) -> None:
    """`flask db upgrade` of this repository, as the README's run command does."""
    full = {**os.environ, **env}
    full.pop("NIC_MESSAGE_QUEUE", None)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=full,
        check=True,
        capture_output=True,
        timeout=180,
    )


# --------------------------------------------------------------------------- data


def make_people(watchers: int) -> tuple[int, int, list[int]]:
    """The writer, their group and `watchers` other members; returns their ids.

    The writer and the group go through the services (tests/factories.py),
    the members' accounts are one bulk INSERT sharing the writer's password
    hash (hashing 500 passwords would take most of the run and is not what is
    measured), their memberships go through `groups.add_member`.
    """
    import sqlalchemy as sa

    from nic.extensions import db
    from nic.models import User
    from nic.services import groups
    from tests.factories import make_group, make_user

    writer = make_user("Bench Writer", email="writer@example.org")
    group = make_group("Bench group", facilitator=writer)
    now = datetime.now(UTC)
    rows = [
        {
            "email": f"watcher{i}@example.org",
            "username": f"watcher{i}",
            "name": f"Watcher {i}",
            "password_hash": writer.password_hash,
            "job_role": "principal",
            "email_confirmed_at": now,
        }
        for i in range(watchers)
    ]
    if rows:
        db.session.execute(sa.insert(User), rows)
        db.session.commit()
    ids = list(
        db.session.scalars(
            sa.select(User.id).where(User.username.like("watcher%")).order_by(User.id)
        )
    )
    for user_id in ids:
        groups.add_member(None, group.id, user_id, "member")
    return writer.id, group.id, ids


def new_thread(writer_id: int, group_id: int, watcher_ids: list[int], n: int) -> int:
    """A thread by the writer (who thereby watches it), watched by `watcher_ids` too."""
    import sqlalchemy as sa

    from nic.extensions import db
    from nic.models import ThreadFollow, User
    from nic.services import discussions

    writer = db.session.get(User, writer_id)
    thread = discussions.start_thread(writer, group_id, f"Bench thread {n}", BODY)
    if watcher_ids:
        now = datetime.now(UTC)
        db.session.execute(
            sa.insert(ThreadFollow),
            [
                {"user_id": u, "thread_id": thread.id, "level": "watching", "updated_at": now}
                for u in watcher_ids
            ],
        )
        db.session.commit()
    return thread.id


# --------------------------------------------------------------------------- measuring


class StatementCounter:
    """Counts the statements sent to the database (one per cursor execute or executemany)."""

    def __init__(self, engine: Any) -> None:
        import sqlalchemy as sa

        self.statements: list[tuple[str, int]] = []  # (verb, parameter sets)
        self.texts: list[str] = []
        self.active = False
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, parameters, _context, executemany) -> None:
        if self.active:
            verb = statement.lstrip().split(None, 1)[0].upper()
            self.statements.append((verb, len(parameters) if executemany else 1))
            self.texts.append(" ".join(statement.split())[:90])

    @contextlib.contextmanager
    def counting(self) -> Iterator[list[tuple[str, int]]]:
        self.statements, self.texts = [], []
        self.active = True
        try:
            yield self.statements
        finally:
            self.active = False


def timed(counter: StatementCounter, call: Callable[[], Any]) -> dict[str, Any]:
    """Run `call` once: its wall time in ms and the statements it sent; of those, the
    time and statements of telling people (`notifications.post_written`, in the
    transaction; within it, who may see the post and writing the entries) and of the
    badge counts published after the commit (`notification_feed.publish_counts`),
    each wrapped for the call (a part the tree does not have is left out)."""
    from nic.services import notification_feed, notifications

    parts = {
        "tell": (notifications, "post_written"),
        # Inside post_written (looked up in its module's globals at call time): loading the
        # candidates and asking the policy, and writing the entries.
        "see": (notifications, "_who_may_see"),
        "write": (notifications, "tell"),
        "publish": (notification_feed, "publish_counts"),
    }
    parts = {name: found for name, found in parts.items() if hasattr(*found)}
    spent = {name: {"ms": 0.0, "statements": 0} for name in parts}
    originals = {name: getattr(module, attr) for name, (module, attr) in parts.items()}

    def wrapped(name: str) -> Callable[..., Any]:
        def part(*args: Any, **kwargs: Any) -> Any:
            begin, t0 = len(counter.statements), time.perf_counter()
            try:
                return originals[name](*args, **kwargs)
            finally:
                spent[name]["ms"] += (time.perf_counter() - t0) * 1000
                spent[name]["statements"] += len(counter.statements) - begin

        return part

    # discussions calls both through their modules (`notifications.post_written(...)`).
    for name, (module, attr) in parts.items():
        setattr(module, attr, wrapped(name))
    try:
        with counter.counting() as statements:
            t0 = time.perf_counter()
            call()
            elapsed = (time.perf_counter() - t0) * 1000
    finally:
        for name, (module, attr) in parts.items():
            setattr(module, attr, originals[name])
    return {
        "ms": elapsed,
        "sent": list(statements),
        "texts": list(counter.texts),
        "parts_ms": {name: spent[name]["ms"] for name in parts},
        "parts_statements": {name: spent[name]["statements"] for name in parts},
    }


def run(db_url: str, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Build the data, then `--warmup` unrecorded and `--rounds` recorded rounds."""
    import sqlalchemy as sa

    from nic import create_app
    from nic.extensions import db
    from nic.models import Notification, User
    from nic.services import discussions

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "NIC_ASYNC_MODE": "threading"})
    scratch = sa.Table(
        "bench_scratch",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("n", sa.Integer),
        sa.Column("at", sa.DateTime(timezone=True)),
    )
    cases = case_names(args.watchers)
    samples: dict[str, list[float]] = {case: [] for case in cases}
    parts_ms: dict[str, dict[str, list[float]]] = {case: {} for case in cases}
    parts_statements: dict[str, dict[str, int]] = {case: {} for case in cases}
    texts: dict[str, list[str]] = {}
    statements: dict[str, Counter] = {case: Counter() for case in cases}
    rows_written: dict[str, list[int]] = {case: [] for case in cases}
    with app.app_context():
        scratch.create(db.engine)
        t0 = time.monotonic()
        writer_id, group_id, watchers = make_people(args.watchers)
        build_s = time.monotonic() - t0
        counter = StatementCounter(db.engine)
        serial = iter(range(1, 10**9))

        def reply(thread_id: int) -> Callable[[], Any]:
            db.session.remove()  # a request of its own: the user loaded first, not timed
            writer = db.session.get(User, writer_id)
            db.session.commit()
            return lambda: discussions.reply(writer, thread_id, BODY)

        def bare() -> None:
            db.session.execute(sa.insert(scratch).values(n=next(serial), at=datetime.now(UTC)))
            db.session.commit()

        def record(case: str, seen: dict[str, Any], keep: bool) -> None:
            if keep:
                samples[case].append(seen["ms"])
                for name, ms in seen["parts_ms"].items():
                    parts_ms[case].setdefault(name, []).append(ms)
                parts_statements[case] = seen["parts_statements"]
                texts[case] = seen["texts"]
                statements[case].update(verb for verb, _sets in seen["sent"])
                rows_written[case].append(max((sets for _v, sets in seen["sent"]), default=0))

        for rnd in range(args.warmup + args.rounds):
            keep = rnd >= args.warmup
            order = (0, args.watchers) if rnd % 2 == 0 else (args.watchers, 0)
            for n in order:
                ids = watchers[:n]
                thread_id = new_thread(writer_id, group_id, ids, rnd)
                record("bare insert", timed(counter, bare), keep)
                for i in range(1 + args.later):
                    seen = timed(counter, reply(thread_id))
                    record(f"{'first' if i == 0 else 'later'}, {n}", seen, keep)
                # Every watcher has one unread entry on the thread, counting every reply.
                entries = db.session.execute(
                    sa.select(sa.func.count(), sa.func.min(Notification.count)).where(
                        Notification.thread_id == thread_id
                    )
                ).one()
                expected = (n, 1 + args.later) if n else (0, None)
                if tuple(entries) != expected:
                    raise SystemExit(
                        f"thread {thread_id}: entries {tuple(entries)}, not {expected}"
                    )
            if not args.keep_unread:
                # Watchers read them (not timed): each reply's recipients then have one
                # unread entry, this thread's, and the badge count stays the same size.
                db.session.execute(
                    sa.update(Notification)
                    .where(Notification.read_at.is_(None))
                    .values(read_at=datetime.now(UTC))
                )
                db.session.commit()
            if keep and (rnd - args.warmup + 1) % 10 == 0:
                print(f"  round {rnd - args.warmup + 1}/{args.rounds}", flush=True)
        db.session.remove()
        scratch.drop(db.engine)
        dialect = db.engine.dialect.name
    rounds = args.rounds
    return {
        "dialect": dialect,
        "build_s": round(build_s, 1),
        "samples_ms": {c: [round(v, 3) for v in s] for c, s in samples.items()},
        # Statements per call (the same every call: the total over the rounds / calls).
        "statements": {
            c: {v: n / len(samples[c]) for v, n in sorted(statements[c].items())} for c in cases
        },
        "largest_executemany": {c: max(r, default=0) for c, r in rows_written.items()},
        # Per case, per part (tell, see, write, publish): ms per call, statements of one.
        "parts_ms": {
            c: {name: [round(v, 3) for v in values] for name, values in by.items()}
            for c, by in parts_ms.items()
        },
        "parts_statements": parts_statements,
        "statement_texts": texts,
        "rounds": rounds,
    }


# --------------------------------------------------------------------------- reporting


PART_LABELS = {
    "tell": "telling (post_written)",
    "see": "of it: who may see",
    "write": "of it: writing entries",
    "publish": "after commit (publish_counts)",
}


def _row(cells: list[Any]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def table(result: dict[str, Any]) -> str:
    """One row per case: p50/p95, the ratios to the 0-watcher reply and to the bare INSERT,
    the statements; then where the reply's time went (p50 of each part, its statements)."""
    p50 = {c: statistics.median(s) for c, s in result["samples_ms"].items()}
    head = ["case", "n", "p50 ms", "p95 ms", "÷ 0 watchers (p50)", "÷ bare insert (p50)"]
    head += ["statements per call", "largest executemany"]
    lines = [_row(head), "|" + "---|" * len(head)]
    for case, values in result["samples_ms"].items():
        base = case.split(",")[0] + ", 0" if "," in case else case
        per_call = result["statements"][case]
        verbs = ", ".join(f"{v} {n:g}" for v, n in per_call.items())
        lines.append(
            _row(
                [
                    case,
                    len(values),
                    f"{p50[case]:.2f}",
                    f"{percentile(values, 95):.2f}",
                    "" if case == "bare insert" else f"{p50[case] / p50[base]:.2f}",
                    f"{p50[case] / p50['bare insert']:.1f}",
                    f"{sum(per_call.values()):g} ({verbs})",
                    result["largest_executemany"][case],
                ]
            )
        )
    cases = [c for c in result["samples_ms"] if c != "bare insert"]
    parts = [name for name in PART_LABELS if name in result["parts_ms"][cases[0]]]
    lines += ["", _row(["part: p50 ms (statements)", *cases]), "|" + "---|" * (1 + len(cases))]
    lines.append(_row(["whole reply", *(f"{p50[c]:.2f}" for c in cases)]))
    for name in parts:
        cells = [
            f"{statistics.median(result['parts_ms'][c][name]):.2f} "
            f"({result['parts_statements'][c][name]})"
            for c in cases
        ]
        lines.append(_row([PART_LABELS[name], *cells]))
    if {"tell", "publish"} <= set(parts):
        rest = []
        for c in cases:
            by = result["parts_ms"][c]
            spent = [
                w - t - p
                for w, t, p in zip(result["samples_ms"][c], by["tell"], by["publish"], strict=True)
            ]
            rest.append(f"{statistics.median(spent):.2f}")
        lines.append(_row(["the rest (post, counters, commit)", *rest]))
    return "\n".join(lines)


def tree_description() -> str:
    """The commit of this repository and how many files differ from it."""
    git = ["git", "--no-optional-locks", "-C", str(ROOT)]
    try:
        commit = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            [*git, "status", "--porcelain", "nic", "templates", "wsgi.py"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return f"{ROOT} (not a git checkout)"
    return commit + (f" + {len(status)} changed files under nic/" if status else "")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="recorded rounds (default 40)")
    parser.add_argument("--warmup", type=int, default=3, help="unrecorded rounds first")
    parser.add_argument("--later", type=int, default=3, help="later replies per thread")
    parser.add_argument("--watchers", type=int, default=500, help="watchers of the busy thread")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to measure on, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test"
        f" (a scratch database {SCRATCH_DB} is created there and dropped)",
    )
    parser.add_argument(
        "--keep-unread",
        action="store_true",
        help="leave every round's entries unread (each watcher gains one per round)",
    )
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    args = parser.parse_args(argv)
    if args.rounds < 2 or args.later < 1 or args.watchers < 1 or args.warmup < 0:
        parser.error("need --rounds >= 2, --later >= 1, --watchers >= 1, --warmup >= 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="nic-post-"))
    tree = tree_description()
    load_before = os.getloadavg()
    print(f"measuring {tree}; work directory {work}", flush=True)
    try:
        with scratch_database(args.database_url, work) as db_url:
            env = bench_env(db_url, work)
            migrate(env)
            os.environ.update(env)  # read by create_app's configuration
            os.environ.pop("NIC_MESSAGE_QUEUE", None)
            result = run(db_url, work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result |= {
        "load_average": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "tree": tree,
        "args": {k: str(v) for k, v in vars(args).items()},
        "started": datetime.now(UTC).isoformat(),
        "total_s": round(time.monotonic() - began, 1),
    }
    print(
        f"\n## Reply latency: {tree}, {result['dialect']}, {args.rounds} rounds "
        f"(+{args.warmup} warm-up), 1 first + {args.later} later replies per thread"
        f"{', entries left unread' if args.keep_unread else ''}\n"
    )
    print(table(result))
    print(
        f"\nbuild {result['build_s']} s, total {result['total_s']} s; load average "
        f"{result['load_average'][0]} before, {result['load_average_after'][0]} after "
        f"({os.cpu_count()} cores)"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
        print(f"raw figures: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
