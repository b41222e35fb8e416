"""SMS backends, chosen by the SMS_BACKEND setting (a dotted path), as Django chooses a mailer.

- ConsoleSmsBackend (the default): writes each message to standard output; development.
- RecordingSmsBackend: keeps each message in `cityportal.core.sms.outbox`, as `django.core.mail.outbox`
  does for email. For tests only: `check --deploy` refuses it (sms.E001).

A provider's backend subclasses SmsBackend and implements `send`; it raises SmsError when the provider
refuses the message.
"""

import sys
from dataclasses import dataclass

from django.conf import settings
from django.core.checks import Error
from django.utils.module_loading import import_string

RECORDING_BACKEND = "cityportal.core.sms.RecordingSmsBackend"


class SmsError(Exception):
    """The provider did not accept the message."""


@dataclass(frozen=True)
class SmsMessage:
    number: str
    text: str


# Messages sent through RecordingSmsBackend, oldest first. Tests clear it.
outbox: list[SmsMessage] = []


class SmsBackend:
    def send(self, number: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, number: str, text: str) -> None:
        self.stream.write(f"SMS to {number}:\n{text}\n{'-' * 40}\n")
        self.stream.flush()


class RecordingSmsBackend(SmsBackend):
    def send(self, number: str, text: str) -> None:
        outbox.append(SmsMessage(number=number, text=text))


def get_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def check_sms_backend(app_configs=None, **kwargs):
    """A deployment check: the recording fake would swallow every message in production."""
    if settings.SMS_BACKEND == RECORDING_BACKEND:
        return [
            Error(
                "SMS_BACKEND is the recording backend, which sends nothing: it is for tests only.",
                hint="Set SMS_BACKEND to a provider's backend (or leave it unset for the console backend).",
                id="sms.E001",
            )
        ]
    return []
