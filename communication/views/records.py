"""Communication records (R-COM-2, R-COM-4, R-COM-5): lists, the record form with its
problems and agenda, the record's page, print and the minutes' receipt."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communication import exports, selectors, services
from communication.exceptions import DomainError
from communication.filters import RecordFilter
from communication.forms import (
    ProblemFormSet,
    RecordForm,
    problems_from_formset,
)
from communication.models import CommunicationLevel, CommunicationRecord
from communication.selectors import ADD_RECORD, CHANGE_RECORD
from salesite.exports import export_format, export_response
from salesite.models import Project
from salesite.views import paginate, projects_with_perm, record_context
from salesite.views_access import get_record, permitted_rows, staff_view

VIEW_RECORD = "communication.view_communicationrecord"


def _permitted_records(request):
    """The records of the projects where the user's roles grant the view permission that the
    record's own page requires (the list's declared one): a list (and its export) shows no
    record the page would refuse. The other projects' rows are left out, as the customer list
    does, rather than a 403."""
    return permitted_rows(request, selectors.records_for(request.user))


# --- records ------------------------------------------------------------------------------


@staff_view(VIEW_RECORD, per_record=True)
def record_list(request):
    f = RecordFilter(request.GET, queryset=_permitted_records(request), request=request)
    if export_format(request):
        return export_response(request, *exports.records(f.qs), _("沟通记录"))
    return render(
        request,
        "communication/record_list.html",
        {"filter": f, "page": paginate(request, f.qs), "title": _("沟通记录")},
    )


@staff_view(VIEW_RECORD, per_record=True)
def report_list(request):
    """Weekly and monthly service reports (周志/月志, R-COM-5), shown in full."""
    base = _permitted_records(request).filter(level__kind=CommunicationLevel.Kind.REPORT)
    f = RecordFilter(request.GET, queryset=base, request=request)
    f.form.fields["level"].queryset = CommunicationLevel.objects.filter(
        kind=CommunicationLevel.Kind.REPORT
    )
    if export_format(request):
        return export_response(request, *exports.reports(f.qs), _("服务周志月志"))
    return render(
        request, "communication/report_list.html", {"filter": f, "page": paginate(request, f.qs)}
    )


@staff_view(ADD_RECORD)
def record_create(request):
    """Pick the project first (participants and agenda depend on it)."""
    projects = projects_with_perm(request.user, request.staff_permission)
    if not projects:
        raise PermissionDenied
    if len(projects) == 1:
        return redirect("communication:record_create_for", project_pk=projects[0].pk)
    return render(request, "communication/project_pick.html", {"projects": projects})


def _level_from_request(request, levels):
    code = request.GET.get("level") or request.POST.get("level")
    for lv in levels:
        if lv.code == code:
            return lv
    return None


@staff_view(ADD_RECORD, per_record=True)  # then the levels the user's roles may record
def record_create_for(request, project_pk):
    project = get_record(request, Project.objects.select_related("service_centre"), pk=project_pk)
    levels = selectors.recordable_levels(request.user, project)
    if not levels:
        raise PermissionDenied
    level = _level_from_request(request, levels)
    if level is None and request.GET.get("level"):
        raise PermissionDenied  # a level the user may not record
    if level is None:
        if len(levels) > 1:
            return render(
                request,
                "communication/level_pick.html",
                {"project": project, "levels": levels},
            )
        level = levels[0]
    return _record_form(request, project=project, level=level)


@staff_view(CHANGE_RECORD, per_record=True)  # and the right to record its level (can_edit_record)
def record_edit(request, pk):
    record = get_record(
        request, CommunicationRecord.objects.select_related("project", "level"), pk=pk
    )
    if not selectors.can_edit_record(request.user, record):
        raise PermissionDenied
    return _record_form(request, project=record.project, level=record.level, record=record)


def _record_form(request, *, project, level, record=None):
    user = request.user
    initial = {} if record else {"held_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = RecordForm(
        request.POST or None, instance=record, initial=initial, project=project, level=level
    )
    formset = None
    if level.takes_problems:
        formset = ProblemFormSet(
            request.POST or None,
            prefix="problems",
            form_kwargs={"project": project, "level": level},
        )
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        data = form.cleaned_data
        kwargs = {
            "user": user,
            "held_at": data["held_at"],
            "participants": data.get("participants") or [],
            "recipients": data.get("recipients") or [],
            "problems": problems_from_formset(formset, user) if formset else [],
            **form.record_fields(),
        }
        try:
            if record is None:
                record = services.record_create(project=project, level=level, **kwargs)
            else:
                record = services.record_update(
                    record=record, version=data.get("version") or record.version, **kwargs
                )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(level)s记录已保存。") % {"level": level},
            )
            return redirect(record)
    agenda = selectors.agenda_for(project, level, exclude_record=record) if not record else []
    return render(
        request,
        "communication/record_form.html",
        {
            "form": form,
            "formset": formset,
            "project": project,
            "level": level,
            "record": record,
            "agenda": agenda,
            "levels": [] if record else selectors.recordable_levels(user, project),
        },
    )


@staff_view()
def record_detail(request, pk):
    record = get_record(
        request,
        CommunicationRecord.objects.select_related("project", "level", "created_by", "department"),
        pk=pk,
    )
    problems = record.problems_raised.select_related(
        "owner", "level", "developer_owner__contact", "developer_owner__user"
    )
    agenda = record.agenda.select_related("owner", "level")
    recipients = record.recipients.select_related("user")
    my_receipt = next((r for r in recipients if r.user_id == request.user.pk), None)
    participants = record.participants.select_related("role", "user", "contact")
    can_edit = selectors.can_edit_record(request.user, record)
    return render(
        request,
        "communication/record_detail.html",
        {
            "record": record,
            "problems": problems,
            "agenda": agenda,
            "recipients": recipients,
            "my_receipt": my_receipt,
            "participants": participants,
            "can_edit": can_edit,
            "can_escalate": request.user.has_perm("communication.escalate_problem", record),
            **record_context(request, record),
        },
    )


@staff_view()
def record_print(request, pk):
    """The record on paper (日志/会议纪要/周志月志): participants sign, recipients sign for
    receipt. Same access as the record's page."""
    record = get_record(
        request,
        CommunicationRecord.objects.select_related("project", "level", "created_by", "department"),
        pk=pk,
    )
    return render(
        request,
        "communication/print_record.html",
        {
            "record": record,
            "participants": record.participants.select_related("role", "user", "contact"),
            "agenda": record.agenda.select_related("owner", "level"),
            "problems": record.problems_raised.select_related(
                "owner", "developer_owner__user", "developer_owner__contact"
            ),
            "recipients": record.recipients.select_related("user"),
        },
    )


@staff_view()
@require_POST
def record_acknowledge(request, pk):
    record = get_record(request, CommunicationRecord.objects.all(), pk=pk)
    try:
        services.minutes_acknowledge(record=record, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已确认收到纪要。"))
    return redirect(record)
