"""The manager dashboard (R-DASH-1) and "my work" (R-DASH-2)."""

from __future__ import annotations

import dataclasses
import datetime
from itertools import groupby
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesite.access import get_access, visible_project_ids
from salesite.forms import DATE_WIDGET, PlausibleInputMixin
from salesite.models import Company, Project
from salesite.views_access import staff_view

from . import registry, snapshots

DEFAULT_DAYS = 30


class RangeForm(PlausibleInputMixin, forms.Form):
    date_from = forms.DateField(label=gettext_lazy("从"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=gettext_lazy("至"), required=False, widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
        return data


def date_range(form: RangeForm, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The chosen dates, or the last 30 days up to today."""
    date_to = date_from = None
    if form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    date_to = date_to or today
    date_from = date_from or date_to - datetime.timedelta(days=DEFAULT_DAYS - 1)
    return date_from, date_to


def scope_choices(user) -> tuple[list[Project], list[Company], bool]:
    """What the user may pick: their visible projects, the property companies of those, and
    "all" (every project for HQ, every visible project for the others). Two queries."""
    projects = list(
        Project.objects.visible_to(user)
        .select_related("property_company")
        .only("pk", "name", "property_company__name")
        .order_by("name")
    )
    companies = {p.property_company_id: p.property_company for p in projects}
    access = get_access(user)
    show_companies = access.sees_all or bool(access.company_ids) or len(companies) > 1
    return (
        projects,
        sorted(companies.values(), key=lambda c: c.name) if show_companies else [],
        access.sees_all,
    )


def resolve_scope(user, raw: str, projects, companies):
    """``(project_ids, label, value)`` for the raw ``scope`` parameter; 404 for a project or a
    company the user may not see. ``project_ids`` is None for "every project" (HQ only)."""
    visible = visible_project_ids(user)
    if not raw:
        raw = f"project:{projects[0].pk}" if len(projects) == 1 else "all"
    if raw == "all":
        label = _("全部项目") if visible is None else _("全部可见项目")
        return (None if visible is None else list(visible)), label, raw
    kind, _sep, pk = raw.partition(":")
    if not pk.isdigit():
        raise Http404
    pk = int(pk)
    if kind == "project":
        for p in projects:
            if p.pk == pk:
                return [p.pk], p.name, raw
    elif kind == "company":
        for c in companies:
            if c.pk == pk:
                return [p.pk for p in projects if p.property_company_id == pk], c.name, raw
    raise Http404


def with_company(url: str, company_pk: int) -> str:
    """The figure's list URL filtered to the company, unless it is already one project's."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    if not url or any(key in ("project", "company") for key, _v in query):
        return url
    return urlunsplit(parts._replace(query=urlencode([*query, ("company", company_pk)])))


@staff_view()  # every member: the providers narrow to the user's projects
def dashboard(request):
    today = timezone.localdate()
    form = RangeForm(request.GET or None)
    date_from, date_to = date_range(form, today)
    projects, companies, sees_all = scope_choices(request.user)
    project_ids, scope_label, scope = resolve_scope(
        request.user, request.GET.get("scope", ""), projects, companies
    )
    figures = snapshots.figures(
        lambda: registry.dashboard_figures(
            request.user, project_ids, date_from, date_to, today=today
        ),
        project_ids,
        date_from,
        date_to,
        today=today,
    )
    if scope.startswith("company:"):
        company_pk = int(scope.partition(":")[2])
        figures = [dataclasses.replace(f, url=with_company(f.url, company_pk)) for f in figures]
    groups = [(g, list(rows)) for g, rows in groupby(figures, key=lambda f: f.group)]
    charts = [
        {
            "id": f"chart-{i}",
            "title": f.title,
            "labels": [x for x, _y in f.series],
            "values": [y for _x, y in f.series],
            "period": f.series_period or _("按周"),
        }
        for i, f in enumerate(figures)
        if f.series
    ]
    return render(
        request,
        "salesite/dashboard/dashboard.html",
        {
            "form": form,
            "date_from": date_from,
            "date_to": date_to,
            "project_options": [(f"project:{p.pk}", p.name) for p in projects],
            "company_options": [(f"company:{c.pk}", c.name) for c in companies],
            "sees_all": sees_all,
            "scope": scope,
            "scope_label": scope_label,
            "groups": groups,
            "charts": charts,
        },
    )


def my_work_context(user, today=None) -> dict:
    today = today or timezone.localdate()
    items = registry.work_items(user, today)
    return {
        "work_items": items,
        "work_overdue": sum(1 for i in items if i.overdue),
        "work_today": today,
    }


HOME_LIMIT = 10  # items in the home page's block; the page /my-work/ shows them all


@staff_view()  # every member: the providers narrow to the user's projects
def my_work(request):
    """The page, or with ``?block=1`` the home page's block (loaded by htmx after the page,
    so the home page keeps its own small query budget)."""
    context = my_work_context(request.user)
    if request.GET.get("block"):
        context |= {"items_shown": context["work_items"][:HOME_LIMIT], "show_all_link": True}
        return render(request, "salesite/dashboard/_work_block.html", context)
    return render(request, "salesite/dashboard/my_work.html", context)
