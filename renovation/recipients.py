"""Who gets a renovation notification: active members of a project by role code."""

from __future__ import annotations

from collections import defaultdict

from salesite.models import ProjectMembership

REVIEWERS = ["engineering", "cs_lead", "centre_head"]
PATROL_ROLE_FOR_KIND = {
    "front_desk": "front_desk",
    "engineering": "engineering",
    "security": "security",
}
DEPARTMENTS = ["engineering", "security", "cs_lead", "front_desk", "centre_head"]


def users_by_project(project_ids, role_codes) -> dict[int, list]:
    """{project_id: [users]} in one query."""
    result: dict[int, list] = defaultdict(list)
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
    for m in rows:
        result[m.project_id].append(m.user)
    return result


def users_by_project_and_role(project_ids, role_codes) -> dict[tuple[int, str], list]:
    result: dict[tuple[int, str], list] = defaultdict(list)
    rows = ProjectMembership.objects.filter(
        project_id__in=list(project_ids),
        role__code__in=list(role_codes),
        is_active=True,
        user__isnull=False,
        user__is_active=True,
    ).select_related("user", "role")
    for m in rows:
        result[(m.project_id, m.role.code)].append(m.user)
    return result


def project_users(project, role_codes) -> list:
    return users_by_project([project.pk], role_codes).get(project.pk, [])
