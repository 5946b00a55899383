"""SMS gateway interface. A real gateway subclasses ``SMSBackend``; settings.SMS_BACKEND picks it."""

from django.conf import settings
from django.utils.module_loading import import_string


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


def get_backend() -> SMSBackend:
    return import_string(settings.SMS_BACKEND)()
