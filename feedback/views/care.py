"""Views of the warranty ledger (R-FB-7) and club events (R-FB-8)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.querystring import query_pk
from salesite.views import paginate, projects_with_perm, record_context, service_form_page
from salesite.views_access import get_record, staff_view

from .. import exports, selectors, services
from ..forms import (
    AttendeeForm,
    ClubEventForm,
    WarrantyChannelForm,
    WarrantyItemForm,
    WarrantyReportForm,
)
from ..models import (
    ClubEvent,
    WarrantyItem,
)

# --- warranty ledger (R-FB-7) ---------------------------------------------------------------


@staff_view()
def warranty_list(request):
    qs = selectors.warranty_items_visible(request.user)
    project = query_pk(request.GET.get("project"))
    if project:
        qs = qs.filter(project_id=project)
    if request.GET.get("unnotified") == "true":
        qs = selectors.warranty_items_unnotified(qs)
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


@staff_view("feedback.add_warrantyitem")
def warranty_create(request):
    projects = projects_with_perm(request.user, "feedback.add_warrantyitem")
    return service_form_page(
        request,
        form=WarrantyItemForm(request.POST or None, projects=projects),
        call=lambda d: services.warranty_item_create(**d),
        success=_("保修台帐已添加。"),
        title=_("新增保修台帐"),
        redirect_to=lambda item: item,
    )


# Sending the collected problems to the contractor also edits the ledger line.
@staff_view(post="feedback.add_warrantyreport", actions={"send": "feedback.change_warrantyitem"})
def warranty_detail(request, pk):
    item = get_record(
        request,
        WarrantyItem.objects.select_related("project", "building").annotate(
            **selectors.warranty_channel_flags()
        ),
        pk=pk,
    )
    reports = item.reports.select_related("customer", "unit__building")
    if export_format(request):
        return export_response(
            request, *exports.warranty_reports(item, reports), f"warranty-{item.pk}"
        )
    form = WarrantyReportForm(request.POST or None, project=item.project)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "send":
                n = services.warranty_reports_send(item=item, user=request.user)
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
            "channels": item.notice_channels.select_related("done_by"),
            "today": timezone.localdate(),
            **record_context(request, item),
        },
    )


# per_record: another project's item is a 404 for everyone, before the permission's 403.
@staff_view("feedback.add_warrantynoticechannel", per_record=True)
def warranty_channel_create(request, pk):
    """Record the notice-board posting or the phone calls of an item's expiry notice."""
    item = get_record(request, WarrantyItem.objects.select_related("project"), pk=pk)
    return service_form_page(
        request,
        form=WarrantyChannelForm(request.POST or None, item=item, user=request.user),
        call=lambda d: services.warranty_channel_record(item=item, user=request.user, **d),
        success=_("通知记录已保存。"),
        title=_("记录保修到期通知：%(name)s") % {"name": item.name},
        back=item,
    )


# --- club events (R-FB-8) -------------------------------------------------------------------


@staff_view()
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


@staff_view("feedback.add_clubevent")
def club_event_create(request):
    projects = projects_with_perm(request.user, "feedback.add_clubevent")
    return service_form_page(
        request,
        form=ClubEventForm(request.POST or None, projects=projects),
        call=lambda d: services.club_event_create(**d),
        success=_("活动已创建。"),
        title=_("新建俱乐部活动"),
        redirect_to=lambda event: event,
    )


@staff_view(post="feedback.add_clubeventattendee")
def club_event_detail(request, pk):
    event = get_record(request, ClubEvent.objects.select_related("project"), pk=pk)
    form = AttendeeForm(request.POST or None, project=event.project)
    if request.method == "POST":
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
