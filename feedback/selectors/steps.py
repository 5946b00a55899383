"""Reads of the 6+2 steps (R-FB-9): when each action falls due for a customer, what is done,
the per-project list of actions due and done, and the actions the daily reminder tells.

An action falls due ``offset_months`` months and ``offset_days`` days after its anchor: the
customer's registration (the day the customer was entered, the first visit), the earliest
signing of an active purchase, the earliest handover (``HandoverFact``), or, for the +2
(四年之约), the project's first delivery (its earliest handover). An action whose anchor has
not happened yet has no due date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesite.models import Customer, Project, Purchase

from ..deadlines import add_months
from ..models import (
    CustomerStepRecord,
    HandoverFact,
    ProjectStepRecord,
    StepAction,
    StepAnchor,
)

# An open action due within this many days is "due soon" (and reminded).
DUE_SOON_DAYS = 7
# The daily reminder also tells of actions that fell due this many days ago (a missed run).
REMIND_CATCH_UP_DAYS = 3


class StepStatus:
    DONE = "done"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UPCOMING = "upcoming"
    UNDATED = "undated"

    CHOICES = [
        (DONE, _("已完成")),
        (OVERDUE, _("已逾期")),
        (DUE_SOON, _("7天内到期")),
        (UPCOMING, _("未到期")),
        (UNDATED, _("无到期日")),
    ]


@dataclass
class Anchors:
    registration: datetime.date | None = None
    contract: datetime.date | None = None
    handover: datetime.date | None = None
    first_delivery: datetime.date | None = None


def due_date(action: StepAction, anchors: Anchors) -> datetime.date | None:
    """The day ``action`` falls due given the milestones, or None (no anchor or not reached)."""
    if action.anchor == StepAnchor.NONE:
        return None
    base = getattr(anchors, action.anchor, None)
    if base is None:
        return None
    return add_months(base, action.offset_months) + datetime.timedelta(days=action.offset_days)


def status_of(done_on, due, today: datetime.date) -> str:
    if done_on is not None:
        return StepStatus.DONE
    if due is None:
        return StepStatus.UNDATED
    if due < today:
        return StepStatus.OVERDUE
    if due <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return StepStatus.DUE_SOON
    return StepStatus.UPCOMING


@dataclass
class StepRow:
    """One action of one customer (or of the project, for the +2)."""

    action: StepAction
    due: datetime.date | None
    status: str
    customer_id: int | None = None
    customer_name: str = ""
    done_on: datetime.date | None = None
    channel: str = ""
    recorded_by: str = ""
    note: str = ""
    source: str = ""
    units: list = field(default_factory=list)

    @property
    def channel_label(self) -> str:
        from ..models import StepChannel

        return StepChannel(self.channel).label if self.channel else ""

    @property
    def status_label(self) -> str:
        return dict(StepStatus.CHOICES)[self.status]


def first_delivery(project_id: int) -> datetime.date | None:
    """The project's first delivery: its earliest handover."""
    return HandoverFact.objects.filter(project_id=project_id).aggregate(d=Min("handover_date"))["d"]


def customer_anchors(customer) -> Anchors:
    """The customer's milestones (three queries)."""
    contract = Purchase.objects.filter(customer=customer, is_active=True).aggregate(
        d=Min("signed_on")
    )["d"]
    handover = customer.handover_facts.aggregate(d=Min("handover_date"))["d"]
    return Anchors(
        registration=timezone.localdate(customer.created_at),
        contract=contract,
        handover=handover,
        first_delivery=first_delivery(customer.project_id),
    )


def _actions():
    return list(StepAction.objects.order_by("order", "pk"))


def _row(action, due, record, today, **kw) -> StepRow:
    return StepRow(
        action=action,
        due=due,
        status=status_of(record.done_on if record else None, due, today),
        done_on=record.done_on if record else None,
        channel=getattr(record, "channel", "") if record else "",
        recorded_by=str(record.recorded_by) if record and record.recorded_by_id else "",
        note=record.note if record else "",
        source=getattr(record, "source", "") if record else "",
        **kw,
    )


def customer_steps(customer, *, today: datetime.date | None = None):
    """The customer's 6+2 page: ``(steps, project_row)`` where ``steps`` is a list of
    ``(step label, [StepRow])`` of the 19 customer actions in order and ``project_row`` the
    project's +2 (or None)."""
    today = today or timezone.localdate()
    anchors = customer_anchors(customer)
    records = {
        r.action_id: r for r in customer.step_records.select_related("recorded_by").order_by()
    }
    steps: list = []
    project_row = None
    actions = _actions()
    per_project = [a for a in actions if a.per_project]
    project_records = {
        r.action_id: r
        for r in ProjectStepRecord.objects.filter(
            project_id=customer.project_id, action__in=per_project
        ).select_related("recorded_by")
    }
    for action in actions:
        due = due_date(action, anchors)
        if action.per_project:
            project_row = _row(action, due, project_records.get(action.pk), today)
            continue
        row = _row(action, due, records.get(action.pk), today, customer_id=customer.pk)
        label = action.get_step_display()
        if not steps or steps[-1][0] != label:
            steps.append((label, []))
        steps[-1][1].append(row)
    return steps, project_row


def project_plus_two(project, *, today: datetime.date | None = None) -> StepRow | None:
    """The project's +2 (四年之约): due four years (by default) after the first delivery."""
    action = StepAction.objects.filter(per_project=True).order_by("order").first()
    if action is None:
        return None
    record = (
        ProjectStepRecord.objects.filter(project=project, action=action)
        .select_related("recorded_by")
        .first()
    )
    due = due_date(action, Anchors(first_delivery=first_delivery(project.pk)))
    return _row(action, due, record, today or timezone.localdate())


def project_step_rows(
    project,
    *,
    today: datetime.date | None = None,
    step: str = "",
    action=None,
    status: str = "",
    building=None,
) -> list[StepRow]:
    """Every customer action of the project as a row, filtered; in a fixed number of queries
    (customers with their milestones, the records, the actions), whatever the project's size.
    Rows: overdue first by due date, then due soon, upcoming, undated, done."""
    today = today or timezone.localdate()
    actions = [a for a in _actions() if not a.per_project]
    if step:
        actions = [a for a in actions if a.step == step]
    if action is not None:
        actions = [a for a in actions if a.pk == action.pk]
    if not actions:
        return []
    customers = Customer.objects.filter(project=project)
    if building is not None:
        customers = customers.filter(
            pk__in=Purchase.objects.filter(unit__building=building, is_active=True).values(
                "customer_id"
            )
        )
    people = list(
        customers.annotate(
            contract=Min("purchases__signed_on", filter=Q(purchases__is_active=True)),
            handover=Min("handover_facts__handover_date"),
        )
        .order_by("name", "pk")
        .values_list("pk", "name", "created_at", "contract", "handover")
    )
    delivered = first_delivery(project.pk)
    records = {
        (r["customer_id"], r["action_id"]): r
        for r in CustomerStepRecord.objects.filter(
            project=project, action__in=actions, customer__in=customers
        ).values(
            "customer_id", "action_id", "done_on", "channel", "note", "source", "recorded_by_id"
        )
    }
    names = _user_names({r["recorded_by_id"] for r in records.values()} - {None})
    rows = []
    for pk, name, created_at, contract, handover in people:
        anchors = Anchors(timezone.localdate(created_at), contract, handover, delivered)
        for a in actions:
            rec = records.get((pk, a.pk))
            due = due_date(a, anchors)
            row = StepRow(
                action=a,
                due=due,
                status=status_of(rec["done_on"] if rec else None, due, today),
                customer_id=pk,
                customer_name=name,
            )
            if rec:
                row.done_on, row.channel = rec["done_on"], rec["channel"]
                row.note, row.source = rec["note"], rec["source"]
                row.recorded_by = names.get(rec["recorded_by_id"], "")
            if not status or row.status == status:
                rows.append(row)
    order = [StepStatus.OVERDUE, StepStatus.DUE_SOON, StepStatus.UPCOMING, StepStatus.UNDATED]
    order.append(StepStatus.DONE)
    rows.sort(key=lambda r: (order.index(r.status), r.due or datetime.date.max))
    return rows


def _user_names(ids) -> dict:
    from salesite.models import User

    return {u.pk: str(u) for u in User.objects.filter(pk__in=ids)} if ids else {}


def attach_units(rows) -> None:
    """Give each row (of one page) its customer's units: one query."""
    ids = {r.customer_id for r in rows if r.customer_id}
    units: dict = {}
    for p in (
        Purchase.objects.filter(customer_id__in=ids, is_active=True)
        .select_related("unit__building")
        .order_by("unit__building__name", "unit__number")
    ):
        units.setdefault(p.customer_id, []).append(p.unit)
    for r in rows:
        r.units = units.get(r.customer_id, [])


# --- the daily reminder ------------------------------------------------------------------------


@dataclass
class DueStep:
    """An open action falling due: what the reminder tells (a row of ``notify_each_once``)."""

    project: Project
    action: StepAction
    due: datetime.date
    customer_id: int | None = None
    customer_name: str = ""

    @property
    def project_id(self) -> int:
        return self.project.pk


_ANCHOR_MIN = {
    StepAnchor.REGISTRATION: None,  # the registration date is filtered on created_at
    StepAnchor.CONTRACT: Min("purchases__signed_on", filter=Q(purchases__is_active=True)),
    StepAnchor.HANDOVER: Min("handover_facts__handover_date"),
}


def _anchor_window(action, lo: datetime.date, hi: datetime.date):
    """Anchor days whose due date may fall in [lo, hi] (a little wider: month ends clip)."""
    slack = datetime.timedelta(days=3)
    delta = datetime.timedelta(days=action.offset_days)
    return (
        add_months(lo - delta, -action.offset_months) - slack,
        add_months(hi - delta, -action.offset_months) + slack,
    )


def steps_falling_due(today: datetime.date | None = None) -> list[DueStep]:
    """Open actions with a responsible role that fall due from ``REMIND_CATCH_UP_DAYS`` ago to
    ``DUE_SOON_DAYS`` ahead: one query per action with an anchor (plus the projects)."""
    today = today or timezone.localdate()
    lo = today - datetime.timedelta(days=REMIND_CATCH_UP_DAYS)
    hi = today + datetime.timedelta(days=DUE_SOON_DAYS)
    found: list[tuple] = []  # (project_id, action, due, customer_id, name)
    for action in StepAction.objects.exclude(anchor=StepAnchor.NONE).exclude(responsible_role=""):
        first, last = _anchor_window(action, lo, hi)
        if action.per_project:
            done = ProjectStepRecord.objects.filter(action=action).values("project_id")
            for pid, day in (
                HandoverFact.objects.exclude(project_id__in=done)
                .values("project_id")
                .annotate(first=Min("handover_date"))
                .filter(first__range=(first, last))
                .values_list("project_id", "first")
            ):
                found.append((pid, action, due_date(action, Anchors(first_delivery=day)), None, ""))
            continue
        if action.anchor not in _ANCHOR_MIN:
            continue
        qs = Customer.objects.exclude(step_records__action=action)
        if action.anchor == StepAnchor.REGISTRATION:
            qs = qs.filter(created_at__date__range=(first, last)).values_list(
                "project_id", "pk", "name", "created_at"
            )
            days = ((p, c, n, timezone.localdate(d)) for p, c, n, d in qs)
        else:
            qs = (
                qs.annotate(anchor=_ANCHOR_MIN[action.anchor])
                .filter(anchor__range=(first, last))
                .values_list("project_id", "pk", "name", "anchor")
            )
            days = iter(qs)
        for pid, cid, name, day in days:
            found.append(
                (pid, action, due_date(action, Anchors(**{action.anchor: day})), cid, name)
            )
    found = [f for f in found if f[2] is not None and lo <= f[2] <= hi]
    projects = Project.objects.in_bulk({f[0] for f in found})
    return [
        DueStep(project=projects[p], action=a, due=d, customer_id=c, customer_name=n)
        for p, a, d, c, n in sorted(found, key=lambda f: (f[2], f[0], f[3] or 0, f[1].order))
    ]
