"""Completion application and inspection (R-REN-7)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.notifications import notify_many
from salesite.selectors import members_holding
from salesite.workflow import can_transition, refusal, transition

from ..exceptions import InvalidTransition
from ..models import OPEN_VIOLATION_STATES, CompletionInspection, Status
from ..selectors import ACTIVE_STATUSES, refund_due_date
from .common import _lock, _require_status

INSPECTORS = ["engineering", "security", "security_lead"]


def _schedule_inspection(app, *, agreed_date, user, now) -> CompletionInspection:
    if CompletionInspection.objects.filter(
        application=app, state=CompletionInspection.State.SCHEDULED
    ).exists():
        raise InvalidTransition(_("已有待进行的验收，请先登记验收结果。"))
    last = app.inspections.order_by("-round").values_list("round", flat=True).first() or 0
    inspection = CompletionInspection.objects.create(
        project_id=app.project_id,
        application=app,
        round=last + 1,
        agreed_date=agreed_date,
        scheduled_by=user,
        scheduled_at=now,
    )
    notify_many(
        recipients=members_holding(INSPECTORS, [app.project_id]).get(app.project_id, []),
        title=_("装修竣工验收：%(unit)s %(d)s") % {"unit": app.unit, "d": agreed_date},
        body=_("请工程部、保安部于约定日期到场验收（第 %(n)s 次）。") % {"n": inspection.round},
        url=app.get_absolute_url(),
        project=app.project,
        dedupe_key=f"ren-inspection-{inspection.pk}",
    )
    return inspection


@transaction.atomic
def completion_apply(
    *, application, agreed_date: datetime.date, user, now=None
) -> CompletionInspection:
    """The owner applies for completion acceptance; the inspection date is agreed."""
    now = now or timezone.now()
    app = _lock(application)
    _require_status(app, *ACTIVE_STATUSES, action=_("申请竣工验收"))
    if agreed_date < timezone.localdate(now):
        raise InvalidTransition(_("约定验收日期不能早于今天。"))
    transition(app, Status.COMPLETION_APPLIED, by=user, at=now)
    return _schedule_inspection(app, agreed_date=agreed_date, user=user, now=now)


@transaction.atomic
def reinspection_schedule(
    *, application, agreed_date: datetime.date, user, now=None
) -> CompletionInspection:
    """After rectification: agree the date of the re-inspection."""
    now = now or timezone.now()
    app = _lock(application)
    _require_status(app, Status.RECTIFICATION, action=_("预约复验"))
    if agreed_date < timezone.localdate(now):
        raise InvalidTransition(_("约定验收日期不能早于今天。"))
    return _schedule_inspection(app, agreed_date=agreed_date, user=user, now=now)


@transaction.atomic
def completion_inspect(
    *,
    inspection,
    engineering_ok: bool,
    security_ok: bool,
    user,
    problems: str = "",
    rectification: str = "",
    now=None,
) -> CompletionInspection:
    """Record the inspection by engineering and security. Problems need the rectification
    asked for (the application goes to rectification); acceptance sets the completion date
    and starts the 3-month deposit refund clock."""
    now = now or timezone.now()
    app = _lock(inspection.application)
    inspection = CompletionInspection.objects.select_for_update().get(pk=inspection.pk)
    passed = engineering_ok and security_ok
    result = CompletionInspection.State.PASSED if passed else CompletionInspection.State.FAILED
    if not can_transition(inspection, result):  # recorded already: say so before the checks
        raise refusal(inspection, result)
    _require_status(app, Status.COMPLETION_APPLIED, Status.RECTIFICATION, action=_("竣工验收"))
    if not passed and not (problems.strip() and rectification.strip()):
        raise InvalidTransition(_("验收不合格须记录存在问题和整改措施，并向业主说明。"))
    if passed and app.violations.filter(state__in=OPEN_VIOLATION_STATES).exists():
        raise InvalidTransition(_("该装修有未整改完毕的违章，复查合格后才能通过竣工验收。"))
    inspection.engineering_ok, inspection.security_ok = engineering_ok, security_ok
    inspection.problems, inspection.rectification = problems, rectification
    inspection.inspected_at, inspection.inspected_by = now, user
    transition(
        inspection,
        result,
        by=user,
        at=now,
        fields=[
            "engineering_ok",
            "security_ok",
            "problems",
            "rectification",
            "inspected_at",
            "inspected_by",
        ],
    )
    if not passed:
        if app.status == Status.COMPLETION_APPLIED:
            transition(app, Status.RECTIFICATION, by=user, at=now, note=problems)
        return inspection
    app.completion_accepted_on = timezone.localdate(now)
    app.refund_due_on = refund_due_date(app)
    transition(
        app,
        Status.COMPLETION_ACCEPTED,
        by=user,
        at=now,
        note=_("第 %(n)s 次验收合格") % {"n": inspection.round},
        fields=["completion_accepted_on", "refund_due_on"],
    )
    return inspection
