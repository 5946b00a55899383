"""Reads of the communication app: scoped querysets for the lists, the agenda of the next
record, who may record which level, and the compliance figures (R-COM-6), counted in SQL
with one grouped query per kind of period — never a query per project or per period."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, Coalesce

from communication.models import CommunicationLevel, CommunicationRecord, Problem
from communication.periods import Period, period_label, period_of, periods_between, trunc_expression
from salesite.access import get_access
from salesite.models import Project, ProjectMembership, Role

ADD_RECORD = "communication.add_communicationrecord"
CHANGE_RECORD = "communication.change_communicationrecord"


# --- who may do what ----------------------------------------------------------------------


def user_role_ids(user, project) -> set[int]:
    """Ids of the roles through which the user acts on this project (cached on the user):
    direct memberships, company-scope roles held in the same property company, "all" roles."""
    cache = user.__dict__.setdefault("_communication_roles", {})
    if project.pk not in cache:
        rows = ProjectMembership.objects.filter(user=user, is_active=True).filter(
            Q(project=project)
            | Q(
                role__scope=Role.Scope.COMPANY,
                project__property_company_id=project.property_company_id,
            )
            | Q(role__scope=Role.Scope.ALL)
        )
        cache[project.pk] = set(rows.values_list("role_id", flat=True))
    return cache[project.pk]


def active_levels() -> list[CommunicationLevel]:
    return list(
        CommunicationLevel.objects.active()
        .select_related("property_role", "developer_role", "escalates_to")
        .prefetch_related("recorder_roles")
    )


def can_record(user, project, level) -> bool:
    """R-COM permissions: the add permission on the project and, unless superuser, one of the
    level's recorder roles on it (a front desk cannot write the monthly minutes)."""
    if not user.has_perm(ADD_RECORD, project):
        return False
    if user.is_superuser:
        return True
    recorder_ids = {r.pk for r in level.recorder_roles.all()}
    return bool(recorder_ids & user_role_ids(user, project))


def can_edit_record(user, record) -> bool:
    """Editing a record: the change permission on it and the right to record its level."""
    return user.has_perm(CHANGE_RECORD, record) and can_record(user, record.project, record.level)


def recordable_levels(user, project, levels=None) -> list[CommunicationLevel]:
    levels = active_levels() if levels is None else levels
    return [lv for lv in levels if can_record(user, project, lv)]


def can_act_on_problem(user, problem, perm="communication.change_problem") -> bool:
    return problem.owner_id == user.pk or user.has_perm(perm, problem)


# --- lists --------------------------------------------------------------------------------


def records_for(user):
    # The problem count is a correlated subquery, evaluated for the rows of the page only;
    # Count() over a join grouped every record with every problem (seconds at 1M problems),
    # and the paginator's COUNT had to group them too.
    raised = (
        Problem.objects.filter(raised_in=OuterRef("pk"))
        .order_by()
        .values("raised_in")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        CommunicationRecord.objects.visible_to(user)
        .select_related("project", "level", "created_by")
        .annotate(problem_count=Coalesce(Subquery(raised), 0))
        .order_by("-held_at", "-pk")
    )


def problems_for(user):
    return Problem.objects.visible_to(user).select_related("project", "level", "owner")


def agenda_for(project, level, *, exclude_record=None):
    """Open and escalated problems of a level on a project: what its next record discusses."""
    qs = (
        Problem.objects.filter(project=project, level=level)
        .unresolved()
        .select_related("owner", "raised_in")
        .order_by("due_date", "pk")
    )
    if exclude_record is not None:
        qs = qs.exclude(raised_in=exclude_record)
    return qs


def project_memberships(project):
    """Both sides of a project, developer contacts included, for the participant checkboxes."""
    return (
        ProjectMembership.objects.filter(project=project, is_active=True)
        .select_related("role", "user", "contact")
        .order_by("role__side", "role__order", "pk")
    )


def project_users(project):
    from salesite.models import User

    return (
        User.objects.filter(memberships__project=project, memberships__is_active=True)
        .distinct()
        .order_by("username")
    )


def escalation_targets(level, levels=None) -> list[CommunicationLevel]:
    """Higher levels of the same kind: any of them may receive the problem (及时调整)."""
    levels = active_levels() if levels is None else levels
    return [lv for lv in levels if lv.kind == level.kind and lv.rank > level.rank]


def default_escalation_target(level, levels=None) -> CommunicationLevel | None:
    targets = escalation_targets(level, levels)
    if level.escalates_to_id:
        for lv in targets:
            if lv.pk == level.escalates_to_id:
                return lv
    return min(targets, key=lambda lv: lv.rank) if targets else None


def users_with_roles(project, role_ids) -> list:
    role_ids = [r for r in role_ids if r]
    if not role_ids:
        return []
    rows = ProjectMembership.objects.filter(
        project=project, role_id__in=role_ids, is_active=True, user__isnull=False
    ).select_related("user")
    return [m.user for m in rows if m.user.is_active]


# --- compliance ---------------------------------------------------------------------------


@dataclass
class PeriodStatus:
    start: datetime.date
    end: datetime.date
    label: str
    count: int
    required: int
    closed: bool  # the period has ended (before today)

    @property
    def met(self) -> bool:
        return self.count >= self.required


@dataclass
class ComplianceRow:
    project: Project
    level: CommunicationLevel
    periods: list[PeriodStatus] = field(default_factory=list)

    @property
    def counted(self) -> list[PeriodStatus]:
        """Periods that count for the rate: ended ones, and the current one once met."""
        return [p for p in self.periods if p.closed or p.met]

    @property
    def met(self) -> int:
        return sum(1 for p in self.counted if p.met)

    @property
    def missing(self) -> list[PeriodStatus]:
        return [p for p in self.periods if p.closed and not p.met]

    @property
    def rate(self) -> float | None:
        counted = self.counted
        return round(100 * self.met / len(counted), 1) if counted else None

    @property
    def tally(self) -> ComplianceTally:
        return ComplianceTally(
            self.project, self.level, self.met, len(self.counted), len(self.missing)
        )

    @property
    def current(self) -> PeriodStatus | None:
        open_periods = [p for p in self.periods if not p.closed]
        return open_periods[-1] if open_periods else None


@dataclass(frozen=True)
class ComplianceTally:
    """A project × level's periods counted, without the periods (the company's or HQ's
    summary and the dashboard): ``met`` of ``counted``, ``missing`` closed and not met."""

    project: Project
    level: CommunicationLevel
    met: int
    counted: int
    missing: int

    @property
    def tally(self) -> ComplianceTally:
        return self


def record_counts(
    project_ids, levels, first: datetime.date, last: datetime.date, *, daily_from=None
) -> dict:
    """{(project_id, level_id, period_start): count} for the given levels — one grouped
    query per kind of period among them. With ``daily_from`` (today): summed from the daily
    rollups of the closed days, and counted live from today on (salesite.rollups)."""
    if daily_from is not None:
        return _record_counts_daily(project_ids, levels, first, last, today=daily_from)
    counts: dict[tuple[int, int, datetime.date], int] = {}
    by_period = defaultdict(list)
    for lv in levels:
        by_period[lv.period].append(lv.pk)
    for period, level_ids in by_period.items():
        start = period_of(period, first)[0]
        end = period_of(period, last)[1]
        qs = CommunicationRecord.objects.filter(
            level_id__in=level_ids, held_on__gte=start, held_on__lte=end
        )
        if project_ids is not None:
            qs = qs.filter(project_id__in=project_ids)
        rows = (
            qs.annotate(period_start=trunc_expression(period))
            .values("project_id", "level_id", "period_start")
            .annotate(n=Count("id"))
            .order_by()
        )
        for r in rows:
            ps = r["period_start"]
            if isinstance(ps, datetime.datetime):
                ps = ps.date()
            counts[(r["project_id"], r["level_id"], ps)] = r["n"]
    return counts


def _record_counts_daily(project_ids, levels, first, last, *, today) -> dict:
    """record_counts from the daily rollups: the stored days summed per period in SQL (one
    query per kind of period), the other days (today, the future) counted live."""
    from communication.rollups import RECORDS
    from salesite import rollups

    if not levels:
        return {}
    by_key = {str(lv.pk): lv for lv in levels}
    start = min(period_of(lv.period, first)[0] for lv in levels)
    end = max(period_of(lv.period, last)[1] for lv in levels)
    marked, unmarked = rollups.split_days(RECORDS, start, end, today=today)
    counts: dict[tuple[int, int, datetime.date], int] = defaultdict(int)
    for (project_id, day, key), n in rollups.live_values(RECORDS, project_ids, unmarked).items():
        lv = by_key.get(key)
        if lv is not None:
            counts[(project_id, lv.pk, period_of(lv.period, day)[0])] += int(n)
    by_period = defaultdict(list)
    for lv in levels:
        by_period[lv.period].append(str(lv.pk))
    for period, keys in by_period.items() if marked else ():
        p_first, p_last = period_of(period, first)[0], period_of(period, last)[1]
        days = [d for d in marked if p_first <= d <= p_last]
        rows = (
            rollups.stored(RECORDS, project_ids, days)
            .filter(key__in=keys)
            .annotate(period_start=trunc_expression(period, "day"))
            .values_list("project_id", "key", "period_start")
            .annotate(n=Cast(Sum("value"), IntegerField()))
            .order_by()
        )
        for project_id, key, ps, n in rows:
            if isinstance(ps, datetime.datetime):
                ps = ps.date()
            counts[(project_id, by_key[key].pk, ps)] += n
    return dict(counts)


def _counts_and_spans(projects, first, last, *, today, levels, project_ids):
    """What ``compliance`` and ``compliance_tallies`` read: the projects, the active levels,
    the record counts ``{(project_id, level_id, period_start): n}`` and, per kind of period,
    the periods overlapping [first, last] as (start, end, label, closed); None when there is
    nothing to count. Given ``project_ids`` (the dashboard's scope, None for every project),
    the counts come from the daily rollups."""
    projects = list(projects)
    # Counting needs no roles of a level (active_levels reads them).
    levels = list(CommunicationLevel.objects.active() if levels is None else levels)
    last = min(last, today)
    if not projects or not levels or first > last:
        return None
    if project_ids is False:
        counts = record_counts([p.pk for p in projects], levels, first, last)
    else:
        counts = record_counts(project_ids, levels, first, last, daily_from=today)
    # The periods of each kind, with their labels, once (not per project × level).
    spans = {
        p: [
            (start, end, period_label(p, start), end < today)
            for start, end in periods_between(p, first, last)
        ]
        for p in Period.values
    }
    return projects, levels, counts, spans


def compliance(
    projects,
    first: datetime.date,
    last: datetime.date,
    *,
    today: datetime.date,
    levels=None,
    project_ids=False,
) -> list[ComplianceRow]:
    """Every project × active level that applies in the project's marketing phase × period
    overlapping [first, last]: count vs minimum. Given ``project_ids`` (the dashboard's
    scope, None for every project), the counts come from the daily rollups."""
    read = _counts_and_spans(
        projects, first, last, today=today, levels=levels, project_ids=project_ids
    )
    if read is None:
        return []
    projects, levels, counts, spans = read
    return [
        ComplianceRow(
            project=project,
            level=lv,
            periods=[
                PeriodStatus(
                    start=start,
                    end=end,
                    label=label,
                    count=counts.get((project.pk, lv.pk, start), 0),
                    required=lv.min_count,
                    closed=closed,
                )
                for start, end, label, closed in spans[lv.period]
            ],
        )
        for project in projects
        for lv in levels
        if lv.applies_to(project)
    ]


def compliance_tallies(
    projects,
    first: datetime.date,
    last: datetime.date,
    *,
    today: datetime.date,
    levels=None,
    project_ids=False,
) -> list[ComplianceTally]:
    """What ``compliance`` gives, counted per project × level without building its periods:
    the summaries of a company's or HQ's scope (500 rows × 30 daily periods were 15,000
    objects a request)."""
    read = _counts_and_spans(
        projects, first, last, today=today, levels=levels, project_ids=project_ids
    )
    if read is None:
        return []
    projects, levels, counts, spans = read
    # Per kind of period: its periods' starts (closed or not) and how many are closed. One
    # pass over the counts (the periods with records) finds the periods met per project ×
    # level; every closed period not met is missing.
    starts = {kind: {s[0]: s[3] for s in periods} for kind, periods in spans.items()}
    closed_total = {kind: sum(1 for s in periods if s[3]) for kind, periods in spans.items()}
    minimum = {lv.pk: (lv.min_count, starts[lv.period]) for lv in levels}
    met: dict[tuple[int, int], list[int]] = {}
    for (project_id, level_id, start), n in counts.items():
        level = minimum.get(level_id)
        if level is None or n < level[0]:
            continue
        closed = level[1].get(start)
        if closed is not None:
            tally = met.setdefault((project_id, level_id), [0, 0])
            tally[0] += 1
            tally[1] += closed
    tallies = []
    for project in projects:
        for lv in levels:
            if not lv.applies_to(project):
                continue
            if lv.min_count <= 0:  # every period is met
                met_all, met_closed = len(starts[lv.period]), closed_total[lv.period]
            else:
                met_all, met_closed = met.get((project.pk, lv.pk), (0, 0))
            missing = closed_total[lv.period] - met_closed
            tallies.append(ComplianceTally(project, lv, met_all, met_all + missing, missing))
    return tallies


def compliance_by_level(rows) -> list[dict]:
    """Totals per level across the given rows or tallies (for the company/HQ view and the
    dashboard)."""
    totals: dict[int, dict] = {}
    for row in rows:
        tally = row.tally
        t = totals.setdefault(
            tally.level.pk, {"level": tally.level, "met": 0, "counted": 0, "missing": 0}
        )
        t["met"] += tally.met
        t["counted"] += tally.counted
        t["missing"] += tally.missing
    for t in totals.values():
        t["rate"] = round(100 * t["met"] / t["counted"], 1) if t["counted"] else None
    return sorted(totals.values(), key=lambda t: (t["level"].kind, t["level"].rank))


def compliance_by_project(rows) -> list[dict]:
    """Totals per project across its levels, in the rows' order (the report's summary at a
    company's or HQ's scope: one row per project, not one per project × level × period);
    the rows may be tallies."""
    totals: dict[int, dict] = {}
    for row in rows:
        tally = row.tally
        t = totals.setdefault(
            tally.project.pk,
            {"project": tally.project, "levels": 0, "met": 0, "counted": 0, "missing": 0},
        )
        t["levels"] += 1
        t["met"] += tally.met
        t["counted"] += tally.counted
        t["missing"] += tally.missing
    for t in totals.values():
        t["rate"] = round(100 * t["met"] / t["counted"], 1) if t["counted"] else None
    return list(totals.values())


def compliance_rate_for(user, first, last, *, today) -> dict:
    """Per-level compliance rate over the user's visible projects (dashboard, R-DASH-1)."""
    projects = Project.objects.visible_to(user).only(
        "pk", "name", "property_company_id", "marketing_phase"
    )
    return {
        t["level"].code: t["rate"]
        for t in compliance_by_level(compliance_tallies(projects, first, last, today=today))
    }


def visible_property_companies(user):
    from salesite.models import Company

    return Company.objects.filter(
        pk__in=Project.objects.visible_to(user).values("property_company_id")
    ).order_by("name")


def sees_all(user) -> bool:
    return get_access(user).sees_all
