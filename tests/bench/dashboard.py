"""Dashboard benchmark: the facilitator's dashboard service and GET /dashboard at 25 schools
x 20 measures x 3 years of weekly points (78,000 points), and one measure's page of small
multiples (its network chart and 25 schools' charts: service and GET /measures/<id>).

One command builds a SQLite database of its own in a temporary directory, migrated by
`flask db upgrade`, then bulk-inserts: 25 schools of 6 people each (principal, assistant
principal, coach, three teacher leaders), a facilitator (not an admin), 10 groups (2
private, the facilitator in neither), 3,000 threads and ~12,000 posts over two years
(replies to the thread or to a post, a tenth of threads unanswered), 60 live sessions
with their participants over 90 days, 400 PDSA cycles (a third from a practice), 40
practices and 300 tries (a fifth with nothing observed), and 20 weekly measures with 156
points per school (some schools stopped weeks ago, some with a shift at the end).

It times, as the facilitator, `nic.services.dashboard.dashboard(user, 30)` in-process
against a `SELECT 1` round trip (the bare baseline), and `GET /dashboard` served by
`python wsgi.py` (gevent) on one kept-alive connection against the bare Flask route of
bare_http.py, in interleaved rounds; p50 and p95 and their ratios. Each service call's
statements are timed too (engine events), and the run-chart part of the call on its own.

    python tests/bench/dashboard.py                   # ~2 min
    python tests/bench/dashboard.py --weeks 52 --rounds 2 --skip-http

Not collected by pytest. Loopback only; servers are stopped in a `finally`, the
temporary directory removed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

from pages import sequential, sign_in  # noqa: E402
from post_latency import bench_env, migrate, scratch_database, tree_description  # noqa: E402
from search import Statements, servers, stats  # noqa: E402

SCHOOLS, PER_SCHOOL, MEASURES, GROUPS, PRIVATE = 25, 6, 20, 10, 2
THREADS, SESSIONS, CYCLES, PRACTICES, TRIES = 3_000, 60, 400, 40, 300
FACILITATOR = "fern@example.org"
ROLES = ["principal", "assistant_principal", "instructional_coach", "teacher_leader",
         "teacher_leader", "teacher_leader"]  # fmt: skip


def build(weeks: int) -> dict[str, Any]:
    """Fill the migrated database; returns what the measuring needs."""
    import sqlalchemy as sa

    from nic.extensions import db
    from nic.models import (
        Cycle,
        LiveSession,
        Measure,
        MeasurePoint,
        Membership,
        Participant,
        Post,
        Practice,
        PracticeTry,
        Thread,
        User,
    )  # fmt: skip
    from nic.services import accounts, chart_summaries, measures
    from tests.factories import (
        PASSWORD,
        make_change_idea,
        make_group,
        make_practice,
        make_school,
        make_user,
    )  # fmt: skip

    hashed = accounts.hash_password(PASSWORD)  # scrypt once, not for each of 150 people
    accounts.hash_password = lambda password: hashed
    rng = random.Random(27)
    began = time.monotonic()
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.date()
    fern = make_user("Fern Facilitator", email=FACILITATOR, job_role="facilitator")
    schools = [make_school(f"School {n + 1:02}") for n in range(SCHOOLS)]
    people = [[make_user(f"Person {s.id}-{i}", job_role=ROLES[i], school=s)
               for i in range(PER_SCHOOL)] for s in schools]  # fmt: skip
    everyone = [p for school in people for p in school]
    groups = [make_group(f"Peer group {n + 1}", visibility="private" if n < PRIVATE else "network",
                         facilitator=None if n < PRIVATE else fern)
              for n in range(GROUPS)]  # fmt: skip
    idea = make_change_idea(fern)
    practices = [make_practice(rng.choice(everyone), f"Practice {n}") for n in range(PRACTICES)]
    measure_ids = [
        measures.define_measure(fern, None, measures.MeasureFields(
            f"Measure {n + 1:02}", "process", "count", "weekly", "up" if n % 2 else "down")).id
        for n in range(MEASURES)
    ]  # fmt: skip
    db.session.commit()
    memberships, members = [], {g.id: [] for g in groups}
    for person in everyone:
        for group in rng.sample(groups, 3):
            memberships.append({"group_id": group.id, "user_id": person.id, "role": "member"})
            members[group.id].append(person.id)
    thread_rows, post_rows = [], []
    thread_id = db.session.scalar(sa.select(sa.func.max(Thread.id))) or 0
    post_id = db.session.scalar(sa.select(sa.func.max(Post.id))) or 0
    for _ in range(THREADS):
        thread_id += 1
        group = rng.choice(groups)
        authors = members[group.id]
        opened = now - timedelta(days=730) * rng.random() ** 2
        size = 1 if rng.random() < 0.1 else rng.randint(2, 7)
        ids = []
        for j in range(size):
            post_id += 1
            at = min(opened + timedelta(hours=5 * j), now)
            parent = rng.choice(ids) if j > 1 and rng.random() < 0.5 else None
            post_rows.append({"id": post_id, "thread_id": thread_id, "parent_id": parent,
                              "author_id": rng.choice(authors), "body": "We tried it.",
                              "body_html": "<p>We tried it.</p>", "created_at": at})  # fmt: skip
            ids.append(post_id)
        thread_rows.append({"id": thread_id, "group_id": group.id, "title": f"Thread {thread_id}",
                            "author_id": post_rows[-size]["author_id"],
                            "created_at": opened, "last_activity_at": post_rows[-1]["created_at"],
                            "reply_count": size - 1, "last_post_id": post_id,
                            "post_count": size})  # fmt: skip
    session_rows, participant_rows = [], []
    for n in range(SESSIONS):
        group = rng.choice(groups)
        starts = now - timedelta(days=90) * rng.random()
        session_rows.append({"id": n + 1, "group_id": group.id, "created_by_id": fern.id,
                             "title": f"Session {n}", "starts_at": starts, "status": "ended",
                             "ends_at": starts + timedelta(hours=1)})  # fmt: skip
        for user_id in rng.sample(members[group.id], min(10, len(members[group.id]))):
            participant_rows.append({"session_id": n + 1, "user_id": user_id})
    cycle_rows = []
    for n in range(CYCLES):
        school = rng.randrange(SCHOOLS)
        made = now - timedelta(days=365) * rng.random()
        end = (made + timedelta(days=30)).date()
        cycle_rows.append({
            "change_idea_id": idea.id, "school_id": schools[school].id,
            "created_by_id": people[school][0].id, "title": f"Cycle {n}",
            "practice_id": practices[n % PRACTICES].id if n % 3 == 0 else None,
            "planned_start": made.date(), "planned_end": end,
            "decision": "adopt" if n % 4 == 0 else None, "results": "Up 10%" if n % 2 else "",
            "created_at": made, "updated_at": made + timedelta(days=10),
            "group_id": groups[0].id if n % 10 == 0 else None,
        })  # fmt: skip
    pairs = rng.sample([(p.id, s.id) for p in practices for s in schools], TRIES)
    try_rows = [{"practice_id": p, "school_id": s, "user_id": people[0][0].id,
                 "tried_on": today - timedelta(days=rng.randrange(300)), "outcome": "adapted",
                 "observations": "" if n % 5 == 0 else "More students explained.",
                 "created_at": now - timedelta(days=rng.randrange(300))}
                for n, (p, s) in enumerate(pairs)]  # fmt: skip
    monday = today - timedelta(days=today.weekday() + 7)
    point_rows = []
    for m, measure_id in enumerate(measure_ids):
        for s, school in enumerate(schools):
            stopped = 6 if (m + s) % 9 == 0 else 0  # some schools stopped weeks ago
            shift = 2.0 if (m + s) % 5 == 0 else 0.0
            for w in range(weeks - stopped):
                period = monday - timedelta(weeks=weeks - 1 - w)
                value = 10 + rng.gauss(0, 1.5) + (shift if w > weeks - 10 else 0)
                point_rows.append({"measure_id": measure_id, "school_id": school.id,
                                   "period": period, "value": round(value, 1)})  # fmt: skip
    generated = time.monotonic() - began
    db.session.commit()
    engine = db.engine
    with engine.begin() as conn:
        conn.execute(sa.insert(Membership.__table__), memberships)
        conn.execute(sa.insert(Thread.__table__), thread_rows)
        conn.execute(sa.insert(Post.__table__), post_rows)
        conn.execute(sa.insert(LiveSession.__table__), session_rows)
        conn.execute(sa.insert(Participant.__table__), participant_rows)
        conn.execute(sa.insert(Cycle.__table__), cycle_rows)
        conn.execute(sa.insert(PracticeTry.__table__), try_rows)
        for start in range(0, len(point_rows), 20_000):
            conn.execute(sa.insert(MeasurePoint.__table__), point_rows[start : start + 20_000])
    summarised = time.monotonic()
    for measure in db.session.scalars(sa.select(Measure)):  # as the writes would have
        chart_summaries.summarise(measure)
    db.session.commit()
    summarised = time.monotonic() - summarised
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    info = {
        "facilitator_id": fern.id, "schools": SCHOOLS, "people": len(everyone) + 1,
        "groups": GROUPS, "private_groups": PRIVATE, "threads": len(thread_rows),
        "posts": len(post_rows), "sessions": SESSIONS, "participants": len(participant_rows),
        "cycles": CYCLES, "practices": PRACTICES, "tries": TRIES, "measures": MEASURES,
        "points": len(point_rows), "generate_s": round(generated, 1),
        "build_s": round(time.monotonic() - began, 1),
        "summarise_every_chart_s": round(summarised, 2),
        "practices_check": db.session.scalar(sa.select(sa.func.count()).select_from(Practice)),
        "users_check": db.session.scalar(sa.select(sa.func.count()).select_from(User)),
    }  # fmt: skip
    db.session.remove()
    return info


def measure_service(info: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    import sqlalchemy as sa
    from flask import current_app

    from nic.extensions import db
    from nic.models import Measure, MeasureChart, MeasurePoint, User
    from nic.services import dashboard, dashboard_measures, measure_reading, measures, org

    statements = Statements(db.engine)
    cold = []
    for _ in range(args.cold):  # every chart evaluated: the first read after the migration
        db.session.execute(sa.update(MeasureChart).values(signals=None))
        db.session.commit()
        db.session.remove()
        user = db.session.get(User, info["facilitator_id"])
        began = time.perf_counter()
        dashboard.dashboard(user, 30)
        cold.append((time.perf_counter() - began) * 1000)
    measure_id = db.session.scalar(sa.select(sa.func.min(Measure.id)))
    info["measure_id"] = measure_id
    samples: dict[str, list[float]] = {"SELECT 1": [], "dashboard": [], "measure health": [],
                                       "small multiples": [], "small multiples, one changed": [],
                                       "small multiples, none kept": []}  # fmt: skip
    changed = db.session.scalar(sa.select(sa.func.min(MeasurePoint.id)).where(
        MeasurePoint.measure_id == measure_id))  # fmt: skip
    queries, spent_sql, figures = 0, [], {}
    for round_ in range(args.warmup_rounds + args.rounds):
        recorded = round_ >= args.warmup_rounds
        for name in samples:
            for _ in range(args.samples if recorded else 2):
                db.session.remove()
                user = db.session.get(User, info["facilitator_id"])
                if name == "small multiples, one changed":  # one school corrects a point
                    db.session.execute(sa.update(MeasurePoint).where(MeasurePoint.id == changed)
                                       .values(value=MeasurePoint.value + 1))  # fmt: skip
                    db.session.commit()
                elif name == "small multiples, none kept":  # a new process
                    current_app.extensions.pop("nic_drawn_charts", None)
                statements.calls.clear()
                began = time.perf_counter()
                if name == "SELECT 1":
                    db.session.execute(sa.text("SELECT 1")).scalar()
                elif name == "dashboard":
                    board = dashboard.dashboard(user, 30)
                elif name.startswith("small multiples"):  # one measure's page: every chart
                    access = measures.get_measure_for(user, measure_id)
                    measure_reading.network_and_schools(user, access)
                else:
                    win = dashboard.window(30)
                    dashboard_measures.measure_health(user, win.first_day, win.today,
                                                   org.list_schools())  # fmt: skip
                took = (time.perf_counter() - began) * 1000
                if recorded:
                    samples[name].append(took)
                    if name == "dashboard":
                        queries = len(statements.calls)
                        spent_sql.append(sum(ms for _s, _p, ms in statements.calls))
        db.session.remove()
    figures = {"stale": len(board.measures.stale), "signals": len(board.measures.signals),
               "to_look_at": len(board.measures.to_look_at),
               "unanswered": board.unanswered.total, "untold": board.untold.total,
               "network_posts": board.network.posts}  # fmt: skip
    samples["cold"] = cold
    return {"samples": samples, "queries": queries, "sql_ms": spent_sql, "figures": figures}


def measure_http(
    env: dict[str, str], work: Path, args: argparse.Namespace, measure_id: int
) -> dict[str, Any]:
    from tests.factories import PASSWORD

    samples: dict[str, list[float]] = {"bare": [], "page": [], "measure page": []}
    paths = {"bare": "/", "page": "/dashboard", "measure page": f"/measures/{measure_id}"}
    with servers(env, work) as (nic_port, bare_port):
        cookie = sign_in(nic_port, FACILITATOR, PASSWORD)
        for round_ in range(args.warmup_rounds + args.rounds):
            recorded = round_ >= args.warmup_rounds
            for name in samples:
                port, path = (bare_port if name == "bare" else nic_port), paths[name]
                result = sequential(port, path, "" if name == "bare" else cookie,
                                    args.samples if recorded else 2, args.budget)  # fmt: skip
                if recorded:
                    samples[name] += result["samples_ms"]
    return {"samples": samples}


def report(result: dict[str, Any]) -> str:
    service, page = result["service"]["samples"], result["http"]["samples"]
    base, bare = stats(service["SELECT 1"]), stats(page["bare"])
    whole, charts, shown = (
        stats(service["dashboard"]),
        stats(service["measure health"]),
        stats(page["page"]),
    )
    sql, cold = stats(result["service"]["sql_ms"]), stats(service["cold"])
    small, small_page = stats(service["small multiples"]), stats(page["measure page"])
    changed, none = (stats(service["small multiples, one changed"]),
                     stats(service["small multiples, none kept"]))  # fmt: skip
    return "\n".join([
        "| what | p50 / p95 ms (n) | ÷ baseline (p50) |",
        "|---|---|---|",
        f"| `SELECT 1` (service baseline) | {base['p50']} / {base['p95']} ({base['n']}) | 1 |",
        f"| dashboard service, 30 days | {whole['p50']} / **{whole['p95']}** ({whole['n']}) "
        f"| {whole['p50'] / base['p50']:.0f} |",
        f"| of which SQL (statements' own time) | {sql['p50']} / {sql['p95']} | |",
        f"| dashboard service, cold (every chart evaluated and stored) | {cold['p50']} / "
        f"{cold['p95']} ({cold['n']}) | {cold['p50'] / base['p50']:.0f} |",
        f"| measure health alone (stale + signals) | {charts['p50']} / {charts['p95']} "
        f"({charts['n']}) | |",
        f"| bare Flask route (page baseline) | {bare['p50']} / {bare['p95']} ({bare['n']}) | 1 |",
        f"| GET /dashboard | {shown['p50']} / **{shown['p95']}** ({shown['n']}) "
        f"| {shown['p50'] / bare['p50']:.0f} |",
        f"| one measure's charts, 25 schools x 156 weeks (service) | {small['p50']} / "
        f"**{small['p95']}** ({small['n']}) | {small['p50'] / base['p50']:.0f} |",
        f"| the same, one school's point changed since | {changed['p50']} / "
        f"{changed['p95']} ({changed['n']}) | {changed['p50'] / base['p50']:.0f} |",
        f"| the same, none kept (a new process) | {none['p50']} / {none['p95']} ({none['n']}) "
        f"| {none['p50'] / base['p50']:.0f} |",
        f"| GET /measures/<id> (small multiples page) | {small_page['p50']} / "
        f"**{small_page['p95']}** ({small_page['n']}) | {small_page['p50'] / bare['p50']:.0f} |",
        "",
        f"Full garbage collections while the service was timed: "
        f"{result['service']['gc_pauses_ms']} ms.",
        "",
        f"{result['service']['queries']} statements per call; page / service (p50) "
        f"{shown['p50'] / whole['p50']:.2f}; figures: {json.dumps(result['service']['figures'])}",
    ])  # fmt: skip


@contextmanager
def collections_timed() -> Iterator[list[float]]:
    """The pauses of Python's full (generation 2) garbage collections meanwhile, in ms."""
    pauses: list[float] = []
    started: list[float] = []

    def timed(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            pauses.append(round((time.perf_counter() - started[0]) * 1000, 1))

    gc.callbacks.append(timed)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(timed)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weeks", type=int, default=156, help="weekly points per chart (156)")
    parser.add_argument("--rounds", type=int, default=3, help="recorded rounds (default 3)")
    parser.add_argument("--samples", type=int, default=10, help="calls per case and round")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds per page round")
    parser.add_argument("--warmup-rounds", type=int, default=1, help="unrecorded rounds first")
    parser.add_argument("--cold", type=int, default=3, help="calls, every chart to evaluate (3)")
    parser.add_argument("--skip-http", action="store_true", help="the service only")
    parser.add_argument("--json", type=Path, help="write every sample here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="nic-dashboard-"))
    tree = tree_description()
    load_before = os.getloadavg()
    print(f"measuring {tree}; work directory {work}", flush=True)
    try:
        with scratch_database(None, work) as db_url:
            env = bench_env(db_url, work)
            migrate(env)
            os.environ.update(env)
            os.environ.pop("NIC_MESSAGE_QUEUE", None)
            from nic import create_app

            app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "NIC_ASYNC_MODE": "threading"})
            with app.app_context():
                from nic.extensions import db

                info = build(args.weeks)
                print(f"build: {json.dumps(info)}", flush=True)
                with collections_timed() as pauses:
                    service = measure_service(info, args)
                service["gc_pauses_ms"] = pauses
                db.session.remove()
                db.engine.dispose()
            print("service measured", flush=True)
            http = {"samples": {name: [float("nan")] for name in ("bare", "page", "measure page")}}
            if not args.skip_http:
                http = measure_http(env, work, args, info["measure_id"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "tree": tree, "build": info, "service": service, "http": http,
        "load_average": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "started": datetime.now(UTC).isoformat(), "total_s": round(time.monotonic() - began, 1),
        "today": date.today().isoformat(),
    }  # fmt: skip
    print(f"\n## Dashboard: {tree}, {info['schools']} schools x {info['measures']} measures, "
          f"{info['points']:,} points, {info['posts']:,} posts; {args.rounds} rounds x "
          f"{args.samples} (+{args.warmup_rounds} warm-up)\n")  # fmt: skip
    print(report(result))
    print(f"\nbuild {info['build_s']} s, total {result['total_s']} s; load average "
          f"{result['load_average'][0]} before, {result['load_average_after'][0]} after "
          f"({os.cpu_count()} cores)")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
