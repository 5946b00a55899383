"""List filters (django-filter) for the core lists; choices limited to visible projects."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesite.access import get_access
from salesite.forms import PlausibleInputMixin
from salesite.models import Building, Company, Customer, Project, Unit
from salesite.querystring import query_pk

YES_NO_ALL = [("", _("全部")), ("true", _("是")), ("false", _("否"))]


def yes_no_filter(label, **kwargs):
    """A boolean filter whose empty choice reads "全部" rather than "未知"."""
    return django_filters.BooleanFilter(
        label=label, widget=forms.Select(choices=YES_NO_ALL), **kwargs
    )


def _visible_projects(request):
    if request is None:
        return Project.objects.none()
    return Project.objects.visible_to(request.user)


def _visible_companies(request):
    if request is None:
        return Company.objects.none()
    return Company.objects.filter(
        pk__in=Project.objects.visible_to(request.user).values("property_company_id")
    ).order_by("name")


def for_chosen_project(request, queryset, field: str):
    """The options of a per-project select (buildings, batches): those of the project chosen in
    the filter, or all the user's if they see one project. A user who sees many projects
    (HQ: hundreds of buildings) chooses the project first; a value already in the URL stays
    valid."""
    if request is None:
        return queryset.none()
    project = query_pk(request.GET.get("project"))
    if project:
        return queryset.filter(project_id=project)
    access = get_access(request.user)
    if not (access.sees_all or access.company_ids or len(access.project_ids) > 1):
        return queryset
    value = query_pk(request.GET.get(field))
    return queryset.filter(pk=value) if value else queryset.none()


class ScopedFilterSet(django_filters.FilterSet):
    """The base of every project list's filter: the row's ``project`` (among the user's) and
    its property ``company``, so that a dashboard figure at company scope opens its list
    filtered to that company.

    The company filter is a select for users who see more than one company (HQ) and a hidden
    input for everybody else, whose rows are of one company anyway."""

    project = django_filters.ModelChoiceFilter(queryset=_visible_projects, label=_("项目"))
    company = django_filters.ModelChoiceFilter(
        queryset=_visible_companies, field_name="project__property_company", label=_("物业公司")
    )

    def get_form_class(self):
        """The filter form, bounded like every form: a hostile ``?date=`` or ``?amount=`` is a
        form error, and django-filter leaves an invalid filter out instead of failing."""
        form_class = super().get_form_class()
        return type(form_class.__name__, (PlausibleInputMixin, form_class), {})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.request
        access = get_access(request.user) if request is not None else None
        if access is None or not (access.sees_all or len(access.company_ids) > 1):
            self.filters["company"].extra["widget"] = forms.HiddenInput


class CustomerFilter(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("姓名/手机/证件号"))
    is_club_member = yes_no_filter(_("俱乐部会员"))

    class Meta:
        model = Customer
        fields = ["project", "q", "is_club_member"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(phone__endswith=value) | Q(id_number__iexact=value)
        )


class UnitFilter(ScopedFilterSet):
    building = django_filters.ModelChoiceFilter(
        # Building.__str__ shows its project: join it, or each option costs a query.
        queryset=lambda r: for_chosen_project(
            r,
            Building.objects.visible_to(r.user).select_related("project")
            if r
            else Building.objects,
            "building",
        ),
        label=_("楼栋"),
        help_text=_("先选择项目"),
    )
    number = django_filters.CharFilter(lookup_expr="icontains", label=_("房号"))
    unit_type = django_filters.CharFilter(lookup_expr="icontains", label=_("户型"))
    sold = yes_no_filter(_("已售"), method="filter_sold")

    class Meta:
        model = Unit
        fields = ["project", "building", "number", "unit_type", "sold"]

    def filter_sold(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.filter(purchases__is_active=True).distinct()
            if value
            else queryset.exclude(purchases__is_active=True)
        )
