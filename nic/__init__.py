"""nic: a platform for networked improvement communities in K-12 education.

Importing the package does nothing; `create_app` builds an application.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the nic application: configuration, then each register step."""
    from nic.config import load_config
    from nic.jsonlimits import LimitedJSONProvider

    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    # Every JSON body is decoded with a nesting limit (too deep: 400, not a RecursionError).
    app.json = LimitedJSONProvider(app)
    app.config.from_mapping(load_config(Path(app.instance_path)))
    if config:
        app.config.from_mapping(config)

    from nic.setup import (
        register_blueprints,
        register_cli,
        register_errorhandlers,
        register_extensions,
        register_realtime,
        register_templating,
    )

    register_extensions(app)
    register_templating(app)
    register_blueprints(app)
    register_realtime(app)
    register_errorhandlers(app)
    register_cli(app)
    return app
