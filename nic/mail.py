"""Mail: messages built from two templates and sent by a background job.

`send(to, template, subject, **context)` renders `templates/mail/<template>.txt`
and `.html` into one multipart message (plain text first, HTML as the
alternative) and enqueues the `send_mail` job; nothing is sent in the
request. The job hands it to Flask-Mailman's backend: SMTP when
NIC_SMTP_URL is set, else one file per batch in NIC_MAIL_OUTBOX, so a
developer sees every mail. A failing send is retried with growing delays
(30 s, 1 min, 2 min, ... about 2 hours in all) while the page that caused
it has long been answered. Links in mails are absolute to NIC_BASE_URL
(`absolute_url`), since a job has no request to take the host from.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template
from flask_mailman import EmailMultiAlternatives

from nic.extensions import mail
from nic.jobs import job

SEND_RETRIES = 8
FIRST_RETRY_SECONDS = 30


def install(app: Flask) -> None:
    """Flask-Mailman's settings from NIC_SMTP_URL (parsed by nic.config) or the outbox."""
    smtp = app.config["NIC_SMTP"]
    app.config.update(smtp or {})
    app.config["MAIL_BACKEND"] = "smtp" if smtp else "file"
    app.config["MAIL_FILE_PATH"] = app.config["NIC_MAIL_OUTBOX"]
    app.config["MAIL_DEFAULT_SENDER"] = app.config["NIC_MAIL_FROM"]
    mail.init_app(app)


def absolute_url(endpoint: str, **values: Any) -> str:
    """The URL of `endpoint` under NIC_BASE_URL, with or without a request."""
    base = urlsplit(current_app.config["NIC_BASE_URL"].rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


def send(
    to: str, template: str, subject: str, /, headers: dict[str, str] | None = None,
    **context: Any,
) -> None:  # fmt: skip
    """Render mail/<template>.txt and .html for `to` and queue it (see `send_mail`);
    `headers` are extra ones (List-Unsubscribe)."""
    context = {"base_url": current_app.config["NIC_BASE_URL"].rstrip("/"), **context}
    send_mail(
        {
            "to": to,
            "subject": subject,
            "text": render_template(f"mail/{template}.txt", **context),
            "html": render_template(f"mail/{template}.html", **context),
            "headers": headers or {},
        }
    )


@job(retries=SEND_RETRIES, retry_delay=FIRST_RETRY_SECONDS, retry_backoff=2)
def send_mail(message: dict[str, str]) -> None:
    """Hand one rendered message to the mail backend; an error makes Huey retry it later."""
    email = EmailMultiAlternatives(
        subject=message["subject"], body=message["text"], to=[message["to"]],
        headers=message.get("headers") or None,
    )  # fmt: skip
    email.attach_alternative(message["html"], "text/html")
    # Opened here so a refused send still closes the connection (the backend leaves it open).
    with mail.get_connection(fail_silently=False) as connection:
        connection.send_messages([email])
