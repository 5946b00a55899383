"""SMS gateway interface. A real gateway subclasses ``SMSBackend``; settings.SMS_BACKEND picks it."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("salesite.sms")


class SMSBackend:
    name = "base"

    def send(self, phone: str, body: str) -> None:
        """Send one message; raise on failure."""
        raise NotImplementedError


class DatabaseSMSBackend(SMSBackend):
    """Sends nothing out: the message is only recorded (status "recorded")."""

    name = "database"
    delivers = False

    def send(self, phone: str, body: str) -> None:
        return None


class ConsoleSMSBackend(DatabaseSMSBackend):
    """For local runs and the demo: records the message like ``DatabaseSMSBackend`` and writes
    it to the log (the Celery worker's log in `make run`), e.g. an owner's login code."""

    name = "console"

    def send(self, phone: str, body: str) -> None:
        logger.warning("SMS to %s: %s", phone, body)


def get_backend() -> SMSBackend:
    return import_string(settings.SMS_BACKEND)()
