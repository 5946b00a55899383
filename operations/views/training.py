"""Views of training sessions and attendance (R-CORE-8)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from operations.models import (
    TrainingAttendance,
    TrainingSession,
)
from salesite import access
from salesite.exports import export_format, export_response
from salesite.models import ProjectMembership, User
from salesite.views import paginate, projects_with_perm, record_context
from salesite.views_access import get_record, permitted_rows, staff_view

from .. import exports, forms, services
from ..filters import (
    TrainingFilter,
)
from .common import PRINT_BLANK_ROWS, _form_page, _run

# --- training (R-CORE-8) ---------------------------------------------------------------


@staff_view()
def training_list(request):
    base = (
        permitted_rows(request, TrainingSession.objects.all())
        .select_related("project", "trainer")
        .annotate(
            attendee_count=Count("attendance", distinct=True),
            passed_count=Count("attendance", filter=Q(attendance__passed=True), distinct=True),
        )
    )
    f = TrainingFilter(request.GET, queryset=base, request=request)
    sessions = f.qs.order_by("-date", "pk")
    if export_format(request):
        return export_response(request, *exports.trainings(sessions), _("培训"))
    return render(
        request,
        "salesite/ops/training_list.html",
        {
            "filter": f,
            "page": paginate(request, sessions),
            "can_add": bool(projects_with_perm(request.user, "operations.add_trainingsession")),
        },
    )


@staff_view("operations.add_trainingsession")
def training_create(request):
    projects = projects_with_perm(request.user, request.staff_permission)
    return _training_form(request, projects=projects)


@staff_view("operations.change_trainingsession", per_record=True)
def training_edit(request, pk):
    return _training_form(
        request, session=get_record(request, TrainingSession.objects.all(), pk=pk)
    )


def _training_form(request, *, session=None, projects=()):
    form = forms.TrainingForm(request.POST or None, instance=session, projects=projects)
    if request.method == "POST" and form.is_valid():
        session = form.save()
        messages.success(request, _("培训已保存。"))
        return redirect(session)
    return _form_page(request, form, _("编辑培训") if session else _("新增培训"), session)


@staff_view()
def training_detail(request, pk):
    session = get_record(
        request, TrainingSession.objects.select_related("project", "trainer"), pk=pk
    )
    can_edit = request.user.has_perm("operations.change_trainingattendance", session)
    context = {
        "session": session,
        "attendance": session.attendance.select_related("user").order_by("user__name"),
        "can_edit_attendance": can_edit,
        **record_context(request, session),
    }
    if can_edit:
        context["attendance_form"] = forms.AttendanceForm(session=session)
    return render(request, "salesite/ops/training_detail.html", context)


@staff_view()
def training_print(request, pk):
    """The sign-in sheet (培训签到表): the registered attendees and blank lines for walk-ins.
    Same access as the session's page."""
    session = get_record(
        request, TrainingSession.objects.select_related("project", "trainer"), pk=pk
    )
    attendance = session.attendance.select_related("user__department").order_by(
        "user__name", "user__username"
    )
    return render(
        request,
        "salesite/ops/print_training.html",
        {"session": session, "attendance": attendance, "blank_rows": range(PRINT_BLANK_ROWS)},
    )


@login_required
@require_POST
@staff_view("operations.change_trainingattendance")
def attendance_save(request, pk):
    session = get_record(request, TrainingSession.objects.select_related("project"), pk=pk)
    form = forms.AttendanceForm(request.POST, session=session)
    if form.is_valid():
        data = form.cleaned_data
        _run(
            request,
            lambda: services.training_attendance_set(session=session, **data),
            _("参训记录已保存：%(user)s。") % {"user": data["user"]},
        )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(session)


@login_required
@require_POST
@staff_view("operations.delete_trainingattendance")
def attendance_remove(request, pk, item_pk):
    session = get_record(request, TrainingSession.objects.all(), pk=pk)
    get_object_or_404(TrainingAttendance, pk=item_pk, session=session).delete()
    messages.success(request, _("已从参训名单移除。"))
    return redirect(session)


@staff_view()
def staff_training(request, user_pk):
    """A staff member's training history, on the projects the viewer sees."""
    staff = get_object_or_404(User, pk=user_pk)
    visible = access.visible_project_ids(request.user)
    memberships = ProjectMembership.objects.filter(user=staff)
    if visible is not None:
        memberships = memberships.filter(project_id__in=visible)
    if not memberships.exists() and staff != request.user:
        raise Http404
    rows = (
        TrainingAttendance.objects.visible_to(request.user)
        .filter(user=staff)
        .select_related("session__project", "session__trainer")
        .order_by("-session__date", "pk")
    )
    if export_format(request):
        name = _("培训记录-%(id)s") % {"id": staff.pk}
        return export_response(request, *exports.staff_training(rows), name)
    page = paginate(request, rows)
    return render(request, "salesite/ops/staff_training.html", {"staff": staff, "page": page})
