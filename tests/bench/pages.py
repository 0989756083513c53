"""HTTP page benchmark: nic's main pages, signed in, against a bare Flask route.

One command builds a realistic network in a SQLite file of its own (through
the app's migrations, services and test factories), serves it with
`python wsgi.py` (gevent), signs in as a member and measures with wrk:

1. throughput and latency under load (`wrk -t2 -c20 -d10s --latency`) of
   five pages at the built size (~470 posts): a 50-post thread, the group
   page, the home page, a profile and the directory; and of a bare Flask
   route on the same server stack (bare_http.py), in alternation (each
   round: bare, then every page), so each page is also given as a fraction
   of the bare route's requests/s;
2. the latency of the same pages on one kept-alive connection at the built
   size, then after growing the database in bulk to 10,000 and to 1,000,000
   posts, to see which pages slow down with the size of the data.

The build and the growth run in a subprocess with the code of the tree being
measured (`--nic-root`, default this repository), which also serves the
pages, so an older checkout (`git worktree add /tmp/nic-before <commit>`)
is measured with the same data and the same client. The bare route always
runs from this repository.

    python tests/bench/pages.py                                  # ~4-5 min
    python tests/bench/pages.py --rounds 1 --duration 3 --skip-growth
    python tests/bench/pages.py --nic-root /tmp/nic-before --json before.json

Not collected by pytest. Loopback only; every server it starts is stopped in
a `finally`; the temporary directory is removed unless `--keep`.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import importlib
import importlib.util
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# This directory only (fanout, pages_data): `nic` and `tests` must come from
# the tree being measured, which the subprocesses put on PYTHONPATH.
sys.path.insert(0, str(HERE))

import pages_data as data  # noqa: E402
from fanout import free_port, read_cpu_s, start_server, stop_server  # noqa: E402

SECRET = "pages-bench-secret"
PAGES = (
    "thread",
    "group",
    "home",
    "profile",
    "directory",
    "library",
    "practice",
    "diagram",
    "cycles",
    "cycle",
)
GROWTH_SIZES = (10_000, 1_000_000)
# Posts per grown thread, and the share of grown posts in the reader's main group.
GROWN_THREAD_POSTS = (30, 60)
MAIN_GROUP_SHARE = 0.9
# Where a tree keeps its unread counters' `recount_all()` (trees before them have none).
RECOUNT_MODULES = ("nic.services.read_state",)
GROW_CHUNK_POSTS = 50_000
# Counts non-2xx responses (wrk itself counts only status >= 400: a redirect
# to /login, the sign of a lost session cookie, would pass unnoticed).
STATUS_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0; statuses = {} end
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("non2xx")
    for status, n in pairs(t:get("statuses")) do
      io.write(string.format("STATUS %d %d\\n", status, n))
    end
  end
  io.write(string.format("NON2XX %d\\n", total))
end
"""


# --------------------------------------------------------------------------- subprocess side


def _check_root() -> Path:
    """The tree on PYTHONPATH (the subprocess's cwd); fail if `nic` comes from elsewhere."""
    import nic

    root = Path.cwd().resolve()
    found = Path(nic.__file__).resolve().parents[1]
    if found != root:
        raise SystemExit(f"nic imported from {found}, expected the tree {root}")
    return root


def _app(db_url: str, **config: Any) -> Any:
    from nic import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": db_url, "NIC_ASYNC_MODE": "threading", **config})


def _email(name: str) -> str:
    return re.sub(r"[^a-z]+", ".", name.lower()).strip(".") + "@example.org"


class ReplyTree:
    """Adds replies to one thread as a reply tree: replies to replies, a few levels deep.

    A reply answers the thread itself with probability `top_share` (always
    the first one, never once `max_top` branches exist), else one of the
    last dozen replies that is less than `max_depth` deep, so branches grow
    the way conversations do.
    """

    def __init__(
        self, thread: Any, rng: random.Random, top_share: float, max_top: int = 10**6
    ) -> None:
        self.thread, self.rng = thread, rng
        self.top_share, self.max_top = top_share, max_top
        self.nodes: list[tuple[Any, int]] = []  # (post, depth)
        self.tops = 0

    def add(self, count: int, authors: list[Any], max_depth: int = 5) -> None:
        from tests.factories import make_reply

        for _ in range(count):
            open_parents = [(p, d) for p, d in self.nodes[-12:] if d < max_depth]
            to_thread = not open_parents or self.rng.random() < self.top_share
            if self.tops >= self.max_top and open_parents:
                to_thread = False
            parent, depth = (None, 1) if to_thread else self.rng.choice(open_parents)
            post = make_reply(
                self.thread, self.rng.choice(authors), self.rng.choice(data.BODIES), parent
            )
            self.nodes.append((post, 1 if parent is None else depth + 1))
            self.tops += parent is None


def build(db_url: str, manifest: Path) -> None:
    """Migrate a new database and fill it with the network of pages_data, as the app would.

    Everything goes through the app's services (tests/factories.py for
    people, threads and replies), and the reader's read state through the
    app itself: a test client signed in as the reader opens threads part-way
    through the conversation, so later replies are unread, as they would be.
    Districts and schools use nic.services.org directly (make_school makes a
    district per school), groups nic.services.groups (for their descriptions).
    Writes `manifest`: what the benchmark needs to sign in and find the pages.
    """
    root = _check_root()
    import sqlalchemy as sa

    from tests.servers import migrate, server_env

    migrate(server_env(db_url, NIC_SECRET_KEY=SECRET, NIC_RATELIMIT_STORAGE_URI="memory://"))
    from nic.extensions import db
    from nic.models import Post
    from nic.services import groups, org
    from nic.services.live import sessions as live_sessions
    from tests.factories import PASSWORD, make_thread, make_user

    app = _app(db_url, WTF_CSRF_ENABLED=False)
    rng = random.Random(2026)
    with app.app_context():
        schools = {}
        for district_name, school_names in data.DISTRICTS.items():
            district = org.create_district(None, district_name)
            for school_name in school_names:
                schools[school_name] = org.create_school(None, school_name, district.id)
        people = {
            name: make_user(
                name,
                email=_email(name),
                job_role=role,
                school=schools.get(school) if school else None,
                admin=name == "Renee Castillo",
            )
            for name, role, school in data.PEOPLE
        }
        made = []
        for name, description, visibility, roles, facilitator, members in data.GROUPS:
            group = groups.create_group(
                None, groups.GroupFields(name, description, roles, visibility)
            )
            groups.add_member(None, group.id, people[facilitator].id, "facilitator")
            for member in members:
                groups.add_member(None, group.id, people[member].id, "member")
            made.append((group, [people[m] for m in (facilitator, *members)]))
        (main, main_people), (coach_group, coaches), (data_group, data_people) = made
        reader = people[data.READER]
        others = [p for p in main_people if p is not reader]

        reader_client = app.test_client()

        def as_reader(method: str, path: str, expect: int = 200, **kwargs: Any) -> None:
            # An app context of its own: a request inside the build's context
            # would share its session, and see the objects built here.
            with app.app_context():
                response = reader_client.open(path, method=method, **kwargs)
            if response.status_code != expect:
                raise SystemExit(f"build: {method} {path} answered {response.status_code}")

        def read(path: str) -> None:
            as_reader("GET", path)

        as_reader("POST", "/login", 302, data={"email": reader.email, "password": PASSWORD})

        def thread_with(title: str, opener: Any, body: str, top_share: float, max_top: int):
            thread = make_thread(main, opener, title, body)
            return thread, ReplyTree(thread, rng, top_share, max_top)

        # The three measured threads, each read by the reader part-way through.
        t50, tree50 = thread_with(
            data.THREAD_50, people["Kevin O'Brien"], data.BODIES[0], 0.35, max_top=18
        )
        tree50.add(8, others)
        tree50.add(1, [reader])
        tree50.add(20, others)
        read(f"/threads/{t50.id}")  # all 30 posts so far fit on page 1
        tree50.add(20, others)  # 50 posts, 20 unread
        t10, tree10 = thread_with(data.THREAD_10, people["Lauren Whitmore"], data.BODIES[5], 0.5, 9)
        tree10.add(6, others)
        read(f"/threads/{t10.id}")
        tree10.add(3, others)  # 10 posts, 3 unread
        t300, tree300 = thread_with(
            data.THREAD_300, people["Samuel Osei"], data.BODIES[7], 0.2, 10**6
        )
        tree300.add(149, others)
        read(f"/threads/{t300.id}")  # page 1 only: the branches on later pages stay unread
        tree300.add(150, others)

        # Twenty more threads, a few posts each; the reader opened every other one.
        for i, title in enumerate(data.OTHER_TITLES):
            opener = others[(i * 7) % len(others)]
            thread, tree = thread_with(
                title, opener, data.BODIES[(i + 3) % len(data.BODIES)], 0.6, 9
            )
            tree.add(rng.randint(1, 4), others)
            if i % 2 == 0:
                read(f"/threads/{thread.id}")
                if i % 4 == 0:
                    tree.add(rng.randint(1, 2), others)  # new since the reader's visit
        for group, members, titles in (
            (coach_group, coaches, data.COACH_TITLES),
            (data_group, data_people, data.DATA_TITLES),
        ):
            for i, title in enumerate(titles):
                thread = make_thread(group, members[i + 1], title, data.BODIES[(i * 5) % 20])
                ReplyTree(thread, rng, 0.5).add(rng.randint(2, 5), members)
        read(f"/threads/{thread.id}")  # the last thread of the data group

        starts = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
        live_sessions.schedule_session(
            people["Renee Castillo"],
            main.id,
            live_sessions.SessionFields(
                "Monthly network session: protecting PLC time",
                "Share one change you tested since last month and what the evidence showed.",
                starts,
                starts + timedelta(hours=1),
            ),
        )
        practice_id = _practices(people, schools, rng)
        improvement = _improvement(people, practice_id, rng)
        read("/")
        read(f"/groups/{main.id}")
        posts = db.session.scalar(sa.select(sa.func.count(Post.id)))
        info = {
            "tree": str(root),
            "reader_email": reader.email,
            "password": PASSWORD,
            "reader_id": reader.id,
            "main_group_id": main.id,
            "reader_group_ids": [main.id, data_group.id],
            "other_group_ids": [coach_group.id, data_group.id],
            "thread_ids": {"50": t50.id, "10": t10.id, "300": t300.id},
            "profile_username": people[data.PROFILE].username,
            "practice_id": practice_id,
            **improvement,
            "posts": posts,
        }
        depths = [d for _, d in tree50.nodes]
        print(
            f"build: {len(people)} people, {len(made)} groups, {posts} posts; the 50-post "
            f"thread has {tree50.tops} branches, replies up to depth {max(depths)}",
            flush=True,
        )
        db.session.remove()
        db.engine.dispose()
    manifest.write_text(json.dumps(info, indent=2))


def _practices(people: dict[str, Any], schools: dict[str, Any], rng: random.Random) -> int:
    """Twenty published practices, each tried by a few schools; the measured one (returned)
    has a second revision, three files and a try from every school with someone in it."""
    import io

    from nic.services import attachments, practices, tries
    from tests.factories import make_practice

    authors = [p for p in people.values() if p.school_id is not None]
    levers = ["ilt", "coaching", "plc", "data_use", "supervision_feedback", "time_scheduling"]
    made = []
    for n, title in enumerate(data.OTHER_TITLES[:20]):
        author = authors[(n * 5) % len(authors)]
        made.append(make_practice(author, title, body=data.BODIES[n % len(data.BODIES)],
                                  levers=(levers[n % len(levers)],), levels=("middle",),
                                  tags=(f"tag {n % 7}",)))  # fmt: skip
    measured = made[0]
    writer = authors[0]
    fields = practices.current_fields(measured)
    changed = replace(fields, body=fields.body + "\n\nWhat we changed.")
    practices.update_practice(practices.get_practice_for(writer, measured.id), writer, changed)
    for name in ("protocol.pdf", "sorting sheet.pdf", "results.pdf"):
        upload = attachments.Upload(name, io.BytesIO(b"%PDF-1.4\n%%EOF\n"))
        access = practices.get_practice_for(writer, measured.id)
        attachments.attach(access, writer, upload, "Evidence", "protocol", False)
    by_school = {p.school_id: p for p in authors}
    for n, practice in enumerate(made):
        reporters = list(by_school.values()) if n == 0 else rng.sample(list(by_school.values()), 2)
        for reporter in reporters:
            outcome = rng.choice(["adopted", "adapted", "stopped"])
            report = tries.TryFields(date.today(), outcome, "6-8", "A grade team", "",
                                     data.BODIES[n % 20][:400])  # fmt: skip
            tries.record_try(practices.get_practice_for(reporter, practice.id), reporter, report)
    return measured.id


def _improvement(people: dict[str, Any], practice_id: int, rng: random.Random) -> dict[str, int]:
    """The network's aim and driver diagram (3 primary drivers, 6 secondary, 18 change
    ideas, one linked to the measured practice) and 60 PDSA cycles from every school with
    someone in it, in every phase; the measured cycle (returned with the diagram's id) is
    the middle of a ramp of three with all four phases written."""
    from nic.services import aims, cycles
    from nic.services import driver_diagrams as dd

    admin = people["Renee Castillo"]
    aim = aims.AimFields("Raise the share of 3rd graders reading on grade level",
                         "from 48% to 60%", date(2027, 6, 30), "across our schools")  # fmt: skip
    aims.save_aim(admin, dd.get_network_diagram_for(admin), aim)
    access = dd.get_network_diagram_for(admin)
    root = next(n for n in dd.live_nodes(access.diagram.id) if n.parent_id is None)
    ideas = []
    for p in range(3):
        primary = dd.add_node(admin, access, root.id, None, f"Primary driver {p + 1}", "")
        for s in range(2):
            secondary = dd.add_node(admin, access, primary.id, None, f"Secondary {p}.{s}", "")
            for i in range(3):
                body = data.BODIES[(p * 6 + s * 3 + i) % len(data.BODIES)][:300]
                ideas.append(dd.add_node(admin, access, secondary.id, None,
                                         f"Change idea {p}.{s}.{i}", body))  # fmt: skip
    dd.link_practice(admin, dd.get_node_for(admin, ideas[0].id), practice_id)
    by_school = list({p.school_id: p for p in people.values() if p.school_id}.values())
    plan = cycles.PlanFields("Data huddles", *(data.BODIES[n][:400] for n in range(4)),
                             date.today() - timedelta(days=40),
                             date.today() - timedelta(days=10))  # fmt: skip
    phases = {"do": {"did": data.BODIES[4][:400], "observations": data.BODIES[5][:400]},
              "study": {"results": data.BODIES[6][:400], "learned": data.BODIES[7][:400]},
              "act": {"decision": "adapt", "next_steps": data.BODIES[8][:400]}}  # fmt: skip

    def run(owner: Any, idea: Any, written: int, previous_id: int | None = None) -> Any:
        new = cycles.NewCycle(owner.school_id, previous_id=previous_id)
        cycle = cycles.plan_cycle(owner, dd.get_node_for(owner, idea.id), new, plan)
        for n, (phase, values) in enumerate(list(phases.items())[:written]):
            cycles.save_phase(owner, cycles.get_cycle_for(owner, cycle.id), phase, values, n + 1)
        return cycle

    ramp = [run(by_school[0], ideas[0], 3)]
    for _ in range(2):
        ramp.append(run(by_school[0], ideas[0], 3, ramp[-1].id))
    for n in range(57):
        run(by_school[n % len(by_school)], rng.choice(ideas), rng.randrange(4))
    return {"diagram_id": access.diagram.id, "cycle_id": ramp[1].id}


def grow(db_url: str, manifest: Path, target: int, analyze: bool = True) -> None:
    """Bulk-insert threads and posts until the database holds `target` posts.

    Most go to the reader's main group (MAIN_GROUP_SHARE), the rest to the
    other groups, in threads of 30-60 posts, with SQLAlchemy Core executemany
    in chunks (explicit ids, so parent ids and each thread's last_post_id are
    known without asking). Rows are what the services would write: a
    thread's reply_count, last_post_id and last_activity_at match its posts,
    replies nest (parent_id), a few are deleted, every author has read the
    thread up to their own last post, and the reader has read about half of
    the threads in their groups fully and some part-way. Bodies are a few
    texts rendered once with nic.markup. Then the tree's `recount_all()` if it
    has one (counters kept by the services, see _recount), and ANALYZE
    unless `analyze` is false (the statistics change SQLite's plans, see
    README.md).
    """
    _check_root()
    import sqlalchemy as sa

    from nic.extensions import db
    from nic.markup import render_markdown
    from nic.models import Membership, Post, Thread, ThreadRead

    info = json.loads(manifest.read_text())
    reader = info["reader_id"]
    texts = [(body, render_markdown(body)) for body in data.GROWTH_BODIES]
    titles = [*data.OTHER_TITLES, data.THREAD_10]
    app = _app(db_url)
    started = time.monotonic()
    with app.app_context():
        engine = db.engine
        with engine.connect() as conn:
            existing = conn.scalar(sa.select(sa.func.count()).select_from(Post.__table__))
            post_id = (conn.scalar(sa.select(sa.func.max(Post.id))) or 0) + 1
            thread_id = (conn.scalar(sa.select(sa.func.max(Thread.id))) or 0) + 1
            latest = conn.scalar(sa.select(sa.func.max(Post.created_at)))
            members: dict[int, list[int]] = {}
            for group_id, user_id in conn.execute(
                sa.select(Membership.group_id, Membership.user_id)
            ):
                if user_id != reader:
                    members.setdefault(group_id, []).append(user_id)
        need = target - existing
        if need <= 0:
            print(f"grow: already {existing} posts (target {target})", flush=True)
            return
        start = (latest.replace(tzinfo=UTC) if latest else datetime.now(UTC)) + timedelta(seconds=1)
        step = max(datetime.now(UTC) - start, timedelta(seconds=need / 1000)) / need
        rng = random.Random(target)
        main, others = info["main_group_id"], info["other_group_ids"]
        reader_groups = set(info["reader_group_ids"])
        rows: dict[str, list[dict]] = {"thread": [], "post": [], "read": []}
        done = 0

        def flush() -> None:
            with engine.begin() as conn:
                conn.exec_driver_sql("PRAGMA cache_size=-262144")
                conn.execute(sa.insert(Thread.__table__), rows["thread"])
                conn.execute(sa.insert(Post.__table__), rows["post"])
                if rows["read"]:
                    conn.execute(sa.insert(ThreadRead.__table__), rows["read"])
            for chunk in rows.values():
                chunk.clear()
            rate = done / max(time.monotonic() - started, 1e-9)
            print(f"grow: {done}/{need} posts ({rate:,.0f}/s)", flush=True)

        while done < need:
            size = min(need - done, rng.randint(*GROWN_THREAD_POSTS))
            group_id = main if rng.random() < MAIN_GROUP_SHARE else rng.choice(others)
            authors = members[group_id]
            ids = list(range(post_id, post_id + size))
            post_id += size
            last_read: dict[int, int] = {}
            times = [start + step * (done + j) for j in range(size)]
            for j, pid in enumerate(ids):
                author = rng.choice(authors)
                parent = None if j < 2 or rng.random() < 0.6 else rng.choice(ids[1:j])
                body, html = texts[pid % len(texts)]
                deleted = times[j] if j and rng.random() < 0.005 else None
                rows["post"].append(
                    {
                        "id": pid,
                        "thread_id": thread_id,
                        "parent_id": parent,
                        "author_id": author,
                        "body": body,
                        "body_html": html,
                        "created_at": times[j],
                        "edited_at": None,
                        "deleted_at": deleted,
                        "hidden": False,
                    }
                )
                last_read[author] = pid
            opener = rows["post"][-size]["author_id"]
            rows["thread"].append(
                {
                    "id": thread_id,
                    "group_id": group_id,
                    "author_id": opener,
                    "title": titles[thread_id % len(titles)],
                    "pinned": False,
                    "locked": False,
                    "hidden": False,
                    "created_at": times[0],
                    "last_activity_at": times[-1],
                    "reply_count": size - 1,
                    "last_post_id": ids[-1],
                }
            )
            if group_id in reader_groups:
                odds = rng.random()
                if odds < 0.45:
                    last_read[reader] = ids[-1]
                elif odds < 0.65:
                    last_read[reader] = ids[rng.randrange(size)]
            rows["read"].extend(
                {"user_id": u, "thread_id": thread_id, "last_read_post_id": p, "read_at": times[-1]}
                for u, p in last_read.items()
            )
            thread_id += 1
            done += size
            if len(rows["post"]) >= GROW_CHUNK_POSTS:
                flush()
        if rows["post"]:
            flush()
        _recount()
        if analyze:
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        raw = engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        total = db.session.scalar(sa.select(sa.func.count(Post.id)))
        threads = db.session.scalar(sa.select(sa.func.count(Thread.id)))
        db.session.remove()
        engine.dispose()
    print(
        f"grow: {total} posts in {threads} threads, ANALYZE {'done' if analyze else 'skipped'}, "
        f"{time.monotonic() - started:.1f} s",
        flush=True,
    )


def _recount() -> None:
    """Call `recount_all()` of the tree's unread counters, if it has them; say which.

    The bulk insert writes posts and read positions only; a tree that keeps
    unread counters beside them rebuilds them from those rows here.
    """
    for name in RECOUNT_MODULES:
        if importlib.util.find_spec(name) is None:
            continue
        recount_all = getattr(importlib.import_module(name), "recount_all", None)
        if callable(recount_all):
            began = time.monotonic()
            recount_all()
            from nic.extensions import db

            db.session.commit()
            took = time.monotonic() - began
            print(f"grow: {name}.recount_all() called ({took:.1f} s)", flush=True)
            return
    print(f"grow: no recount_all() in {' or '.join(RECOUNT_MODULES)}: not called", flush=True)


# ------------------------------------------------------------------- the tree and its servers


def _tree_env(nic_root: Path, db_path: Path, **settings: str) -> dict[str, str]:
    return {
        "NIC_DATABASE_URL": f"sqlite:///{db_path}",
        "NIC_SECRET_KEY": SECRET,
        "NIC_RATELIMIT_STORAGE_URI": "memory://",
        "PYTHONPATH": str(nic_root),
        **settings,
    }


def run_in_tree(nic_root: Path, db_path: Path, *args: str, timeout: float = 1200) -> None:
    """Run this script's `build` or `grow` with the code of `nic_root` (cwd and PYTHONPATH)."""
    env = {**os.environ, **_tree_env(nic_root, db_path)}
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        *args,
        "--db-url",
        env["NIC_DATABASE_URL"],
    ]
    subprocess.run(cmd, cwd=nic_root, env=env, check=True, timeout=timeout)


def tree_description(nic_root: Path) -> str:
    """The commit of `nic_root` and how many files differ from it (read-only git)."""
    git = ["git", "--no-optional-locks", "-C", str(nic_root)]
    try:
        commit = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            [*git, "status", "--porcelain"], capture_output=True, text=True, check=True
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return f"{nic_root} (not a git checkout)"
    return f"{nic_root} at {commit}" + (f" + {len(status)} changed files" if status else "")


def code_fingerprint(nic_root: Path) -> str:
    """A hash of the code a server runs (nic/, templates/, wsgi.py), to notice it changing.

    Someone editing the measured tree during a run would make its phases
    measure different code; each server start compares this with the first.
    """
    digest = hashlib.sha256()
    files = [nic_root / "wsgi.py"]
    for folder, pattern in (("nic", "*.py"), ("templates", "*")):
        files += (nic_root / folder).rglob(pattern)
    for path in sorted(f for f in files if f.is_file() and "__pycache__" not in f.parts):
        digest.update(str(path.relative_to(nic_root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def request(
    port: int,
    method: str,
    path: str,
    *,
    cookie: str = "",
    body: str | None = None,
    timeout: float = 120,
) -> tuple[int, http.client.HTTPResponse, bytes]:
    """One request on a connection of its own: (status, response, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response, response.read()
    finally:
        conn.close()


def wait_until_answers(port: int, proc: subprocess.Popen, timeout_s: float = 60) -> None:
    """Block until GET /login answers 200 (the app is up, not only the socket)."""
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if request(port, "GET", "/login", timeout=5)[0] == 200:
                return
        if time.monotonic() > deadline:
            raise TimeoutError(f"GET /login did not answer 200 within {timeout_s:.0f} s")
        time.sleep(0.2)


@contextlib.contextmanager
def nic_server(
    nic_root: Path, db_path: Path, log: Path, fingerprints: list[str]
) -> Iterator[tuple[int, int]]:
    """`python wsgi.py` (gevent) from `nic_root` on the bench database; yields (port, pid).

    Appends the code's fingerprint to `fingerprints`, and warns when it is not
    the one the run started with.
    """
    fingerprints.append(code_fingerprint(nic_root))
    if fingerprints[-1] != fingerprints[0]:
        print(
            f"WARNING: the code in {nic_root} changed since the run began "
            f"({fingerprints[0]} -> {fingerprints[-1]}): this phase measures other code",
            file=sys.stderr,
            flush=True,
        )
    port = free_port()
    env = _tree_env(nic_root, db_path, NIC_ASYNC_MODE="gevent", NIC_HOST="127.0.0.1")
    env["NIC_PORT"] = str(port)
    proc = start_server(
        [sys.executable, "wsgi.py"], port, env=env, cwd=nic_root, log_path=log, timeout_s=60
    )
    try:
        try:
            wait_until_answers(port, proc)
        except Exception:
            print(log.read_text(errors="replace")[-4000:], file=sys.stderr)
            raise
        yield port, proc.pid
    finally:
        stop_server(proc)
        text = log.read_text(errors="replace")
        if "Traceback" in text:
            print(f"nic server log {log} has a traceback:\n{text[-4000:]}", file=sys.stderr)


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the login form; returns the Cookie header (session, remember_token)."""
    status, response, body = request(port, "GET", "/login")
    jar = _cookies(response)
    tag = re.search(rb"<input[^>]*\bname=\"csrf_token\"[^>]*>", body)
    token = re.search(rb"\bvalue=\"([^\"]+)\"", tag.group(0)) if tag else None
    if status != 200 or token is None:
        raise RuntimeError(f"GET /login: status {status}, no csrf_token input")
    form = urlencode({"csrf_token": token.group(1).decode(), "email": email, "password": password})
    status, response, _ = request(port, "POST", "/login", cookie=_header(jar), body=form)
    if status != 302:
        raise RuntimeError(f"POST /login answered {status}, not a redirect: wrong password?")
    jar.update(_cookies(response))
    if "session" not in jar:
        raise RuntimeError("POST /login set no session cookie")
    return _header({k: v for k, v in jar.items() if k in ("session", "remember_token")})


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    pairs = (h.split(";", 1)[0].strip() for h in response.headers.get_all("Set-Cookie") or [])
    return dict(p.split("=", 1) for p in pairs if "=" in p)


def _header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def page_paths(info: dict[str, Any], names: list[str]) -> dict[str, str]:
    paths = {
        "thread": f"/threads/{info['thread_ids']['50']}",
        "group": f"/groups/{info['main_group_id']}",
        "home": "/",
        "profile": f"/u/{info['profile_username']}",
        "directory": "/directory",
        "library": "/practices",
        "practice": f"/practices/{info['practice_id']}",
        "diagram": "/improvement",
        "cycles": "/cycles",
        "cycle": f"/cycles/{info['cycle_id']}",
    }
    return {name: paths[name] for name in names}


def check_pages(port: int, cookie: str, paths: dict[str, str]) -> dict[str, int]:
    """GET every page signed in; each must answer 200. Returns the body sizes."""
    sizes = {}
    for name, path in paths.items():
        status, response, body = request(port, "GET", path, cookie=cookie)
        if status != 200:
            where = response.getheader("Location", "")
            raise SystemExit(f"{name} {path} answered {status} {where} (signed out?)")
        limited = [h for h in response.headers if h.lower().startswith("x-ratelimit")]
        note = f", rate-limit headers {limited}" if limited else ""
        shown = body.count(b'<article class="post')
        posts = f", {shown} posts shown" if name == "thread" else ""
        print(f"  {name:9} {path:28} 200, {len(body):,} bytes{posts}{note}", flush=True)
        sizes[name] = len(body)
    return sizes


# --------------------------------------------------------------------------- measuring


TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(value: str, unit: str) -> float:
    return float(value) * TIME_UNITS_MS[unit]


def parse_wrk(text: str) -> dict[str, Any]:
    """requests/s, latency percentiles (ms), requests, errors from `wrk --latency` output."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    total = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", text, re.M)
    if not (rps and total):
        raise RuntimeError(f"cannot parse wrk output:\n{text}")
    percentiles = {
        f"p{p}_ms": _ms(v, u)
        for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.M)
    }
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    non2xx = re.search(r"^NON2XX (\d+)", text, re.M)
    statuses: Counter[int] = Counter()  # one STATUS line per wrk thread and status
    for status, count in re.findall(r"^STATUS (\d+) (\d+)", text, re.M):
        statuses[int(status)] += int(count)
    return {
        "requests_per_s": float(rps.group(1)),
        **percentiles,
        "requests": int(total.group(1)),
        "duration_s": _ms(total.group(2), total.group(3)) / 1000,
        "socket_errors": dict(
            zip(("connect", "read", "write", "timeout"), map(int, sockets.groups()), strict=True)
        )
        if sockets
        else {"connect": 0, "read": 0, "write": 0, "timeout": 0},
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "statuses": dict(statuses),
    }


def run_wrk(url: str, cookie: str, args: argparse.Namespace, lua: Path, duration: int) -> dict:
    """One wrk run against `url`; fails loudly on a non-2xx response."""
    cmd = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        f"--timeout={args.timeout}s",
        "--latency",
        "-s",
        str(lua),
    ]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, timeout=duration + args.timeout + 60
    )
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr}{out.stdout}")
    result = parse_wrk(out.stdout)
    if result["non_2xx"]:
        raise SystemExit(
            f"{url}: {result['non_2xx']} non-2xx responses {result['statuses']} "
            "(302 = redirected to /login: the session cookie was not accepted)"
        )
    return result


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def sequential(
    port: int, path: str, cookie: str, samples: int, budget_s: float, warmup: int = 2
) -> dict[str, Any]:
    """Latency of `samples` GETs one after another on one kept-alive connection (ms).

    Stops early once `budget_s` has passed and at least 5 samples are in, so
    a page that takes seconds does not take the whole run. Counts new
    connections: each one beyond the first means the server closed it.
    """
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Cookie": cookie} if cookie else {}
    times: list[float] = []
    sockets: list[Any] = []
    began = time.monotonic()
    try:
        for i in range(warmup + samples):
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - t0) * 1000
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status} on the single connection")
            if not sockets or conn.sock is not sockets[-1]:
                sockets.append(conn.sock)
            if i >= warmup:
                times.append(elapsed)
            if time.monotonic() - began > budget_s and len(times) >= 5:
                break
    finally:
        conn.close()
    return {
        "n": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p90_ms": round(percentile(times, 90), 2),
        "max_ms": round(max(times), 2),
        "connections": len(sockets),
        "samples_ms": [round(t, 2) for t in times],
    }


def measure_sequential(
    label: str, ports: dict[str, int], paths: dict[str, str], cookie: str, args: argparse.Namespace
) -> dict[str, dict]:
    """Single-connection latency of the bare route and every page."""
    results = {}
    for name, path in {"bare": "/", **paths}.items():
        port = ports["bare" if name == "bare" else "nic"]
        result = sequential(port, path, "" if name == "bare" else cookie, args.samples, args.budget)
        results[name] = result
        print(
            f"  [{label}] {name:9} n={result['n']:3} p50 {result['p50_ms']:9.2f} ms  "
            f"p90 {result['p90_ms']:9.2f} ms",
            flush=True,
        )
    return results


# --------------------------------------------------------------------------- reporting


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _table(head: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def throughput_table(runs: dict[str, list[dict]], paths: dict[str, str]) -> tuple[str, dict]:
    """Medians over rounds per page, and page req/s as a fraction of bare req/s."""
    summary = {}
    bare_rps = _median([r["requests_per_s"] for r in runs["bare"]])
    rows = []
    for name, results in runs.items():
        rps = [r["requests_per_s"] for r in results]
        errors = sum(sum(r["socket_errors"].values()) for r in results)
        s = {
            "requests_per_s": _median(rps),
            "p50_ms": _median([r["p50_ms"] for r in results]),
            "p99_ms": _median([r["p99_ms"] for r in results]),
            "requests_per_s_rounds": rps,
            "ratio_to_bare": _median(rps) / bare_rps,
            "non_2xx": sum(r["non_2xx"] for r in results),
            "socket_errors": errors,
            "server_cpu_pct": _median([r["server_cpu_pct"] for r in results]),
        }
        summary[name] = s
        rows.append(
            [
                name,
                paths.get(name, "/ (bare_http.py)"),
                f"{s['requests_per_s']:,.0f}",
                f"{s['p50_ms']:.2f}",
                f"{s['p99_ms']:.2f}",
                " / ".join(f"{v:,.0f}" for v in rps),
                f"{s['ratio_to_bare']:.3f}",
                f"{s['server_cpu_pct']:.0f}",
                s["non_2xx"],
                errors,
            ]
        )
    head = ["page", "path", "req/s", "p50 ms", "p99 ms", "req/s per round", "÷ bare"]
    return _table([*head, "server CPU %", "non-2xx", "socket errors"], rows), summary


def latency_table(by_size: dict[str, dict[str, dict]], ratio: tuple[str, str] | None) -> str:
    """Single-connection p50/p90 per size; with `ratio` (big, small): big's p50 over small's."""
    sizes = list(by_size)
    head = ["page"] + [f"{s} {q}" for s in sizes for q in ("p50 ms", "p90 ms")]
    if ratio:
        head.append(f"{ratio[0]} ÷ {ratio[1]} (p50)")
    rows = []
    for name in by_size[sizes[0]]:
        row: list[Any] = [name]
        for size in sizes:
            r = by_size[size][name]
            row += [f"{r['p50_ms']:.2f}", f"{r['p90_ms']:.2f}"]
        if ratio:
            big, small = (by_size[s][name]["p50_ms"] for s in ratio)
            row.append(f"{big / small:.2f}")
        rows.append(row)
    return _table(head, rows)


def size_label(posts: int) -> str:
    if posts >= 1_000_000 and posts % 1_000_000 == 0:
        return f"{posts // 1_000_000}M"
    if posts >= 1000 and posts % 1000 == 0:
        return f"{posts // 1000}k"
    return str(posts)


# --------------------------------------------------------------------------- main


def ensure_wrk() -> str:
    """wrk's path; installs Debian's package when it is missing (needs root and apt)."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is not installed: apt-get install -y wrk ...", flush=True)
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit("wrk is missing; install it (apt-get install wrk) and run again")
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise SystemExit(f"could not install wrk ({exc}); install it and run again") from exc
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("apt-get installed wrk but it is not on PATH")
    return found


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="wrk rounds per page (default 3)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=20, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--timeout", type=int, default=30, help="wrk request timeout, s")
    parser.add_argument("--warmup", type=int, default=2, help="unrecorded wrk seconds per URL")
    parser.add_argument("--nic-root", type=Path, default=ROOT, help="the tree to measure")
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    parser.add_argument("--skip-growth", action="store_true", help="no 10k / 1M measurements")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"subset of {','.join(PAGES)}")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--growth-sizes",
        default=",".join(str(s) for s in GROWTH_SIZES),
        help="total posts to grow to, in order (default 10000,1000000)",
    )
    parser.add_argument(
        "--no-analyze", action="store_true", help="no ANALYZE after growing (SQLite's plans)"
    )
    parser.add_argument("--samples", type=int, default=30, help="single-connection GETs per page")
    parser.add_argument(
        "--budget", type=float, default=20, help="single-connection seconds per page (after 5)"
    )
    args = parser.parse_args(argv)
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    if not args.pages or set(args.pages) - set(PAGES):
        parser.error(f"--pages takes a subset of {','.join(PAGES)}")
    args.growth_sizes = [int(s) for s in args.growth_sizes.split(",") if s.strip()]
    if args.rounds < 1 or args.duration < 1 or args.connections < args.threads:
        parser.error("need --rounds >= 1, --duration >= 1 and --connections >= --threads")
    args.nic_root = args.nic_root.resolve()
    if not (args.nic_root / "wsgi.py").exists():
        parser.error(f"--nic-root {args.nic_root} has no wsgi.py")
    return args


def measure_throughput(
    urls: dict[str, str], pids: dict[str, int], cookie: str, args: argparse.Namespace, lua: Path
) -> dict[str, list[dict]]:
    """wrk against every URL, `--rounds` times: each round the bare route, then each page.

    An unrecorded `--warmup` run per URL first. Each result also has the
    server's CPU use over the run (% of one core).
    """
    if args.warmup:
        for name, url in urls.items():
            run_wrk(url, "" if name == "bare" else cookie, args, lua, args.warmup)
    runs: dict[str, list[dict]] = {name: [] for name in urls}
    for rnd in range(1, args.rounds + 1):
        for name, url in urls.items():
            pid = pids["bare" if name == "bare" else "nic"]
            cpu = read_cpu_s(pid)
            result = run_wrk(url, "" if name == "bare" else cookie, args, lua, args.duration)
            result["server_cpu_pct"] = round(
                100 * (read_cpu_s(pid) - cpu) / result["duration_s"], 1
            )
            runs[name].append(result)
            print(
                f"  round {rnd} {name:9} {result['requests_per_s']:9,.1f} req/s  "
                f"p50 {result['p50_ms']:8.2f} ms  p99 {result['p99_ms']:8.2f} ms  "
                f"server CPU {result['server_cpu_pct']:5.1f} %  "
                f"socket errors {sum(result['socket_errors'].values())}",
                flush=True,
            )
    return runs


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    ensure_wrk()
    # Each server here is a process of its own; a shared queue would couple them.
    os.environ.pop("NIC_MESSAGE_QUEUE", None)
    work = Path(tempfile.mkdtemp(prefix="nic-pages-"))
    db_path, manifest, lua = work / "bench.sqlite3", work / "manifest.json", work / "status.lua"
    lua.write_text(STATUS_LUA)
    tree = tree_description(args.nic_root)
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    report: dict[str, Any] = {
        "tree": tree,
        "wrk": wrk_version.splitlines()[0] if wrk_version else "",
        "args": {k: str(v) for k, v in vars(args).items()},
        "started": datetime.now(UTC).isoformat(),
        "code_fingerprints": [code_fingerprint(args.nic_root)],
    }
    fingerprints = report["code_fingerprints"]
    print(f"measuring {tree}\nwork directory {work}", flush=True)
    bare = None
    try:
        t0 = time.monotonic()
        run_in_tree(args.nic_root, db_path, "build", "--manifest", str(manifest))
        info = json.loads(manifest.read_text())
        report["build_s"] = round(time.monotonic() - t0, 1)
        paths = page_paths(info, args.pages)
        bare_port = free_port()
        bare = start_server(
            [sys.executable, str(HERE / "bare_http.py"), str(bare_port)],
            bare_port,
            env={"PYTHONPATH": str(ROOT)},
            cwd=ROOT,
            log_path=work / "bare.log",
        )
        ports, pids = {"bare": bare_port}, {"bare": bare.pid}
        by_size: dict[str, dict[str, dict]] = {}
        first = nic_server(args.nic_root, db_path, work / "nic-0.log", fingerprints)
        with first as (ports["nic"], pids["nic"]):
            cookie = sign_in(ports["nic"], info["reader_email"], info["password"])
            print(f"signed in as {info['reader_email']}; {info['posts']} posts", flush=True)
            report["page_bytes"] = check_pages(ports["nic"], cookie, paths)
            urls = {"bare": f"http://127.0.0.1:{bare_port}/"}
            urls |= {name: f"http://127.0.0.1:{ports['nic']}{path}" for name, path in paths.items()}
            report["wrk_runs"] = runs = measure_throughput(urls, pids, cookie, args, lua)
            table, report["throughput"] = throughput_table(runs, paths)
            label = size_label(info["posts"])
            by_size[label] = measure_sequential(label, ports, paths, cookie, args)

        grown = [] if args.skip_growth else [size_label(n) for n in args.growth_sizes]
        report["growth_s"] = {}
        for target, label in zip(args.growth_sizes, grown, strict=False):
            t0 = time.monotonic()
            print(f"growing to {target:,} posts ...", flush=True)
            grow_args = ["grow", "--manifest", str(manifest), "--posts", str(target)]
            run_in_tree(args.nic_root, db_path, *grow_args, *(["--no-analyze"] * args.no_analyze))
            report["growth_s"][label] = round(time.monotonic() - t0, 1)
            server = nic_server(args.nic_root, db_path, work / f"nic-{label}.log", fingerprints)
            with server as (port, _):
                ports["nic"] = port
                cookie = sign_in(port, info["reader_email"], info["password"])
                check_pages(port, cookie, paths)
                by_size[label] = measure_sequential(label, ports, paths, cookie, args)
        report["sequential"] = by_size
        report["total_s"] = round(time.monotonic() - began, 1)

        print(f"\n## Throughput: {tree}\n")
        print(
            f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency, "
            f"{args.rounds} round(s), medians; {info['posts']} posts; each round: bare, "
            "then every page\n"
        )
        print(table)
        print("\n## One kept-alive connection, sequential GETs (ms)\n")
        print(latency_table(by_size, (grown[-1], grown[0]) if len(grown) > 1 else None))
        print(
            f"\nbuild {report['build_s']} s, growth {report['growth_s']} s, "
            f"total {report['total_s']} s"
        )
        if len(set(fingerprints)) > 1:
            print(f"WARNING: the code changed during the run: fingerprints {fingerprints}")
    finally:
        if bare is not None:
            stop_server(bare)
        if args.json:
            args.json.write_text(json.dumps(report, indent=2, default=str))
            print(f"raw figures: {args.json}")
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def subcommand(argv: list[str]) -> int:
    """`build` / `grow`: run by main() in a subprocess, with the measured tree's code."""
    parser = argparse.ArgumentParser(prog="pages.py build|grow")
    parser.add_argument("command", choices=["build", "grow"])
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--posts", type=int, default=0)
    parser.add_argument("--no-analyze", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "build":
        build(args.db_url, args.manifest)
    else:
        grow(args.db_url, args.manifest, args.posts, analyze=not args.no_analyze)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("build", "grow"):
        sys.exit(subcommand(sys.argv[1:]))
    sys.exit(main())
