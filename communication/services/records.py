"""Communication records (R-COM-2): saved with the level's open problems carried forward onto
their agenda and the problems raised in them; minutes distributed and acknowledged."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from communication import selectors
from communication.exceptions import ConcurrentEdit, DomainError
from communication.models import (
    CommunicationLevel,
    CommunicationRecord,
    MinutesRecipient,
    ProblemEvent,
)
from communication.services.problems import _now, problem_create
from salesite.models import Project
from salesite.notifications import notify_many

RECORD_FIELDS = {
    "place",
    "department",
    "other_participants",
    "topics",
    "decisions",
    "summary",
    "feedback",
    "next_plan",
}

# --- records ------------------------------------------------------------------------------


def _check_participants(project, participants) -> list:
    participants = list(participants)
    if any(m.project_id != project.pk for m in participants):
        raise DomainError(_("参加人员必须是本项目的成员。"))
    return participants


def _distribute(record, users, *, user) -> int:
    """Add people to the minutes' distribution list and send them the minutes once."""
    existing = set(record.recipients.values_list("user_id", flat=True))
    new = [u for u in {u.pk: u for u in users}.values() if u.pk not in existing]
    if not new:
        return 0
    MinutesRecipient.objects.bulk_create(
        [MinutesRecipient(record=record, user=u) for u in new], ignore_conflicts=True
    )
    notify_many(
        recipients=new,
        title=_("%(project)s %(level)s纪要（%(day)s）请查阅并确认收到")
        % {"project": record.project, "level": record.level, "day": record.held_on},
        body=record.decisions or record.topics,
        url=record.get_absolute_url(),
        project=record.project,
        dedupe_key=f"com-minutes:{record.pk}",
    )
    return len(new)


@transaction.atomic
def record_create(
    *,
    project: Project,
    level: CommunicationLevel,
    user,
    held_at: datetime.datetime,
    participants: Iterable = (),
    recipients: Iterable = (),
    problems: Iterable[dict] = (),
    **fields,
) -> CommunicationRecord:
    """Save a record; put the level's open problems on its agenda (carried forward) and
    register the new problems raised in it."""
    unknown = set(fields) - RECORD_FIELDS
    if unknown:
        raise TypeError(f"unknown record fields: {sorted(unknown)}")
    if not level.is_active:
        raise DomainError(_("该沟通层级已停用。"))
    if not level.has_next_plan:
        fields["next_plan"] = ""
    record = CommunicationRecord(
        project=project, level=level, held_at=held_at, created_by=user, **fields
    )
    record.save()
    record.participants.set(_check_participants(project, participants))

    # Carry forward: what is still open at this level is discussed in this record.
    agenda = list(selectors.agenda_for(project, level).values_list("pk", flat=True))
    if agenda:
        record.agenda.add(*agenda)
        now = _now()
        ProblemEvent.objects.bulk_create(
            [
                ProblemEvent(
                    problem_id=p,
                    kind=ProblemEvent.Kind.CARRIED_FORWARD,
                    to_level=level,
                    record=record,
                    by=user,
                    at=now,
                    note=_("列入%(day)s%(level)s议程") % {"day": record.held_on, "level": level},
                )
                for p in agenda
            ]
        )
    for data in problems:
        problem_create(project=project, level=level, record=record, user=user, **data)
    if level.uses_minutes:
        _distribute(record, recipients, user=user)
    return record


@transaction.atomic
def record_update(
    *,
    record: CommunicationRecord,
    user,
    version: int,
    held_at: datetime.datetime,
    participants: Iterable = (),
    recipients: Iterable = (),
    problems: Iterable[dict] = (),
    **fields,
) -> CommunicationRecord:
    """Edit a record; refused if someone saved it since ``version`` was read."""
    unknown = set(fields) - RECORD_FIELDS
    if unknown:
        raise TypeError(f"unknown record fields: {sorted(unknown)}")
    locked = CommunicationRecord.objects.select_for_update().get(pk=record.pk)
    if locked.version != version:
        raise ConcurrentEdit(_("该记录已被他人修改，请刷新后重新填写。"))
    if not locked.level.has_next_plan:
        fields["next_plan"] = ""
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.held_at = held_at
    locked.version = version + 1
    locked.save()
    locked.participants.set(_check_participants(locked.project, participants))
    for data in problems:
        problem_create(project=locked.project, level=locked.level, record=locked, user=user, **data)
    if locked.level.uses_minutes:
        wanted = {u.pk for u in recipients}
        # Whoever already confirmed receipt stays on the list.
        locked.recipients.filter(acknowledged_at__isnull=True).exclude(user_id__in=wanted).delete()
        _distribute(locked, recipients, user=user)
    return locked


@transaction.atomic
def minutes_acknowledge(*, record: CommunicationRecord, user, now=None) -> MinutesRecipient:
    """A recipient confirms receipt of the minutes; a second confirmation changes nothing."""
    row = MinutesRecipient.objects.select_for_update().filter(record=record, user=user).first()
    if row is None:
        raise DomainError(_("您不在本纪要的分发名单中。"))
    if row.acknowledged_at is None:
        row.acknowledged_at = _now(now)
        row.save(update_fields=["acknowledged_at"])
    return row
