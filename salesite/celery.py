"""The Celery app. Broker from CELERY_BROKER_URL (filesystem by default, Redis in production).

Production settings unless DJANGO_SETTINGS_MODULE says otherwise (`make run` sets the local
ones): a worker or beat started without it must not run with development defaults."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesite.settings.production")

app = Celery("salesite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
