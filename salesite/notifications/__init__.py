"""Notifications: the in-app inbox, email (through Django's email backend, sent by a Celery
task after commit) and SMS through a pluggable gateway whose default backend records the
message in the database."""

from .services import notify, notify_many, send_sms

__all__ = ["notify", "notify_many", "send_sms"]
