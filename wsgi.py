"""Entry point: `python wsgi.py` serves HTTP and Socket.IO; `flask --app wsgi ...` for the CLI.

Under gevent (the default async mode, see docs/BENCHMARKS.md) the standard
library must be patched before anything else imports it.
"""

import os
import sys

if __name__ == "__main__" and os.environ.get("NIC_ASYNC_MODE", "gevent") == "gevent":
    from gevent import monkey

    monkey.patch_all()

from nic import create_app
from nic.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:  # a mistyped NIC_* setting: say which, without a traceback
    sys.exit(f"nic: {exc}")

if __name__ == "__main__":
    from nic import jobs
    from nic.runtime import tune_gc
    from nic.serve import serve

    tune_gc()
    jobs.start_consumer(app)  # the background jobs (mail) beside the web server
    serve(app, app.config["NIC_HOST"], app.config["NIC_PORT"], app.config["NIC_ASYNC_MODE"])
