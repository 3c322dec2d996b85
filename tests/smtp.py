"""An SMTP server on loopback for tests: STARTTLS and a login required, every message kept.

    with SmtpServer() as server:
        send_mail(mail_settings(server), "ali@example.fi", "Hei", "Tervetuloa!")
        assert server.messages[0]["Subject"] == "Hei"

It is aiosmtpd's Controller in a thread, on 127.0.0.1 and a port found free (the Controller
cannot take port 0), with a certificate for 127.0.0.1 and localhost from a CA of its own
(trustme) whose PEM file is ``ca_file``. Nothing here needs pytest.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.policy
import socket
import ssl
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from types import TracebackType
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from bot.mail import MailSettings

USER = "opastin@kajaani.test"
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Delivery:
    """What the server saw besides the message: envelope, whether TLS was on, who logged in."""

    mail_from: str
    rcpt_tos: list[str]
    tls: bool
    login: str | None


class SmtpServer:
    """A context manager running an SMTP server that requires STARTTLS, then AUTH LOGIN or PLAIN."""

    def __init__(
        self,
        user: str = USER,
        password: str = PASSWORD,
        *,
        hostnames: Collection[str] = ("127.0.0.1", "localhost"),
        tls: bool = True,
        refuse: Collection[str] = (),
    ) -> None:
        """``hostnames`` go into the certificate; ``tls=False`` makes a plain relay (no STARTTLS,
        no login, like one on a trusted network); mail to an address in ``refuse`` gets 550."""
        self.user = user
        self.password = password
        self.host = "127.0.0.1"
        self.port = 0
        self.tls = tls
        self.refuse = {address.lower() for address in refuse}
        self.messages: list[EmailMessage] = []
        self.deliveries: list[Delivery] = []
        self.ca = trustme.CA()
        self._certificate = self.ca.issue_cert(*hostnames)
        self._folder = tempfile.TemporaryDirectory(prefix="opastin-smtp-")
        self.ca_file = Path(self._folder.name) / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self._controller: Controller | None = None

    def __enter__(self) -> SmtpServer:
        context: ssl.SSLContext | None = None
        if self.tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self._certificate.configure_cert(context)
        for attempt in range(5):  # another process may take the free port before we bind it
            self.port = free_port()
            controller = Controller(
                _Handler(self),
                hostname=self.host,
                port=self.port,
                server_hostname="smtp.opastin.test",
                tls_context=context,
                require_starttls=self.tls,
                authenticator=self._authenticate,
                auth_required=self.tls,
            )
            try:
                controller.start()
            except OSError:  # bind failed (or the server did not come up): clean up, try another port
                with contextlib.suppress(Exception):
                    controller.stop(no_assert=True)
                if attempt == 4:
                    self._folder.cleanup()
                    raise
                continue
            self._controller = controller
            return self
        raise AssertionError("unreachable")

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        self._folder.cleanup()

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        good = auth_data.login == self.user.encode() and auth_data.password == self.password.encode()
        return AuthResult(success=good, handled=False, auth_data=auth_data.login.decode() if good else None)


class _Handler:
    """aiosmtpd's hooks: refuse listed recipients, parse and keep every message."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() in self.server.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.server.messages.append(BytesParser(policy=email.policy.default).parsebytes(content))
        self.server.deliveries.append(
            Delivery(
                mail_from=envelope.mail_from or "",
                rcpt_tos=list(envelope.rcpt_tos),
                tls=session.ssl is not None,
                login=session.auth_data if session.authenticated else None,
            )
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def mail_settings(server: SmtpServer, **changes: Any) -> MailSettings:
    """MailSettings that send through ``server`` with its login, trusting its CA; ``changes`` override."""
    settings = MailSettings(
        host=server.host,
        port=server.port,
        user=server.user if server.tls else None,
        password=server.password if server.tls else None,
        sender=f"Opastin <{server.user}>",
        starttls=server.tls,
        ca_file=server.ca_file,
        timeout=5.0,
    )
    return dataclasses.replace(settings, **changes)
