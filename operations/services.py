"""Writes of sales-site operations: one function per use case. State changes lock the row and
go through the workflow engine (``salesite.workflow.transition``: the model's TRANSITIONS,
``update_fields``, one history row); a move to the current state is refused like any other
undeclared move."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from operations.models import (
    PLAN_FIELDS,
    EventChecklistItem,
    EventStatus,
    ImmutableRecord,
    Inspection,
    InspectionScore,
    InspectionStatus,
    MarketingEvent,
    PlanStatus,
    RectificationItem,
    RectificationStatus,
    RosterEntry,
    ServicePlan,
    ServicePlanHistory,
    ServicePlanService,
    ServicePost,
    Shift,
    TrainingAttendance,
    TrainingSession,
)
from salesite.audit_bulk import bulk_create_audited, bulk_update_objects_audited
from salesite.exceptions import DomainError, InvalidTransition
from salesite.workflow import can_transition, refusal, transition

# --- roster (R-CORE-5) ---------------------------------------------------------------------


def roster_add(*, post: ServicePost, shift: Shift, date: datetime.date, user, by, note=""):
    if shift.project_id not in (None, post.project_id):
        raise DomainError(_("该班次不属于本项目。"))
    try:
        with transaction.atomic():
            return RosterEntry.objects.create(
                post=post, shift=shift, date=date, user=user, note=note, created_by=by
            )
    except IntegrityError as exc:
        raise DomainError(_("该员工当天该班次已排在此岗位。")) from exc


@transaction.atomic
def roster_copy_day(*, project, from_date: datetime.date, to_date: datetime.date, by) -> int:
    """Copy one day's roster of a project to another day; entries already there are kept."""
    source = RosterEntry.objects.filter(project=project, date=from_date)
    new = [
        RosterEntry(
            project_id=e.project_id,
            post_id=e.post_id,
            shift_id=e.shift_id,
            user_id=e.user_id,
            date=to_date,
            note=e.note,
            created_by=by,
        )
        for e in source
    ]
    before = RosterEntry.objects.filter(project=project, date=to_date).count()
    RosterEntry.objects.bulk_create(new, ignore_conflicts=True)
    return RosterEntry.objects.filter(project=project, date=to_date).count() - before


# --- service plan (R-CORE-7) ---------------------------------------------------------------


def _plan_locked(plan: ServicePlan) -> ServicePlan:
    return ServicePlan.objects.select_for_update().get(pk=plan.pk)


def _locked_move(obj, to: str, user, note: str, fields: dict):
    """Lock the row, set ``fields`` on it and move it to ``to`` (refused: nothing saved);
    returns the locked, moved row."""
    obj = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    for name, value in fields.items():
        setattr(obj, name, value)
    transition(obj, to, by=user, note=note, fields=list(fields))
    return obj


@transaction.atomic
def plan_create(*, project, user, title: str, **sections) -> ServicePlan:
    """The first version of a project's plan; later versions come from ``plan_revise``."""
    if ServicePlan.objects.filter(project=project).exists():
        raise DomainError(_("该项目已有服务方案，请在最新版本上修订。"))
    unknown = set(sections) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown plan sections: {unknown}")
    return ServicePlan.objects.create(
        project=project, version=1, title=title, created_by=user, **sections
    )


@transaction.atomic
def plan_update(*, plan: ServicePlan, user, **fields) -> ServicePlan:
    plan = _plan_locked(plan)
    if not plan.is_editable:
        raise ImmutableRecord(
            _("“%(status)s”状态的方案不能修改，请修订生成新版本。")
            % {"status": plan.get_status_display()}
        )
    allowed = {*PLAN_FIELDS, "title", "revision_reason"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown plan fields: {unknown}")
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.save(update_fields=[*fields, "updated_at"])
    return plan


def _require_editable(plan: ServicePlan) -> None:
    status = ServicePlan.objects.select_for_update().get(pk=plan.pk).status
    if status not in (PlanStatus.DRAFT,):
        raise ImmutableRecord(
            _("“%(status)s”状态的方案不能修改，请修订生成新版本。")
            % {"status": PlanStatus(status).label}
        )


@transaction.atomic
def plan_service_set(*, plan: ServicePlan, service_type, standard: str, order=100):
    """Add a chosen service to the plan, or change its standard."""
    _require_editable(plan)
    if service_type.project_id not in (None, plan.project_id):
        raise DomainError(_("该特色服务不属于本项目。"))
    item, _created = ServicePlanService.objects.update_or_create(
        plan=plan, service_type=service_type, defaults={"standard": standard, "order": order}
    )
    return item


@transaction.atomic
def plan_service_remove(*, item: ServicePlanService) -> None:
    _require_editable(item.plan)
    item.delete()


@transaction.atomic
def plan_submit(*, plan: ServicePlan, user, note: str = "") -> ServicePlan:
    if not plan.services.exists():
        raise DomainError(_("方案尚未选择任何服务内容，不能报送。"))
    return _locked_move(
        plan,
        PlanStatus.SUBMITTED,
        user,
        note,
        {"submitted_by": user, "submitted_at": timezone.now()},
    )


@transaction.atomic
def plan_file(*, plan: ServicePlan, user, comment: str = "") -> ServicePlan:
    return _locked_move(
        plan,
        PlanStatus.FILED,
        user,
        comment,
        {"reviewed_by": user, "reviewed_at": timezone.now(), "review_comment": comment},
    )


@transaction.atomic
def plan_return(*, plan: ServicePlan, user, comment: str) -> ServicePlan:
    if not comment.strip():
        raise DomainError(_("退回方案时必须填写审核意见。"))
    return _locked_move(
        plan,
        PlanStatus.RETURNED,
        user,
        comment,
        {"reviewed_by": user, "reviewed_at": timezone.now(), "review_comment": comment},
    )


@transaction.atomic
def plan_revise(*, plan: ServicePlan, user, reason: str = "") -> ServicePlan:
    """A new draft version copying a filed or returned version's content and services."""
    plan = _plan_locked(plan)
    if not plan.is_revisable:
        raise InvalidTransition(_("只有已备案或已退回的方案可以修订。"))
    # Lock the project's versions so two revisions cannot take the same number.
    versions = list(ServicePlan.objects.select_for_update().filter(project_id=plan.project_id))
    if any(v.status in (PlanStatus.DRAFT, PlanStatus.SUBMITTED) for v in versions):
        raise DomainError(_("该项目已有未备案的方案版本，请先处理该版本。"))
    number = ServicePlan.objects.filter(project_id=plan.project_id).aggregate(m=Max("version"))
    new = ServicePlan.objects.create(
        project_id=plan.project_id,
        version=(number["m"] or 0) + 1,
        title=plan.title,
        revised_from=plan,
        revision_reason=reason,
        created_by=user,
        **{name: getattr(plan, name) for name in PLAN_FIELDS},
    )
    bulk_create_audited(
        ServicePlanService,
        [
            ServicePlanService(
                plan=new, service_type=s.service_type, standard=s.standard, order=s.order
            )
            for s in plan.services.select_related("service_type")
        ],
    )
    ServicePlanHistory.objects.create(
        plan=new,
        from_status=plan.status,
        to_status=PlanStatus.DRAFT,
        by=user,
        note=_("由 V%(v)s 修订。%(reason)s") % {"v": plan.version, "reason": reason},
    )
    return new


# --- training (R-CORE-8) -------------------------------------------------------------------


def training_attendance_set(
    *,
    session: TrainingSession,
    user,
    attended=True,
    score=None,
    passed=None,
    result="",
) -> TrainingAttendance:
    if score is not None and not 0 <= score <= 100:
        raise DomainError(_("考核成绩应在 0 到 100 之间。"))
    item, _created = TrainingAttendance.objects.update_or_create(
        session=session,
        user=user,
        defaults={"attended": attended, "score": score, "passed": passed, "result": result},
    )
    return item


# --- marketing events (R-CORE-9) -----------------------------------------------------------

DEFAULT_EVENT_CHECKLIST = [
    (EventChecklistItem.Kind.NOTICE, gettext_lazy("活动通知已发布（客户、各岗位）")),
    (EventChecklistItem.Kind.MATERIALS, gettext_lazy("活动物料准备到位")),
    (EventChecklistItem.Kind.DECORATION, gettext_lazy("现场布置完成")),
    (EventChecklistItem.Kind.BRIEFING, gettext_lazy("配合人员交底完成")),
]


@transaction.atomic
def event_create(*, user, staff=(), **fields) -> MarketingEvent:
    event = MarketingEvent.objects.create(created_by=user, **fields)
    if staff:
        event.staff.set(staff)
    bulk_create_audited(
        EventChecklistItem,
        [
            EventChecklistItem(event=event, kind=kind, text=str(text), order=i * 10)
            for i, (kind, text) in enumerate(DEFAULT_EVENT_CHECKLIST, start=1)
        ],
    )
    return event


@transaction.atomic
def event_checklist_toggle(*, item: EventChecklistItem, user, done: bool) -> EventChecklistItem:
    item = (
        EventChecklistItem.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=item.pk)
    )
    if item.event.status == EventStatus.CLOSED:
        raise DomainError(_("活动已关闭，不能修改准备事项。"))
    if item.done == done:
        return item
    item.done = done
    item.done_by = user if done else None
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done", "done_by", "done_at"])
    return item


@transaction.atomic
def event_record_outcome(
    *, event: MarketingEvent, user, visitor_count, evaluation: str, rating
) -> MarketingEvent:
    """Visitors and the post-event evaluation (后评估), once the event has been held."""
    event = MarketingEvent.objects.select_for_update().get(pk=event.pk)
    if event.status != EventStatus.HELD:
        raise InvalidTransition(_("活动举办后、关闭前才能填写后评估。"))
    if rating is not None and not 1 <= rating <= 5:
        raise DomainError(_("评分应在 1 到 5 之间。"))
    event.visitor_count = visitor_count
    event.evaluation = evaluation
    event.rating = rating
    event.save(update_fields=["visitor_count", "evaluation", "rating"])
    return event


@transaction.atomic
def event_transition(*, event: MarketingEvent, to: str, user, note: str = "") -> MarketingEvent:
    event = MarketingEvent.objects.select_for_update().get(pk=event.pk)
    if not can_transition(event, to):
        raise refusal(event, to)
    fields = []
    if to == EventStatus.PREPARED and event.checklist.filter(done=False).exists():
        raise DomainError(_("还有未完成的准备事项，不能标记为已准备。"))
    if to == EventStatus.CLOSED:
        if not event.has_evaluation:
            raise DomainError(_("请先填写后评估（评估内容和评分），再关闭活动。"))
        if event.visitor_count is None:
            raise DomainError(_("请先填写实际来访人数，再关闭活动。"))
        event.closed_by = user
        event.closed_at = timezone.now()
        fields += ["closed_by", "closed_at"]
    transition(event, to, by=user, note=note, fields=fields)
    return event


# --- HQ inspections (R-CORE-11) ------------------------------------------------------------


@transaction.atomic
def inspection_create(*, project, checklist, date, inspector) -> Inspection:
    items = list(checklist.items.all())
    if not items:
        raise DomainError(_("该检查表没有检查项，请先在管理后台配置。"))
    inspection = Inspection.objects.create(
        project=project,
        checklist=checklist,
        date=date,
        inspector=inspector,
        max_total=sum(i.max_score for i in items),
    )
    bulk_create_audited(
        InspectionScore, [InspectionScore(inspection=inspection, item=item) for item in items]
    )
    return inspection


@transaction.atomic
def inspection_score(
    *, inspection: Inspection, scores: dict[int, tuple[int | None, str]], user=None
):
    """Set scores by score id: {score_id: (score, note)}. A score above the item's maximum
    is refused and nothing is saved."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status != InspectionStatus.DRAFT:
        raise InvalidTransition(_("检查已完成，不能再修改评分。"))
    rows = {
        s.pk: s
        for s in InspectionScore.objects.filter(inspection=inspection, pk__in=list(scores))
        .select_related("item")
        .select_for_update()
    }
    if set(rows) != set(scores):
        raise DomainError(_("评分项与本次检查不符。"))
    for pk, (score, note) in scores.items():
        row = rows[pk]
        if score is not None and (score < 0 or score > row.item.max_score):
            raise DomainError(
                _("“%(item)s”的得分不能超过满分 %(max)s。")
                % {"item": row.item.text, "max": row.item.max_score}
            )
        row.score, row.note = score, note
    bulk_update_objects_audited(rows.values(), ["score", "note"], actor=user)
    total = InspectionScore.objects.filter(inspection=inspection).aggregate(t=Sum("score"))
    inspection.total_score = total["t"] or 0
    inspection.save(update_fields=["total_score"])
    return inspection


@transaction.atomic
def inspection_complete(
    *, inspection: Inspection, user, owner, deadline: datetime.date, summary: str = ""
) -> list[RectificationItem]:
    """Close the scoring: total computed; every item scored below its maximum becomes a
    rectification item for ``owner`` due ``deadline``."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not can_transition(inspection, InspectionStatus.COMPLETED):
        raise refusal(inspection, InspectionStatus.COMPLETED)  # 检查已完成。
    scores = list(inspection.scores.select_related("item"))
    missing = [s for s in scores if s.score is None]
    if missing:
        raise DomainError(_("还有 %(n)s 个检查项未评分，不能完成检查。") % {"n": len(missing)})
    if deadline < inspection.date:
        raise DomainError(_("整改期限不能早于检查日期。"))
    inspection.total_score = sum(s.score for s in scores)
    inspection.max_total = sum(s.item.max_score for s in scores)
    inspection.completed_at = timezone.now()
    inspection.summary = summary or inspection.summary
    transition(
        inspection,
        InspectionStatus.COMPLETED,
        by=user,
        fields=["total_score", "max_total", "completed_at", "summary"],
    )
    items = [
        RectificationItem(
            project_id=inspection.project_id,
            inspection=inspection,
            score=s,
            description=f"{s.item.text}（{s.score}/{s.item.max_score}）"
            + (f"：{s.note}" if s.note else ""),
            owner=owner,
            deadline=deadline,
        )
        for s in scores
        if s.score < s.item.max_score
    ]
    return bulk_create_audited(RectificationItem, items)


@transaction.atomic
def rectification_update(*, item: RectificationItem, owner, deadline) -> RectificationItem:
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if item.status == RectificationStatus.VERIFIED:
        raise InvalidTransition(_("已验证的整改项不能修改。"))
    item.owner, item.deadline = owner, deadline
    item.save(update_fields=["owner", "deadline"])
    return item


@transaction.atomic
def rectification_done(*, item: RectificationItem, user, note: str) -> RectificationItem:
    if not note.strip():
        raise DomainError(_("请填写整改情况。"))
    return _locked_move(
        item, RectificationStatus.DONE, user, note, {"done_note": note, "done_at": timezone.now()}
    )


@transaction.atomic
def rectification_verify(
    *, item: RectificationItem, user, accepted: bool, note: str = ""
) -> RectificationItem:
    """HQ checks the fix: accepted → verified; not accepted → back to open with the reason."""
    if accepted:
        return _locked_move(
            item,
            RectificationStatus.VERIFIED,
            user,
            note,
            {"verified_by": user, "verified_at": timezone.now(), "verify_note": note},
        )
    if not note.strip():
        raise DomainError(_("验证不通过时必须填写原因。"))
    return _locked_move(item, RectificationStatus.OPEN, user, note, {"verify_note": note})
