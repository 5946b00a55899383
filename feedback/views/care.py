"""Views of the warranty ledger (R-FB-7) and club events (R-FB-8)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite import access
from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.querystring import query_pk
from salesite.views import paginate, projects_with_perm, record_context

from .. import exports, selectors, services
from ..forms import (
    AttendeeForm,
    ClubEventForm,
    WarrantyItemForm,
    WarrantyReportForm,
)
from ..models import (
    ClubEvent,
    WarrantyItem,
)

# --- warranty ledger (R-FB-7) ---------------------------------------------------------------


@login_required
def warranty_list(request):
    qs = selectors.warranty_items_visible(request.user)
    project = query_pk(request.GET.get("project"))
    if project:
        qs = qs.filter(project_id=project)
    if request.GET.get("expiring") == "true":
        today = timezone.localdate()
        qs = qs.filter(ends_on__gte=today, ends_on__lte=today + datetime.timedelta(days=62))
    if export_format(request):
        return export_response(request, *exports.warranty_items(qs), _("工程保修期限台帐"))
    return render(
        request,
        "feedback/warranty_list.html",
        {
            "page": paginate(request, qs),
            "projects": projects_with_perm(request.user, "feedback.view_warrantyitem"),
            "can_add": bool(projects_with_perm(request.user, "feedback.add_warrantyitem")),
            "today": timezone.localdate(),
        },
    )


@login_required
def warranty_create(request):
    projects = projects_with_perm(request.user, "feedback.add_warrantyitem")
    if not projects:
        raise PermissionDenied
    form = WarrantyItemForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.warranty_item_create(**form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("保修台帐已添加。"))
            return redirect(item)
    return render(request, "salesite/form.html", {"form": form, "title": _("新增保修台帐")})


@login_required
def warranty_detail(request, pk):
    item = access.get_visible_or_404(
        WarrantyItem.objects.select_related("project", "building"), request.user, pk=pk
    )
    access.require_view(request.user, item)
    reports = item.reports.select_related("customer", "unit__building")
    if export_format(request):
        return export_response(
            request, *exports.warranty_reports(item, reports), f"warranty-{item.pk}"
        )
    form = WarrantyReportForm(request.POST or None, project=item.project)
    if request.method == "POST":
        access.require_perm(request.user, "feedback.add_warrantyreport", item)
        try:
            if request.POST.get("action") == "send":
                access.require_perm(request.user, "feedback.change_warrantyitem", item)
                n = services.warranty_reports_send(item=item)
                messages.success(request, _("已将 %(n)s 条问题转交责任单位。") % {"n": n})
                return redirect(item)
            if form.is_valid():
                services.warranty_report_add(
                    item=item,
                    description=form.cleaned_data["description"],
                    unit=form.cleaned_data["unit_obj"],
                    customer=form.cleaned_data["customer_obj"],
                    user=request.user,
                )
                messages.success(request, _("问题已记录。"))
                return redirect(item)
        except DomainError as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "feedback/warranty_detail.html",
        {
            "item": item,
            "reports": reports,
            "form": form,
            "notice_count": item.notices.count(),
            "today": timezone.localdate(),
            **record_context(request, item),
        },
    )


# --- club events (R-FB-8) -------------------------------------------------------------------


@login_required
def club_event_list(request):
    events = selectors.club_events_visible(request.user)
    if export_format(request):
        return export_response(request, *exports.club_events(events), _("客户俱乐部活动"))
    return render(
        request,
        "feedback/club_event_list.html",
        {
            "page": paginate(request, events),
            "can_add": bool(projects_with_perm(request.user, "feedback.add_clubevent")),
        },
    )


@login_required
def club_event_create(request):
    projects = projects_with_perm(request.user, "feedback.add_clubevent")
    if not projects:
        raise PermissionDenied
    form = ClubEventForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        event = services.club_event_create(**form.cleaned_data)
        messages.success(request, _("活动已创建。"))
        return redirect(event)
    return render(request, "salesite/form.html", {"form": form, "title": _("新建俱乐部活动")})


@login_required
def club_event_detail(request, pk):
    event = access.get_visible_or_404(
        ClubEvent.objects.select_related("project"), request.user, pk=pk
    )
    access.require_view(request.user, event)
    form = AttendeeForm(request.POST or None, project=event.project)
    if request.method == "POST":
        access.require_perm(request.user, "feedback.add_clubeventattendee", event)
        try:
            attendee_pk = request.POST.get("attended")
            if attendee_pk:
                attendee = get_object_or_404(event.attendees, pk=attendee_pk)
                services.club_event_mark_attended(attendee=attendee)
                messages.success(request, _("已签到。"))
                return redirect(event)
            if form.is_valid():
                services.club_event_register(
                    event=event, customer=form.cleaned_data["customer_obj"]
                )
                messages.success(request, _("报名成功。"))
                return redirect(event)
        except DomainError as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "feedback/club_event_detail.html",
        {
            "event": event,
            "attendees": event.attendees.select_related("customer"),
            "form": form,
            **record_context(request, event),
        },
    )
