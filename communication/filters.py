"""List filters of the communication app; project choices limited to visible projects."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communication.models import CommunicationLevel, CommunicationRecord, Problem
from salesite.filters import ScopedFilterSet
from salesite.forms import DATE_WIDGET


class RecordFilter(ScopedFilterSet):
    level = django_filters.ModelChoiceFilter(
        queryset=CommunicationLevel.objects.all(), label=_("层级")
    )
    date_from = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label=_("从"), widget=DATE_WIDGET
    )
    date_to = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label=_("至"), widget=DATE_WIDGET
    )

    class Meta:
        model = CommunicationRecord
        fields = ["project", "level", "date_from", "date_to"]


class ProblemFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=Problem.Status.choices, label=_("状态"))
    level = django_filters.ModelChoiceFilter(
        queryset=CommunicationLevel.objects.all(), label=_("层级")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("逾期"),
        widget=forms.Select(choices=[("", "---------"), ("true", _("是")), ("false", _("否"))]),
    )
    q = django_filters.CharFilter(method="search", label=_("关键字"))

    class Meta:
        model = Problem
        fields = ["project", "status", "level", "overdue", "q"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        # "Not resolved" spelled as the two open states, which the (status, due_date)
        # indexes can look up; a "<>" reads every problem.
        unresolved = [Problem.Status.OPEN, Problem.Status.ESCALATED]
        overdue = Q(due_date__lt=today, status__in=unresolved)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(title__icontains=value) if value else queryset
