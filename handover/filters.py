"""List filters of the handover app; choices limited to visible projects."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesite.filters import ScopedFilterSet, for_chosen_project

from .models import (
    CaseStatus,
    DeliveryBatch,
    FindingCategory,
    FindingStatus,
    HandoverCase,
    NoticeKind,
    NoticeStatus,
    PreviewFinding,
    ProgressNotice,
)


def _visible_batches(request):
    if request is None:
        return DeliveryBatch.objects.none()
    batches = DeliveryBatch.objects.visible_to(request.user).select_related("project")
    return for_chosen_project(request, batches, "batch")


class BatchFilter(ScopedFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("批次名称"))

    class Meta:
        model = DeliveryBatch
        fields = ["project", "name"]


class CaseFilter(ScopedFilterSet):
    batch = django_filters.ModelChoiceFilter(queryset=_visible_batches, label=_("交付批次"))
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("状态"))
    q = django_filters.CharFilter(method="search", label=_("房号/业主"))

    class Meta:
        model = HandoverCase
        fields = ["project", "batch", "status", "q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(unit__number__icontains=value) | Q(customer__name__icontains=value)
        )


class NoticeFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(choices=NoticeKind.choices, label=_("类别"))
    status = django_filters.ChoiceFilter(choices=NoticeStatus.choices, label=_("状态"))

    class Meta:
        model = ProgressNotice
        fields = ["project", "kind", "status"]


def _visible_buildings(request):
    from salesite.models import Building

    if request is None:
        return Building.objects.none()
    buildings = Building.objects.visible_to(request.user).select_related("project")
    return for_chosen_project(request, buildings, "building")


class FindingFilter(ScopedFilterSet):
    """Preview findings (R-HO-1): by batch, state, category, building, overdue."""

    batch = django_filters.ModelChoiceFilter(queryset=_visible_batches, label=_("交付批次"))
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices, label=_("状态"))
    category = django_filters.ChoiceFilter(choices=FindingCategory.choices, label=_("类别"))
    building = django_filters.ModelChoiceFilter(
        queryset=_visible_buildings, field_name="unit__building", label=_("楼栋")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已逾期"))
    q = django_filters.CharFilter(method="search", label=_("房号/部位/描述"))

    class Meta:
        model = PreviewFinding
        fields = ["project", "batch", "status", "category", "building", "overdue", "q"]

    def filter_overdue(self, queryset, name, value):
        from .selectors_previews import overdue_q

        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(unit__number__icontains=value)
            | Q(location__icontains=value)
            | Q(description__icontains=value)
        )
