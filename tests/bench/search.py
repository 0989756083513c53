"""Search benchmark (issue 19): the search service and GET /search at 100,000 posts.

One command builds a database of its own (SQLite in a temporary directory,
or a scratch PostgreSQL database `nic_search_bench` with `--database-url`),
migrated by `flask db upgrade` (so the FTS5 tables and their triggers, or the
stored tsvector columns and their GIN indexes, are the migrations'), then
bulk-inserts ~150 people, 25 groups
(5 private), 10,000 threads and 100,000 posts of K-12 leadership text
(sentences of pages_data.BODIES recombined, plus a few planted phrases and
rare words), a few hidden threads, hidden and deleted posts. The bulk INSERTs
go through SQL, so on SQLite the triggers fill post_fts and thread_fts; on
PostgreSQL the GIN indexes take the rows; then ANALYZE (VACUUM ANALYZE).

It measures, as a member of six groups (two private; not an admin, not a
facilitator), for a common word, a rare word, a phrase, a prefix being typed,
two words, and the common word filtered to one group:

1. `nic.services.search.search(user, q, Filters(...))` in-process, against a
   `SELECT 1` round trip on the same engine (the bare baseline);
2. `GET /search?q=...` served by `python wsgi.py` (gevent), signed in, on one
   kept-alive connection, against the bare Flask route of bare_http.py;

in interleaved rounds (every case once per round, in turn), and reports p50
and p95, "group filter / unfiltered" and "page / service". Each service call's
statements are timed on their own (engine events), and `--explain` prints the
plan of each (EXPLAIN QUERY PLAN, or EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL).

    python tests/bench/search.py                       # SQLite, 100k posts, ~2-3 min
    python tests/bench/search.py --posts 10000 --rounds 2 --explain
    python tests/bench/search.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Not collected by pytest. Loopback only; servers are stopped in a `finally`,
the temporary directory removed, the scratch database dropped.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

import pages_data as data  # noqa: E402
from fanout import free_port, start_server, stop_server  # noqa: E402
from pages import percentile, sequential, sign_in, wait_until_answers  # noqa: E402
from post_latency import bench_env, migrate, scratch_database, tree_description  # noqa: E402

SCRATCH_DB = "nic_search_bench"
GROUPS, PRIVATE_GROUPS, PEOPLE = 25, 5, 150
READER_EMAIL = "reader@example.org"
# The reader's groups: indexes into the groups (0 is the biggest), two of them private.
READER_GROUPS = (0, 2, 5, 9, 21, 23)
# Words planted in exactly RARE_COUNT posts each; the rare-term query is the first.
RARE_WORDS = ("sociogram", "heptathlon", "zeugma")
RARE_COUNT = 4
# Planted sentences: the phrase "exit ticket", and its words apart (so the phrase is
# more selective than the two words).
PLANTED = (
    (0.03, "We used an exit ticket with one question on the standard."),
    (0.02, "The exit tickets showed most students could name the strategy but not explain it."),
    (0.02, "Our ticket to the spring institute is paid by the district."),
    (0.02, "Leave the exit of the meeting for the next steps, not announcements."),
)
TITLE_SUFFIXES = ("", "", "", " (follow-up)", " in grade 4", " at the high school",
                  " - second try", " for new teachers", " this semester")  # fmt: skip
TITLE_PREFIXES = ("", "", "", "Question: ", "Update: ", "Help: ")
# name, query text, filtered to the group? Word queries end in a space: the parser reads
# the last word of a query without one as a prefix still being typed ("coa" below).
CASES = (
    ("common", "students ", False),
    ("rare", f"{RARE_WORDS[0]} ", False),
    ("phrase", '"exit ticket"', False),
    ("prefix", "coa", False),
    ("two words", "data meeting ", False),
    ("common + group", "students ", True),
)
STATEMENT_NAMES = ("counts", "page", "snippets (thread)", "snippets (post)", "other")


# --------------------------------------------------------------------------- data


def sentences() -> list[str]:
    """The sentences and list items of pages_data.BODIES, Markdown kept."""
    found = []
    for body in data.BODIES:
        for line in body.splitlines():
            for piece in re.split(r"(?<=[.?!:])\s+", line.strip()):
                if len(piece) > 20:
                    found.append(piece)
    return found


def titles(rng: random.Random, count: int) -> list[str]:
    base = [*data.OTHER_TITLES, *data.COACH_TITLES, *data.DATA_TITLES,
            data.THREAD_50, data.THREAD_10, data.THREAD_300]  # fmt: skip
    return [
        (rng.choice(TITLE_PREFIXES) + rng.choice(base) + rng.choice(TITLE_SUFFIXES))[:200]
        for _ in range(count)
    ]


def thread_sizes(rng: random.Random, threads: int, posts: int) -> list[int]:
    """Two thirds of the threads have 1-3 posts; the rest share the other posts at random."""
    small = [rng.randint(1, 3) for _ in range(threads * 2 // 3)]
    while sum(small) > posts - (threads - len(small)):
        small.pop()
    big = threads - len(small)
    sizes = [1] * big
    for _ in range(posts - sum(small) - big):
        sizes[rng.randrange(big)] += 1
    every = small + sizes
    rng.shuffle(every)
    return every


def build(db_url: str, posts: int, threads: int) -> dict[str, Any]:
    """Fill the migrated database; returns what the measuring needs (ids, counts)."""
    import sqlalchemy as sa

    from nic.extensions import db
    from nic.models import Group, Membership, Post, Thread, User
    from tests.factories import make_group, make_user

    rng = random.Random(19)
    began = time.monotonic()
    now = datetime.now(UTC).replace(microsecond=0)
    reader = make_user("Rita Reader", email=READER_EMAIL, job_role="principal")
    facilitator = make_user("Fern Facilitator", email="fern@example.org", job_role="facilitator")
    groups = [
        make_group(f"Peer group {n + 1:02}: {title[:60]}", facilitator=facilitator,
                   visibility="private" if n >= GROUPS - PRIVATE_GROUPS else "network")
        for n, title in enumerate(titles(random.Random(1), GROUPS))
    ]  # fmt: skip
    db.session.commit()
    template = {c.name: getattr(reader, c.name) for c in User.__table__.columns}
    first_id = db.session.scalar(sa.select(sa.func.max(User.id))) + 1
    roles = ["principal", "assistant_principal", "instructional_coach", "teacher_leader",
             "district_leader"]  # fmt: skip
    people = [
        template | {"id": first_id + n, "email": f"person{n}@example.org",
                    "username": f"person{n}", "name": f"Person {n}", "job_role": roles[n % 5]}
        for n in range(PEOPLE)
    ]  # fmt: skip
    members: dict[int, list[int]] = {g.id: [facilitator.id] for g in groups}
    memberships = []
    for index, group in enumerate(groups):
        if index in READER_GROUPS:
            memberships.append({"group_id": group.id, "user_id": reader.id, "role": "member"})
            members[group.id].append(reader.id)
    for person in people:
        for group in rng.sample(groups, rng.randint(2, 5)):
            memberships.append({"group_id": group.id, "user_id": person["id"], "role": "member"})
            members[group.id].append(person["id"])

    pool = sentences()
    sizes = thread_sizes(rng, threads, posts)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(GROUPS)]  # group 0 the busiest
    rare_posts = {
        word: set(rng.sample(range(posts), min(RARE_COUNT, posts))) for word in RARE_WORDS
    }
    thread_rows, post_rows = [], []
    per_group = {g.id: [0, 0] for g in groups}  # threads, posts
    post_id = db.session.scalar(sa.select(sa.func.max(Post.id))) or 0
    span = timedelta(days=730)
    hidden_threads = deleted = hidden_posts = 0
    for thread_id, (size, title) in enumerate(zip(sizes, titles(rng, threads), strict=True), 1):
        group = rng.choices(groups, weights)[0]
        authors = members[group.id]
        opened = now - span * rng.random()
        hidden = rng.random() < 0.01
        hidden_threads += hidden
        alive = 0
        for j in range(size):
            post_id += 1
            parts = rng.sample(pool, rng.randint(2, 5))
            parts += [text for share, text in PLANTED if rng.random() < share]
            parts += [f"We drew a {w} of the team." for w, ids in rare_posts.items()
                      if len(post_rows) in ids]  # fmt: skip
            rng.shuffle(parts)
            body = " ".join(parts)
            is_deleted = j > 0 and rng.random() < 0.005
            is_hidden = j > 0 and not is_deleted and rng.random() < 0.002
            deleted += is_deleted
            hidden_posts += is_hidden
            alive += not is_deleted
            at = min(opened + timedelta(hours=6 * j + rng.random() * 6), now)
            post_rows.append({
                "id": post_id, "thread_id": thread_id, "parent_id": None,
                "author_id": rng.choice(authors), "body": body,
                "body_html": f"<p>{html.escape(body)}</p>", "created_at": at,
                "edited_at": None, "deleted_at": at if is_deleted else None, "hidden": is_hidden,
            })  # fmt: skip
        thread_rows.append({
            "id": thread_id, "group_id": group.id, "author_id": post_rows[-size]["author_id"],
            "title": title, "pinned": False, "locked": False, "hidden": hidden,
            "created_at": opened, "last_activity_at": post_rows[-1]["created_at"],
            "reply_count": size - 1, "last_post_id": post_id, "post_count": alive,
        })  # fmt: skip
        per_group[group.id][0] += 1
        per_group[group.id][1] += alive
    generated = time.monotonic() - began
    db.session.commit()  # no read transaction left open (it would block the checkpoint)
    engine = db.engine
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        conn.execute(sa.insert(User.__table__), people)
        conn.execute(sa.insert(Membership.__table__), memberships)
        conn.execute(sa.insert(Thread.__table__), thread_rows)
        for start in range(0, len(post_rows), 20_000):
            conn.execute(sa.insert(Post.__table__), post_rows[start : start + 20_000])
        for group_id, (thread_count, post_count) in per_group.items():
            conn.execute(
                sa.update(Group.__table__).where(Group.id == group_id)
                .values(thread_count=thread_count, post_count=post_count)
            )  # fmt: skip
        if not sqlite:
            for table in ("user", "thread", "post"):  # explicit ids: move the sequences on
                sequence = f"pg_get_serial_sequence('\"{table}\"', 'id')"
                highest = f'SELECT max(id) FROM "{table}"'  # noqa: S608 (constants)
                conn.exec_driver_sql(f"SELECT setval({sequence}, ({highest}))")
    inserted = time.monotonic() - began - generated
    if sqlite:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        raw = engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    checked = check_index(engine, rare_posts)
    reader_groups = [groups[i].id for i in READER_GROUPS]
    filtered = max(reader_groups, key=lambda gid: per_group[gid][1])
    info = {
        "reader_id": reader.id, "group_id": filtered, "posts": len(post_rows),
        "threads": len(thread_rows), "groups": GROUPS, "private_groups": PRIVATE_GROUPS,
        "people": PEOPLE + 2, "reader_groups": len(reader_groups),
        "reader_private_groups": sum(i >= GROUPS - PRIVATE_GROUPS for i in READER_GROUPS),
        "hidden_threads": hidden_threads, "deleted_posts": deleted, "hidden_posts": hidden_posts,
        "filtered_group_posts": per_group[filtered][1],
        "reader_visible_posts": sum(per_group[g][1] for g in per_group
                                    if g in reader_groups or g <= groups[-PRIVATE_GROUPS - 1].id),
        "generate_s": round(generated, 1), "insert_s": round(inserted, 1),
        "build_s": round(time.monotonic() - began, 1), "index_check": checked,
    }  # fmt: skip
    db.session.remove()
    return info


def check_index(engine: Any, rare_posts: dict[str, set[int]]) -> str:
    """The index answers for every post: the rare words are found exactly RARE_COUNT times."""
    import sqlalchemy as sa

    with engine.connect() as conn:
        for word, ids in rare_posts.items():
            if engine.dialect.name == "sqlite":
                sql = "SELECT count(*) FROM post_fts WHERE post_fts MATCH :q"
                params = {"q": f'"{word}"'}
            else:
                sql = ("SELECT count(*) FROM post WHERE to_tsvector('english', body) "
                       "@@ to_tsquery('english', :q)")  # fmt: skip
                params = {"q": word}
            found = conn.scalar(sa.text(sql), params)
            if found != len(ids):
                raise SystemExit(f"the index finds {found} posts with {word!r}, not {len(ids)}")
        if engine.dialect.name == "sqlite":
            total = conn.scalar(sa.text("SELECT count(*) FROM post_fts_docsize"))
            posts = conn.scalar(sa.text("SELECT count(*) FROM post"))
            if total != posts:
                raise SystemExit(f"post_fts holds {total} documents for {posts} posts")
            return f"post_fts: {total} documents; rare words found {RARE_COUNT} times each"
    return f"GIN index: rare words found {RARE_COUNT} times each"


# --------------------------------------------------------------------------- measuring


class Statements:
    """Times every statement the engine sends (before/after_cursor_execute)."""

    def __init__(self, engine: Any) -> None:
        import sqlalchemy as sa

        self.calls: list[tuple[str, Any, float]] = []
        self._started = 0.0
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, params: Any, *rest: Any) -> None:
        self._started = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, params: Any, *rest: Any) -> None:
        self.calls.append((statement, params, (time.perf_counter() - self._started) * 1000))


def name_statement(sql: str) -> str:
    """Which of search()'s statements `sql` is (see nic.services.search.search)."""
    lowered = sql.lower()
    if "count(" in lowered and "group by" in lowered:
        return "counts"
    if " limit " in lowered:
        return "page"
    if "snippet(" in lowered or ("ts_headline" in lowered and "post.body" in lowered):
        return "snippets (post)"
    if "highlight(" in lowered or "ts_headline" in lowered:
        return "snippets (thread)"
    return "other"


def measure_service(info: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    import sqlalchemy as sa

    from nic.extensions import db
    from nic.models import User
    from nic.services.search import Filters, search

    statements = Statements(db.engine)
    cases = {"SELECT 1": None, **{name: (text, grouped) for name, text, grouped in CASES}}
    samples: dict[str, list[float]] = {name: [] for name in cases}
    parts: dict[str, dict[str, list[float]]] = {name: {} for name in cases}
    last: dict[str, list[tuple[str, Any, float]]] = {}
    totals: dict[str, dict[str, int]] = {}
    for round_ in range(args.warmup_rounds + args.rounds):
        recorded = round_ >= args.warmup_rounds
        for name, case in cases.items():
            started = time.monotonic()
            for n in range(args.samples if recorded else 2):
                if n >= 5 and time.monotonic() - started > args.budget:
                    break
                db.session.remove()
                user = db.session.get(User, info["reader_id"])
                statements.calls.clear()
                began = time.perf_counter()
                if case is None:
                    db.session.execute(sa.text("SELECT 1")).scalar()
                else:
                    text, grouped = case
                    filters = Filters(group_id=info["group_id"]) if grouped else Filters()
                    results = search(user, text, filters)
                    totals[name] = dict(results.counts)
                took = (time.perf_counter() - began) * 1000
                if recorded:
                    samples[name].append(took)
                    calls = statements.calls if case is not None else []
                    for sql, _params, ms in calls:
                        parts[name].setdefault(name_statement(sql), []).append(ms)
                    last[name] = list(calls)
        db.session.remove()
    return {"samples": samples, "parts": parts, "statements": last, "totals": totals}


def explain(statements: dict[str, list], dialect: str, analyze: bool) -> dict[str, list[str]]:
    """The plan of each statement of one call per case."""
    from nic.extensions import db

    plans: dict[str, list[str]] = {}
    with db.engine.connect() as conn:
        for name, calls in statements.items():
            for sql, params, _ms in calls:
                label = f"{name} / {name_statement(sql)}"
                if label.endswith("other"):
                    continue
                if dialect == "sqlite":
                    rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
                    plans[label] = [f"{r[0]:>3} {r[1]:>3} {r[3]}" for r in rows]
                else:
                    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN "
                    rows = conn.exec_driver_sql(prefix + sql, params).all()
                    plans[label] = [r[0] for r in rows]
                plans[label].insert(0, sql)
    return plans


@contextlib.contextmanager
def servers(env: dict[str, str], work: Path) -> Iterator[tuple[int, int]]:
    """nic (`python wsgi.py`, gevent) on the bench database and the bare route; (nic, bare)."""
    nic_port, bare_port = free_port(), free_port()
    nic_env = {**os.environ, **env, "NIC_ASYNC_MODE": "gevent", "NIC_HOST": "127.0.0.1",
               "NIC_PORT": str(nic_port)}  # fmt: skip
    nic_env.pop("NIC_MESSAGE_QUEUE", None)
    log = work / "nic.log"
    nic = start_server([sys.executable, "wsgi.py"], nic_port, env=nic_env, cwd=ROOT,
                       log_path=log, timeout_s=60)  # fmt: skip
    bare = None
    try:
        wait_until_answers(nic_port, nic)
        bare_cmd = [sys.executable, str(HERE / "bare_http.py"), str(bare_port)]
        bare = start_server(bare_cmd, bare_port, cwd=ROOT, log_path=work / "bare.log",
                            timeout_s=30)  # fmt: skip
        yield nic_port, bare_port
    finally:
        if bare is not None:
            stop_server(bare)
        stop_server(nic)
        text = log.read_text(errors="replace")
        if "Traceback" in text:
            print(f"nic server log has a traceback:\n{text[-4000:]}", file=sys.stderr)


def search_path(text: str, group_id: int | None) -> str:
    query = {"q": text} | ({"group_id": str(group_id)} if group_id else {})
    return "/search?" + urlencode(query)


def measure_http(info: dict[str, Any], env: dict[str, str], work: Path,
                 args: argparse.Namespace) -> dict[str, Any]:  # fmt: skip
    from tests.factories import PASSWORD

    samples: dict[str, list[float]] = {"bare": [], **{name: [] for name, _t, _g in CASES}}
    paths = {name: search_path(text, info["group_id"] if grouped else None)
             for name, text, grouped in CASES}  # fmt: skip
    with servers(env, work) as (nic_port, bare_port):
        cookie = sign_in(nic_port, READER_EMAIL, PASSWORD)
        shown = {}
        for name, path in paths.items():
            one = sequential(nic_port, path, cookie, 1, 60, warmup=0)
            shown[name] = one["p50_ms"]
        for round_ in range(args.warmup_rounds + args.rounds):
            recorded = round_ >= args.warmup_rounds
            count = args.samples if recorded else 2
            for name in samples:
                port, path = (bare_port, "/") if name == "bare" else (nic_port, paths[name])
                result = sequential(port, path, "" if name == "bare" else cookie, count,
                                    args.budget)  # fmt: skip
                if result["connections"] != 1:
                    raise SystemExit(f"{path}: the server closed the kept-alive connection")
                if recorded:
                    samples[name] += result["samples_ms"]
    return {"samples": samples, "paths": paths}


# --------------------------------------------------------------------------- reporting


def stats(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50": round(statistics.median(values), 2),
            "p95": round(percentile(values, 95), 2)}  # fmt: skip


def report(result: dict[str, Any]) -> str:
    service, page = result["service"]["samples"], result["http"]["samples"]
    base_s, base_h = stats(service["SELECT 1"]), stats(page["bare"])
    lines = [
        "| query | q | hits (threads + posts) | service p50 / p95 ms (n) | ÷ SELECT 1 (p50) "
        "| page p50 / p95 ms (n) | ÷ bare (p50) | page / service (p50) |",
        "|---|---|---|---|---|---|---|---|",
        f"| baseline | `SELECT 1` / bare route | | {base_s['p50']} / {base_s['p95']} | 1 "
        f"| {base_h['p50']} / {base_h['p95']} | 1 | |",
    ]
    for name, text, _grouped in CASES:
        s, h = stats(service[name]), stats(page[name])
        counts = result["service"]["totals"][name]
        lines.append(
            f"| {name} | `{text.strip() if text.strip() == text else text.strip() + '␠'}` "
            f"| {counts.get('thread', 0):,} + {counts.get('post', 0):,} "
            f"| {s['p50']} / {s['p95']} ({s['n']}) | {s['p50'] / base_s['p50']:.0f} "
            f"| {h['p50']} / {h['p95']} ({h['n']}) | {h['p50'] / base_h['p50']:.0f} "
            f"| {h['p50'] / s['p50']:.2f} |"
        )
    group, plain = stats(service["common + group"]), stats(service["common"])
    lines.append("")
    lines.append(
        f"group filter / unfiltered (service): p50 {group['p50'] / plain['p50']:.2f}, "
        f"p95 {group['p95'] / plain['p95']:.2f}"
    )
    lines.append("")
    lines.append("Statements of a service call, p50 ms:")
    lines.append("")
    lines.append("| query | " + " | ".join(STATEMENT_NAMES) + " |")
    lines.append("|---|" + "---|" * len(STATEMENT_NAMES))
    for name, _text, _grouped in CASES:
        spent = result["service"]["parts"][name]
        cells = [f"{statistics.median(spent[p]):.2f}" if p in spent else "-"
                 for p in STATEMENT_NAMES]  # fmt: skip
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000, help="posts (default 100,000)")
    parser.add_argument("--threads", type=int, help="threads (default: posts / 10, >= 10,000 "
                        "at the default size)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3, help="recorded rounds (default 3)")
    parser.add_argument("--samples", type=int, default=20, help="calls per case and round")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds per case and "
                        "round: stop its samples there once 5 are in (default 5)")  # fmt: skip
    parser.add_argument("--warmup-rounds", type=int, default=1, help="unrecorded rounds first")
    parser.add_argument("--database-url", help="a PostgreSQL server, e.g. "
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test (a scratch database "
                        f"{SCRATCH_DB} is created there and dropped)")  # fmt: skip
    parser.add_argument("--explain", action="store_true", help="print each statement's plan "
                        "(EXPLAIN ANALYZE on PostgreSQL)")  # fmt: skip
    parser.add_argument("--skip-http", action="store_true", help="the service only")
    parser.add_argument("--json", type=Path, help="write every sample and plan here")
    args = parser.parse_args(argv)
    args.threads = args.threads or max(args.posts // 10, 20)
    if args.posts < args.threads or args.rounds < 1 or args.samples < 1:
        parser.error("need --posts >= --threads, --rounds >= 1, --samples >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="nic-search-"))
    tree = tree_description()
    load_before = os.getloadavg()
    print(f"measuring {tree}; work directory {work}", flush=True)
    try:
        with scratch_database(args.database_url, work, SCRATCH_DB) as db_url:
            env = bench_env(db_url, work)
            migrate(env)
            os.environ.update(env)
            os.environ.pop("NIC_MESSAGE_QUEUE", None)
            from nic import create_app

            app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "NIC_ASYNC_MODE": "threading"})
            with app.app_context():
                from nic.extensions import db

                dialect = db.engine.dialect.name
                info = build(db_url, args.posts, args.threads)
                print(f"build: {json.dumps(info)}", flush=True)
                service = measure_service(info, args)
                plans = explain(service["statements"], dialect, analyze=True)
                db.session.remove()
                db.engine.dispose()
            print("service measured", flush=True)
            http = {"samples": {}, "paths": {}}
            if not args.skip_http:
                http = measure_http(info, env, work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.skip_http:
        http["samples"] = {name: [float("nan")] for name in ["bare", *service["samples"]]}
    result = {
        "tree": tree, "dialect": dialect, "build": info, "service": service, "http": http,
        "plans": plans, "load_average": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "args": {k: str(v) for k, v in vars(args).items()},
        "started": datetime.now(UTC).isoformat(), "total_s": round(time.monotonic() - began, 1),
    }  # fmt: skip
    print(
        f"\n## Search: {tree}, {dialect}, {info['posts']:,} posts in {info['threads']:,} "
        f"threads, {args.rounds} rounds x {args.samples} (+{args.warmup_rounds} warm-up)\n"
    )
    print(report(result))
    if args.explain:
        for label, lines in plans.items():
            print(f"\n### {label}\n")
            print("\n".join(lines))
    print(
        f"\nbuild {info['build_s']} s (generate {info['generate_s']}, insert {info['insert_s']}), "
        f"total {result['total_s']} s; load average {result['load_average'][0]} before, "
        f"{result['load_average_after'][0]} after ({os.cpu_count()} cores)"
    )
    if args.json:
        result["service"]["statements"] = {
            k: [(sql, repr(p), ms) for sql, p, ms in v]
            for k, v in result["service"]["statements"].items()
        }
        args.json.write_text(json.dumps(result, indent=2, default=str))
        print(f"raw figures: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
