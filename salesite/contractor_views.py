"""Staff pages of the contractor register (issue #16 items 1–3): list, register, edit and
status of a contractor; its documents, pre-job trainings and lead evaluations; the skill
competitions with their scores and published notice.

A contractor works on several projects: it is seen through any of them (404 otherwise) and
the page's permission must hold on one of them (403 otherwise); documents, trainings and
evaluations are filed under one project and follow the usual record rules."""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salesite import access
from salesite import contractor_selectors as sel
from salesite import contractor_services as services
from salesite.contractor_forms import (
    CompetitionForm,
    ContractorForm,
    DocumentForm,
    LeadEvaluationForm,
    ScoreForm,
    StatusForm,
    TrainingForm,
)
from salesite.exceptions import DomainError
from salesite.forms import PlausibleInputMixin
from salesite.models import (
    Company,
    Contractor,
    ContractorDocument,
    ContractorStatus,
    ContractorTraining,
    Project,
    SkillCompetition,
)
from salesite.views import paginate, record_context, service_form_page
from salesite.views_access import get_record, staff_view
from salesite.workflow import allowed_next


class ContractorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("名称/负责人"))
    status = django_filters.ChoiceFilter(
        choices=ContractorStatus.choices, label=gettext_lazy("状态")
    )

    def get_form_class(self):
        form_class = super().get_form_class()
        return type(form_class.__name__, (PlausibleInputMixin, form_class), {})

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(tech_lead_name__icontains=value))


def _contractor(request, pk) -> Contractor:
    """The contractor of the URL: 404 unless seen through one of its projects, 403 unless the
    view's permission holds on one of them."""
    try:
        contractor = (
            Contractor.objects.visible_to(request.user).select_related("company").get(pk=pk)
        )
    except Contractor.DoesNotExist as exc:
        raise Http404 from exc
    if not sel.contractor_allowed(request.user, request.staff_permission, contractor):
        raise PermissionDenied
    return contractor


def _projects(request, perm, contractor=None):
    """The projects on which the user holds ``perm`` (of the contractor, when given)."""
    ids = access.permitted_project_ids(request.user, perm)
    qs = Project.objects.all() if ids is None else Project.objects.filter(pk__in=ids)
    if contractor is not None:
        qs = qs.filter(pk__in=contractor.projects.values("pk"))
    return qs.order_by("name")


# --- contractors -----------------------------------------------------------------------------


@staff_view("salesite.view_contractor")
def contractor_list(request):
    f = ContractorFilter(request.GET, queryset=sel.contractors_list(request.user))
    return render(
        request,
        "salesite/contractors/contractor_list.html",
        {
            "filter": f,
            "page": paginate(request, f.qs),
            "can_add": bool(sel.companies_for_new_contractor(request.user)),
        },
    )


@staff_view("salesite.add_contractor")
def contractor_create(request):
    companies = sel.companies_for_new_contractor(request.user)
    projects = _projects(request, request.staff_permission)
    form = ContractorForm(request.POST or None, companies=companies, projects=projects)
    return service_form_page(
        request,
        form=form,
        call=lambda d: services.contractor_create(
            user=request.user,
            **{k: v for k, v in d.items() if k != "projects"},
            projects=list(d["projects"]),
        ),
        success=_("维修单位已登记（考察期）。"),
        title=_("登记维修单位"),
        redirect_to=lambda c: c,
    )


@staff_view("salesite.view_contractor", per_record=True)
def contractor_detail(request, pk):
    contractor = _contractor(request, pk)
    year = timezone.localdate().year
    scores = sel.contractor_year_scores(contractor.company, year).get(contractor.pk)
    user = request.user
    return render(
        request,
        "salesite/contractors/contractor_detail.html",
        {
            "contractor": contractor,
            "projects": contractor.projects.order_by("name"),
            "documents": contractor.documents.visible_to(user).select_related("project"),
            "trainings": contractor.trainings.visible_to(user).select_related("project"),
            "evaluations": contractor.lead_evaluations.visible_to(user).select_related(
                "project", "evaluated_by"
            ),
            "competition_scores": contractor.competition_scores.select_related("competition"),
            "history": contractor.status_changes.select_related("by"),
            "year": year,
            "year_scores": scores,
            "has_training": sel.contractor_has_training(contractor),
            "status_form": StatusForm(allowed=allowed_next(contractor)),
            "can_change": sel.contractor_allowed(user, "salesite.change_contractor", contractor),
            "today": timezone.localdate(),
        },
    )


@staff_view("salesite.change_contractor", per_record=True)
def contractor_edit(request, pk):
    contractor = _contractor(request, pk)
    projects = Project.objects.filter(
        Q(pk__in=_projects(request, request.staff_permission).values("pk"))
        | Q(pk__in=contractor.projects.values("pk")),
        property_company=contractor.company,
    ).order_by("name")
    form = ContractorForm(
        request.POST or None,
        instance=contractor,
        projects=projects,
        initial={"projects": list(contractor.projects.all())},
    )
    return service_form_page(
        request,
        form=form,
        call=lambda d: services.contractor_update(
            contractor=contractor,
            user=request.user,
            **{k: v for k, v in d.items() if k != "projects"},
            projects=list(d["projects"]),
        ),
        success=_("维修单位资料已保存。"),
        title=_("编辑维修单位"),
        back=contractor,
    )


@staff_view(post="salesite.change_contractor")
@require_POST
def contractor_status(request, pk):
    contractor = _contractor(request, pk)
    form = StatusForm(request.POST, allowed=allowed_next(contractor))
    if not form.is_valid():
        messages.error(request, _("请选择新状态。"))
        return redirect(contractor)
    try:
        services.contractor_set_status(
            contractor=contractor,
            to=form.cleaned_data["to"],
            user=request.user,
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("维修单位状态已变更。"))
    return redirect(contractor)


# --- documents, trainings, evaluations ---------------------------------------------------------


def _child_form_page(request, pk, form_class, call, success, title):
    contractor = _contractor(request, pk)
    projects = _projects(request, request.staff_permission, contractor)
    form = form_class(request.POST or None, projects=projects)
    return service_form_page(
        request,
        form=form,
        call=lambda d: call(contractor, d),
        success=success,
        title=title,
        back=contractor,
        redirect_to=lambda row: row if hasattr(row, "get_absolute_url") else contractor,
    )


@staff_view("salesite.add_contractordocument", per_record=True)
def document_create(request, pk):
    return _child_form_page(
        request,
        pk,
        DocumentForm,
        lambda c, d: services.document_save(contractor=c, **d),
        _("证照已登记，请在证照页上传扫描件。"),
        _("登记证照"),
    )


@staff_view("salesite.view_contractordocument", per_record=True)
def document_detail(request, pk):
    document = get_record(
        request, ContractorDocument.objects.select_related("contractor", "project"), pk=pk
    )
    return render(
        request,
        "salesite/contractors/record.html",
        {
            "record": document,
            "contractor": document.contractor,
            "title": _("证照"),
            "rows": [
                (_("证照类型"), document.get_kind_display()),
                (_("名称"), document.title),
                (_("证号"), document.number),
                (_("有效期至"), document.valid_until),
                (_("归档项目"), document.project),
            ],
            "edit_url": "salesite:contractor_document_edit",
            **record_context(request, document),
        },
    )


@staff_view("salesite.change_contractordocument", per_record=True)
def document_edit(request, pk):
    document = get_record(request, ContractorDocument.objects.select_related("contractor"), pk=pk)
    contractor = document.contractor
    projects = _projects(request, request.staff_permission, contractor)
    form = DocumentForm(request.POST or None, instance=document, projects=projects)
    return service_form_page(
        request,
        form=form,
        call=lambda d: services.document_save(contractor=contractor, document=document, **d),
        success=_("证照已保存。"),
        title=_("编辑证照"),
        back=document,
    )


@staff_view("salesite.add_contractortraining", per_record=True)
def training_create(request, pk):
    return _child_form_page(
        request,
        pk,
        TrainingForm,
        lambda c, d: services.training_create(contractor=c, user=request.user, **d),
        _("岗前培训已记录，请在记录页上传受训确认书。"),
        _("记录岗前培训"),
    )


@staff_view("salesite.view_contractortraining", per_record=True)
def training_detail(request, pk):
    training = get_record(
        request, ContractorTraining.objects.select_related("contractor", "project"), pk=pk
    )
    return render(
        request,
        "salesite/contractors/record.html",
        {
            "record": training,
            "contractor": training.contractor,
            "title": _("岗前培训"),
            "rows": [
                (_("培训日期"), training.held_on),
                (_("项目"), training.project),
                (_("培训人"), training.trainer),
                (_("受训人数"), training.trainee_count),
                (_("受训人员"), training.trainees),
                (_("培训内容"), "、".join(training.topics)),
                (_("受训确认书"), _("已签署") if training.acknowledgement_signed else _("未签署")),
            ],
            **record_context(request, training),
        },
    )


@staff_view("salesite.add_leadevaluation", per_record=True)
def evaluation_create(request, pk):
    return _child_form_page(
        request,
        pk,
        LeadEvaluationForm,
        lambda c, d: services.lead_evaluation_record(contractor=c, user=request.user, **d),
        _("技术负责人评估已记录。"),
        _("技术负责人季度评估"),
    )


# --- competitions ------------------------------------------------------------------------------


def _companies(request, perm):
    ids = access.permitted_project_ids(request.user, perm)
    projects = Project.objects.all() if ids is None else Project.objects.filter(pk__in=ids)
    return Company.objects.filter(pk__in=projects.values("property_company_id")).order_by("name")


def _competition(request, pk) -> SkillCompetition:
    try:
        competition = (
            SkillCompetition.objects.visible_to(request.user)
            .select_related("company", "published_by")
            .get(pk=pk)
        )
    except SkillCompetition.DoesNotExist as exc:
        raise Http404 from exc
    if not sel.company_allowed(request.user, request.staff_permission, competition.company_id):
        raise PermissionDenied
    return competition


@staff_view("salesite.view_skillcompetition")
def competition_list(request):
    rows = (
        SkillCompetition.objects.permitted(request.user, request.staff_permission)
        .select_related("company")
        .order_by("-held_on", "-pk")
    )
    return render(
        request,
        "salesite/contractors/competition_list.html",
        {
            "page": paginate(request, rows),
            "can_add": bool(_companies(request, "salesite.add_skillcompetition")),
        },
    )


@staff_view("salesite.add_skillcompetition")
def competition_create(request):
    form = CompetitionForm(
        request.POST or None, companies=_companies(request, request.staff_permission)
    )
    return service_form_page(
        request,
        form=form,
        call=lambda d: services.competition_create(user=request.user, **d),
        success=_("技术比武已登记，请录入成绩。"),
        title=_("登记技术比武"),
        redirect_to=lambda c: c,
    )


def _score_form(competition, data=None):
    contractors = Contractor.objects.filter(company=competition.company).exclude(
        status=ContractorStatus.ELIMINATED
    )
    return ScoreForm(data, contractors=contractors.order_by("name"))


@staff_view("salesite.view_skillcompetition", per_record=True)
def competition_detail(request, pk):
    competition = _competition(request, pk)
    can_change = sel.company_allowed(
        request.user, "salesite.change_skillcompetition", competition.company_id
    )
    return render(
        request,
        "salesite/contractors/competition_detail.html",
        {
            "competition": competition,
            "ranking": sel.competition_ranking(competition),
            "score_form": _score_form(competition) if can_change else None,
            "can_change": can_change,
        },
    )


@staff_view(post="salesite.change_skillcompetition")
@require_POST
def competition_action(request, pk, action):
    competition = _competition(request, pk)
    try:
        if action == "score":
            form = _score_form(competition, request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    for e in errors:
                        messages.error(request, e)
                return redirect(competition)
            services.competition_score_set(competition=competition, **form.cleaned_data)
            msg = _("成绩已录入。")
        elif action == "publish":
            services.competition_publish(competition=competition, user=request.user)
            msg = _("成绩通知已下发。")
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, msg)
    return redirect(competition)
