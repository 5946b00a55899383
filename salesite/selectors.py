"""Reads of the core for views and dashboards: scoped, counted in SQL, no query per row."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from salesite.models import Customer, Project, ProjectMembership, Unit


def count_per_project(model):
    """A correlated COUNT of ``model`` rows of the outer project.

    One subquery per counted table, rather than Count() over two joined tables, which would
    multiply units by customers before counting (minutes on a 20k-unit project). COUNT(*),
    not COUNT(id): it is answered from the project index alone (an index-only scan), where
    COUNT(id) reads every row of the project from the table.
    """
    counts = (
        model.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def _projects_seen(user):
    """The projects the user sees, by name, with their companies."""
    return (
        Project.objects.visible_to(user)
        .select_related("service_centre", "property_company", "developer_company")
        .order_by("name")
    )


def projects_for(user):
    """The projects the user sees, with their companies and unit and customer counts."""
    return _projects_seen(user).annotate(
        unit_count=count_per_project(Unit), customer_count=count_per_project(Customer)
    )


def home_projects(user, limit: int = 50) -> list[Project]:
    """The first ``limit`` projects the user sees, by name, with their companies and their
    unit and customer counts (``unit_count``, ``customer_count``) as ``projects_for`` gives
    them. The counts are kept as a snapshot while none of these projects' rows change
    (salesite.dashboard.snapshots): at 100,000 units over 50 projects, counting them cost
    HQ's home page 20 ms of PostgreSQL on every visit."""
    from salesite.dashboard import snapshots

    projects = list(_projects_seen(user)[:limit])
    ids = [p.pk for p in projects]
    counts = snapshots.reuse("project-counts", lambda: unit_and_customer_counts(ids), ids)
    for p in projects:
        p.unit_count, p.customer_count = counts.get(p.pk, (0, 0))
    return projects


def unit_and_customer_counts(project_ids) -> dict[int, tuple[int, int]]:
    """``{project_id: (units, customers)}`` in one query (a correlated count per table:
    ``count_per_project``)."""
    rows = (
        Project.objects.filter(pk__in=project_ids)
        .annotate(n_units=count_per_project(Unit), n_customers=count_per_project(Customer))
        .values_list("pk", "n_units", "n_customers")
    )
    return {pk: (units, customers) for pk, units, customers in rows}


def members_holding(role_codes, project_ids, *, by_role: bool = False) -> dict:
    """The active users holding one of ``role_codes`` on each of ``project_ids`` (one query).

    ``{project_id: [users]}``, or ``{(project_id, role_code): [users]}`` with ``by_role``;
    in membership order, a user once per key. The one answer to "who on these projects holds
    role R" for notifications, reminders and dashboards."""
    rows = (
        ProjectMembership.objects.filter(
            project_id__in=list(project_ids),
            role__code__in=list(role_codes),
            is_active=True,
            user__isnull=False,
            user__is_active=True,
        )
        .select_related("user", "role")
        .order_by("pk")
    )
    out: dict = {}
    for m in rows:
        key = (m.project_id, m.role.code) if by_role else m.project_id
        users = out.setdefault(key, [])
        if m.user not in users:
            users.append(m.user)
    return out


def users_holding(role_codes, project_ids) -> list:
    """Every active user holding one of the roles on one of the projects, once each."""
    seen: dict[int, object] = {}
    for users in members_holding(role_codes, project_ids).values():
        for user in users:
            seen.setdefault(user.pk, user)
    return list(seen.values())
