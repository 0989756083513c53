"""nic's live chat fan-out against the bare Flask-SocketIO ceiling, same machine, same run.

For each client count N (default 50, 200, 500) and each repeat it runs the
same measurement back to back against each server (:func:`fanout.run_fanout`:
5 senders x 0.8 msg/s, 2 client processes, as ``bare_fanout.py``, for 60 s:
240 messages a run, so p99 is not just the slowest one or two):

- **bare**: ``bare_server.py`` (join a room, broadcast; no database, no auth);
- **nic**: ``python wsgi.py`` (gevent) on a fresh copy of a prepared SQLite
  database: N members, each with their own API token (so the per-user send
  limit of 10 per 10 s applies to each sender separately), one facilitator,
  one private group holding them all, one live session;
- **bare-gc** (``--sides``): the bare server with nic's garbage-collector
  tuning (``nic.runtime.tune_gc``), the ceiling under the same process tuning.

Before each measurement one extra client sends 3 messages (both servers), so
the figures are steady state, not the first message's one-off warm-up. The
order of the servers alternates between repeats so a drift of the machine's
load favours none. It prints every run, then a Markdown table of the medians
over repeats with the ratio app/bare for p50 and p99, then the targets.

    python tests/bench/live_fanout.py                         # N = 50,200,500, 3 repeats
    python tests/bench/live_fanout.py --clients 500 --repeat 5 --json
    python tests/bench/live_fanout.py --sides bare,bare-gc,nic
    python tests/bench/live_fanout.py --sides nic --clients 200 --repeat 1 --duration 5

Not collected by pytest. Loopback only; bounded in time; every server is
stopped in a ``finally``; the temporary directory is removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import socketio

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from fanout import (  # noqa: E402  (after the sys.path line above)
    free_port,
    markdown_header,
    markdown_row,
    run_fanout,
    start_server,
    stop_server,
)

NAMESPACE = "/live"
SECRET = "live-fanout-bench-secret"
# Keys of run_fanout's result summarised as medians over repeats.
MEDIAN_KEYS = (
    "deliveries_per_s",
    "p50_ms",
    "p90_ms",
    "p99_ms",
    "max_ms",
    "kb_per_connection",
    "server_cpu_pct",
)


# --------------------------------------------------------------------------- nic database


def _server_env(db_path: Path) -> dict[str, str]:
    env = {
        "NIC_DATABASE_URL": f"sqlite:///{db_path}",
        "NIC_SECRET_KEY": SECRET,
        "NIC_RATELIMIT_STORAGE_URI": "memory://",
        "NIC_ASYNC_MODE": "gevent",
        "NIC_HOST": "127.0.0.1",
    }
    return env


def prepare_database(db_path: Path, members: int) -> tuple[int, list[str]]:
    """A migrated SQLite file with `members` members in one live session.

    Returns the session id and the members' API tokens, plus, last, the
    facilitator's (the warm-up sender).

    Users are inserted through the model with one precomputed password hash
    (hashing 500 passwords with scrypt would take minutes and is not what is
    measured); the group, the session and the tokens go through the services.
    """
    sys.path.insert(0, str(ROOT))
    from tests.servers import migrate, server_env

    settings = _server_env(db_path)
    env = server_env(settings.pop("NIC_DATABASE_URL"), **settings)
    migrate(env)
    os.environ["NIC_SECRET_KEY"] = SECRET
    os.environ.pop("NIC_MESSAGE_QUEUE", None)
    from werkzeug.security import generate_password_hash

    from nic import create_app
    from nic.extensions import db
    from nic.models import Membership, User
    from nic.services import groups, org, tokens
    from nic.services.live import access as live_access
    from nic.services.live import sessions as live_sessions

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": env["NIC_DATABASE_URL"], "NIC_ASYNC_MODE": "threading"}
    )
    with app.app_context():
        password_hash = generate_password_hash("bench password 123", method="scrypt")
        district = org.create_district(None, "Bench District")
        school = org.create_school(None, "Bench Elementary", district.id)

        def user(i: int, name: str, job_role: str) -> User:
            return User(
                email=f"bench{i}@example.org",
                username=f"bench.{i}",
                name=name,
                password_hash=password_hash,
                job_role=job_role,
                school_id=school.id,
            )

        facilitator = user(0, "Fran Facilitator", "facilitator")
        people = [user(i, f"Member {i}", "principal") for i in range(1, members + 1)]
        db.session.add_all([facilitator, *people])
        db.session.commit()
        group = groups.create_group(
            None, groups.GroupFields("Bench group", "Fan-out benchmark.", [], "private")
        )
        db.session.add(Membership(group_id=group.id, user_id=facilitator.id, role="facilitator"))
        db.session.add_all(
            Membership(group_id=group.id, user_id=p.id, role="member") for p in people
        )
        db.session.commit()
        starts = datetime.now(UTC)
        session = live_sessions.schedule_session(
            facilitator,
            group.id,
            live_sessions.SessionFields("Fan-out", "", starts, starts + timedelta(hours=6)),
        )
        live_sessions.start_session(
            live_access.get_session_for(facilitator, session.id, write=True)
        )
        secrets = [tokens.create_token(p, "bench").secret for p in people]
        # The warm-up sender: not one of the N clients, so no client's rate limit is touched.
        secrets.append(tokens.create_token(facilitator, "bench warm-up").secret)
        session_id = session.id
        db.session.remove()
        db.engine.dispose()  # closes the last connection: the WAL is checkpointed
    return session_id, secrets


# --------------------------------------------------------------------------- one run


async def _warm_up_sends(url: str, session_id: int, auth: Any, count: int = 3) -> None:
    """Send a few messages through a client of its own before the measurement.

    The first `send` a fresh nic server handles imports the Markdown
    extensions and compiles its statements (tens of ms, once per process);
    with 240 messages per run two slow ones are above p99, so without this
    the figure would measure the cold start. The bare server gets the same.
    """
    client = socketio.AsyncClient(reconnection=False, handle_sigint=False)
    try:
        await client.connect(url, auth=auth, transports=["websocket"], namespaces=[NAMESPACE])
        ack = await client.call("join", {"session_id": session_id}, namespace=NAMESPACE, timeout=15)
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"warm-up join failed: {ack}")
        for i in range(count):
            payload = {"session_id": session_id, "body": f"warm-up {i}", "client_msg_id": f"w{i}"}
            ack = await client.call("send", payload, namespace=NAMESPACE, timeout=15)
            if not (isinstance(ack, dict) and ack.get("ok")):
                raise RuntimeError(f"warm-up send failed: {ack}")
    finally:
        await client.disconnect()
    await asyncio.sleep(0.5)


def _run(
    url: str,
    session_id: int,
    auths: list[Any],
    pid: int,
    args: argparse.Namespace,
    warm_auth: Any = None,
) -> dict:
    asyncio.run(asyncio.wait_for(_warm_up_sends(url, session_id, warm_auth), timeout=60))
    return asyncio.run(
        asyncio.wait_for(
            run_fanout(
                url,
                session_id,
                auths,
                args.senders,
                args.rate,
                args.duration,
                pid,
                client_procs=args.client_procs,
                settle_s=args.settle,
            ),
            timeout=args.duration + 600,
        )
    )


def run_bare(n: int, args: argparse.Namespace, work: Path, tune_gc: bool = False) -> dict[str, Any]:
    """A fresh bare Flask-SocketIO server (same async mode), n clients, stopped afterwards.

    `tune_gc`: the bare server gets nic's own garbage-collector tuning
    (nic.runtime.tune_gc), so the ceiling is measured both as the framework
    ships and with the same process tuning nic's server uses.
    """
    port = free_port()
    log = work / f"bare-{port}.log"
    proc = start_server(
        [sys.executable, str(HERE / "bare_server.py"), str(port)],
        port,
        env={"BARE_ASYNC_MODE": "gevent", "BARE_TUNE_GC": "1" if tune_gc else ""},
        log_path=log,
    )
    try:
        return _run(f"http://127.0.0.1:{port}", 1, [None] * n, proc.pid, args)
    finally:
        stop_server(proc)


def run_nic(
    n: int,
    args: argparse.Namespace,
    work: Path,
    template: Path,
    session_id: int,
    secrets: list,
) -> dict[str, Any]:
    """`python wsgi.py` (gevent) on a fresh copy of the template database, n clients."""
    db_path = work / f"nic-{n}-{free_port()}.sqlite3"
    shutil.copyfile(template, db_path)
    port = free_port()
    log = work / f"nic-{port}.log"
    env = {**_server_env(db_path), "NIC_PORT": str(port)}
    saved_queue = os.environ.pop("NIC_MESSAGE_QUEUE", None)
    try:
        proc = start_server([sys.executable, "wsgi.py"], port, env=env, cwd=ROOT, log_path=log)
    finally:
        if saved_queue is not None:
            os.environ["NIC_MESSAGE_QUEUE"] = saved_queue
    try:
        auths = [{"token": t} for t in secrets[:n]]
        warm = {"token": secrets[-1]}
        result = _run(f"http://127.0.0.1:{port}", session_id, auths, proc.pid, args, warm)
    finally:
        stop_server(proc)
    text = log.read_text(errors="replace")
    if "Traceback" in text:
        print(f"nic server log has a traceback:\n{text[-4000:]}", file=sys.stderr)
        result["server_traceback"] = True
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return result


# --------------------------------------------------------------------------- summary


def _median(results: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in results if r.get(key) is not None]
    return round(statistics.median(values), 2) if values else None


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of the latency/throughput figures; sums of the correctness counters."""
    out: dict[str, Any] = {k: _median(results, k) for k in MEDIAN_KEYS}
    for key in ("messages_sent", "messages_acked", "send_errors", "lost", "duplicated"):
        out[key] = sum(r[key] for r in results)
    out["clients"] = min(r["clients"] for r in results)
    out["runs"] = len(results)
    out["p99_runs"] = [r["p99_ms"] for r in results]
    out["p50_runs"] = [r["p50_ms"] for r in results]
    return out


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if not a or not b else f"{a / b:.2f}"


def comparison_table(by_n: dict[int, dict[str, list[dict[str, Any]]]]) -> str:
    head = (
        "| N | server | runs | sent | acked | lost | dup | deliv/s | p50 ms | p90 ms | p99 ms "
        "| p99 per run | KB/conn | server CPU % | p50 nic/bare | p99 nic/bare |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for n, sides in by_n.items():
        sums = {side: summarise(rs) for side, rs in sides.items() if rs}
        for side, s in sums.items():
            bare = sums.get("bare")
            r50 = _ratio(s["p50_ms"], bare["p50_ms"]) if side != "bare" and bare else ""
            r99 = _ratio(s["p99_ms"], bare["p99_ms"]) if side != "bare" and bare else ""
            cells = [
                n,
                side,
                s["runs"],
                s["messages_sent"],
                s["messages_acked"],
                s["lost"],
                s["duplicated"],
                s["deliveries_per_s"],
                s["p50_ms"],
                s["p90_ms"],
                s["p99_ms"],
                " / ".join(str(v) for v in s["p99_runs"]),
                s["kb_per_connection"],
                s["server_cpu_pct"],
                r50,
                r99,
            ]
            lines.append("| " + " | ".join("-" if c is None else str(c) for c in cells) + " |")
    return "\n".join(lines)


def targets(by_n: dict[int, dict[str, list[dict[str, Any]]]]) -> list[str]:
    """The issue's targets, checked on the medians: nic within 1.25x of bare p99, etc."""
    verdicts = []
    for n, sides in by_n.items():
        for side, results in sides.items():
            if side == "bare" or not results:
                continue
            app = summarise(results)
            clean = app["lost"] == 0 and app["duplicated"] == 0 and app["send_errors"] == 0
            verdicts.append(f"{side} N={n}: lost/dup/send errors 0: {_verdict(clean)}")
            if sides.get("bare"):
                bare = summarise(sides["bare"])
                ok = app["p99_ms"] <= 1.25 * bare["p99_ms"]
                verdicts.append(
                    f"{side} N={n}: p99 {app['p99_ms']} <= 1.25 x bare {bare['p99_ms']}: "
                    f"{_verdict(ok)}"
                )
            if n >= 500:
                ok = app["p99_ms"] < 100
                verdicts.append(f"{side} N={n}: p99 {app['p99_ms']} < 100 ms: {_verdict(ok)}")
    return verdicts


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="50,200,500", help="comma-separated client counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration")
    parser.add_argument("--duration", type=float, default=60.0, help="send window per run, s")
    parser.add_argument("--senders", type=int, default=5)
    parser.add_argument("--rate", type=float, default=0.8, help="messages/s per sender")
    parser.add_argument("--settle", type=float, default=3.0, help="wait after the last send, s")
    parser.add_argument("--client-procs", type=int, default=2, help="client processes (2 = cores)")
    parser.add_argument(
        "--sides",
        default="bare,nic",
        help="comma-separated: bare, bare-gc (bare with nic's GC tuning), nic",
    )
    parser.add_argument("--json", action="store_true", help="also print each result as JSON")
    args = parser.parse_args(argv)
    counts = [int(x) for x in args.clients.split(",") if x.strip()]
    sides = tuple(x.strip() for x in args.sides.split(",") if x.strip())
    if not sides or set(sides) - {"bare", "bare-gc", "nic"}:
        parser.error("--sides takes bare, bare-gc and/or nic")

    by_n: dict[int, dict[str, list[dict[str, Any]]]] = {n: {s: [] for s in sides} for n in counts}
    rows: list[str] = []
    work = Path(tempfile.mkdtemp(prefix="nic-live-fanout-"))
    try:
        template = work / "template.sqlite3"
        session_id, secrets = 0, []
        if any(side.startswith("nic") for side in sides):
            print(f"preparing a database with {max(counts)} members ...", file=sys.stderr)
            session_id, secrets = prepare_database(template, max(counts))
        for rep in range(args.repeat):
            for n in counts:
                # Alternate the order so a drift in the machine's load favours no side.
                order = sides if rep % 2 == 0 else tuple(reversed(sides))
                for side in order:
                    if side.startswith("bare"):
                        result = run_bare(n, args, work, tune_gc=side == "bare-gc")
                    else:
                        result = run_nic(n, args, work, template, session_id, secrets)
                    by_n[n][side].append(result)
                    label = f"{side} #{rep + 1}"
                    rows.append(markdown_row(result, label=label))
                    print(
                        f"N={n} {label}: p50 {result['p50_ms']} p99 {result['p99_ms']} "
                        f"acked {result['messages_acked']}/{result['messages_sent']} "
                        f"lost {result['lost']} dup {result['duplicated']} "
                        f"errors {result['send_error_codes']} joined {result['clients']} "
                        f"transports {result['transports']}",
                        file=sys.stderr,
                        flush=True,
                    )
                    if args.json:
                        print(json.dumps({"side": side, "rep": rep + 1, **result}), file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("## Every run\n")
    print(markdown_header("server #run"))
    print("\n".join(rows))
    print(f"\n## Medians over {args.repeat} run(s)\n")
    print(comparison_table(by_n))
    print("\n## Targets (medians)\n")
    print("\n".join(f"- {v}" for v in targets(by_n)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
