"""Reads of the renovation app: scoped, joined, annotated — never a query per row."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from .models import RenovationApplication, Status


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
