"""Writes of feedback cases: registration, dispatch, start, reply, close, rectification, and
the deadline breaches of the 10-minute dispatch and the answer deadlines (R-FB-1..5)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.models import Notification
from salesite.notifications import notify_each_once, notify_many
from salesite.notifications.services import send_sms
from salesite.policy import policy_for
from salesite.selectors import members_holding
from salesite.workflow import transition

from .. import deadlines
from ..exceptions import CaseNotReplied, DomainError
from ..models import (
    BreachKind,
    CallbackStatus,
    CallbackTask,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Channel,
    DeadlineBreach,
    RuleCode,
    rule_due,
)
from ..selectors import BREACH_RECIPIENT_ROLES, LEADER_ROLES, ambassador_for
from .callback_generation import _create_case_callbacks
from .repair_cards import (
    apply_repair_team,
    check_complaint_contractor,
    check_repair_team,
    repair_card_send,
)

# --- cases ---------------------------------------------------------------------------------

# The service policy values a case's deadlines use; stored on the case (``rule_values``).
CASE_RULES = ("dispatch_minutes", "answer_hours")


@transaction.atomic
def case_create(
    *,
    project,
    kind: str,
    subject: str,
    user=None,
    channel: str = "visit",
    content: str = "",
    complaint_category: str = "",
    customer=None,
    walk_in_name: str = "",
    contact_phone: str = "",
    unit=None,
    building=None,
    area: str = "",
    location: str = "",
    preferred_visit_at: datetime.datetime | None = None,
    settled_on_spot: bool = False,
    is_major: bool = False,
    promised_at: datetime.datetime | None = None,
    handling: str = "",
    reply: str = "",
    source_callback=None,
    contractor=None,
    now: datetime.datetime | None = None,
) -> Case:
    """Log a visit/call, request, complaint or repair with its deadlines (R-FB-1..4).
    ``contractor``: for a complaint, the registered contractor it is about (被投诉维修单位).

    Every deadline starts at ``now``: for a case the owner submits on the owner portal
    (channel 业主端) that is the moment of submission."""
    now = now or timezone.now()
    if customer is not None and customer.project_id != project.pk:
        raise DomainError(_("客户不属于该项目。"))
    if unit is not None:
        if unit.project_id != project.pk:
            raise DomainError(_("房号不属于该项目。"))
        building = unit.building
    if building is not None and building.project_id != project.pk:
        raise DomainError(_("楼栋不属于该项目。"))
    if customer is None and not walk_in_name.strip():
        raise DomainError(_("请选择客户或填写来访人姓名。"))
    if kind == CaseKind.COMPLAINT and not complaint_category:
        raise DomainError(_("投诉须选择类别。"))
    if kind != CaseKind.COMPLAINT:
        complaint_category = ""
    if contractor is not None:
        if kind != CaseKind.COMPLAINT:
            raise DomainError(_("只有投诉事项可以指定被投诉维修单位。"))
        check_complaint_contractor(project, contractor)
    if not contact_phone and customer is not None:
        contact_phone = customer.phone
    rules = policy_for(project).values(*CASE_RULES)
    case = Case(
        project=project,
        kind=kind,
        channel=channel,
        complaint_category=complaint_category,
        customer=customer,
        walk_in_name=walk_in_name.strip(),
        contact_phone=contact_phone,
        unit=unit,
        building=building,
        area=area,
        location=location.strip(),
        preferred_visit_at=preferred_visit_at,
        subject=subject,
        content=content,
        handling=handling,
        settled_on_spot=settled_on_spot,
        is_major=is_major,
        received_at=now,
        received_by=user,
        promised_at=promised_at,
        source_callback=source_callback,
        contractor=contractor,
        dispatch_due=deadlines.dispatch_due(
            kind=kind,
            received_at=now,
            settled_on_spot=settled_on_spot,
            dispatch_minutes=rules["dispatch_minutes"],
        ),
        answer_due=deadlines.answer_due(
            kind=kind,
            received_at=now,
            settled_on_spot=settled_on_spot,
            promised_at=promised_at,
            answer_hours=rules["answer_hours"],
        ),
        rule_values=rules,
    )
    ambassador = ambassador_for(
        project_id=project.pk, building_id=building.pk if building else None, area=area
    )
    if settled_on_spot and reply.strip():
        case.status = CaseStatus.REPLIED
        case.reply = reply.strip()
        case.replied_at = now
    if is_major and kind != CaseKind.REPAIR:
        case.escalated_at = now
    case.save()
    CaseEvent.objects.create(
        case=case,
        from_status=CaseStatus.NEW,
        to_status=case.status,
        by=user,
        at=now,
        note=_("登记"),
    )
    if case.escalated_at:
        # R-FB-1: a major, urgent or sudden matter goes to the leader at once.
        leaders = members_holding(LEADER_ROLES, [project.pk]).get(project.pk, [])
        notify_many(
            recipients=leaders,
            title=_("重大/紧急事项：%(s)s") % {"s": subject},
            body=content,
            url=case.get_absolute_url(),
            project=project,
            level=Notification.Level.ESCALATION,
            dedupe_key=f"feedback:case:{case.pk}:escalation",
        )
    if ambassador is not None and ambassador != user:
        notify_many(
            recipients=[ambassador],
            title=_("您负责区域的新事项：%(s)s") % {"s": subject},
            url=case.get_absolute_url(),
            project=project,
            dedupe_key=f"feedback:case:{case.pk}:ambassador",
        )
    return case


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def case_dispatch(
    *,
    case: Case,
    user=None,
    department=None,
    assignee=None,
    responsible_person: str = "",
    repair_contractor: str = "",
    supervisor: str = "",
    contractor=None,
    repair_supervisor=None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """Forward to a department or person, naming who is responsible (R-FB-2, R-FB-4); a
    repair goes to a registered contractor and a supervisor, and the owner gets the repair
    card (issue #16, ``repair_cards``)."""
    now = now or timezone.now()
    case = _lock(case)
    if not (responsible_person.strip() or assignee):
        raise DomainError(_("转派时须指定责任人或处理人。"))
    team_fields = []
    if case.kind == CaseKind.REPAIR and (contractor is not None or repair_supervisor is not None):
        check_repair_team(case, contractor, repair_supervisor)
        team_fields = apply_repair_team(case, contractor, repair_supervisor)
    case.department = department
    case.assignee = assignee
    case.responsible_person = responsible_person.strip() or (str(assignee) if assignee else "")
    case.dispatched_at = now
    if case.kind == CaseKind.REPAIR:
        case.repair_contractor = repair_contractor.strip() or case.repair_contractor
        case.supervisor = supervisor.strip() or case.supervisor
    transition(
        case,
        CaseStatus.DISPATCHED,
        by=user,
        at=now,
        note=note,
        fields=[
            "department",
            "assignee",
            "responsible_person",
            "dispatched_at",
            "repair_contractor",
            "supervisor",
            *team_fields,
        ],
    )
    repair_card_send(case)
    if assignee is not None:
        notify_many(
            recipients=[assignee],
            title=_("转派给您的事项：%(s)s") % {"s": case.subject},
            url=case.get_absolute_url(),
            project=case.project,
            dedupe_key=f"feedback:case:{case.pk}:dispatch:{assignee.pk}",
        )
    return case


@transaction.atomic
def case_start(*, case: Case, user=None, note: str = "", now=None) -> Case:
    now = now or timezone.now()
    case = _lock(case)
    transition(case, CaseStatus.IN_PROGRESS, by=user, at=now, note=note)
    return case


@transaction.atomic
def case_reply(*, case: Case, reply: str, user=None, handling: str = "", now=None) -> Case:
    """Record the reply given to the customer."""
    now = now or timezone.now()
    if not reply.strip():
        raise CaseNotReplied(_("请填写答复客户的内容。"))
    case = _lock(case)
    case.reply = reply.strip()
    case.replied_at = now
    if handling.strip():
        case.handling = handling.strip()
    transition(
        case,
        CaseStatus.REPLIED,
        by=user,
        at=now,
        note=reply.strip(),
        fields=["reply", "replied_at", "handling"],
    )
    return case


@transaction.atomic
def case_close(*, case: Case, user=None, note: str = "", now=None) -> Case:
    """Close a replied case; a repair gets its callback deadlines, and a repair or complaint
    its callback tasks (R-FB-4, the callback rules)."""
    now = now or timezone.now()
    case = _lock(case)
    if not case.reply.strip():
        raise CaseNotReplied(_("未记录答复客户的内容，不能关闭。"))
    case.closed_at = now
    fields = ["closed_at"]
    if case.kind == CaseKind.REPAIR:
        # The deadlines tracked on the case come from the rule rows as they are now; a later
        # change of a rule does not move them.
        case.callback_due = rule_due(RuleCode.REPAIR, now)
        fields.append("callback_due")
        if case.is_major:
            case.second_callback_due = rule_due(RuleCode.REPAIR_MAJOR, now)
            fields.append("second_callback_due")
    transition(case, CaseStatus.CLOSED, by=user, at=now, note=note, fields=fields)
    # The callbacks of every active rule a closing starts (repair, major repair, complaint).
    _create_case_callbacks(Case.objects.filter(pk=case.pk))
    if case.owner_rated_at is not None:
        # The owner rated the repair on the portal before it was closed: that rating, given
        # before the callback deadline, is the repair callback's outcome.
        from .owner_cases import owner_rating_as_callback

        owner_rating_as_callback(case, now=now)
    return case


@transaction.atomic
def case_rectification_done(*, case: Case, user=None, now=None) -> Case:
    """A complaint's rectification is finished: the survey is due within a week (R-FB-5)."""
    now = now or timezone.now()
    case = _lock(case)
    if case.kind not in (CaseKind.COMPLAINT, CaseKind.REPAIR):
        raise DomainError(_("只有投诉或报修事项需要整改。"))
    if case.rectification_done_at:
        return case
    case.rectification_done_at = now
    case.survey_due = rule_due(RuleCode.RECTIFICATION, now)
    case.save(update_fields=["rectification_done_at", "survey_due"])
    CaseEvent.objects.create(
        case=case,
        from_status=case.status,
        to_status=case.status,
        by=user,
        at=now,
        note=_("整改完成"),
    )
    _create_case_callbacks(Case.objects.filter(pk=case.pk))
    if case.channel == Channel.OWNER and case.kind == CaseKind.REPAIR:
        _ask_owner_to_confirm(case, now)
    return case


def _owner_case_url(case: Case) -> str:
    """The case's page on the owner portal (absolute, for an SMS)."""
    from django.conf import settings
    from django.urls import NoReverseMatch, reverse

    try:
        path = reverse("owners:case_detail", args=[case.pk])
    except NoReverseMatch:  # the portal is not mounted
        path = "/"
    return settings.SITE_URL.rstrip("/") + path


def _ask_owner_to_confirm(case: Case, now) -> None:
    """An SMS to the owner who submitted the repair on the portal: confirm it or say it is
    not fixed (once per "repair done", through the outbox)."""
    send_sms(
        phone=case.contact_phone,
        body=_("您的报修 %(n)s 已维修完成，请确认是否修好并评价：%(url)s")
        % {"n": case.number, "url": _owner_case_url(case)},
        project=case.project,
        dedupe_key=f"feedback:case:{case.pk}:repaired:{now.isoformat()}",
    )


def deadline_breaches_mark(*, now: datetime.datetime | None = None) -> dict:
    """Record every passed deadline once (unique per case and kind) and notify once (R-JOB-4).

    Sweeps indexed due-time columns; a second run creates and notifies nothing."""
    now = now or timezone.now()
    done_callback = CallbackTask.objects.filter(
        case=OuterRef("pk"),
        status__in=[CallbackStatus.REACHED, CallbackStatus.DONE],
    )
    sweeps = [
        (
            BreachKind.DISPATCH,
            "dispatch_due",
            Q(dispatch_due__lt=now, dispatched_at__isnull=True, status=CaseStatus.NEW),
        ),
        (
            BreachKind.ANSWER,
            "answer_due",
            Q(answer_due__lt=now, replied_at__isnull=True),
        ),
        (
            BreachKind.CALLBACK,
            "callback_due",
            Q(callback_due__lt=now) & ~Q(Exists(done_callback.filter(rule=RuleCode.REPAIR))),
        ),
        (
            BreachKind.SECOND_CALLBACK,
            "second_callback_due",
            Q(second_callback_due__lt=now)
            & ~Q(Exists(done_callback.filter(rule=RuleCode.REPAIR_MAJOR))),
        ),
        (
            BreachKind.SURVEY,
            "survey_due",
            Q(survey_due__lt=now) & ~Q(Exists(done_callback.filter(rule=RuleCode.RECTIFICATION))),
        ),
    ]
    counts = {}
    for kind, column, condition in sweeps:
        already = DeadlineBreach.objects.filter(case=OuterRef("pk"), kind=kind)
        rows = (
            Case.objects.filter(condition)
            .exclude(Exists(already))
            .values_list("pk", "project_id", column)
        )
        objs = [
            DeadlineBreach(case_id=pk, project_id=pid, kind=kind, due_at=due, detected_at=now)
            for pk, pid, due in rows
        ]
        DeadlineBreach.objects.bulk_create(objs, ignore_conflicts=True, batch_size=1000)
        counts[kind.value] = len(objs)
    counts["notified"] = _breaches_notify()
    return counts


def _breaches_notify() -> int:
    """One notification per new breach to the project's leads and the case's assignee."""
    return notify_each_once(
        DeadlineBreach.objects.filter(notified=False).select_related(
            "project", "case__project", "case__assignee"
        )[:5000],
        roles=BREACH_RECIPIENT_ROLES,
        extra=lambda b: [b.case.assignee],  # none when the case has no assignee
        message=lambda b: {
            "title": _("超时：%(kind)s · %(case)s")
            % {"kind": b.get_kind_display(), "case": b.case},
            "body": _("期限 %(due)s")
            % {"due": timezone.localtime(b.due_at).strftime("%Y-%m-%d %H:%M")},
            "url": b.case.get_absolute_url(),
        },
        key=lambda b: f"feedback:breach:{b.pk}",
        level=Notification.Level.OVERDUE,
        mark={"notified": True},
    )["due"]
