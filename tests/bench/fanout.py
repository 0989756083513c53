"""Real-time chat fan-out benchmark for nic's live protocol (Socket.IO namespace ``/live``).

N clients connect (WebSocket transport only) and ``join`` one session room; a few of
them (the *senders*, spread evenly among the clients) ``send`` messages at a steady
rate for a fixed time. Every client, senders included, is a receiver: the server
broadcasts each message to the whole room, so each acked message is expected once
at each of the N joined clients.

Figures (see README.md): delivery latency p50/p99/max (receive wall clock minus the
send wall clock taken just before the emit; same machine, same clock), deliveries
per second, lost and duplicated deliveries, server CPU and the server's resident
memory per connection (VmRSS from /proc before connecting and after all N joined).

Library use::

    from fanout import run_fanout, start_server, free_port
    result = asyncio.run(run_fanout(url, session_id, auths, senders=5,
                                    rate_per_sender=0.8, duration_s=20,
                                    server_pid=proc.pid))

CLI (against an already running server)::

    python tests/bench/fanout.py --url http://127.0.0.1:5000 --session-id 1 \\
        --clients 200 --tokens-file tokens.txt --server-pid 12345

Receivers can be spread over several client processes (``client_procs``) so that
the client side is not the bottleneck; each process runs its own asyncio loop.
Everything is bounded in time and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import multiprocessing as mp
import os
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import socketio

NAMESPACE = "/live"

Auth = dict[str, Any] | None


# --------------------------------------------------------------------------- server helpers


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(
    port: int,
    host: str = "127.0.0.1",
    timeout_s: float = 30.0,
    proc: subprocess.Popen[bytes] | None = None,
) -> None:
    """Block until ``host:port`` accepts TCP connections (or raise ``TimeoutError``)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {host}:{port} after {timeout_s:.0f} s")


def start_server(
    cmd: Sequence[str],
    port: int,
    *,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
    log_path: str | Path | None = None,
    timeout_s: float = 30.0,
) -> subprocess.Popen[bytes]:
    """Start a server subprocess and wait until it listens on ``127.0.0.1:port``.

    ``env`` is merged over ``os.environ``. Output goes to ``log_path`` (or is dropped).
    Stop it with :func:`stop_server`; its pid is what :func:`run_fanout` wants.
    """
    full_env = {**os.environ, **(env or {})}
    out: Any = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(list(cmd), env=full_env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    if log_path:
        out.close()  # the child holds its own descriptor
    try:
        wait_for_port(port, timeout_s=timeout_s, proc=proc)
    except Exception:
        stop_server(proc)
        raise
    return proc


def stop_server(proc: subprocess.Popen[bytes], timeout_s: float = 10.0) -> None:
    """Terminate a server started by :func:`start_server` (SIGTERM, then SIGKILL)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout_s)


def read_rss_mb(pid: int) -> float:
    """Resident set size (VmRSS) of ``pid`` in MiB, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"no VmRSS for pid {pid}")


def read_cpu_s(pid: int) -> float:
    """User + system CPU seconds used so far by ``pid`` (from /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- one client part


@dataclass
class PartPlan:
    """What one client process (or the in-process part) does."""

    url: str
    session_id: int
    auths: list[Auth]
    indices: list[int]  # global client indices, parallel to ``auths``
    sender_ranks: dict[int, int]  # global client index -> sender rank (0..senders-1)
    senders: int
    rate_per_sender: float
    duration_s: float
    settle_s: float
    connect_batch: int
    connect_timeout_s: float
    ack_timeout_s: float
    body_size: int


@dataclass
class PartResult:
    """Raw observations of one part, merged by :func:`run_fanout`."""

    joined: int = 0
    connect_errors: int = 0
    join_errors: int = 0
    transports: Counter[str] = field(default_factory=Counter)
    # client_msg_id -> (send wall ns, ok, error code or None)
    sends: dict[str, tuple[int, bool, str | None]] = field(default_factory=dict)
    # per joined client: client_msg_id -> first receive wall ns
    received: list[dict[str, int]] = field(default_factory=list)
    duplicated: int = 0
    disconnects: int = 0
    cpu_s: float = 0.0
    last_recv_ns: int = 0


class _Receiver:
    """One Socket.IO client plus what it received."""

    def __init__(self, result: PartResult) -> None:
        self.client = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.received: dict[str, int] = {}
        self.seen_ids: set[int] = set()
        self.closing = False
        self._result = result
        self.client.on("message", self._on_message, namespace=NAMESPACE)
        self.client.on("disconnect", self._on_disconnect, namespace=NAMESPACE)

    def _on_message(self, msg: dict[str, Any]) -> None:
        now = time.time_ns()
        msg_id = msg.get("id")
        if msg_id in self.seen_ids:
            self._result.duplicated += 1
            return
        self.seen_ids.add(msg_id)  # type: ignore[arg-type]
        cmid = msg.get("client_msg_id")
        if isinstance(cmid, str) and cmid not in self.received:
            self.received[cmid] = now
            if now > self._result.last_recv_ns:
                self._result.last_recv_ns = now

    def _on_disconnect(self, *_: Any) -> None:
        if not self.closing:
            self._result.disconnects += 1


async def _connect_and_join(plan: PartPlan, auth: Auth, result: PartResult) -> _Receiver | None:
    rec = _Receiver(result)
    try:
        await rec.client.connect(
            plan.url,
            auth=auth,
            transports=["websocket"],
            namespaces=[NAMESPACE],
            wait_timeout=plan.connect_timeout_s,
        )
    except Exception:
        result.connect_errors += 1
        await _quiet_disconnect(rec)
        return None
    result.transports[rec.client.transport() or "?"] += 1
    try:
        ack = await rec.client.call(
            "join",
            {"session_id": plan.session_id},
            namespace=NAMESPACE,
            timeout=plan.connect_timeout_s,
        )
    except Exception:
        ack = None
    if not (isinstance(ack, dict) and ack.get("ok")):
        result.join_errors += 1
        await _quiet_disconnect(rec)
        return None
    return rec


async def _quiet_disconnect(rec: _Receiver) -> None:
    rec.closing = True
    with contextlib.suppress(Exception):
        await asyncio.wait_for(rec.client.disconnect(), timeout=5)


async def _sleep_until_ns(t_ns: int) -> None:
    delay = (t_ns - time.time_ns()) / 1e9
    if delay > 0:
        await asyncio.sleep(delay)


async def _send_one(
    plan: PartPlan, rec: _Receiver, rank: int, seq: int, result: PartResult
) -> None:
    cmid = str(uuid.uuid4())
    body = f"fanout s{rank} #{seq} "
    body += "x" * max(0, plan.body_size - len(body))
    payload = {"session_id": plan.session_id, "body": body, "client_msg_id": cmid}
    sent_ns = time.time_ns()
    result.sends[cmid] = (sent_ns, False, "pending")
    try:
        ack = await rec.client.call(
            "send", payload, namespace=NAMESPACE, timeout=plan.ack_timeout_s
        )
    except socketio.exceptions.TimeoutError:
        result.sends[cmid] = (sent_ns, False, "ack_timeout")
        return
    except Exception as exc:
        result.sends[cmid] = (sent_ns, False, type(exc).__name__)
        return
    if isinstance(ack, dict) and ack.get("ok"):
        result.sends[cmid] = (sent_ns, True, None)
    else:
        err = ack.get("error") if isinstance(ack, dict) else None
        code = err.get("code") if isinstance(err, dict) else None
        result.sends[cmid] = (sent_ns, False, str(code or "bad_ack"))


async def _sender_loop(
    plan: PartPlan, rec: _Receiver, rank: int, start_ns: int, result: PartResult
) -> None:
    interval_ns = int(1e9 / plan.rate_per_sender)
    end_ns = start_ns + int(plan.duration_s * 1e9)
    # Stagger the senders evenly inside one interval so sends do not arrive in bursts.
    t = start_ns + rank * interval_ns // max(1, plan.senders)
    tasks: list[asyncio.Task[None]] = []
    seq = 0
    while t < end_ns:
        await _sleep_until_ns(t)
        if rec.client.connected:
            tasks.append(asyncio.create_task(_send_one(plan, rec, rank, seq, result)))
        seq += 1
        t += interval_ns
    if tasks:
        await asyncio.wait(tasks, timeout=plan.ack_timeout_s + plan.settle_s)


async def run_part(
    plan: PartPlan,
    ready: Callable[[int], Awaitable[None]],
    wait_start: Callable[[], Awaitable[int]],
) -> PartResult:
    """Connect and join ``plan.auths``, signal ``ready``, then send/receive from the start time.

    ``wait_start`` returns the common start time (wall clock ns); the part stops by itself
    at start + duration + settle and disconnects every client.
    """
    result = PartResult()
    receivers: list[tuple[int, _Receiver]] = []
    pairs = list(zip(plan.indices, plan.auths, strict=True))
    for i in range(0, len(pairs), plan.connect_batch):
        batch = pairs[i : i + plan.connect_batch]
        recs = await asyncio.gather(*(_connect_and_join(plan, a, result) for _, a in batch))
        receivers.extend((idx, r) for (idx, _), r in zip(batch, recs, strict=True) if r is not None)
    result.joined = len(receivers)
    await ready(result.joined)
    start_ns = await wait_start()
    stop_ns = start_ns + int((plan.duration_s + plan.settle_s) * 1e9)

    await _sleep_until_ns(start_ns)
    cpu0 = time.process_time()
    senders = [
        asyncio.create_task(_sender_loop(plan, rec, plan.sender_ranks[idx], start_ns, result))
        for idx, rec in receivers
        if idx in plan.sender_ranks
    ]
    await _sleep_until_ns(stop_ns)
    result.cpu_s = time.process_time() - cpu0
    if senders:
        await asyncio.wait(senders, timeout=plan.ack_timeout_s)
    result.received = [rec.received for _, rec in receivers]
    for i in range(0, len(receivers), 50):
        await asyncio.gather(*(_quiet_disconnect(r) for _, r in receivers[i : i + 50]))
    return result


def _part_process(plan: PartPlan, conn: Connection) -> None:
    """Entry point of a client process: run one part, talking to the coordinator on ``conn``."""
    loop_holder: dict[str, asyncio.AbstractEventLoop] = {}

    async def ready(joined: int) -> None:
        conn.send(("ready", joined))

    async def wait_start() -> int:
        loop = loop_holder["loop"]
        if not await loop.run_in_executor(None, conn.poll, 600):
            raise TimeoutError("no start signal")
        kind, start_ns = conn.recv()
        assert kind == "start"
        return int(start_ns)

    async def main() -> PartResult:
        loop_holder["loop"] = asyncio.get_running_loop()
        return await run_part(plan, ready, wait_start)

    try:
        conn.send(("result", asyncio.run(main())))
    except BaseException as exc:
        conn.send(("error", repr(exc)))
    finally:
        conn.close()


# --------------------------------------------------------------------------- coordinator


def _percentile(sorted_values: Sequence[float], pct: float) -> float:
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, round(pct / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


async def _warmup(url: str, session_id: int, auth: Auth, timeout_s: float) -> None:
    """Connect, join and leave once so the server's lazy imports are not counted per client."""
    plan_result = PartResult()
    plan = PartPlan(url, session_id, [auth], [0], {}, 0, 1.0, 0, 0, 1, timeout_s, timeout_s, 0)
    rec = await _connect_and_join(plan, auth, plan_result)
    if rec is not None:
        await _quiet_disconnect(rec)
    await asyncio.sleep(0.5)


async def run_fanout(
    url: str,
    session_id: int,
    auths: list[dict[str, Any] | None],
    senders: int = 5,
    rate_per_sender: float = 0.8,
    duration_s: float = 20.0,
    server_pid: int | None = None,
    *,
    client_procs: int = 1,
    settle_s: float = 3.0,
    connect_batch: int = 25,
    connect_timeout_s: float = 15.0,
    ack_timeout_s: float = 10.0,
    body_size: int = 64,
    warmup: bool = True,
    connect_deadline_s: float = 300.0,
) -> dict[str, Any]:
    """Run one fan-out measurement with ``len(auths)`` clients in session ``session_id``.

    ``auths[i]`` is the Socket.IO ``auth`` payload of client i (``{"token": ...}`` for nic,
    ``None`` for the bare server). ``senders`` clients, spread evenly over the list, each
    send ``rate_per_sender`` msg/s for ``duration_s``; after ``settle_s`` more seconds
    everything disconnects. With ``client_procs`` > 1 the clients are split into that many
    contiguous blocks, each run by its own process (spawned), coordinated by this one.
    Returns a dict of figures (see README.md and :data:`RESULT_KEYS`).
    """
    n = len(auths)
    if n == 0 or senders < 1 or senders > n or rate_per_sender <= 0:
        raise ValueError("need 1 <= senders <= len(auths) and rate_per_sender > 0")
    client_procs = max(1, min(client_procs, n))
    if warmup:
        await _warmup(url, session_id, auths[0], connect_timeout_s)
    rss_before = read_rss_mb(server_pid) if server_pid else None

    sender_ranks = {(k * n) // senders: k for k in range(senders)}
    bounds = [(p * n) // client_procs for p in range(client_procs + 1)]
    plans = [
        PartPlan(
            url=url,
            session_id=session_id,
            auths=auths[lo:hi],
            indices=list(range(lo, hi)),
            sender_ranks={i: r for i, r in sender_ranks.items() if lo <= i < hi},
            senders=senders,
            rate_per_sender=rate_per_sender,
            duration_s=duration_s,
            settle_s=settle_s,
            connect_batch=connect_batch,
            connect_timeout_s=connect_timeout_s,
            ack_timeout_s=ack_timeout_s,
            body_size=body_size,
        )
        for lo, hi in itertools.pairwise(bounds)
    ]
    t_connect = time.monotonic()
    run_window_s = duration_s + settle_s + ack_timeout_s + 30

    if client_procs == 1:
        ready_evt, start_fut = asyncio.Event(), asyncio.get_running_loop().create_future()

        async def ready(_: int) -> None:
            ready_evt.set()

        async def wait_start() -> int:
            return int(await start_fut)

        part_task = asyncio.create_task(run_part(plans[0], ready, wait_start))
        await asyncio.wait_for(ready_evt.wait(), timeout=connect_deadline_s)
        connect_s = time.monotonic() - t_connect
        rss_after = read_rss_mb(server_pid) if server_pid else None
        start_ns = time.time_ns() + 300_000_000
        start_fut.set_result(start_ns)
        cpu_task = asyncio.create_task(_server_cpu(server_pid, start_ns, duration_s + settle_s))
        parts = [await asyncio.wait_for(part_task, timeout=run_window_s)]
    else:
        ctx = mp.get_context("spawn")
        procs: list[tuple[Any, Connection]] = []
        try:
            for plan in plans:
                parent_conn, child_conn = ctx.Pipe()
                proc = ctx.Process(target=_part_process, args=(plan, child_conn), daemon=True)
                proc.start()
                child_conn.close()
                procs.append((proc, parent_conn))
            deadline = time.monotonic() + connect_deadline_s
            for _, conn in procs:
                kind, payload = await _recv(conn, deadline - time.monotonic())
                if kind != "ready":
                    raise RuntimeError(f"client process failed: {payload}")
            connect_s = time.monotonic() - t_connect
            rss_after = read_rss_mb(server_pid) if server_pid else None
            start_ns = time.time_ns() + 300_000_000
            for _, conn in procs:
                conn.send(("start", start_ns))
            cpu_task = asyncio.create_task(_server_cpu(server_pid, start_ns, duration_s + settle_s))
            parts = []
            deadline = time.monotonic() + run_window_s
            for _, conn in procs:
                kind, payload = await _recv(conn, deadline - time.monotonic())
                if kind != "result":
                    raise RuntimeError(f"client process failed: {payload}")
                parts.append(payload)
        finally:
            for proc, conn in procs:
                proc.join(timeout=5)
                if proc.is_alive():
                    proc.kill()
                conn.close()
    server_cpu_pct = await cpu_task
    return _summarise(
        parts,
        n,
        start_ns,
        duration_s,
        settle_s,
        rss_before,
        rss_after,
        connect_s,
        server_cpu_pct,
        senders,
        rate_per_sender,
        client_procs,
    )


async def _recv(conn: Connection, timeout_s: float) -> tuple[str, Any]:
    loop = asyncio.get_running_loop()
    if not await loop.run_in_executor(None, conn.poll, max(0.0, timeout_s)):
        raise TimeoutError("client process did not answer in time")
    return await loop.run_in_executor(None, conn.recv)


async def _server_cpu(pid: int | None, start_ns: int, window_s: float) -> float | None:
    """Server CPU use (% of one core) over [start, start + window]."""
    if not pid:
        return None
    await _sleep_until_ns(start_ns)
    cpu0, t0 = read_cpu_s(pid), time.monotonic()
    await asyncio.sleep(window_s)
    return 100.0 * (read_cpu_s(pid) - cpu0) / (time.monotonic() - t0)


RESULT_KEYS = (
    "clients",
    "client_procs",
    "senders",
    "rate_per_sender",
    "connect_errors",
    "join_errors",
    "connect_s",
    "messages_sent",
    "messages_acked",
    "send_errors",
    "send_error_codes",
    "expected_deliveries",
    "deliveries",
    "deliveries_per_s",
    "p50_ms",
    "p90_ms",
    "p99_ms",
    "max_ms",
    "lost",
    "duplicated",
    "disconnects",
    "transports",
    "rss_before_mb",
    "rss_after_mb",
    "kb_per_connection",
    "server_cpu_pct",
    "client_cpu_pct",
    "client_cpu_pct_max",
)


def _summarise(
    parts: list[PartResult],
    n_requested: int,
    start_ns: int,
    duration_s: float,
    settle_s: float,
    rss_before: float | None,
    rss_after: float | None,
    connect_s: float,
    server_cpu_pct: float | None,
    senders: int,
    rate: float,
    client_procs: int,
) -> dict[str, Any]:
    sends: dict[str, tuple[int, bool, str | None]] = {}
    for part in parts:
        sends.update(part.sends)
    acked = {cmid for cmid, (_, ok, _) in sends.items() if ok}
    error_codes = Counter(code for _, ok, code in sends.values() if not ok)
    latencies: list[float] = []
    lost = 0
    deliveries = 0
    for part in parts:
        for got in part.received:
            for cmid, recv_ns in got.items():
                sent = sends.get(cmid)
                if sent is not None:  # ignore foreign messages in the room
                    deliveries += 1
                    latencies.append((recv_ns - sent[0]) / 1e6)
            lost += sum(1 for cmid in acked if cmid not in got)
    latencies.sort()
    clients = sum(p.joined for p in parts)
    last_recv = max((p.last_recv_ns for p in parts), default=0)
    span_s = (last_recv - start_ns) / 1e9 if last_recv > start_ns else duration_s
    window = duration_s + settle_s
    kb_per_conn = (
        (rss_after - rss_before) * 1024 / clients
        if rss_before is not None and rss_after is not None and clients
        else None
    )
    return {
        "clients": clients,
        "client_procs": client_procs,
        "senders": senders,
        "rate_per_sender": rate,
        "connect_errors": sum(p.connect_errors for p in parts),
        "join_errors": sum(p.join_errors for p in parts),
        "connect_s": round(connect_s, 2),
        "messages_sent": len(sends),
        "messages_acked": len(acked),
        "send_errors": len(sends) - len(acked),
        "send_error_codes": dict(error_codes),
        "expected_deliveries": len(acked) * clients,
        "deliveries": deliveries,
        "deliveries_per_s": round(deliveries / max(span_s, duration_s), 1),
        "p50_ms": round(_percentile(latencies, 50), 2),
        "p90_ms": round(_percentile(latencies, 90), 2),
        "p99_ms": round(_percentile(latencies, 99), 2),
        "max_ms": round(latencies[-1], 2) if latencies else float("nan"),
        "lost": lost,
        "duplicated": sum(p.duplicated for p in parts),
        "disconnects": sum(p.disconnects for p in parts),
        "transports": dict(sum((p.transports for p in parts), Counter())),
        "rss_before_mb": None if rss_before is None else round(rss_before, 1),
        "rss_after_mb": None if rss_after is None else round(rss_after, 1),
        "kb_per_connection": None if kb_per_conn is None else round(kb_per_conn, 1),
        "server_cpu_pct": None if server_cpu_pct is None else round(server_cpu_pct, 1),
        "client_cpu_pct": round(100 * sum(p.cpu_s for p in parts) / window, 1),
        "client_cpu_pct_max": round(100 * max(p.cpu_s for p in parts) / window, 1),
    }


# --------------------------------------------------------------------------- Markdown


MARKDOWN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("N", "clients"),
    ("procs", "client_procs"),
    ("sent", "messages_sent"),
    ("acked", "messages_acked"),
    ("send err", "send_errors"),
    ("deliveries", "deliveries"),
    ("deliv/s", "deliveries_per_s"),
    ("p50 ms", "p50_ms"),
    ("p90 ms", "p90_ms"),
    ("p99 ms", "p99_ms"),
    ("max ms", "max_ms"),
    ("lost", "lost"),
    ("dup", "duplicated"),
    ("RSS before MB", "rss_before_mb"),
    ("RSS after MB", "rss_after_mb"),
    ("KB/conn", "kb_per_connection"),
    ("server CPU %", "server_cpu_pct"),
    ("client CPU % (max proc)", "client_cpu_pct_max"),
)


def markdown_header(label: str = "run") -> str:
    """The two header lines of the Markdown table that :func:`markdown_row` fills."""
    names = [label, *(name for name, _ in MARKDOWN_COLUMNS)]
    return "| " + " | ".join(names) + " |\n|" + "---|" * len(names)


def markdown_row(result: dict[str, Any], label: str = "") -> str:
    """One Markdown table row for a :func:`run_fanout` result."""
    cells = [
        label,
        *("-" if result.get(k) is None else str(result[k]) for _, k in MARKDOWN_COLUMNS),
    ]
    return "| " + " | ".join(cells) + " |"


def print_markdown_row(result: dict[str, Any], label: str = "", header: bool = False) -> None:
    """Print a row (and optionally the header first)."""
    if header:
        print(markdown_header(), flush=True)
    print(markdown_row(result, label), flush=True)


# --------------------------------------------------------------------------- CLI


def _load_auths(tokens_file: str | None, clients: int) -> list[Auth]:
    if not tokens_file:
        return [None] * clients
    tokens = [t.strip() for t in Path(tokens_file).read_text().splitlines() if t.strip()]
    if not tokens:
        raise SystemExit(f"no tokens in {tokens_file}")
    if len(tokens) < clients:
        print(f"note: {len(tokens)} tokens for {clients} clients; reusing tokens", file=sys.stderr)
    return [{"token": tokens[i % len(tokens)]} for i in range(clients)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="e.g. http://127.0.0.1:5000")
    parser.add_argument("--session-id", type=int, required=True)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--tokens-file", help="one API token per line -> auth {'token': ...}")
    parser.add_argument("--server-pid", type=int, help="server pid, for VmRSS and CPU")
    parser.add_argument("--senders", type=int, default=5)
    parser.add_argument("--rate", type=float, default=0.8, help="messages/s per sender")
    parser.add_argument("--duration", type=float, default=20.0, help="send window, s")
    parser.add_argument("--settle", type=float, default=3.0)
    parser.add_argument("--client-procs", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args(argv)
    result = asyncio.run(
        run_fanout(
            args.url,
            args.session_id,
            _load_auths(args.tokens_file, args.clients),
            args.senders,
            args.rate,
            args.duration,
            args.server_pid,
            client_procs=args.client_procs,
            settle_s=args.settle,
        )
    )
    if args.json:
        print(json.dumps(result, indent=2))
    print_markdown_row(result, label=f"N={result['clients']}", header=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
