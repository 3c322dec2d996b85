"""Sending e-mail over SMTP: settings from the environment, one message per call, one error type.

| variable | meaning | default |
|---|---|---|
| OPASTIN_SMTP_HOST | the SMTP server; without it Opastin sends no mail | none (mail off) |
| OPASTIN_SMTP_PORT | its submission port | 587 |
| OPASTIN_SMTP_USER / OPASTIN_SMTP_PASSWORD | the login; no login when the user is unset | none |
| OPASTIN_SMTP_FROM | the sender address, e.g. `Opastin <opastin@example.fi>` | OPASTIN_SMTP_USER if it is an address |
| OPASTIN_SMTP_STARTTLS | `true`: TLS, server verified, before the login; `false` only on a trusted network | true |
| OPASTIN_SMTP_CA_FILE | a PEM file of the CA(s) to trust instead of the system's, for a private CA | the system's |

``send_mail`` raises ``MailError`` for every failure (no connection, timeout, untrusted certificate,
refused login, refused sender or recipient, an address that is not one address); its message
names the server and what to check, and never the password. There is no fallback to plain text:
when STARTTLS is on and fails, nothing is sent. smtplib logs in with ASCII user names and
passwords only.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from pathlib import Path

from .errors import ConfigError, OpastinError


class _Policy(EmailPolicy):
    """email.policy.SMTP, except that a non-ASCII Subject is encoded by email.header, which keeps
    the spaces Python 3.11's folder drops between two encoded words (CPython gh-144156)."""

    def fold(self, name: str, value: str) -> str:
        if name.lower() == "subject" and not str(value).isascii():
            encoded = Header(str(value), "utf-8", header_name=name).encode(linesep=self.linesep)
            return f"{name}: {encoded}{self.linesep}"
        folded: str = super().fold(name, value)
        return folded

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() == "subject" and not str(value).isascii():
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)


#: CRLF lines and 7bit transport: bodies go as quoted-printable or base64, whichever is shorter,
#: so any server takes them.
_POLICY = _Policy(linesep="\r\n", cte_type="7bit")
_DOING = {"connect": "connecting", "starttls": "starting TLS", "login": "logging in", "send": "sending"}
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


class MailError(OpastinError):
    """An e-mail could not be sent; the message says what failed and what to check."""


@dataclass(frozen=True, kw_only=True)
class MailSettings:
    """Where and how to send mail; the password never appears in its repr."""

    host: str
    port: int = 587
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str
    starttls: bool = True
    ca_file: Path | None = None
    timeout: float = 10.0

    @classmethod
    def from_env(cls, values: Mapping[str, str]) -> MailSettings | None:
        """Read the OPASTIN_SMTP_* variables of ``values`` (the environment, as Settings read it);
        None when OPASTIN_SMTP_HOST is unset (mail is off)."""

        def get(name: str) -> str | None:
            return values.get(f"OPASTIN_SMTP_{name}", "").strip() or None

        host = get("HOST")
        if host is None:
            return None
        user = get("USER")
        sender = get("FROM") or (user if user and "@" in user else None)
        if sender is None:
            raise ConfigError(
                "OPASTIN_SMTP_FROM is not set: set it to the address mail is sent from, e.g. opastin@example.fi."
            )
        try:
            _address("sender", sender)
        except ValueError as error:
            raise ConfigError(
                f"OPASTIN_SMTP_FROM must be one address such as opastin@example.fi or 'Opastin <opastin@example.fi>': "
                f"{error}."
            ) from error
        ca_file = get("CA_FILE")
        return cls(
            host=host,
            port=_port(get("PORT")),
            user=user,
            password=values.get("OPASTIN_SMTP_PASSWORD") or None,
            sender=sender,
            starttls=_boolean("OPASTIN_SMTP_STARTTLS", get("STARTTLS"), default=True),
            ca_file=Path(ca_file) if ca_file else None,
        )


def send_mail(settings: MailSettings, to: str, subject: str, body: str, reply_to: str | None = None) -> None:
    """Send one text/plain UTF-8 message to ``to``; raise MailError if it was not accepted."""
    message = build_message(settings, to, subject, body, reply_to)
    context = _tls_context(settings) if settings.starttls else None
    server = f"{settings.host}:{settings.port}"
    step = "connect"
    smtp = _SMTP(settings.host, settings.timeout)
    try:
        smtp.connect(settings.host, settings.port)
        if context is not None:
            step = "starttls"
            smtp.starttls(context=context)
        if settings.user:
            step = "login"
            smtp.login(settings.user, settings.password or "")
        step = "send"
        refused = smtp.send_message(message)
        if refused:  # only when some of several recipients were refused; we send to one
            raise smtplib.SMTPRecipientsRefused(refused)
    except (smtplib.SMTPException, OSError, UnicodeError) as error:
        text = _explain(error, step, server, settings)
        if settings.password:
            text = text.replace(settings.password, "***")
        # a UnicodeEncodeError from the login holds the password in its .object: do not chain it
        raise MailError(text) from (None if isinstance(error, UnicodeError) else error)
    else:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.quit()  # the message was accepted; a rude goodbye does not change that
    finally:
        smtp.close()


async def send_mail_async(
    settings: MailSettings, to: str, subject: str, body: str, reply_to: str | None = None
) -> None:
    """``send_mail`` in a worker thread, so the event loop keeps serving users meanwhile."""
    await asyncio.to_thread(send_mail, settings, to, subject, body, reply_to)


class _SMTP(smtplib.SMTP):
    """smtplib.SMTP that knows the host name STARTTLS must verify before it connects.

    smtplib records that name only when ``__init__`` connects, and that path leaves the socket
    open when the greeting times out; so we connect separately and record the name here.
    """

    def __init__(self, host: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self._host = host


def build_message(
    settings: MailSettings, to: str, subject: str, body: str, reply_to: str | None = None
) -> EmailMessage:
    """The message ``send_mail`` sends: From, To, Subject, Date, Message-ID and Reply-To only when given."""
    message = EmailMessage(policy=_POLICY)
    try:
        message["From"] = _address("sender (OPASTIN_SMTP_FROM)", settings.sender)
        message["To"] = _address("recipient", to)
        if reply_to is not None:
            message["Reply-To"] = _address("Reply-To address", reply_to)
        message["Subject"] = subject
        message["Date"] = email.utils.format_datetime(datetime.now().astimezone())
        message["Message-ID"] = email.utils.make_msgid(domain=_address_of(settings.sender).domain)
        message.set_content(body, charset="utf-8")
    except (ValueError, TypeError) as error:
        raise MailError(f"Could not build the e-mail: {error}") from error
    return message


def _address(role: str, value: str) -> Address:
    """One mailbox (``a@b.fi`` or ``Name <a@b.fi>``), refused when it is anything else."""
    if "\r" in value or "\n" in value:
        raise ValueError(f"the {role} contains a line break: {value!r}")
    try:
        address = _address_of(value)
    except (ValueError, IndexError) as error:
        raise ValueError(f"the {role} {value!r} is not one e-mail address") from error
    if not address.username or not address.domain:
        raise ValueError(f"the {role} {value!r} is not one e-mail address")
    return address


def _address_of(value: str) -> Address:
    header = _POLICY.header_factory("To", value)
    addresses = header.addresses
    if len(addresses) != 1 or header.defects:
        raise ValueError(value)
    address = addresses[0]
    assert isinstance(address, Address)
    return address


def _tls_context(settings: MailSettings) -> ssl.SSLContext:
    """A context that verifies the server's certificate and name, against ca_file when given."""
    try:
        return ssl.create_default_context(cafile=settings.ca_file)
    except (OSError, ValueError) as error:
        raise MailError(
            f"Could not read the CA file {settings.ca_file} (OPASTIN_SMTP_CA_FILE): {error}. "
            "It must be a PEM file of the certificate authority that signed the server's certificate."
        ) from error


def _explain(error: BaseException, step: str, server: str, settings: MailSettings) -> str:
    """A plain sentence for what failed, the server's answer, and what to check."""
    doing = _DOING[step]
    if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
        return (
            f"The SMTP server {server} did not answer within {settings.timeout:g} s ({doing}). "
            "Check OPASTIN_SMTP_HOST and OPASTIN_SMTP_PORT."
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        return (
            f"The SMTP server {server} has a certificate that is not trusted: {error.verify_message.rstrip('.')}. "
            "Check OPASTIN_SMTP_HOST (it must be a name in the certificate) and OPASTIN_SMTP_CA_FILE."
        )
    if isinstance(error, ssl.SSLError):
        return f"TLS with the SMTP server {server} failed: {error}."
    if isinstance(error, socket.gaierror):
        return f"Could not find the SMTP server {settings.host}: {error.strerror}. Check OPASTIN_SMTP_HOST."
    if isinstance(error, ConnectionRefusedError):
        return (
            f"Could not connect to the SMTP server {server}: connection refused. "
            "Check OPASTIN_SMTP_HOST and OPASTIN_SMTP_PORT."
        )
    if isinstance(error, smtplib.SMTPNotSupportedError) and step == "starttls":
        return (
            f"The SMTP server {server} does not offer STARTTLS, so nothing was sent. "
            "Use its submission port, or set OPASTIN_SMTP_STARTTLS=false only for a relay on a trusted network."
        )
    if isinstance(error, smtplib.SMTPNotSupportedError) and step == "login":
        return f"The SMTP server {server} does not offer a login (AUTH). Unset OPASTIN_SMTP_USER or check the port."
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return (
            f"The SMTP server {server} refused the login of {settings.user!r}: {_answer(error)}. "
            "Check OPASTIN_SMTP_USER and OPASTIN_SMTP_PASSWORD."
        )
    if isinstance(error, UnicodeError) and step == "login":
        return "OPASTIN_SMTP_USER and OPASTIN_SMTP_PASSWORD may contain only ASCII characters (smtplib's limit)."
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(f"{who}: {_answer(answer)}" for who, answer in error.recipients.items())
        return f"The SMTP server {server} refused the recipient ({refused})."
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 530 and not settings.user:
        return (
            f"The SMTP server {server} requires a login: {_answer(error)}. "
            "Set OPASTIN_SMTP_USER and OPASTIN_SMTP_PASSWORD."
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        return (
            f"The SMTP server {server} refused the sender {error.sender!r}: {_answer(error)}. "
            "Check OPASTIN_SMTP_FROM (many servers let a login send only as its own address)."
        )
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"The SMTP server {server} closed the connection ({doing}): {error or 'no reason given'}."
    if isinstance(error, smtplib.SMTPResponseException):
        return f"The SMTP server {server} answered {_answer(error)} ({doing})."
    return f"Mail through the SMTP server {server} failed ({doing}): {error}."


def _answer(answer: smtplib.SMTPResponseException | tuple[int, bytes]) -> str:
    code, text = (answer.smtp_code, answer.smtp_error) if not isinstance(answer, tuple) else answer
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}"


def _boolean(name: str, value: str | None, *, default: bool) -> bool:
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, not '{value}'.")


def _port(value: str | None) -> int:
    if value is None:
        return 587
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError(f"OPASTIN_SMTP_PORT must be a port number (1-65535) such as 587, not '{value}'.")
    return int(value)
