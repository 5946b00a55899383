"""Reads of the feedback app: scoped querysets with their joins, for views, exports and jobs;
never a query per row."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q

from salesite.models import Customer

from .models import (
    OPEN_STATUSES,
    AmbassadorAssignment,
    CallbackTask,
    Case,
    DeadlineBreach,
)


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
        "project", "customer", "assigned_to", "case"
    )


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
