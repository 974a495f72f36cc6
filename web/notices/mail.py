"""Email over SMTP (`TANDEM_SMTP_URL`): smtp://[user:password@]host[:port] (STARTTLS when the
server offers it, or required with ?starttls=require), smtps://... for TLS from the start."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from web.notices.texts import Text


class DeliveryError(Exception):
    """The channel did not accept the notice; the message says why."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: bool
    starttls: str  # "auto" or "require"
    user: str
    password: str

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("TANDEM_SMTP_URL is smtp://host:port or smtps://host:port.")
        query = parse_qs(parts.query)
        return cls(host=parts.hostname, port=parts.port or (465 if parts.scheme == "smtps"
                                                             else 25),
                   tls=parts.scheme == "smtps",
                   starttls=query.get("starttls", ["auto"])[0],
                   user=unquote(parts.username or ""), password=unquote(parts.password or ""))


def message(text: Text, sender: str, to: str, language: str, notice_id: str) -> EmailMessage:
    """A multipart message: plain text and HTML, in the addressee's language."""
    msg = EmailMessage()
    msg["Subject"] = text.subject
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain="tandem.local")
    msg["X-Tandem-Notice"] = notice_id
    msg.set_content(text.body)
    msg.add_alternative(text.html, subtype="html")
    msg["Content-Language"] = language  # after the parts: content headers move into them
    return msg


def send(server: SmtpServer, msg: EmailMessage, timeout: float) -> str:
    """Hand the message to the SMTP server; DeliveryError when it cannot be reached or refuses."""
    try:
        if server.tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout,
                                                   context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=timeout)
        with client:
            if not server.tls:
                client.ehlo()
                if client.has_extn("starttls"):
                    client.starttls(context=ssl.create_default_context())
                    client.ehlo()
                elif server.starttls == "require":
                    raise DeliveryError("The SMTP server does not offer STARTTLS.")
            if server.user:
                client.login(server.user, server.password)
            refused = client.send_message(msg)
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"SMTP {server.host}:{server.port}: {error}") from error
    if refused:
        raise DeliveryError(f"The SMTP server refused {', '.join(refused)}.")
    return f"accepted by {server.host}:{server.port}"
