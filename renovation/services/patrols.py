"""Daily patrols (R-REN-6) and the missed-patrol job."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.models import Project
from salesite.notifications import notify_many
from salesite.selectors import members_holding

from .. import recipients
from ..exceptions import InvalidTransition
from ..models import MissedPatrol, PatrolKind, PatrolRecord, RenovationApplication
from ..selectors import ACTIVE_STATUSES
from .common import _lock, _require_status


@transaction.atomic
def patrol_record(
    *,
    application,
    kind: str,
    result: str,
    findings: str = "",
    user,
    day: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> PatrolRecord:
    """Record today's patrol of one kind; one per (renovation, day, kind)."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    app = _lock(application)
    _require_status(app, *ACTIVE_STATUSES, action=_("登记巡查"))
    if day > timezone.localdate(now):
        raise InvalidTransition(_("不能登记未来日期的巡查。"))
    if result == PatrolRecord.Result.VIOLATION and not findings.strip():
        raise InvalidTransition(_("发现违章时须填写巡查情况。"))
    if PatrolRecord.objects.filter(application=app, date=day, kind=kind).exists():
        raise InvalidTransition(
            _("%(unit)s %(day)s 的%(kind)s已登记，不能重复登记。")
            % {"unit": app.unit, "day": day.strftime("%Y-%m-%d"), "kind": PatrolKind(kind).label}
        )
    return PatrolRecord.objects.create(
        project_id=app.project_id,
        application=app,
        date=day,
        kind=kind,
        result=result,
        findings=findings,
        patrolled_by=user,
        patrolled_at=now,
    )


def patrols_missed_flag(*, day: datetime.date | None = None) -> dict:
    """Flag every patrol not recorded on ``day`` (default: yesterday) for the renovations
    active that day; notify the kind's role and the centre head once per project and kind."""
    day = day or timezone.localdate() - datetime.timedelta(days=1)
    active = list(
        RenovationApplication.objects.filter(
            status__in=ACTIVE_STATUSES, permitted_at__date__lte=day
        ).values_list("pk", "project_id")
    )
    if not active:
        return {"active": 0, "missed": 0, "notified": 0}
    app_ids = [pk for pk, _project in active]
    done = set(
        PatrolRecord.objects.filter(application_id__in=app_ids, date=day).values_list(
            "application_id", "kind"
        )
    )
    flagged = set(
        MissedPatrol.objects.filter(application_id__in=app_ids, date=day).values_list(
            "application_id", "kind"
        )
    )
    new = [
        MissedPatrol(project_id=project_id, application_id=pk, date=day, kind=kind)
        for pk, project_id in active
        for kind in PatrolKind.values
        if (pk, kind) not in done and (pk, kind) not in flagged
    ]
    MissedPatrol.objects.bulk_create(new, ignore_conflicts=True)
    # One message per project and kind, whether flagged by this run or an earlier one
    # (the dedupe key makes a second run send nothing).
    missing: dict[tuple[int, str], int] = {}
    for pk, project_id in active:
        for kind in PatrolKind.values:
            if (pk, kind) not in done:
                missing[(project_id, kind)] = missing.get((project_id, kind), 0) + 1
    project_ids = {project_id for project_id, _kind in missing}
    users = members_holding(
        [*recipients.PATROL_ROLE_FOR_KIND.values(), "centre_head"], project_ids, by_role=True
    )
    projects = Project.objects.in_bulk(project_ids)
    url = reverse("renovation:patrol_today")
    notified = 0
    for (project_id, kind), count in sorted(missing.items()):
        role = recipients.PATROL_ROLE_FOR_KIND[kind]
        notified += len(
            notify_many(
                recipients=[
                    *users.get((project_id, role), []),
                    *users.get((project_id, "centre_head"), []),
                ],
                title=_("%(day)s 装修漏巡：%(kind)s %(n)s 户")
                % {"day": day.strftime("%Y-%m-%d"), "kind": PatrolKind(kind).label, "n": count},
                body=_("有 %(n)s 户在施工装修未完成%(kind)s，请查看今日巡查并补查。")
                % {"n": count, "kind": PatrolKind(kind).label},
                url=f"{url}?project={project_id}&date={day:%Y-%m-%d}",
                project=projects[project_id],
                level="overdue",
                dedupe_key=f"ren-patrol-missed-{project_id}-{day:%Y%m%d}-{kind}",
            )
        )
    return {"active": len(active), "missed": len(new), "notified": notified}


# A day the job did not run (beat or worker down at 8:00) is still flagged on the next runs.
PATROL_CATCH_UP_DAYS = 3


def patrols_missed_flag_recent(*, today: datetime.date | None = None) -> dict:
    """The daily job: flag yesterday and the PATROL_CATCH_UP_DAYS - 1 days before it, oldest
    first; a day already flagged creates and sends nothing again (unique rows, dedupe keys)."""
    today = today or timezone.localdate()
    totals = {"active": 0, "missed": 0, "notified": 0}
    for n in range(PATROL_CATCH_UP_DAYS, 0, -1):
        result = patrols_missed_flag(day=today - datetime.timedelta(days=n))
        for key in totals:
            totals[key] += result[key]
    return totals
