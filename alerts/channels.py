"""The two channels, e-mail over SMTP and a signed JSON webhook: configuration checked up front,
and one send function each. Retries belong to the caller (a Prefect task with back-off).

Secure by default: no secret has a shared default; the SMTP password never crosses the network
in clear (STARTTLS, unless the server is on this machine); the webhook must be https unless it
is on this machine, and every body is signed with HMAC-SHA256 over ``timestamp.body`` so the
receiver can check who sent it and refuse replays.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Final
from urllib.parse import urlsplit

from alerts.messages import Message
from core.clock import as_utc
from core.settings import Settings, SettingsError

SIGNATURE_HEADER: Final[str] = "X-KiemChung-Signature"
TIMESTAMP_HEADER: Final[str] = "X-KiemChung-Timestamp"
DELIVERY_HEADER: Final[str] = "X-KiemChung-Delivery"
#: Receivers should refuse a signature older than this (replays).
SIGNATURE_TOLERANCE_SECONDS: Final[int] = 300
MIN_SECRET_LENGTH: Final[int] = 16
_PLACEHOLDERS: Final[frozenset[str]] = frozenset(
    {"change-me", "changeme", "secret", "password", "dev-only-secret-change-me", "xxx"}
)
SEND_TIMEOUT_SECONDS: Final[float] = 20.0


class DeliveryFailed(RuntimeError):
    """A channel refused or could not take a message; ``transient`` failures are retried."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _secret_ok(name: str, value: str | None) -> str:
    if not value:
        raise SettingsError(f"{name} is not set; it has no default, set your own")
    if value.strip().lower() in _PLACEHOLDERS or len(value) < MIN_SECRET_LENGTH:
        raise SettingsError(f"{name} is a placeholder or shorter than {MIN_SECRET_LENGTH} "
                            "characters; set a long random value of your own")
    return value


@dataclass(frozen=True)
class EmailChannel:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    username: str | None = None
    password: str | None = None
    starttls: bool = True


@dataclass(frozen=True)
class WebhookChannel:
    url: str
    secret: str


def email_channel(settings: Settings) -> EmailChannel | None:
    """The e-mail channel, or ``None`` when it is not configured; bad settings raise."""
    if not settings.smtp_host:
        return None
    recipients = tuple(a.strip() for a in (settings.mail_to or "").split(",") if a.strip())
    if not recipients:
        raise SettingsError("KIEMCHUNG_SMTP_HOST is set but KIEMCHUNG_MAIL_TO names nobody")
    if not settings.mail_from:
        raise SettingsError("KIEMCHUNG_MAIL_FROM is not set (the sender of e-mail alerts)")
    if settings.smtp_username:
        if not settings.smtp_password:
            raise SettingsError("KIEMCHUNG_SMTP_USERNAME is set but KIEMCHUNG_SMTP_PASSWORD is "
                                "not; it has no default, set your own")
        if not settings.smtp_starttls and not _is_loopback(settings.smtp_host):
            raise SettingsError("KIEMCHUNG_SMTP_STARTTLS is off: the SMTP password would cross "
                                "the network in clear")
    return EmailChannel(
        host=settings.smtp_host, port=settings.smtp_port, sender=settings.mail_from,
        recipients=recipients, username=settings.smtp_username,
        password=settings.smtp_password, starttls=settings.smtp_starttls,
    )


def webhook_channel(settings: Settings) -> WebhookChannel | None:
    """The webhook channel, or ``None`` when it is not configured; bad settings raise."""
    if not settings.webhook_url:
        return None
    parts = urlsplit(settings.webhook_url)
    if parts.scheme != "https" and not (parts.scheme == "http" and _is_loopback(parts.hostname)):
        raise SettingsError("KIEMCHUNG_WEBHOOK_URL must be https (http only on this machine)")
    return WebhookChannel(url=settings.webhook_url,
                          secret=_secret_ok("KIEMCHUNG_WEBHOOK_SECRET", settings.webhook_secret))


def configured_channels(settings: Settings) -> dict[str, EmailChannel | WebhookChannel]:
    """Every configured channel by name, checked."""
    found: dict[str, EmailChannel | WebhookChannel] = {}
    if (mail := email_channel(settings)) is not None:
        found["email"] = mail
    if (hook := webhook_channel(settings)) is not None:
        found["webhook"] = hook
    return found


# -- e-mail ------------------------------------------------------------------------------
def email_for(channel: EmailChannel, message: Message, delivery_id: str) -> EmailMessage:
    """The e-mail: plain UTF-8 text, a Message-ID made from the delivery id (so a resend after
    a crash can be recognised), and the delivery id in its own header."""
    mail = EmailMessage()
    mail["From"] = channel.sender
    mail["To"] = ", ".join(channel.recipients)
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(datetime.now(UTC))
    domain = channel.sender.rpartition("@")[2].strip(" >") or "kiemchung.local"
    mail["Message-ID"] = f"<{delivery_id}@{domain}>"
    mail[DELIVERY_HEADER] = delivery_id
    mail.set_content(message.text, charset="utf-8")
    return mail


def send_email(channel: EmailChannel, message: Message, delivery_id: str) -> None:
    """Send one e-mail; connection problems and 4xx SMTP answers are transient."""
    mail = email_for(channel, message, delivery_id)
    try:
        with smtplib.SMTP(channel.host, channel.port, timeout=SEND_TIMEOUT_SECONDS) as smtp:
            if channel.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if channel.username:
                smtp.login(channel.username, channel.password or "")
            smtp.send_message(mail)
    except smtplib.SMTPResponseException as exc:
        raise DeliveryFailed(f"SMTP {channel.host}: {exc.smtp_code} {exc.smtp_error!r}",
                             transient=400 <= exc.smtp_code < 500) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"SMTP {channel.host}: {exc}", transient=True) from exc


# -- webhook -----------------------------------------------------------------------------
def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``timestamp + "." + body``."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body,
                      hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, now: datetime,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver checks: the signature matches and the timestamp is recent."""
    try:
        age = abs(as_utc(now).timestamp() - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(sign(secret, timestamp, body), signature)


def webhook_body(message: Message, delivery_id: str) -> bytes:
    document = {
        "delivery_id": delivery_id, "kind": message.kind, "subject_id": message.subject_id,
        "subject": message.subject, "text": message.text, "url": message.url,
        "label": message.label, "provinces": list(message.provinces), **message.payload,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")


def post_webhook(
    channel: WebhookChannel, message: Message, delivery_id: str, user_agent: str = "KiemChung",
) -> None:
    """POST the signed JSON, stamped with the time of sending; 5xx, 408, 429 and connection
    problems are transient."""
    body = webhook_body(message, delivery_id)
    timestamp = str(int(datetime.now(UTC).timestamp()))
    request = urllib.request.Request(
        channel.url, data=body, method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": user_agent,
            DELIVERY_HEADER: delivery_id, TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(channel.secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=SEND_TIMEOUT_SECONDS) as answer:
            answer.read(1024)
    except urllib.error.HTTPError as exc:
        transient = exc.code >= 500 or exc.code in (408, 429)
        raise DeliveryFailed(f"webhook answered {exc.code}", transient=transient) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryFailed(f"webhook unreachable: {exc}", transient=True) from exc


def send_on(
    channels: dict[str, EmailChannel | WebhookChannel], channel: str, message: Message,
    delivery_id: str, user_agent: str = "KiemChung",
) -> None:
    """Send ``message`` on the named configured channel."""
    target = channels[channel]
    if isinstance(target, EmailChannel):
        send_email(target, message, delivery_id)
    else:
        post_webhook(target, message, delivery_id, user_agent)
