"""Celery queues by kind of work, so that a long import or a daily job never delays an SMS.

* ``notifications``: sending email and SMS (the outbox's send task and its minute sweep);
* ``imports``: owner-register imports (up to a minute each);
* ``scheduled``: the periodic jobs that beat starts (every task wrapped in
  ``salesite.jobs.scheduled_job``);
* ``celery`` (Celery's default queue): anything else.

A worker per queue in production (README, Production run), e.g.
``celery -A salesite worker -Q notifications`` and ``-Q imports,scheduled,celery``; the demo's
single worker consumes them all (``-Q celery,notifications,imports,scheduled``). An explicit
``queue=`` in ``apply_async``, or a queue set on a beat entry in the admin, wins over this.
"""

from __future__ import annotations

DEFAULT = "celery"
NOTIFICATIONS = "notifications"
IMPORTS = "imports"
SCHEDULED = "scheduled"
ALL_QUEUES = (DEFAULT, NOTIFICATIONS, IMPORTS, SCHEDULED)

BY_NAME = {
    "salesite.tasks.outbox_send": NOTIFICATIONS,
    # Periodic, but it is the path of every message that the broker missed or that is retried.
    "salesite.tasks.outbox_sweep": NOTIFICATIONS,
    "salesite.tasks.import_batch_process": IMPORTS,
}


def queue_for(name: str, task=None) -> str:
    if name in BY_NAME:
        return BY_NAME[name]
    run = getattr(task, "run", None)
    if getattr(run, "scheduled_job_name", None):
        return SCHEDULED
    return DEFAULT


def route_task(name, args, kwargs, options, task=None, **kw):
    """Celery router (settings: CELERY_TASK_ROUTES)."""
    return {"queue": queue_for(name, task)}
