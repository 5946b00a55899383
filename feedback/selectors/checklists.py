"""Reads of the 6+2 check's checklists (R-FB-10): the lines of a checklist by indicator, and the
system's proposal for the "written records complete" items from the step records it holds."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from salesite.models import Purchase

from ..models import (
    CustomerStepRecord,
    HandoverFact,
    Indicator,
    Proposal,
    Step,
    StepAction,
    quarter_bounds,
)

# The steps done before delivery concern every buyer; the later ones the owners handed over.
BEFORE_DELIVERY = {Step.HANDSHAKE.value, Step.CONTRACT.value, Step.CONTACT.value}


def _q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def checklist_proposals(assessment, items) -> dict[int, dict]:
    """For each "written records" item (``proposal == "records"``) of ``items``: the score the
    system proposes, ``points × done / expected``, where, for the item's action (or the
    per-customer actions of its step, or all of them), *expected* counts one record per action
    and customer concerned by the end of the quarter (buyers with an active purchase signed by
    then for the steps before delivery; customers handed over by then for the later ones) and
    *done* the records dated before the quarter's end. ``{item_id: {"score", "done",
    "expected", "basis"}}``; score None when no customer is concerned yet. Five queries."""
    items = [i for i in items if i.proposal == Proposal.RECORDS]
    if not items:
        return {}
    project_id = assessment.project_id
    _start, end = quarter_bounds(assessment.year, assessment.quarter)
    actions = list(StepAction.objects.filter(per_project=False))
    buyers = Purchase.objects.filter(
        project_id=project_id, is_active=True, signed_on__lt=end
    ).values("customer_id")
    owners = HandoverFact.objects.filter(project_id=project_id, handover_date__lt=end).values(
        "customer_id"
    )
    concerned = {
        True: buyers.aggregate(n=Count("customer_id", distinct=True))["n"],
        False: owners.aggregate(n=Count("customer_id", distinct=True))["n"],
    }
    done = {}
    for before, customers in ((True, buyers), (False, owners)):
        steps = BEFORE_DELIVERY if before else set(Step.values) - BEFORE_DELIVERY
        rows = (
            CustomerStepRecord.objects.filter(
                project_id=project_id,
                done_on__lt=end,
                customer_id__in=customers,
                action__step__in=steps,
            )
            .values("action_id")
            .annotate(n=Count("customer_id", distinct=True))
            .order_by()
        )
        done.update({r["action_id"]: r["n"] for r in rows})
    out = {}
    for item in items:
        if item.action_id:
            acts = [a for a in actions if a.pk == item.action_id]
        elif item.step:
            acts = [a for a in actions if a.step == item.step]
        else:
            acts = actions
        expected = sum(concerned[a.step in BEFORE_DELIVERY] for a in acts)
        n = sum(done.get(a.pk, 0) for a in acts)
        if not expected:
            out[item.pk] = {
                "score": None,
                "done": n,
                "expected": 0,
                "basis": _("截至季末尚无应记录的客户"),
            }
            continue
        percent = _q2(Decimal(n) * 100 / expected)
        out[item.pk] = {
            "score": _q2(Decimal(item.points) * n / expected),
            "done": n,
            "expected": expected,
            "basis": _("已记录 %(done)s / 应记录 %(expected)s（%(pct)s%%）")
            % {"done": n, "expected": expected, "pct": percent},
        }
    return out


def checklist_sections(assessment) -> list[tuple[str, list]]:
    """The checklist's lines by indicator (A1, A2), each with the live proposal attached
    (``line.proposal``), and each section's score and full score."""
    lines = list(
        assessment.lines.select_related("item__action").order_by(
            "indicator", "item__order", "item_id"
        )
    )
    proposals = checklist_proposals(assessment, [line.item for line in lines])
    sections = []
    for code, label in Indicator.choices:
        own = [line for line in lines if line.indicator == code]
        for line in own:
            line.proposal = proposals.get(line.item_id)
        points = sum((line.points for line in own), Decimal(0))
        scored = [line.score for line in own if line.score is not None]
        score = sum(scored, Decimal(0)) if scored else None
        sections.append(
            {
                "code": code,
                "label": label,
                "lines": own,
                "points": points,
                "score": score,
                "percent": _q2(score * 100 / points) if score is not None and points else None,
            }
        )
    return sections
