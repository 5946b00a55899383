"""List filters of the feedback app; choices limited to what the user may see."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from salesite.filters import ScopedFilterSet, yes_no_filter

from .models import (
    OPEN_STATUSES,
    CallbackRule,
    CallbackStatus,
    CallbackTask,
    Case,
    CaseKind,
    CaseStatus,
    Channel,
    SurveyLink,
)


class CaseFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices, label=_("类型"))
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("状态"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("方式"))
    q = django_filters.CharFilter(method="search", label=_("事由/客户/电话"))
    breached = yes_no_filter(_("有超时"), method="filter_breached")
    open = yes_no_filter(_("未关闭"), method="filter_open")

    class Meta:
        model = Case
        fields = ["project", "kind", "status", "channel", "q", "breached", "open"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(subject__icontains=value)
            | Q(customer__name__icontains=value)
            | Q(walk_in_name__icontains=value)
            | Q(contact_phone__endswith=value)
        )

    def filter_breached(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(breached=value)

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        # The open states listed (an index lookup) rather than "status <> closed" (every row).
        if value:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=CaseStatus.CLOSED)


class CallbackFilter(ScopedFilterSet):
    rule = django_filters.ModelChoiceFilter(
        queryset=CallbackRule.objects.all(), to_field_name="code", label=_("回访类型")
    )
    status = django_filters.ChoiceFilter(choices=CallbackStatus.choices, label=_("状态"))
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("期限不晚于")
    )
    mine = yes_no_filter(_("分配给我"), method="filter_mine")
    survey = django_filters.ChoiceFilter(
        choices=[
            ("sent", _("已发送问卷链接")),
            ("answered", _("已通过问卷回复")),
            ("unanswered", _("问卷未回复")),
        ],
        method="filter_survey",
        label=_("短信问卷"),
    )

    class Meta:
        model = CallbackTask
        fields = ["project", "rule", "status", "due_before", "mine", "survey"]

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        user = self.request.user
        return queryset.filter(assigned_to=user) if value else queryset.exclude(assigned_to=user)

    def filter_survey(self, queryset, name, value):
        links = SurveyLink.objects.filter(task=OuterRef("pk"))
        answered = Exists(links.filter(used_at__isnull=False))
        if value == "sent":
            return queryset.filter(Exists(links))
        if value == "answered":
            return queryset.filter(answered)
        if value == "unanswered":
            return queryset.filter(Exists(links)).exclude(answered)
        return queryset
