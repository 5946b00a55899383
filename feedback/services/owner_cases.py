"""The owner's answers to a case on the owner portal (issue 14): once staff mark a repair done
the owner confirms it or says it is not fixed (which reopens it and alerts the case's owner),
then rates the case 1–5. A rating given within the repair callback's window is that
callback's outcome (channel 业主端), so staff need not call.

The owner portal (owners/) calls these with a case it has already checked belongs to the
owner; each function locks the case row, re-checks the state and raises ``DomainError`` with
a message for the owner when the answer is not possible (any more)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.notifications import notify_many
from salesite.selectors import members_holding
from salesite.workflow import transition

from ..exceptions import DomainError
from ..models import (
    CallbackAttempt,
    CallbackRule,
    CallbackTask,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    OwnerConfirmation,
)
from ..models.callbacks import OPEN_CALLBACK_STATUSES
from ..selectors import BREACH_RECIPIENT_ROLES, ambassador_for


def owner_may_confirm(case: Case) -> bool:
    """A repair marked done by staff that the owner has not answered since."""
    return (
        case.kind == CaseKind.REPAIR
        and case.rectification_done_at is not None
        and (
            not case.owner_confirmation
            or case.owner_confirmed_at is None
            or case.owner_confirmed_at < case.rectification_done_at
        )
    )


def owner_may_report_not_fixed(case: Case) -> bool:
    """Not fixed reopens the work, so only while the case is open (closed is final; a low
    rating of a closed repair opens a follow-up complaint through its callback)."""
    return owner_may_confirm(case) and case.status != CaseStatus.CLOSED


def owner_may_rate(case: Case) -> bool:
    """Once, after the company replied (a repair: after the owner confirmed it, or closed)."""
    if case.owner_rated_at is not None:
        return False
    if case.kind == CaseKind.REPAIR:
        if owner_may_confirm(case):
            return False  # the repair's result first
        return (
            case.owner_confirmation == OwnerConfirmation.FIXED or case.status == CaseStatus.CLOSED
        )
    return case.status in (CaseStatus.REPLIED, CaseStatus.CLOSED)


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("project").get(pk=case.pk)


def _case_owners(case: Case) -> list:
    """Who answers for the case: its assignee, else the ambassador of its building or area,
    else who registered it, else the project's customer-service leads."""
    person = case.assignee or ambassador_for(
        project_id=case.project_id, building_id=case.building_id, area=case.area
    )
    if person is None and case.received_by_id:
        person = case.received_by
    if person is not None:
        return [person]
    return members_holding(BREACH_RECIPIENT_ROLES, [case.project_id]).get(case.project_id, [])


@transaction.atomic
def case_owner_confirm(
    *, case: Case, fixed: bool, note: str = "", now: datetime.datetime | None = None
) -> Case:
    """The owner's answer to a repair marked done: fixed, or not fixed (the case goes back to
    "处理中", the repair is no longer marked done, and the case's owner is alerted once)."""
    now = now or timezone.now()
    case = _lock(case)
    if not owner_may_confirm(case):
        raise DomainError(_("该事项当前无需确认维修结果。"))
    note = note.strip()[:500]
    case.owner_confirmed_at = now
    if fixed:
        case.owner_confirmation = OwnerConfirmation.FIXED
        case.save(update_fields=["owner_confirmation", "owner_confirmed_at"])
        CaseEvent.objects.create(
            case=case,
            from_status=case.status,
            to_status=case.status,
            at=now,
            note=_("业主确认已修好") + (f"：{note}" if note else ""),
        )
        return case
    if case.status == CaseStatus.CLOSED:
        raise DomainError(_("事项已关闭，无法退回；请在评价中说明，或联系客服。"))
    case.owner_confirmation = OwnerConfirmation.NOT_FIXED
    case.rectification_done_at = None
    case.survey_due = None
    event_note = _("业主反馈未修好，事项重新处理") + (f"：{note}" if note else "")
    fields = ["owner_confirmation", "owner_confirmed_at", "rectification_done_at", "survey_due"]
    if case.status == CaseStatus.IN_PROGRESS:
        case.save(update_fields=fields)
        CaseEvent.objects.create(
            case=case, from_status=case.status, to_status=case.status, at=now, note=event_note
        )
    else:
        transition(case, CaseStatus.IN_PROGRESS, by=None, at=now, note=event_note, fields=fields)
    notify_many(
        recipients=_case_owners(case),
        title=_("业主反馈未修好：%(case)s") % {"case": case},
        body=note,
        url=case.get_absolute_url(),
        project=case.project,
        dedupe_key=f"feedback:case:{case.pk}:not_fixed:{now.isoformat()}",
    )
    return case


@transaction.atomic
def case_owner_rate(
    *, case: Case, rating: int, comment: str = "", now: datetime.datetime | None = None
) -> Case:
    """The owner's rating (1–5) and comment, once. Within the repair callback's window it is
    that callback's outcome (a rating before closing is applied when the case closes)."""
    now = now or timezone.now()
    if not 1 <= int(rating) <= 5:
        raise DomainError(_("评分须在 1–5 之间。"))
    case = _lock(case)
    if case.owner_rated_at is not None:
        raise DomainError(_("您已评价过该事项。"))
    if not owner_may_rate(case):
        raise DomainError(_("事项尚未处理完毕，暂不能评价。"))
    case.owner_rating = int(rating)
    case.owner_comment = comment.strip()[:1000]
    case.owner_rated_at = now
    case.save(update_fields=["owner_rating", "owner_comment", "owner_rated_at"])
    CaseEvent.objects.create(
        case=case,
        from_status=case.status,
        to_status=case.status,
        at=now,
        note=_("业主评价 %(n)s 分") % {"n": case.owner_rating}
        + (f"：{case.owner_comment}" if case.owner_comment else ""),
    )
    owner_rating_as_callback(case, now=now)
    return case


def owner_rating_as_callback(case: Case, *, now: datetime.datetime) -> CallbackTask | None:
    """Record the owner's rating as the outcome of the case's open repair-closed callback,
    when it is given by the callback's deadline; None when there is no such callback (not
    closed yet, rule inactive, already called) or its window has passed."""
    if case.owner_rated_at is None or case.owner_rating is None:
        return None
    task = (
        CallbackTask.objects.filter(
            case=case,
            rule__trigger=CallbackRule.Trigger.REPAIR_CLOSED,
            status__in=OPEN_CALLBACK_STATUSES,
        )
        .order_by("pk")
        .first()
    )
    if task is None:
        return None
    deadline = case.callback_due or timezone.make_aware(
        datetime.datetime.combine(task.due_date + datetime.timedelta(days=1), datetime.time())
    )
    if case.owner_rated_at > deadline:
        return None
    from .callbacks import callback_record_outcome

    return callback_record_outcome(
        task=task,
        reached=True,
        answers={"owner_rating": case.owner_rating, "owner_comment": case.owner_comment},
        note=(_("业主端评价 %(n)s 分") % {"n": case.owner_rating})
        + (f"：{case.owner_comment}" if case.owner_comment else ""),
        now=now,
        channel=CallbackAttempt.Channel.OWNER,
        rating=case.owner_rating,
    )
