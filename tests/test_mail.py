"""bot.mail against a real SMTP server on loopback (tests/smtp.py): STARTTLS, login, failures."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
import traceback
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import trustme

from bot.errors import ConfigError, OpastinError
from bot.mail import MailError, MailSettings, send_mail, send_mail_async
from tests.smtp import PASSWORD, USER, SmtpServer, free_port, mail_settings

SUBJECT = "Tervetuloa Kajaaniin – مرحبا بكم في كاياني"
BODY = (
    "Hyvää päivää! Kotoutumispalvelut löytyvät Pohjolankadulta.\n"
    "مرحبًا، يمكنك حجز موعد في مكتب الهجرة.\n"
    "Ääkköset: å ä ö Å Ä Ö\n"
)


def failure(error: pytest.ExceptionInfo[MailError]) -> str:
    """The whole traceback of a MailError, causes included: what a log with exc_info would show."""
    return "".join(traceback.format_exception(error.value))


def test_a_message_arrives_over_starttls_with_login() -> None:
    with SmtpServer() as server:
        send_mail(mail_settings(server), "ali@example.fi", SUBJECT, BODY)

    [message] = server.messages
    [delivery] = server.deliveries
    assert delivery.tls
    assert delivery.login == USER
    assert delivery.mail_from == USER
    assert delivery.rcpt_tos == ["ali@example.fi"]
    assert message["Subject"] == SUBJECT
    assert message.get_content() == BODY.replace("\n", "\r\n")  # MIME's canonical text has CRLF lines
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message["From"] == f"Opastin <{USER}>"
    assert message["To"] == "ali@example.fi"
    assert "Reply-To" not in message
    assert message["Message-ID"].endswith("@kajaani.test>")
    assert parsedate_to_datetime(message["Date"]).tzinfo is not None


def test_reply_to_is_set_only_when_given() -> None:
    with SmtpServer() as server:
        send_mail(
            mail_settings(server), "neuvonta@example.fi", "Kysymys", "Soittakaa minulle.", reply_to="mira@example.fi"
        )
        send_mail(mail_settings(server), "neuvonta@example.fi", "Kysymys", "Ei vastausosoitetta.")

    with_reply_to, without = server.messages
    assert with_reply_to["Reply-To"] == "mira@example.fi"
    assert "Reply-To" not in without


def test_the_async_wrapper_sends_too() -> None:
    with SmtpServer() as server:
        asyncio.run(send_mail_async(mail_settings(server), "ali@example.fi", "Hei", "Moi", reply_to="a@example.fi"))

    [message] = server.messages
    assert message["Reply-To"] == "a@example.fi"


def test_a_wrong_password_is_a_mail_error_without_the_password() -> None:
    wrong = "Salasana-vaarin-1234"
    with SmtpServer() as server, pytest.raises(MailError) as error:
        send_mail(mail_settings(server, password=wrong), "ali@example.fi", "Hei", "Moi")

    assert server.messages == []
    assert "refused the login" in str(error.value)
    assert "OPASTIN_SMTP_PASSWORD" in str(error.value)
    for secret in (wrong, PASSWORD):
        assert secret not in failure(error)


def test_a_non_ascii_password_is_explained_not_leaked() -> None:
    secret = "pääsy-äö"
    with SmtpServer() as server, pytest.raises(MailError, match="only ASCII") as error:
        send_mail(mail_settings(server, password=secret), "ali@example.fi", "Hei", "Moi")

    assert secret not in failure(error)


def test_server_down_is_a_mail_error_at_once() -> None:
    settings = MailSettings(host="127.0.0.1", port=free_port(), sender="opastin@kajaani.test")
    started = time.monotonic()

    with pytest.raises(MailError, match=r"connection refused\. Check OPASTIN_SMTP_HOST and OPASTIN_SMTP_PORT") as error:
        send_mail(settings, "ali@example.fi", "Hei", "Moi")

    assert time.monotonic() - started < 2
    assert f"127.0.0.1:{settings.port}" in str(error.value)
    assert isinstance(error.value, OpastinError)


def test_a_silent_server_times_out() -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts in the backlog, never greets
        port = silent.getsockname()[1]
        settings = MailSettings(host="127.0.0.1", port=port, sender="opastin@kajaani.test", timeout=0.5)
        started = time.monotonic()
        with pytest.raises(MailError, match=r"did not answer within 0\.5 s"):
            send_mail(settings, "ali@example.fi", "Hei", "Moi")

    assert time.monotonic() - started < 3


def test_a_certificate_from_another_ca_is_not_trusted(tmp_path: Path) -> None:
    other_ca = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other_ca))

    with SmtpServer() as server:
        for ca_file in (other_ca, None):  # a wrong private CA, and the system's CAs
            with pytest.raises(MailError, match="certificate that is not trusted") as error:
                send_mail(mail_settings(server, ca_file=ca_file), "ali@example.fi", "Hei", "Moi")
            assert PASSWORD not in failure(error)

    assert server.messages == []


def test_a_certificate_for_another_name_is_not_trusted() -> None:
    with SmtpServer(hostnames=["mail.example.org"]) as server, pytest.raises(MailError, match="not trusted"):
        send_mail(mail_settings(server), "ali@example.fi", "Hei", "Moi")

    assert server.messages == []


def test_no_plain_text_fallback_when_the_server_lacks_starttls() -> None:
    with SmtpServer(tls=False) as server:
        with pytest.raises(MailError, match="does not offer STARTTLS"):
            send_mail(mail_settings(server, starttls=True), "ali@example.fi", "Hei", "Moi")
        assert server.messages == []

        send_mail(mail_settings(server, starttls=False), "ali@example.fi", "Hei", "Luotettu verkko.")
        assert [delivery.tls for delivery in server.deliveries] == [False]


def test_a_refused_recipient_is_a_mail_error() -> None:
    with SmtpServer(refuse=["nobody@example.fi"]) as server, pytest.raises(MailError) as error:
        send_mail(mail_settings(server), "nobody@example.fi", "Hei", "Moi")

    assert "refused the recipient (nobody@example.fi: 550 5.1.1 No such user here)" in str(error.value)
    assert server.messages == []


def test_a_server_that_wants_a_login_says_so() -> None:
    with SmtpServer() as server, pytest.raises(MailError, match=r"requires a login.*Set OPASTIN_SMTP_USER"):
        send_mail(mail_settings(server, user=None, password=None), "ali@example.fi", "Hei", "Moi")

    assert server.messages == []


def test_a_missing_ca_file_is_a_mail_error(tmp_path: Path) -> None:
    settings = MailSettings(host="127.0.0.1", sender="opastin@kajaani.test", ca_file=tmp_path / "missing.pem")

    with pytest.raises(MailError, match="OPASTIN_SMTP_CA_FILE"):
        send_mail(settings, "ali@example.fi", "Hei", "Moi")


@pytest.mark.parametrize(
    ("to", "reply_to"),
    [
        ("ali@example.fi\r\nBcc: everyone@example.fi", None),
        ("ali@example.fi", "mira@example.fi\nBcc: everyone@example.fi"),
        ("ali@example.fi, mira@example.fi", None),
        ("not an address", None),
    ],
)
def test_bad_addresses_are_refused_before_connecting(to: str, reply_to: str | None) -> None:
    settings = MailSettings(host="127.0.0.1", port=free_port(), sender="opastin@kajaani.test")

    with pytest.raises(MailError, match="Could not build the e-mail"):
        send_mail(settings, to, "Hei", "Moi", reply_to=reply_to)


def test_from_env_is_none_without_a_host() -> None:
    assert MailSettings.from_env({}) is None
    assert MailSettings.from_env({"OPASTIN_SMTP_HOST": "", "OPASTIN_SMTP_USER": "x@example.fi"}) is None


def test_from_env_reads_every_variable() -> None:
    settings = MailSettings.from_env(
        {
            "OPASTIN_SMTP_HOST": "smtp.kajaani.fi",
            "OPASTIN_SMTP_PORT": "2525",
            "OPASTIN_SMTP_USER": "opastin",
            "OPASTIN_SMTP_PASSWORD": "s3cret pass",
            "OPASTIN_SMTP_FROM": "Opastin <opastin@kajaani.fi>",
            "OPASTIN_SMTP_STARTTLS": "false",
            "OPASTIN_SMTP_CA_FILE": "/etc/opastin/ca.pem",
        }
    )

    assert settings == MailSettings(
        host="smtp.kajaani.fi",
        port=2525,
        user="opastin",
        password="s3cret pass",
        sender="Opastin <opastin@kajaani.fi>",
        starttls=False,
        ca_file=Path("/etc/opastin/ca.pem"),
    )
    assert "s3cret" not in repr(settings)


def test_from_env_defaults() -> None:
    settings = MailSettings.from_env(
        {"OPASTIN_SMTP_HOST": "smtp.kajaani.fi", "OPASTIN_SMTP_USER": "opastin@kajaani.fi"}
    )

    assert settings == MailSettings(host="smtp.kajaani.fi", user="opastin@kajaani.fi", sender="opastin@kajaani.fi")
    assert (settings.port, settings.starttls, settings.ca_file, settings.timeout) == (587, True, None, 10.0)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("OPASTIN_SMTP_PORT", "smtp", "OPASTIN_SMTP_PORT must be a port number"),
        ("OPASTIN_SMTP_PORT", "70000", "OPASTIN_SMTP_PORT must be a port number"),
        ("OPASTIN_SMTP_STARTTLS", "maybe", "OPASTIN_SMTP_STARTTLS must be true or false, not 'maybe'"),
        ("OPASTIN_SMTP_FROM", "", "OPASTIN_SMTP_FROM is not set"),
        ("OPASTIN_SMTP_FROM", "opastin", "OPASTIN_SMTP_FROM must be one address"),
        ("OPASTIN_SMTP_FROM", "a@kajaani.fi, b@kajaani.fi", "OPASTIN_SMTP_FROM must be one address"),
    ],
)
def test_from_env_refuses_bad_values(name: str, value: str, message: str) -> None:
    environ = {"OPASTIN_SMTP_HOST": "smtp.kajaani.fi", "OPASTIN_SMTP_FROM": "opastin@kajaani.fi", name: value}

    with pytest.raises(ConfigError, match=message):
        MailSettings.from_env(environ)


def test_the_test_server_stops_listening() -> None:
    with SmtpServer() as server:
        port = server.port

    with contextlib.closing(socket.socket()) as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
