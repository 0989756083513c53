"""Bare Flask app, one route returning "hello", on nic's own HTTP server stack.

The ceiling the HTTP pages benchmark (pages.py) compares nic's pages with:
the same process set-up as `python wsgi.py` under gevent (monkey-patched
first, then `nic.serve.serve`: a TCP_NODELAY listener under gevent's pywsgi
WSGIServer with gevent-websocket's WebSocketHandler), but no database, no
templates, no sessions, no extensions. What is left is the cost of the server,
Werkzeug's request handling and Flask's dispatch.

It always runs from the repository that holds this file, so the baseline is
the same whichever checkout pages.py measures (an old one may lack nic/serve.py).

Usage::

    python tests/bench/bare_http.py PORT     # serves http://127.0.0.1:PORT/
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from flask import Flask  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nic.serve import serve  # noqa: E402  (after the sys.path line above)

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"


def main() -> None:
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        raise SystemExit("usage: bare_http.py PORT")
    port = int(sys.argv[1])
    print(f"bare_http: gevent, nic.serve, http://127.0.0.1:{port}/", flush=True)
    serve(app, "127.0.0.1", port, "gevent")


if __name__ == "__main__":
    main()
