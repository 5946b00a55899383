"""The Celery app. Broker from CELERY_BROKER_URL (filesystem by default, Redis in production)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesite.settings.local")

app = Celery("salesite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
