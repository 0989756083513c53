"""The register_* steps `create_app` runs, in order."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, Response, g
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from nic import jobs, mail, policy, storage
from nic.api import register_api
from nic.charts import format_value
from nic.cli import register_commands
from nic.database import configure_engine, engine_options, install_listeners
from nic.errors import ServiceError
from nic.excerpts import excerpt
from nic.extensions import csrf, db, limiter, login_manager, migrate, socketio
from nic.models import JOB_ROLE_LABELS, User, as_utc, iso_utc
from nic.realtime.handlers import register_handlers
from nic.realtime.installation import installation_scope
from nic.realtime.packets import LimitedJSON, LimitedPacket
from nic.realtime.queue import client_manager
from nic.responses import ERROR_TEXT, HTTP_CODES, error_response
from nic.services import logins
from nic.services.email_delivery import mail_digests, mail_immediately
from nic.services.reminders import remind_sessions
from nic.timezones import zone_label
from nic.views import blueprints

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
# nic uses none of these browser features: no page, nor anything injected into one, may.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
# Sent only when NIC_SECURE_COOKIES says the site is served over HTTPS: a year, subdomains.
HSTS = "max-age=31536000; includeSubDomains"


def register_extensions(app: Flask) -> None:
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS",
        engine_options(app.config["SQLALCHEMY_DATABASE_URI"], app.config["NIC_ASYNC_MODE"]),
    )
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["NIC_RATELIMIT_STORAGE_URI"])
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    db.init_app(app)
    storage.install(app)
    mail.install(app)
    jobs.install(app, f"nic:{installation_scope(app.config)}:jobs")
    app.extensions["nic_periodic_jobs"] = [mail_immediately, mail_digests, remind_sessions]
    install_listeners()
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    limiter.init_app(app)

    @login_manager.user_loader
    def load_user(key: str) -> User | None:
        """The user of the sign-in the cookie names (nic.services.logins)."""
        found = logins.load_login(key)
        if found is None:
            return None
        user, login = found
        g.nic_login_id = login.id
        return user


def _viewer_zone() -> ZoneInfo:
    """The signed-in user's time zone (UTC otherwise), looked up once per request."""
    zone = g.get("nic_time_zone")
    if zone is None:
        name = current_user.time_zone if current_user.is_authenticated else "UTC"
        try:
            zone = ZoneInfo(name)
        except (KeyError, ValueError):
            zone = ZoneInfo("UTC")
        g.nic_time_zone = zone
    return zone


def localtime(value: datetime | None, fmt: str = "%b %-d, %Y, %-I:%M %p") -> str:
    """A UTC timestamp shown in the signed-in user's time zone."""
    if value is None:
        return ""
    return as_utc(value).astimezone(_viewer_zone()).strftime(fmt)


def isotime(value: datetime | None) -> str:
    return iso_utc(value) or ""


def measure_value(value: float | None, unit: str) -> str:
    """A measure's number as people read it ("64%", "1,250", "6.25"); "" for none."""
    return "" if value is None else format_value(value, unit)  # type: ignore[arg-type]


def register_templating(app: Flask) -> None:
    app.jinja_env.filters["measure_value"] = measure_value
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["isotime"] = isotime
    app.jinja_env.filters["excerpt"] = excerpt
    app.jinja_env.filters["zone_label"] = zone_label  # "Eastern Time (US & Canada)"
    app.jinja_env.globals["policy"] = policy
    app.jinja_env.globals["JOB_ROLE_LABELS"] = {k.value: v for k, v in JOB_ROLE_LABELS.items()}

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def register_blueprints(app: Flask) -> None:
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    register_api(app)


def register_realtime(app: Flask) -> None:
    """Socket.IO handlers first, then bind (handlers added later would vanish)."""
    register_handlers(socketio)
    origins = app.config["NIC_ALLOWED_ORIGINS"] or None  # None: same origin only
    # Always passed, None included: the one SocketIO object keeps options
    # between init_app calls, and a queue must not leak into the next app.
    manager = client_manager(app, app.config["NIC_MESSAGE_QUEUE"])
    socketio.init_app(
        app,
        async_mode=app.config["NIC_ASYNC_MODE"],
        client_manager=manager,
        cors_allowed_origins=origins,
        manage_session=False,
        serializer=LimitedPacket,
        json=LimitedJSON,
        # A dead connection (no close frame) is noticed within 30 s; a busy
        # server (500 people joining at once) does not drop live ones.
        ping_interval=10,
        ping_timeout=20,
    )


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        return error_response(exc.status, exc.code, exc.message, getattr(exc, "fields", None))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(
            400, "csrf", "Your form expired or was sent from another site. Please try again."
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        _title, default_message = ERROR_TEXT.get(status, ERROR_TEXT[400])
        if status == 413 and storage.is_upload_request():
            default_message = "The file is too large: attach files of at most 10 MB."
        response = error_response(status, HTTP_CODES.get(status, "error"), default_message)
        if status == 429 and exc.get_response().headers.get("Retry-After"):
            body, code = response
            resp = app.make_response((body, code))
            resp.headers["Retry-After"] = exc.get_response().headers["Retry-After"]
            return resp
        return response

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        if app.testing:
            raise exc  # let the test show the traceback
        app.logger.exception("Unhandled error", exc_info=exc)
        db.session.rollback()
        return error_response(500, "server_error", ERROR_TEXT[500][1])


def register_cli(app: Flask) -> None:
    register_commands(app)
