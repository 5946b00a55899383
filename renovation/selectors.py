"""Reads of the renovation app: scoped, joined, annotated — never a query per row."""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    ZERO_AMOUNT,
    DepositLedgerEntry,
    EntryKind,
    RenovationApplication,
    Status,
    balance_expression,
)

# Renovations under construction: patrolled every day, fines and hot work apply.
ACTIVE_STATUSES = [Status.PERMITTED]


def applications_for(user):
    return RenovationApplication.objects.visible_to(user).select_related(
        "project", "unit__building"
    )


def application_detail_qs():
    return RenovationApplication.objects.select_related(
        "project",
        "unit__building",
        "owner",
        "engineering_reviewer",
        "cs_reviewer",
        "created_by",
    )


def overdue_reviews(qs, now=None):
    now = now or timezone.now()
    return qs.filter(status=Status.SUBMITTED, review_due_at__lt=now)


def search(qs, text: str):
    text = text.strip()
    if not text:
        return qs
    return qs.filter(
        Q(number__icontains=text)
        | Q(owner_name__icontains=text)
        | Q(contractor_name__icontains=text)
        | Q(unit__number__iexact=text)
    )


def active_applications(user, project):
    """The renovations under construction in a project (patrolled every day)."""
    return (
        RenovationApplication.objects.visible_to(user)
        .filter(project=project, status__in=ACTIVE_STATUSES)
        .select_related("unit__building")
        .order_by("unit__building__name", "unit__number", "pk")
    )


def patrol_board(applications, day) -> list[dict]:
    """Rows of (application × patrol kind) for one page of applications: two queries."""
    from .models import MissedPatrol, PatrolKind, PatrolRecord

    apps = list(applications)
    ids = [a.pk for a in apps]
    done = {
        (p.application_id, p.kind): p
        for p in PatrolRecord.objects.filter(application_id__in=ids, date=day).select_related(
            "patrolled_by"
        )
    }
    missed = set(
        MissedPatrol.objects.filter(application_id__in=ids, date=day).values_list(
            "application_id", "kind"
        )
    )
    return [
        {
            "app": a,
            "cells": [
                {
                    "kind": kind,
                    "label": label,
                    "record": done.get((a.pk, kind)),
                    "flagged": (a.pk, kind) in missed,
                }
                for kind, label in PatrolKind.choices
            ],
        }
        for a in apps
    ]


def violations_for(user):
    from .models import Violation

    return (
        Violation.objects.visible_to(user)
        .select_related("project", "application__unit__building", "found_by")
        .order_by("-found_at", "-pk")
    )


# --- pipeline and register (R-REN-10) --------------------------------------------------


def pipeline_counts(user, project=None, now=None, today=None) -> dict[str, int]:
    """The renovation pipeline in two queries (applications, open violations)."""
    from django.db.models import Count

    from .models import IN_COMPLETION, IN_REVIEW, OPEN_VIOLATION_STATES, Violation

    now = now or timezone.now()
    today = today or timezone.localdate(now)
    apps = RenovationApplication.objects.visible_to(user)
    violations = Violation.objects.visible_to(user)
    if project is not None:
        apps = apps.filter(project=project)
        violations = violations.filter(project=project)
    counts = apps.aggregate(
        in_review=Count("pk", filter=Q(status__in=IN_REVIEW)),
        overdue=Count("pk", filter=Q(status=Status.SUBMITTED, review_due_at__lt=now)),
        waiting_government=Count("pk", filter=Q(status=Status.WAITING_GOVERNMENT)),
        active=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)),
        completion=Count("pk", filter=Q(status__in=IN_COMPLETION)),
        refunds_due=Count(
            "pk", filter=Q(status=Status.COMPLETION_ACCEPTED, refund_due_on__lte=today)
        ),
    )
    counts["open_violations"] = violations.filter(state__in=OPEN_VIOLATION_STATES).count()
    return counts


def register_rows(qs):
    """The register (装修办理报表): one row per application with its money and violations,
    every figure computed in SQL (subqueries, no join fan-out)."""
    from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    from .models import Fine, Violation

    money = DecimalField(max_digits=12, decimal_places=2)
    violations = (
        Violation.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    fines = (
        Fine.objects.filter(application=OuterRef("pk"), state=Fine.State.APPROVED)
        .order_by()
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return qs.select_related("project", "unit__building", "fee_payment", "refund").annotate(
        violation_count=Coalesce(Subquery(violations), Value(0)),
        fines_total=Coalesce(Subquery(fines, output_field=money), Value(0), output_field=money),
    )


REGISTER_HEADERS = [
    _("申请编号"),
    _("项目"),
    _("楼栋"),
    _("房号"),
    _("业主"),
    _("装修单位"),
    _("装修负责人"),
    _("状态"),
    _("提交时间"),
    _("审核通过时间"),
    _("进场证号"),
    _("进场时间"),
    _("竣工验收日期"),
    _("押金可退日期"),
    _("押金"),
    _("违章次数"),
    _("已批违约金"),
    _("退还金额"),
]


def register_values(app) -> list:
    payment = getattr(app, "fee_payment", None)
    refund = getattr(app, "refund", None)
    return [
        app.number,
        app.project.name,
        app.unit.building.name,
        app.unit.number,
        app.owner_name,
        app.contractor_name,
        app.contractor_head_name,
        app.get_status_display(),
        app.submitted_at,
        app.approved_at,
        app.permit_number,
        app.permitted_at,
        app.completion_accepted_on,
        app.refund_due_on,
        payment.deposit if payment else None,
        app.violation_count,
        app.fines_total,
        refund.refund_amount if refund and refund.paid_at else None,
    ]


def lectures_for(user):
    from django.db.models import Count

    from .models import RenovationLecture

    return (
        RenovationLecture.objects.visible_to(user)
        .select_related("project")
        .annotate(attendee_count=Count("attendees"))
        .order_by("-held_on", "-pk")
    )


# --- deposit ledger (R-REN-8) ----------------------------------------------------------


def ledger_balance(application_id) -> Decimal:
    """SUM of the signed entries, computed in SQL."""
    return DepositLedgerEntry.objects.filter(application_id=application_id).aggregate(
        balance=balance_expression()
    )["balance"]


def ledger_totals(application_id) -> dict[str, Decimal]:
    rows = (
        DepositLedgerEntry.objects.filter(application_id=application_id)
        .values("kind")
        .annotate(total=Sum("amount"))
    )
    totals = {kind: ZERO_AMOUNT for kind in EntryKind.values}
    totals.update({r["kind"]: r["total"] for r in rows})
    return totals


def refund_wait_months(app) -> int:
    """The months after completion before the deposit is refunded: the value the application
    stored from the service policy (3 by default, R-REN-8)."""
    from salesite.policy import rule_value

    return rule_value(app, "refund_wait_months")


def refund_due_date(app) -> datetime.date | None:
    if app.completion_accepted_on is None:
        return None
    return app.completion_accepted_on + relativedelta(months=refund_wait_months(app))


# --- the owner's view of their applications (owner portal) -------------------------------


def owner_applications(qs):
    """One row per application for the owner's list: unit, state, review deadline, and the
    counts the owner looks for (documents still missing, violations, approved fines), all in
    SQL (subqueries, no join fan-out). ``qs`` is already narrowed to the owner's rows."""
    from django.db.models import Count, DecimalField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from .models import ApplicationDocument, Fine, Violation

    money = DecimalField(max_digits=12, decimal_places=2)

    def count_of(model, **filters):
        return Coalesce(
            Subquery(
                model.objects.filter(application=OuterRef("pk"), **filters)
                .order_by()
                .values("application")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            Value(0),
        )

    fines = (
        Fine.objects.filter(application=OuterRef("pk"), state=Fine.State.APPROVED)
        .order_by()
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        qs.select_related("project", "unit__building", "fee_payment", "refund")
        .annotate(
            missing_documents=count_of(ApplicationDocument, received=False),
            violation_count=count_of(Violation),
            fines_total=Coalesce(Subquery(fines, output_field=money), Value(0), output_field=money),
        )
        .order_by("-created_at", "-pk")
    )


def documents_with_files(app) -> list:
    """The application's checklist lines, each with ``.files`` (its scans, e.g. uploaded by
    the owner on the owner portal), in two queries."""
    from django.contrib.contenttypes.models import ContentType

    from salesite.models import Attachment

    from .models import ApplicationDocument

    documents = list(app.documents.select_related("checked_by").order_by("kind"))
    files: dict[int, list] = {}
    if documents:
        ct = ContentType.objects.get_for_model(ApplicationDocument)
        for a in (
            Attachment.objects.filter(content_type=ct, object_id__in=[d.pk for d in documents])
            .select_related("uploaded_by")
            .order_by("pk")
        ):
            files.setdefault(a.object_id, []).append(a)
    for d in documents:
        d.files = files.get(d.pk, [])
    return documents


def owner_application_detail(app) -> dict:
    """What the owner sees of one application, in a fixed number of queries: the document
    checklist with the files on each line, the fees due (from the schedule, until paid) or
    paid (the cashier's charges), the permit, violations with their fines, and the deposit
    refund once known."""
    from .models import FeeCharge, Fine, Violation

    documents = documents_with_files(app)
    payment = getattr(app, "fee_payment", None)
    charges = list(FeeCharge.objects.filter(payment=payment)) if payment is not None else []
    fees_due = []
    if payment is None and app.status in (Status.APPROVED, Status.AGREEMENT_SIGNED):
        from .services import fees_compute

        fees_due = fees_compute(application=app, worker_pass_count=0)
    violations = list(Violation.objects.filter(application=app).order_by("-found_at", "-pk"))
    fines = list(Fine.objects.filter(application=app).order_by("-proposed_at", "-pk"))
    by_violation: dict[int, list] = {}
    for fine in fines:
        by_violation.setdefault(fine.violation_id, []).append(fine)
    for v in violations:
        v.owner_fines = by_violation.get(v.pk, [])
    refund = getattr(app, "refund", None)
    return {
        "documents": documents,
        "missing": [d for d in documents if not d.received],
        "payment": payment,
        "charges": charges,
        "fees_due": fees_due,
        "fees_due_total": sum((line["amount"] for line in fees_due), ZERO_AMOUNT),
        "violations": violations,
        "fines_total": sum(
            (f.amount for f in fines if f.state == Fine.State.APPROVED), ZERO_AMOUNT
        ),
        "refund": refund,
        "refund_due_on": app.refund_due_on or refund_due_date(app),
    }
