"""Developer and demo settings: embedded defaults, DEBUG on unless the environment says no."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)

# The demo's SMS (owner portal login codes among them) are recorded and printed to the log of
# the process that sends them (the Celery worker: var/log/celery-worker.log in `make run`).
SMS_BACKEND = env("SMS_BACKEND", default="salesite.notifications.sms.ConsoleSMSBackend")
