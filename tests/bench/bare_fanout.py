"""Fan-out ceiling of a bare Flask-SocketIO server on this machine.

For each client count N it starts a fresh ``bare_server.py`` on a free loopback port,
runs :func:`fanout.run_fanout` against it, checks through the server's ``/stats``
that every connection used the WebSocket transport, stops the server, and finally
prints one Markdown table.

    python tests/bench/bare_fanout.py                      # N = 50, 200, 500; 20 s each
    python tests/bench/bare_fanout.py --clients 500 --async-mode threading
    python tests/bench/bare_fanout.py --clients 500 --senders 10 --rate 5 --client-procs 2

Everything is bounded in time and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fanout import free_port, markdown_header, markdown_row, run_fanout, start_server, stop_server

HERE = Path(__file__).resolve().parent
SESSION_ID = 1


def _server_stats(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=5) as resp:
        return dict(json.load(resp))


def run_one(n: int, args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    """Start a fresh bare server, run one fan-out with ``n`` clients, stop the server."""
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"bare_server_{port}.log"
    proc = start_server(
        [sys.executable, str(HERE / "bare_server.py"), str(port)],
        port,
        env={"BARE_ASYNC_MODE": args.async_mode},
        log_path=log,
    )
    try:
        result = asyncio.run(
            asyncio.wait_for(
                run_fanout(
                    f"http://127.0.0.1:{port}",
                    SESSION_ID,
                    [None] * n,
                    args.senders,
                    args.rate,
                    args.duration,
                    proc.pid,
                    client_procs=args.client_procs,
                    settle_s=args.settle,
                ),
                timeout=args.duration + 600,
            )
        )
        stats = _server_stats(port)
    finally:
        stop_server(proc)
    log.unlink(missing_ok=True)  # kept only when the run failed
    return result, stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="50,200,500", help="comma-separated client counts")
    parser.add_argument("--duration", type=float, default=20.0, help="send window per run, s")
    parser.add_argument("--senders", type=int, default=5)
    parser.add_argument("--rate", type=float, default=0.8, help="messages/s per sender")
    parser.add_argument("--settle", type=float, default=3.0, help="wait after the last send, s")
    parser.add_argument("--client-procs", type=int, default=2, help="client processes (2 = cores)")
    parser.add_argument("--async-mode", choices=("gevent", "threading"), default="gevent")
    parser.add_argument("--json", action="store_true", help="also print each result as JSON")
    args = parser.parse_args(argv)

    rows: list[str] = []
    for n in (int(x) for x in args.clients.split(",") if x.strip()):
        result, stats = run_one(n, args)
        ws_only = set(stats["transports"]) == {"websocket"}
        note = f"server {stats['async_mode']}, transports {stats['transports']}"
        print(f"N={n}: {note}{'' if ws_only else '  <-- NOT websocket only'}", file=sys.stderr)
        if args.json:
            print(json.dumps(result), file=sys.stderr)
        rows.append(markdown_row(result, label=f"{stats['async_mode']}"))
    print(markdown_header("server"))
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
