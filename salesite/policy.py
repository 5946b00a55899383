"""The service policy resolver (issue #20): which rule values apply to a project, and the
registry of the domain apps' "recompute open items" functions.

``policy_for(project)``: the project's own row, else its property company's row, else the SPEC
defaults — one query. ``policies_for(projects)``: the same for many projects in one query, for
set-based jobs. Records whose due dates come from a rule store the values they used
(``rule_values``) so a policy change applies to new items only; ``recompute_open_items`` is the
explicit way to apply the current policy to open items.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from django.db.models import Q

from salesite.models.policy import DEFAULTS, FIELDS


@dataclasses.dataclass(frozen=True)
class Policy:
    dispatch_minutes: int
    answer_hours: int
    review_working_days: int
    refund_wait_months: int
    prepaid_months: int
    warranty_notice_months: int
    warranty_response_days: int
    milestone_reminder_days: int
    source: str = "default"  # "project", "company" or "default"

    def values(self, *names: str) -> dict[str, int]:
        """The named rule values (all when none named), as stored in ``rule_values``."""
        return {name: getattr(self, name) for name in (names or FIELDS)}


DEFAULT_POLICY = Policy(**DEFAULTS)


def _from_row(row, source: str) -> Policy:
    return Policy(**{name: getattr(row, name) for name in FIELDS}, source=source)


def _company_and_id(project) -> tuple[int, int | None]:
    return project.pk, project.property_company_id


def policy_for(project) -> Policy:
    """The policy that applies to ``project`` (one query)."""
    from salesite.models import ServicePolicy

    pid, cid = _company_and_id(project)
    rows = ServicePolicy.objects.filter(Q(project_id=pid) | Q(project__isnull=True, company_id=cid))
    company = None
    for row in rows:
        if row.project_id == pid:
            return _from_row(row, "project")
        company = row
    return _from_row(company, "company") if company else DEFAULT_POLICY


def policies_for(projects: Iterable) -> dict[int, Policy]:
    """{project id: Policy} for Project instances or ids (one query for instances, two for
    ids)."""
    from salesite.models import Project, ServicePolicy

    projects = list(projects)
    if projects and not isinstance(projects[0], Project):
        pairs = list(
            Project.objects.filter(pk__in=projects).values_list("pk", "property_company_id")
        )
    else:
        pairs = [_company_and_id(p) for p in projects]
    if not pairs:
        return {}
    rows = ServicePolicy.objects.filter(
        Q(project_id__in=[p for p, _c in pairs])
        | Q(project__isnull=True, company_id__in={c for _p, c in pairs})
    )
    by_project, by_company = {}, {}
    for row in rows:
        if row.project_id:
            by_project[row.project_id] = _from_row(row, "project")
        else:
            by_company[row.company_id] = _from_row(row, "company")
    return {pid: by_project.get(pid) or by_company.get(cid) or DEFAULT_POLICY for pid, cid in pairs}


def rule_value(record, name: str, policy: Policy | None = None) -> int:
    """The value a record's deadline uses: the one it stored, else the policy given, else the
    policy of the record's project (records made before the policy existed, or by hand)."""
    stored = (record.rule_values or {}).get(name)
    if stored:
        return stored
    return getattr(policy or policy_for(record.project), name)


# --- recomputation of open items --------------------------------------------------------------

# Each: (label, fn(project_ids, now) -> list of strings describing what changed).
_RECOMPUTERS: list[tuple[str, Callable]] = []


def register_recompute(label, fn: Callable) -> None:
    """A domain app registers how to re-apply the current policy to its open items of the given
    projects; the function returns one line per change (idempotent: a second run returns [])."""
    if all(existing is not fn for _label, existing in _RECOMPUTERS):
        _RECOMPUTERS.append((label, fn))


def recompute_open_items(project_ids: Iterable[int], *, now=None) -> list[tuple[str, list[str]]]:
    """Run every registered recompute for the projects: [(label, changes)]."""
    from django.utils import timezone

    now = now or timezone.now()
    ids = sorted(set(project_ids))
    return [(str(label), fn(ids, now=now)) for label, fn in _RECOMPUTERS]


def projects_covered(policy) -> list[int]:
    """The projects a policy row governs: its project, or the company's projects that have no
    project row of their own."""
    from salesite.models import Project, ServicePolicy

    if policy.project_id:
        return [policy.project_id]
    overridden = ServicePolicy.objects.filter(project__isnull=False).values("project_id")
    return list(
        Project.objects.filter(property_company_id=policy.company_id)
        .exclude(pk__in=overridden)
        .values_list("pk", flat=True)
    )


def company_policy_ensure(sender, instance, raw=False, **kwargs) -> None:
    """post_save of Company: a property subsidiary (the company projects name as their
    ``property_company``) gets its policy row with the SPEC defaults; nothing when it has one."""
    from salesite.models import Company, ServicePolicy

    if raw or instance.kind != Company.Kind.PROPERTY_SUBSIDIARY:
        return
    if not ServicePolicy.objects.filter(company=instance, project__isnull=True).exists():
        ServicePolicy.objects.get_or_create(company=instance, project=None)
