"""Views of progress notices and site open days (R-HO-3)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.models import Project
from salesite.views import paginate, record_context, service_form_page
from salesite.views_access import get_record, permitted_rows, staff_view

from .. import exports, forms, selectors
from ..filters import NoticeFilter
from ..models import (
    OpenDayInvitation,
    ProgressMilestoneOption,
    ProgressNotice,
    SiteOpenDay,
)
from ..services import notices
from .common import NOTICE_SEND, projects_for


@staff_view()
def notice_list(request):
    f = NoticeFilter(
        request.GET,
        queryset=permitted_rows(request, ProgressNotice.objects)
        .select_related("project", "sent_by")
        .annotate(milestone_label=ProgressMilestoneOption.label_subquery("milestone"))
        .order_by("-created_at"),
        request=request,
    )
    if export_format(request):
        return export_response(request, *exports.notices(f.qs), _("工程进展通报"))
    projects = list(Project.objects.visible_to(request.user).order_by("name")[:50])
    missing = selectors.missing_mandatory([p.pk for p in projects])
    context = {
        "filter": f,
        "page": paginate(request, f.qs),
        "checklists": [(p, missing[p.pk]) for p in projects],
    }
    return render(request, "handover/notice_list.html", context)


@staff_view("handover.add_progressnotice")
def notice_create(request):
    projects = projects_for(request, "handover.add_progressnotice")
    return service_form_page(
        request,
        form=forms.NoticeForm(request.POST or None, projects=projects),
        call=lambda d: notices.notice_create(user=request.user, **d),
        success=_("通报已保存，请核对后发送。"),
        title=_("新建通报"),
        redirect_to=lambda notice: notice,
    )


@staff_view()
def notice_detail(request, pk):
    notice = get_record(request, ProgressNotice.objects.select_related("project", "sent_by"), pk=pk)
    recipients = notice.recipients.select_related("customer").order_by("pk")
    if export_format(request):
        headers, rows = exports.notice_recipients(notice, recipients, request.user)
        return export_response(request, headers, rows, _("通报接收记录"))
    context = {
        "notice": notice,
        "page": paginate(request, recipients),
        "can_send": request.user.has_perm(NOTICE_SEND, notice),
        **record_context(request, notice),
    }
    return render(request, "handover/notice_detail.html", context)


@staff_view(post=NOTICE_SEND, per_record=True)
@require_POST
def notice_send(request, pk):
    notice = get_record(request, ProgressNotice.objects.all(), pk=pk)
    try:
        count = notices.notice_send(notice=notice, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("通报已发送给 %(n)s 位业主。") % {"n": count})
    return redirect(notice)


@staff_view()
def openday_list(request):
    days = (
        permitted_rows(request, SiteOpenDay.objects)
        .select_related("project")
        .annotate(
            invited=Count("invitations", distinct=True),
            attended=Count("invitations", filter=Q(invitations__attended=True), distinct=True),
        )
        .order_by("-held_on")
    )
    if export_format(request):
        return export_response(request, *exports.opendays(days), _("工地开放日"))
    return render(request, "handover/openday_list.html", {"page": paginate(request, days)})


@staff_view("handover.add_siteopenday")
def openday_create(request):
    projects = projects_for(request, "handover.add_siteopenday")
    form = forms.OpenDayForm(request.POST or None, projects=projects)
    return service_form_page(
        request,
        form=form,
        call=lambda d: form.save(),
        success=_("工地开放日已创建。"),
        title=_("新建工地开放日"),
        redirect_to=lambda day: day,
    )


@staff_view()
def openday_detail(request, pk):
    day = get_record(request, SiteOpenDay.objects.select_related("project"), pk=pk)
    invitations = day.invitations.select_related("customer").order_by("pk")
    if export_format(request):
        headers, rows = exports.invitations(day, invitations, request.user)
        return export_response(request, headers, rows, _("工地开放日邀请"))
    context = {
        "day": day,
        "page": paginate(request, invitations),
        "rsvp": invitations.aggregate(
            replied=Count("pk", filter=~Q(rsvp="")),
            attending=Count("pk", filter=Q(rsvp="yes")),
            people=Coalesce(Sum("rsvp_people"), 0),
        ),
        "can_invite": request.user.has_perm(NOTICE_SEND, day),
        "can_record": request.user.has_perm("handover.change_opendayinvitation", day),
        **record_context(request, day),
    }
    return render(request, "handover/openday_detail.html", context)


@staff_view(post=NOTICE_SEND, per_record=True)
@require_POST
def openday_invite(request, pk):
    day = get_record(request, SiteOpenDay.objects.all(), pk=pk)
    count = notices.openday_invite(open_day=day, user=request.user)
    messages.success(request, _("已邀请 %(n)s 位业主。") % {"n": count})
    return redirect(day)


@staff_view(post="handover.change_opendayinvitation", per_record=True)
@require_POST
def invitation_record(request, pk):
    inv = get_record(request, OpenDayInvitation.objects.all(), pk=pk)
    form = forms.InvitationForm(request.POST)
    if form.is_valid():
        try:
            notices.invitation_record(invitation=inv, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已登记到场与意见。"))
    return redirect(inv)
