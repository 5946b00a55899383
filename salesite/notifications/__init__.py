"""Notifications: the in-app inbox, email (through Django's email backend) and SMS through a
pluggable gateway whose default backend records the message in the database. Email and SMS
are queued in the outbox (salesite/outbox.py) and sent by a Celery worker after commit."""

from .services import (
    notify,
    notify_each_once,
    notify_many,
    send_email_many,
    send_sms,
    send_sms_many,
)

__all__ = [
    "notify",
    "notify_each_once",
    "notify_many",
    "send_email_many",
    "send_sms",
    "send_sms_many",
]
