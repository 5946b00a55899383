"""Writes of the 6+2 steps (R-FB-9): other apps tick an action when a workflow performs it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from ..models import (
    CustomerStepRecord,
    StepAction,
)


def tick_step(*, customer, action_code: str, on: datetime.date | None = None, source: str = ""):
    """Record that a 6+2 action was done for a customer (R-FB-9); the first date is kept, a
    second call changes nothing. Unknown codes are ignored so that callers need not care."""
    action = StepAction.objects.filter(code=action_code, per_project=False).first()
    if action is None:
        return None
    record, _created = CustomerStepRecord.objects.get_or_create(
        customer=customer,
        action=action,
        defaults={
            "project_id": customer.project_id,
            "done_on": on or timezone.localdate(),
            "source": source[:60],
        },
    )
    return record


def tick_steps_bulk(*, rows, action_code: str, source: str = "") -> int:
    """Bulk variant for batch workflows: rows of (project_id, customer_id, done_on)."""
    action = StepAction.objects.filter(code=action_code).first()
    if action is None:
        return 0
    objs = [
        CustomerStepRecord(project_id=p, customer_id=c, action=action, done_on=d, source=source)
        for p, c, d in rows
    ]
    return len(CustomerStepRecord.objects.bulk_create(objs, ignore_conflicts=True, batch_size=2000))
