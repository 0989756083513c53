"""Mail in the tests: a real SMTP server on loopback (aiosmtpd), and the file outbox read back.

Its certificate is made for 127.0.0.1 by `openssl` and trusted through
SSL_CERT_FILE, so the client verifies it as it would a real server's.
"""

from __future__ import annotations

import email
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask

from tests.servers import free_port

SEPARATOR = b"\n" + b"-" * 79 + b"\n"
USER, SECRET = "nic@school.example", "smtp-pass word"


@dataclass
class Inbox:
    """What the server received; `refuse` makes the next N deliveries fail with 451."""

    messages: list[EmailMessage] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    refuse: int = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == (USER, SECRET)
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate and key for 127.0.0.1."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@contextmanager
def smtp_server(cert: Path, key: Path) -> Iterator[tuple[Inbox, int]]:
    """An SMTP server on 127.0.0.1 requiring STARTTLS, then USER/SECRET; yields inbox, port."""
    inbox = Inbox()
    port = free_port()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=inbox.authenticate,
        auth_required=True,
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def outbox(where: Flask | Path) -> list[EmailMessage]:
    """Every mail the file backend wrote in an app's NIC_MAIL_OUTBOX (or a folder), oldest first."""
    folder = Path(where.config["NIC_MAIL_OUTBOX"]) if isinstance(where, Flask) else where
    found = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk, policy=default))
    return found


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and the HTML part of a multipart mail."""
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )
