"""Entry point: `python wsgi.py` serves HTTP and Socket.IO; `flask --app wsgi ...` for the CLI.

Under gevent (the default async mode, see docs/BENCHMARKS.md) the standard
library must be patched before anything else imports it.
"""

import os

if __name__ == "__main__" and os.environ.get("NIC_ASYNC_MODE", "gevent") == "gevent":
    from gevent import monkey

    monkey.patch_all()

from nic import create_app
from nic.extensions import socketio

app = create_app()

if __name__ == "__main__":
    from nic.runtime import tune_gc

    tune_gc()
    socketio.run(
        app,
        host=app.config["NIC_HOST"],
        port=app.config["NIC_PORT"],
        allow_unsafe_werkzeug=app.config["NIC_ASYNC_MODE"] == "threading",
    )
