"""Views of the repair supervisors (资质等级评定, 月度培训考试), their monthly case compliance
and the two case libraries (issue #16 item 7).

Who reads what: the repair library (维修组案例库) is the property side's (``view_repaircaseentry``);
the design library (客户设计类意见或投诉案例库) is read by the property side and by the
developer-side roles (``view_designcaseentry``), who are refused the repair library and the
supervisor pages (403)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesite.access import permitted_project_ids
from salesite.exceptions import DomainError
from salesite.views import paginate, projects_with_perm, record_context, service_form_page
from salesite.views_access import get_record, permitted_rows, staff_view

from ..forms_repair_quality import (
    AssessForm,
    LibraryEntryForm,
    MonthForm,
    SupervisorForm,
    TrainingForm,
)
from ..models import DesignCaseEntry, MonthlyTraining, RepairCaseEntry, SupervisorProfile
from ..selectors import repair_quality as rq
from ..services import repair_quality as services

LIBRARIES = {"repair": RepairCaseEntry, "design": DesignCaseEntry}
LIBRARY_TITLES = {
    "repair": gettext_lazy("维修组案例库"),
    "design": gettext_lazy("客户设计类意见或投诉案例库"),
}


def _perm(action: str, library: str) -> str:
    return f"feedback.{action}_{LIBRARIES[library]._meta.model_name}"


def _title(library: str) -> str:
    return str(LIBRARY_TITLES[library])


# --- supervisors --------------------------------------------------------------------------------


@staff_view("feedback.view_supervisorprofile")
def supervisor_list(request):
    qs = permitted_rows(
        request, SupervisorProfile.objects.select_related("project", "user")
    ).order_by("project__name", "-is_active", "user__username")
    return render(
        request,
        "feedback/repair_quality/supervisor_list.html",
        {
            "page": paginate(request, qs),
            "can_add": bool(projects_with_perm(request.user, "feedback.add_supervisorprofile")),
            "can_train": bool(projects_with_perm(request.user, "feedback.add_monthlytraining")),
        },
    )


@staff_view("feedback.add_supervisorprofile")
def supervisor_create(request):
    projects = projects_with_perm(request.user, "feedback.add_supervisorprofile")
    return service_form_page(
        request,
        form=SupervisorForm(request.POST or None, projects=projects),
        call=lambda d: services.supervisor_create(
            project=d["project"],
            user=d["user"],
            grade=d["grade"],
            assessed_on=d["assessed_on"],
            by=request.user,
        ),
        success=_("维修监理已登记。"),
        title=_("登记维修监理"),
        back=lambda profile: profile,
    )


@staff_view(
    "feedback.view_supervisorprofile", post="feedback.change_supervisorprofile", per_record=True
)
def supervisor_detail(request, pk):
    """A supervisor's grade history and training; a POST records an assessment."""
    profile = get_record(
        request, SupervisorProfile.objects.select_related("project", "user"), pk=pk
    )
    form = AssessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.supervisor_assess(supervisor=profile, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("资质等级评定已记录。"))
            return redirect(profile)
    return render(
        request,
        "feedback/repair_quality/supervisor_detail.html",
        {
            "profile": profile,
            "assessments": profile.assessments.select_related("assessed_by")[:50],
            "trainings": profile.trainings.all()[:24],
            "entries": RepairCaseEntry.objects.filter(
                author=profile.user, project=profile.project
            ).order_by("-submitted_at")[:12],
            "form": form,
            "can_assess": request.user.has_perm("feedback.change_supervisorprofile", profile),
            **record_context(request, profile),
        },
    )


@staff_view("feedback.add_monthlytraining")
def training_create(request):
    projects = projects_with_perm(request.user, "feedback.add_monthlytraining")
    today = timezone.localdate()
    return service_form_page(
        request,
        form=TrainingForm(
            request.POST or None, projects=projects, initial={"month": today.replace(day=1)}
        ),
        call=lambda d: services.training_record(by=request.user, **d),
        success=_("培训考试已登记。"),
        title=_("登记月度培训考试"),
        back="feedback:rq_compliance",
    )


@staff_view("feedback.view_supervisorprofile")
def compliance(request):
    """The month's supervisors: grade, training and exam, and who has submitted no case."""
    form = MonthForm(request.GET or None)
    month = timezone.localdate().replace(day=1)
    if form.is_valid() and form.cleaned_data.get("month"):
        month = form.cleaned_data["month"].replace(day=1)
    ids = permitted_project_ids(request.user, "feedback.view_supervisorprofile")
    missing = list(rq.supervisors_without_entry(ids, month)[:200])
    trainings = MonthlyTraining.objects.filter(month=month).select_related(
        "supervisor__project", "supervisor__user"
    )
    if ids is not None:
        trainings = trainings.filter(supervisor__project_id__in=ids)
    return render(
        request,
        "feedback/repair_quality/compliance.html",
        {
            "form": form,
            "month": month,
            "missing": missing,
            "trainings": trainings.order_by(
                "supervisor__project__name", "supervisor__user__username"
            )[:500],
            "can_train": bool(projects_with_perm(request.user, "feedback.add_monthlytraining")),
        },
    )


# --- the case libraries -----------------------------------------------------------------------


def _library_list(request, library):
    model = LIBRARIES[library]
    qs = permitted_rows(request, model.objects.select_related("project", "author"))
    query = request.GET.get("q", "").strip()[:100]
    if query:
        qs = rq.library_search(qs, query)
    tag = request.GET.get("tag", "").strip()[:30]
    if tag:
        qs = qs.filter(tags__icontains=tag)
    return render(
        request,
        "feedback/repair_quality/library_list.html",
        {
            "library": library,
            "title": _title(library),
            "page": paginate(request, qs.order_by("-submitted_at", "-pk")),
            "q": query,
            "tag": tag,
            "can_add": bool(
                projects_with_perm(request.user, f"feedback.add_{model._meta.model_name}")
            ),
            "other": "design" if library == "repair" else "repair",
        },
    )


def _library_create(request, library):
    model = LIBRARIES[library]
    projects = projects_with_perm(request.user, f"feedback.add_{model._meta.model_name}")
    return service_form_page(
        request,
        form=LibraryEntryForm(request.POST or None, projects=projects),
        call=lambda d: services.library_entry_create(model=model, author=request.user, **d),
        success=_("案例已提交，可在案例页上传照片。"),
        title=_("提交案例：%(t)s") % {"t": _title(library)},
        back=lambda entry: entry,
    )


def _library_detail(request, library, pk):
    model = LIBRARIES[library]
    entry = get_record(
        request, model.objects.select_related("project", "author", "source_case"), pk=pk
    )
    return render(
        request,
        "feedback/repair_quality/library_detail.html",
        {
            "entry": entry,
            "library": library,
            "title": _title(library),
            "list_url": reverse(f"feedback:rq_{library}_library"),
            "can_edit": request.user.has_perm(f"feedback.change_{model._meta.model_name}", entry),
            **record_context(request, entry),
        },
    )


def _library_edit(request, library, pk):
    model = LIBRARIES[library]
    entry = get_record(request, model.objects.select_related("project"), pk=pk)
    initial = {k: getattr(entry, k) for k in services.ENTRY_FIELDS}
    return service_form_page(
        request,
        form=LibraryEntryForm(
            request.POST or None, projects=[entry.project], edit=True, initial=initial
        ),
        call=lambda d: services.library_entry_update(entry=entry, **d),
        success=_("案例已保存。"),
        title=_("修改案例：%(t)s") % {"t": entry.title},
        back=entry,
    )


def _library_views(library: str) -> dict:
    """The four pages of one library, each declaring its own permission (the object pages
    per record: another project's entry is a 404 before the 403)."""

    @staff_view(_perm("view", library))
    def library_list(request):
        return _library_list(request, library)

    @staff_view(_perm("add", library))
    def library_create(request):
        return _library_create(request, library)

    @staff_view(_perm("view", library), per_record=True)
    def library_detail(request, pk):
        return _library_detail(request, library, pk)

    @staff_view(_perm("change", library), per_record=True)
    def library_edit(request, pk):
        return _library_edit(request, library, pk)

    views = {
        "list": library_list,
        "create": library_create,
        "detail": library_detail,
        "edit": library_edit,
    }
    for kind, view in views.items():
        view.__name__ = view.__qualname__ = f"{library}_library_{kind}"
    return views


LIBRARY_VIEWS = {library: _library_views(library) for library in LIBRARIES}
