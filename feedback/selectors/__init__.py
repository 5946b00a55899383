"""Reads of the feedback app: scoped querysets with their joins, for views, exports and jobs;
never a query per row. Split by sub-domain as ``feedback.models`` is; every read is importable
from ``feedback.selectors``."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from salesite.models import Customer, ProjectMembership, User

from ..models import (
    OPEN_STATUSES,
    AmbassadorAssignment,
    CallbackTask,
    Case,
    ClubEvent,
    ClubEventAttendee,
    DeadlineBreach,
    Question,
    RewardRule,
    WarrantyItem,
    WarrantyNotice,
    WarrantyNoticeChannel,
    WarrantyReport,
)

# Who is told: the centre head of an escalated case; the leads of a breach or warranty expiry.
LEADER_ROLES = ["centre_head"]
BREACH_RECIPIENT_ROLES = ["cs_lead", "centre_head"]


def ambassador_for(*, project_id: int, building_id: int | None, area: str = ""):
    """The active ambassador following this building, else this area (or None)."""
    qs = AmbassadorAssignment.objects.filter(project_id=project_id, is_active=True)
    if building_id:
        a = qs.filter(building_id=building_id).select_related("user").first()
        if a:
            return a.user
    if area:
        a = qs.filter(area=area).select_related("user").first()
        if a:
            return a.user
    return None


def questions_for(rule: str):
    """The active questions of the rule's questionnaire, in order."""
    return list(
        Question.objects.filter(questionnaire__rule=rule, is_active=True).order_by("order", "pk")
    )


def active_reward(kind: str) -> RewardRule | None:
    """The reward rule in force for referrals or repeat purchases (R-FB-12)."""
    return RewardRule.objects.filter(kind=kind, is_active=True).order_by("pk").first()


def cases_visible(user):
    return (
        Case.objects.visible_to(user)
        .select_related("project", "customer", "building", "unit", "assignee")
        .annotate(
            breached=Exists(DeadlineBreach.objects.filter(case=OuterRef("pk"))),
        )
    )


def ambassador_scope_q(user) -> Q:
    """Cases of the buildings or areas the user follows as an ambassador, or assigned to them."""
    rows = list(
        AmbassadorAssignment.objects.filter(user=user, is_active=True).values_list(
            "project_id", "building_id", "area"
        )
    )
    q = Q(assignee=user)
    buildings = [b for _p, b, _a in rows if b]
    if buildings:
        q |= Q(building_id__in=buildings)
    for p, b, a in rows:
        if not b and a:
            q |= Q(project_id=p, area=a)
    return q


def my_cases(user):
    return cases_visible(user).filter(ambassador_scope_q(user))


def case_status_counts(user) -> dict:
    rows = (
        Case.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["status"]: r["n"] for r in rows}


def callbacks_visible(user):
    return CallbackTask.objects.visible_to(user).select_related(
        "project", "customer", "assigned_to", "case", "rule"
    )


def active_member_project_ids(user) -> set[int]:
    """The projects where ``user`` is an active member (and an active user): who may take a
    project's callback tasks."""
    if user is None or not user.is_active:
        return set()
    return set(
        ProjectMembership.objects.filter(user=user, is_active=True).values_list(
            "project_id", flat=True
        )
    )


def reassign_candidates(project_ids):
    """The active users who are active members of one of ``project_ids`` (a project's staff: a
    short list, never every user)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__project_id__in=list(project_ids),
            memberships__is_active=True,
        )
        .distinct()
        .order_by("name", "username")
    )


def callback_reassignments(task):
    return task.reassignments.select_related("from_user", "to_user", "by")


def customer_search(user, *, project_id, q: str, limit: int = 15):
    """Customers of a visible project by name, phone (ending) or unit number; a short list."""
    q = (q or "").strip()
    if len(q) < 1 or not project_id:
        return Customer.objects.none()
    qs = Customer.objects.visible_to(user).filter(project_id=project_id)
    match = Q(name__icontains=q) | Q(phone__endswith=q)
    match |= Q(purchases__unit__number=q, purchases__is_active=True)
    return (
        qs.filter(match)
        .distinct()
        .order_by("name")
        .prefetch_related("purchases__unit__building")[:limit]
    )


def warranty_items_visible(user):
    """Ledger lines with their report and notice counts (subqueries: no join fan-out)."""
    reports = (
        WarrantyReport.objects.filter(item=OuterRef("pk"))
        .values("item")
        .annotate(n=Count("pk"))
        .values("n")
    )
    notices = (
        WarrantyNotice.objects.filter(item=OuterRef("pk"))
        .values("item")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        WarrantyItem.objects.visible_to(user)
        .select_related("project", "building")
        .annotate(
            report_count=Coalesce(Subquery(reports), 0),
            notice_count=Coalesce(Subquery(notices), 0),
            **warranty_channel_flags(),
        )
    )


def warranty_channel_flags() -> dict:
    """Annotations saying which notice channels an item's owners were reached by (R-FB-7):
    SMS (a notice row), email (a notice sent by email), the notice board, and phone calls that
    reached the owners (a round that reached nobody does not count)."""
    own = WarrantyNoticeChannel.objects.filter(item=OuterRef("pk"))
    notices = WarrantyNotice.objects.filter(item=OuterRef("pk"))
    Kind = WarrantyNoticeChannel.Kind
    return {
        "by_sms": Exists(notices),
        "by_email": Exists(notices.filter(by_email=True)),
        "by_board": Exists(own.filter(channel=Kind.NOTICE_BOARD)),
        "by_phone": Exists(own.filter(channel=Kind.PHONE, reached=True)),
    }


def warranty_items_unnotified(qs):
    """The items whose owners were told by no channel at all."""
    return qs.filter(by_sms=False, by_email=False, by_board=False, by_phone=False)


def club_events_visible(user):
    counts = (
        ClubEventAttendee.objects.filter(event=OuterRef("pk"))
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        ClubEvent.objects.visible_to(user)
        .select_related("project")
        .annotate(attendee_count=Coalesce(Subquery(counts), 0))
    )


from .assessment import assessment_ranking  # noqa: E402
from .checklists import checklist_proposals, checklist_sections  # noqa: E402
from .defects import (  # noqa: E402
    defect_drilldown,
    defect_report,
    defect_rows,
    defect_summary,
)
from .quality import (  # noqa: E402
    contractor_ranking,
    half_month_bounds,
    loyalty_rates,
    patrols_missing,
)
from .surveys import (  # noqa: E402
    customer_portal_cases,
    customer_survey_links,
    survey_response_rates,
    survey_totals,
)

__all__ = [
    "BREACH_RECIPIENT_ROLES",
    "LEADER_ROLES",
    "active_member_project_ids",
    "active_reward",
    "ambassador_for",
    "ambassador_scope_q",
    "assessment_ranking",
    "callback_reassignments",
    "callbacks_visible",
    "case_status_counts",
    "cases_visible",
    "checklist_proposals",
    "checklist_sections",
    "club_events_visible",
    "contractor_ranking",
    "customer_portal_cases",
    "customer_search",
    "customer_survey_links",
    "defect_drilldown",
    "defect_report",
    "defect_rows",
    "defect_summary",
    "half_month_bounds",
    "loyalty_rates",
    "my_cases",
    "patrols_missing",
    "questions_for",
    "reassign_candidates",
    "survey_response_rates",
    "survey_totals",
    "warranty_channel_flags",
    "warranty_items_unnotified",
    "warranty_items_visible",
]
