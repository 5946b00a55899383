"""List filters of sales-site operations; project choices limited to visible projects."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from operations.models import (
    EventStatus,
    Inspection,
    InspectionStatus,
    MarketingEvent,
    PlanStatus,
    RectificationItem,
    RectificationStatus,
    RosterEntry,
    ServicePlan,
    SiteArea,
    TrainingSession,
)
from salesite.filters import ScopedFilterSet
from salesite.forms import DATE_WIDGET


class SiteAreaFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(choices=SiteArea.Kind.choices, label=_("区域类型"))

    class Meta:
        model = SiteArea
        fields = ["project", "kind"]


class RosterFilter(ScopedFilterSet):
    date = django_filters.DateFilter(label=_("日期"), widget=DATE_WIDGET)
    person = django_filters.CharFilter(method="filter_person", label=_("员工"))

    class Meta:
        model = RosterEntry
        fields = ["project", "date", "person"]

    def filter_person(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(user__name__icontains=value) | Q(user__username=value))


class PlanFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label=_("状态"))

    class Meta:
        model = ServicePlan
        fields = ["project", "status"]


class TrainingFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(choices=TrainingSession.Kind.choices, label=_("培训类型"))
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=_("起始日期"), widget=DATE_WIDGET
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=_("截止日期"), widget=DATE_WIDGET
    )
    topic = django_filters.CharFilter(lookup_expr="icontains", label=_("主题"))

    class Meta:
        model = TrainingSession
        fields = ["project", "kind", "date_from", "date_to", "topic"]


class EventFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(choices=MarketingEvent.Kind.choices, label=_("活动类型"))
    status = django_filters.ChoiceFilter(choices=EventStatus.choices, label=_("状态"))
    date_from = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte", label=_("起始日期"), widget=DATE_WIDGET
    )

    class Meta:
        model = MarketingEvent
        fields = ["project", "kind", "status", "date_from"]


class InspectionFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label=_("状态"))

    class Meta:
        model = Inspection
        fields = ["project", "status"]


class RectificationFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=RectificationStatus.choices, label=_("状态"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已逾期"))

    class Meta:
        model = RectificationItem
        fields = ["project", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))
