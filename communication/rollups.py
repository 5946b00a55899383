"""Daily rollups of the communication app (issue #17 item 3): the records held per project,
level and local day, summed into compliance periods by the dashboard (salesite.rollups).

A record saved or deleted on a closed day invalidates that day (and the day it was moved
from), so the dashboard counts it live until the nightly job stores it again."""

from __future__ import annotations

from django.db.models import Count, Min
from django.db.models.signals import post_delete, post_init, post_save

from salesite import rollups

RECORDS = "communication.records"


def records_per_day(project_ids, first, last):
    """(project_id, held_on, level_id, records) over [first, last]: one grouped query."""
    from communication.models import CommunicationRecord

    qs = CommunicationRecord.objects.filter(held_on__gte=first, held_on__lte=last)
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    rows = qs.values("project_id", "held_on", "level_id").annotate(n=Count("id")).order_by()
    for r in rows:
        yield r["project_id"], r["held_on"], str(r["level_id"]), r["n"]


def first_record_day():
    from communication.models import CommunicationRecord

    return CommunicationRecord.objects.aggregate(first=Min("held_on"))["first"]


def _remember_day(sender, instance, **kwargs):
    instance._rollup_held_on = instance.__dict__.get("held_on")


def _invalidate(sender, instance, **kwargs):
    rollups.invalidate(RECORDS, [instance.held_on, getattr(instance, "_rollup_held_on", None)])
    instance._rollup_held_on = instance.held_on


def setup() -> None:
    """Called from CommunicationConfig.ready()."""
    from communication.models import CommunicationRecord

    rollups.register(RECORDS, records_per_day, first_day=first_record_day)
    uid = "communication.rollups"
    post_init.connect(_remember_day, sender=CommunicationRecord, dispatch_uid=uid)
    post_save.connect(_invalidate, sender=CommunicationRecord, dispatch_uid=uid)
    post_delete.connect(_invalidate, sender=CommunicationRecord, dispatch_uid=uid)
