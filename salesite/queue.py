"""Best-effort enqueueing of Celery tasks.

A saved action must never fail because the broker is down or frozen: the database is the
source of truth and every task's work is also found by a beat sweep (the outbox sweep for
messages, the scheduled jobs for the rest). So a publish error is logged and swallowed, and
the broker's timeouts (settings: socket and connection timeouts, publish retry policy) bound
how long a publish may take.

``enqueue_on_commit(task, *args)`` is the form every service uses: the task is published after
the transaction commits (a task never sees a rolled-back row), and not at all if it rolls back.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Publish ``task`` now; return False (and log) instead of raising on a broker error."""
    if task.app.conf.task_always_eager:
        # Tests and the eager demo run the task inline: its own errors must not be hidden.
        task.apply_async(args=args, kwargs=kwargs)
        return True
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:  # any broker/transport error: the sweep or the next run catches up
        logger.warning(
            "Could not enqueue %s%r; the database keeps the work for the next sweep.",
            getattr(task, "name", task),
            args,
            exc_info=True,
        )
        return False
    return True


def enqueue_on_commit(task, *args, using: str | None = None, **kwargs) -> None:
    """Publish ``task`` after the current transaction commits, never raising into the request."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs), using=using)
