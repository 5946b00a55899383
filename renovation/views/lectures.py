"""Renovation lecture pages (R-REN-9)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.views import paginate, projects_with_perm, record_context, service_form_page
from salesite.views_access import get_record, staff_view

from .. import exports, selectors, services
from ..forms import AttendeeForm, LectureForm
from ..models import LectureAttendee
from .common import _pick_project, _visible_projects, lecture_qs


@staff_view()
def lecture_list(request):
    projects = _visible_projects(request.user)
    qs = selectors.lectures_for(request.user)
    project = None
    if request.GET.get("project"):
        project = _pick_project(request, projects)
        qs = qs.filter(project=project)
    if export_format(request):
        return export_response(request, *exports.lectures(qs), _("装修讲座"))
    can_add = bool(projects_with_perm(request.user, "renovation.add_renovationlecture"))
    return render(
        request,
        "renovation/lecture_list.html",
        {
            "page": paginate(request, qs),
            "projects": projects,
            "project": project,
            "can_add": can_add,
        },
    )


@staff_view("renovation.add_renovationlecture")
def lecture_create(request):
    allowed = projects_with_perm(request.user, "renovation.add_renovationlecture")
    form = LectureForm(
        request.POST or None, projects=allowed, initial={"held_on": timezone.localdate()}
    )
    return service_form_page(
        request,
        form=form,
        call=lambda d: services.lecture_save(lecture=form.save(commit=False), user=request.user),
        success=_("装修讲座已登记，请登记参加业主。"),
        title=_("登记装修讲座"),
        redirect_to=lambda lecture: lecture,
    )


@staff_view(post="renovation.change_renovationlecture", per_record=True)
def lecture_detail(request, pk):
    lecture = get_record(request, lecture_qs(), pk=pk)
    form = AttendeeForm(request.POST or None, project=lecture.project)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.lecture_attendees_add(
                lecture=lecture,
                unit=form.cleaned_data["unit"],
                name=form.cleaned_data["name"],
                user=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记 %(n)s 位参加业主。") % {"n": n})
            return redirect(lecture)
    attendees = lecture.attendees.select_related("unit__building", "customer")
    return render(
        request,
        "renovation/lecture_detail.html",
        {
            "lecture": lecture,
            "attendees": attendees,
            "form": form,
            "can_edit": request.user.has_perm("renovation.change_renovationlecture", lecture),
            **record_context(request, lecture),
        },
    )


@staff_view(post="renovation.change_renovationlecture", per_record=True)
@require_POST
def lecture_attendee_remove(request, pk, attendee_pk):
    lecture = get_record(request, lecture_qs(), pk=pk)
    attendee = get_object_or_404(LectureAttendee, pk=attendee_pk, lecture=lecture)
    services.lecture_attendee_remove(attendee=attendee, user=request.user)
    messages.success(request, _("已移除：%(n)s") % {"n": attendee.name})
    return redirect(lecture)
