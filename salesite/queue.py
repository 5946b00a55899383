"""Best-effort enqueueing of Celery tasks.

A saved action must never fail because the broker is down or frozen: the database is the
source of truth and every task's work is also found by a beat sweep (the outbox sweep for
messages, the scheduled jobs for the rest). So a publish error is logged and swallowed, and
the broker's timeouts (settings: socket and connection timeouts, publish retry policy) bound
how long a publish may take.

``enqueue_on_commit(task, *args)`` is the form every service uses: the task is published after
the transaction commits (a task never sees a rolled-back row), and not at all if it rolls back.
A caller whose work a sweep also finds (the outbox) passes ``sweep_covers=True``: after a
broker error, such publishes are skipped for ``BROKER_DOWN_PAUSE`` seconds in this process,
so that a request queueing several messages waits for one timeout at most, not one each.
"""

from __future__ import annotations

import logging
import time

from django.db import transaction

logger = logging.getLogger(__name__)

BROKER_DOWN_PAUSE = 30.0  # seconds
_broker_down_until = 0.0


def broker_marked_down() -> bool:
    return time.monotonic() < _broker_down_until


def reset_broker_state() -> None:
    global _broker_down_until
    _broker_down_until = 0.0


def enqueue(task, *args, sweep_covers: bool = False, **kwargs) -> bool:
    """Publish ``task`` now; return False (and log) instead of raising on a broker error."""
    global _broker_down_until
    if task.app.conf.task_always_eager:
        # Tests and the eager demo run the task inline: its own errors must not be hidden.
        task.apply_async(args=args, kwargs=kwargs)
        return True
    name = getattr(task, "name", task)
    if sweep_covers and broker_marked_down():
        logger.info("Broker marked down: %s%r is left to the sweep.", name, args)
        return False
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:  # any broker/transport error: the sweep or the next run catches up
        _broker_down_until = time.monotonic() + BROKER_DOWN_PAUSE
        logger.warning(
            "Could not enqueue %s%r; the database keeps the work for the next sweep.",
            name,
            args,
            exc_info=True,
        )
        return False
    return True


def enqueue_on_commit(
    task, *args, using: str | None = None, sweep_covers: bool = False, **kwargs
) -> None:
    """Publish ``task`` after the current transaction commits, never raising into the request."""
    transaction.on_commit(
        lambda: enqueue(task, *args, sweep_covers=sweep_covers, **kwargs), using=using
    )
