"""One effective Celery beat, however many are started (settings: CELERY_BEAT_SCHEDULER).

``SingleBeatScheduler`` is django-celery-beat's DatabaseScheduler (schedules edited in the
admin) that sends only while it holds the ``celery-beat`` lease: a ``JobLease`` row in the
shared database, taken with the same atomic insert-or-conditional-update as the jobs' leases
(salesite.jobs.lease_acquire) and renewed on every tick. A second beat (a second node, a
supervisor that started one too many) finds the lease held and stands by, checking again every
few seconds; when the leader stops, it releases the lease and a standby takes over at its next
tick; when the leader dies without releasing it, the lease expires after ``BEAT_LOCK_SECONDS``
(default 30 s) and a standby takes over then. The new leader re-reads the schedule, with the
last run times the old one saved (every ``sync_every`` seconds, not every 3 minutes), so a
takeover repeats at most the entries of the last few seconds (every job is idempotent and
holds its own lease besides).
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django_celery_beat.schedulers import DatabaseScheduler

from salesite.jobs import lease_acquire, lease_release

logger = logging.getLogger(__name__)

LOCK_NAME = "celery-beat"


class SingleBeatScheduler(DatabaseScheduler):
    # Save the entries' last run times often: a standby taking over reads them.
    sync_every = 10

    def __init__(self, *args, **kwargs):
        self.holder = f"beat:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:100]
        self.leading = False
        self._renewed_at = 0.0
        self._told_standby = False
        self.lock_seconds = getattr(settings, "BEAT_LOCK_SECONDS", 30)
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        if not self.hold_lock():
            # Standing by: look again soon (well within the leader's lease).
            return min(self.max_interval, max(1.0, self.lock_seconds / 6))
        return super().tick(*args, **kwargs)

    def hold_lock(self) -> bool:
        """Take or renew the lease; True while this beat is the one that sends."""
        now = time.monotonic()
        if self.leading and now - self._renewed_at < 1.0:
            return True  # renewed a moment ago (ticks come in bursts while entries are due)
        try:
            held = lease_acquire(LOCK_NAME, self.holder, self.lock_seconds)
        except DatabaseError:
            logger.exception("Beat: could not reach the database for the beat lease")
            close_old_connections()
            held = False
        if held:
            self._renewed_at = now
            if not self.leading:
                logger.warning("Beat %s holds the beat lease: it sends the schedule", self.holder)
                # Start from the database's schedule (the previous leader's last run times).
                self._initial_read = True
                self._heap = None
        elif self.leading:
            logger.warning("Beat %s lost the beat lease: standing by", self.holder)
        elif not self._told_standby:
            logger.warning("Beat %s: another beat holds the lease; standing by", self.holder)
            self._told_standby = True
        self.leading = held
        return held

    def close(self):
        try:
            super().close()
        finally:
            if self.leading:
                try:
                    lease_release(LOCK_NAME, self.holder)
                except DatabaseError:
                    logger.exception("Beat: could not release the beat lease")
                self.leading = False
