"""SMS through one interface: `settings.ZUGONG_SMS_BACKEND` names a class with `send(number, text)`.

The default sends nothing (no SMS gateway is part of the platform); `MemoryBackend` keeps what it was given
(tests, trials) and `LogBackend` writes it to the log. A province's gateway is one more class:

    class GatewayBackend(SmsBackend):
        def send(self, number, text):
            requests.post(GATEWAY, json={"to": number, "text": text}, timeout=10).raise_for_status()
            return True
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

DEFAULT_BACKEND = "zugong.notifications.sms.NullBackend"


class SmsBackend:
    """Send one text message; True when it left (a gateway error raises)."""

    configured = True

    def send(self, number: str, text: str) -> bool:
        raise NotImplementedError


class NullBackend(SmsBackend):
    """No SMS gateway: nothing is sent."""

    configured = False

    def send(self, number: str, text: str) -> bool:
        return False


class MemoryBackend(SmsBackend):
    """Keeps the messages in `MemoryBackend.outbox` as (number, text)."""

    outbox: list[tuple[str, str]] = []

    def send(self, number: str, text: str) -> bool:
        MemoryBackend.outbox.append((number, text))
        return True


class LogBackend(SmsBackend):
    """Writes each message to the log instead of sending it."""

    def send(self, number: str, text: str) -> bool:
        log.info("SMS to %s: %s", number, text)
        return True


def backend() -> SmsBackend:
    return import_string(getattr(settings, "ZUGONG_SMS_BACKEND", "") or DEFAULT_BACKEND)()
