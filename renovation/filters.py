"""List filters of the renovation app; choices limited to visible projects."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesite.filters import ScopedFilterSet, yes_no_filter
from salesite.forms import DATE_WIDGET

from . import selectors
from .models import OPEN_VIOLATION_STATES, RenovationApplication, Status, Violation


class ApplicationFilter(ScopedFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("状态"))
    q = django_filters.CharFilter(method="search", label=_("编号/业主/装修单位/房号"))
    overdue = yes_no_filter(_("审核超时"), method="filter_overdue")
    refund_due = yes_no_filter(_("押金已到期可退"), method="filter_refund_due")
    created_from = django_filters.DateFilter(
        field_name="created_at__date", lookup_expr="gte", label=_("登记日期自"), widget=DATE_WIDGET
    )
    created_to = django_filters.DateFilter(
        field_name="created_at__date", lookup_expr="lte", label=_("登记日期至"), widget=DATE_WIDGET
    )

    class Meta:
        model = RenovationApplication
        fields = ["project", "status", "q", "overdue", "refund_due", "created_from", "created_to"]

    def filter_refund_due(self, queryset, name, value):
        if value is None:
            return queryset
        due = Q(status=Status.COMPLETION_ACCEPTED, refund_due_on__lte=timezone.localdate())
        return queryset.filter(due) if value else queryset.exclude(due)

    def search(self, queryset, name, value):
        return selectors.search(queryset, value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = selectors.overdue_reviews(queryset, timezone.now())
        if value:
            return overdue
        return queryset.exclude(pk__in=overdue.values("pk"))


class ViolationFilter(ScopedFilterSet):
    severity = django_filters.ChoiceFilter(choices=Violation.Severity.choices, label=_("违章程度"))
    state = django_filters.MultipleChoiceFilter(choices=Violation.State.choices, label=_("状态"))
    open = yes_no_filter(_("未结案"), method="filter_open")

    class Meta:
        model = Violation
        fields = ["project", "severity", "state", "open"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(state__in=OPEN_VIOLATION_STATES)
        return queryset.exclude(state__in=OPEN_VIOLATION_STATES)
