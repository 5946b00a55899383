"""List filters of the renovation app; choices limited to visible projects."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesite.filters import yes_no_filter
from salesite.models import Project

from . import selectors
from .models import RenovationApplication, Status


def _visible_projects(request):
    if request is None:
        return Project.objects.none()
    return Project.objects.visible_to(request.user)


class ApplicationFilter(django_filters.FilterSet):
    project = django_filters.ModelChoiceFilter(queryset=_visible_projects, label=_("项目"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("状态"))
    q = django_filters.CharFilter(method="search", label=_("编号/业主/装修单位/房号"))
    overdue = yes_no_filter(_("审核超时"), method="filter_overdue")

    class Meta:
        model = RenovationApplication
        fields = ["project", "status", "q", "overdue"]

    def search(self, queryset, name, value):
        return selectors.search(queryset, value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = selectors.overdue_reviews(queryset, timezone.now())
        if value:
            return overdue
        return queryset.exclude(pk__in=overdue.values("pk"))
