"""Views of sales-site areas and posts (R-CORE-3), shifts and the daily roster (R-CORE-5)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from operations.models import (
    RosterEntry,
    ServicePost,
    Shift,
    SiteArea,
)
from salesite.exports import export_format, export_response
from salesite.models import Project
from salesite.querystring import query_pk
from salesite.views import paginate, projects_with_perm, record_context
from salesite.views_access import get_record, permitted_rows, staff_view

from .. import exports, forms, selectors, services
from ..filters import (
    RosterFilter,
    SiteAreaFilter,
)
from .common import _form_page, _parse_day, _run

# --- areas and posts (R-CORE-3) ------------------------------------------------------------


@staff_view()
def area_list(request):
    base = (
        permitted_rows(request, SiteArea.objects.all())
        .select_related("project")
        .annotate(
            post_count=Count("posts", filter=Q(posts__is_active=True)),
        )
    )
    f = SiteAreaFilter(request.GET, queryset=base, request=request)
    areas = f.qs.order_by("project__name", "order", "name")
    if export_format(request):
        return export_response(request, *exports.areas(areas), _("营销现场区域"))
    return render(
        request, "salesite/ops/area_list.html", {"filter": f, "page": paginate(request, areas)}
    )


@staff_view()
def area_detail(request, pk):
    area = get_record(request, SiteArea.objects.select_related("project"), pk=pk)
    posts = area.posts.prefetch_related("shifts").order_by("order", "name")
    return render(
        request,
        "salesite/ops/area_detail.html",
        {"area": area, "posts": posts, **record_context(request, area)},
    )


@staff_view("operations.add_sitearea")
def area_create(request):
    return _area_form(request, projects=projects_with_perm(request.user, request.staff_permission))


@staff_view("operations.change_sitearea", per_record=True)
def area_edit(request, pk):
    return _area_form(request, area=get_record(request, SiteArea.objects.all(), pk=pk))


def _area_form(request, *, area=None, projects=()):
    form = forms.SiteAreaForm(request.POST or None, instance=area, projects=projects)
    if request.method == "POST" and form.is_valid():
        area = form.save()
        messages.success(request, _("区域“%(name)s”已保存。") % {"name": area.name})
        return redirect(area)
    return _form_page(request, form, _("编辑区域") if area else _("新增区域"), area)


@staff_view()
def post_detail(request, pk):
    post = get_record(request, ServicePost.objects.select_related("area", "project"), pk=pk)
    today = timezone.localdate()
    upcoming = (
        RosterEntry.objects.filter(post=post, date__gte=today)
        .select_related("user", "shift")
        .order_by("date", "shift__start")[:30]
    )
    return render(
        request,
        "salesite/ops/post_detail.html",
        {
            "post": post,
            "shifts": post.shifts.all(),
            "upcoming": upcoming,
            **record_context(request, post),
        },
    )


@staff_view("operations.add_servicepost", per_record=True)
def post_create(request, area_pk):
    area = get_record(request, SiteArea.objects.select_related("project"), pk=area_pk)
    return _post_form(request, area=area)


@staff_view("operations.change_servicepost", per_record=True)
def post_edit(request, pk):
    post = get_record(request, ServicePost.objects.select_related("area__project"), pk=pk)
    return _post_form(request, area=post.area, post=post)


def _post_form(request, *, area, post=None):
    form = forms.ServicePostForm(request.POST or None, instance=post, area=area)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            post = form.save()
        messages.success(request, _("岗位“%(name)s”已保存。") % {"name": post.name})
        return redirect(post)
    return _form_page(request, form, _("编辑岗位") if post else _("新增岗位"), area)


# --- shifts ----------------------------------------------------------------------------


@staff_view()
def shift_list(request):
    shifts = permitted_rows(request, Shift.objects.all()).select_related("project")
    project_id = query_pk(request.GET.get("project"))
    if project_id:
        shifts = shifts.filter(Q(project__isnull=True) | Q(project_id=project_id))
    shifts = shifts.order_by("project__name", "order", "start")
    if export_format(request):
        return export_response(request, *exports.shifts(shifts), _("班次"))
    return render(
        request,
        "salesite/ops/shift_list.html",
        {
            "page": paginate(request, shifts),
            "can_add": bool(projects_with_perm(request.user, "operations.add_shift")),
        },
    )


@staff_view("operations.add_shift")  # a superuser may also add a shift of every project
def shift_create(request):
    return _shift_form(request, projects=projects_with_perm(request.user, request.staff_permission))


@staff_view("operations.change_shift", per_record=True)  # a shift of every project: superuser
def shift_edit(request, pk):
    return _shift_form(request, shift=get_record(request, Shift.objects.all(), pk=pk))


def _shift_form(request, *, shift=None, projects=()):
    form = forms.ShiftForm(
        request.POST or None,
        instance=shift,
        projects=projects,
        allow_global=request.user.is_superuser,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("班次已保存。"))
        return redirect("ops:shift_list")
    return _form_page(request, form, _("编辑班次") if shift else _("新增班次"))


# --- roster (R-CORE-5) -----------------------------------------------------------------


@staff_view()
def roster_day(request):
    projects = list(Project.objects.visible_to(request.user).order_by("name"))
    if not projects:
        raise PermissionDenied
    chosen = request.GET.get("project")
    project = next((p for p in projects if str(p.pk) == chosen), projects[0])
    day = _parse_day(request.GET.get("date"))
    can_add = request.user.has_perm("operations.add_rosterentry", project)
    context = {
        "projects": projects,
        "project": project,
        "day": day,
        "prev_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
        "grid": selectors.roster_grid(project, day),
        "can_add": can_add,
        "can_delete": request.user.has_perm("operations.delete_rosterentry", project),
        "site_open": project.marketing_phase in ("displaying", "opened", "sold_out"),
    }
    if can_add:
        context["add_form"] = forms.RosterAddForm(project=project, date=day)
        context["copy_form"] = forms.RosterCopyForm(
            initial={"from_date": day - datetime.timedelta(days=1)}
        )
    return render(request, "salesite/ops/roster_day.html", context)


def _roster_url(project, day):
    return f"{reverse('ops:roster_day')}?project={project.pk}&date={day:%Y-%m-%d}"


@login_required
@require_POST
@staff_view("operations.add_rosterentry")
def roster_add(request, project_pk, date):
    project = get_record(request, Project.objects.all(), pk=project_pk)
    day = _parse_day(date)
    form = forms.RosterAddForm(request.POST, project=project, date=day)
    if form.is_valid():
        _run(
            request,
            lambda: services.roster_add(
                post=form.cleaned_data["post"],
                shift=form.cleaned_data["shift"],
                user=form.cleaned_data["user"],
                date=day,
                note=form.cleaned_data["note"],
                by=request.user,
            ),
            _("已排班：%(user)s。") % {"user": form.cleaned_data["user"]},
        )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(_roster_url(project, day))


@login_required
@require_POST
@staff_view("operations.delete_rosterentry")
def roster_delete(request, pk):
    entry = get_record(request, RosterEntry.objects.select_related("project"), pk=pk)
    project, day = entry.project, entry.date
    entry.delete()
    messages.success(request, _("已取消该排班。"))
    return redirect(_roster_url(project, day))


@login_required
@require_POST
@staff_view("operations.add_rosterentry")
def roster_copy(request, project_pk, date):
    project = get_record(request, Project.objects.all(), pk=project_pk)
    day = _parse_day(date)
    form = forms.RosterCopyForm(request.POST)
    if form.is_valid():
        n = services.roster_copy_day(
            project=project, from_date=form.cleaned_data["from_date"], to_date=day, by=request.user
        )
        messages.success(request, _("已复制 %(n)s 条排班。") % {"n": n})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(_roster_url(project, day))


@staff_view()
def roster_list(request):
    base = permitted_rows(request, RosterEntry.objects.all()).select_related(
        "project", "post__area", "shift", "user"
    )
    f = RosterFilter(request.GET, queryset=base, request=request)
    rows = f.qs.order_by("-date", "project__name", "post__area__order", "post__order", "pk")
    if export_format(request):
        return export_response(request, *exports.roster(rows), _("排班明细"))
    return render(
        request, "salesite/ops/roster_list.html", {"filter": f, "page": paginate(request, rows)}
    )
