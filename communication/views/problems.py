"""Problems raised in communication (R-COM-3): the list, a problem's page and its moves
(resolve, escalate, reassign) — the owner or a holder of the move's permission acts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communication import exports, selectors, services
from communication.exceptions import DomainError
from communication.filters import ProblemFilter
from communication.forms import (
    EscalateForm,
    ReassignForm,
    ResolveForm,
)
from communication.models import Problem
from salesite.exports import export_format, export_response
from salesite.redirects import next_url
from salesite.views import paginate
from salesite.views_access import get_record, permitted_rows, staff_view

VIEW_PROBLEM = "communication.view_problem"


# --- problems -----------------------------------------------------------------------------


@staff_view(VIEW_PROBLEM, per_record=True)  # as the problem's page
def problem_list(request):
    problems = permitted_rows(request, selectors.problems_for(request.user))
    f = ProblemFilter(request.GET, queryset=problems, request=request)
    problems = f.qs.order_by("status", "due_date", "-pk")
    if export_format(request):
        return export_response(request, *exports.problems(problems), _("问题跟踪"))
    return render(
        request,
        "communication/problem_list.html",
        {"filter": f, "page": paginate(request, problems), "today": timezone.localdate()},
    )


def _problem(request, pk):
    """The problem, through the view's declared permission (every problem view declares
    VIEW_PROBLEM; acting on it is then the owner's or a holder of the action's permission)."""
    return get_record(
        request, Problem.objects.select_related("project", "level", "owner", "raised_in"), pk=pk
    )


@staff_view(VIEW_PROBLEM, per_record=True)
def problem_detail(request, pk, forms=None):
    problem = _problem(request, pk)
    forms = forms or {}
    targets = selectors.escalation_targets(problem.level)
    user = request.user
    can_change = selectors.can_act_on_problem(user, problem)
    can_escalate = selectors.can_act_on_problem(user, problem, "communication.escalate_problem")
    events = problem.events.select_related(
        "from_level", "to_level", "from_owner", "to_owner", "by", "record"
    )
    return render(
        request,
        "communication/problem_detail.html",
        {
            "problem": problem,
            "events": events,
            "discussed_in": problem.discussed_in.select_related("level").order_by("held_at"),
            "today": timezone.localdate(),
            "can_change": can_change and problem.is_open,
            "can_escalate": can_escalate and problem.is_open and bool(targets),
            "default_target": selectors.default_escalation_target(problem.level),
            "resolve_form": forms.get("resolve") or ResolveForm(),
            "escalate_form": forms.get("escalate") or EscalateForm(targets=targets),
            "reassign_form": forms.get("reassign")
            or ReassignForm(project=problem.project, initial={"owner": problem.owner_id}),
        },
    )


def _problem_action(request, pk, *, perm, form_name, build_form, run, success):
    problem = _problem(request, pk)
    if not selectors.can_act_on_problem(request.user, problem, perm):
        raise PermissionDenied
    form = build_form(problem)
    if form is None or form.is_valid():
        try:
            run(problem, form.cleaned_data if form is not None else {})
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success)
            return redirect(next_url(request, problem))
        return redirect(problem)
    messages.error(request, _("请检查填写的内容。"))
    response = problem_detail(request, pk, forms={form_name: form})
    response.status_code = 400
    return response


@staff_view(VIEW_PROBLEM, per_record=True)
@require_POST
def problem_resolve(request, pk):
    return _problem_action(
        request,
        pk,
        perm="communication.change_problem",
        form_name="resolve",
        build_form=lambda p: ResolveForm(request.POST),
        run=lambda p, d: services.problem_resolve(
            problem=p, resolution=d["resolution"], user=request.user
        ),
        success=_("问题已标记为已解决。"),
    )


@staff_view(VIEW_PROBLEM, per_record=True)
@require_POST
def problem_escalate(request, pk):
    return _problem_action(
        request,
        pk,
        perm="communication.escalate_problem",
        form_name="escalate",
        build_form=lambda p: EscalateForm(
            request.POST, targets=selectors.escalation_targets(p.level)
        ),
        run=lambda p, d: services.problem_escalate(
            problem=p, to_level=d["to_level"], reason=d["reason"], user=request.user
        ),
        success=_("问题已升级，并已通知相关负责人。"),
    )


@staff_view(VIEW_PROBLEM, per_record=True)
@require_POST
def problem_escalate_now(request, pk):
    return _problem_action(
        request,
        pk,
        perm="communication.escalate_problem",
        form_name="escalate",
        build_form=lambda p: None,
        run=lambda p, d: services.problem_escalate_now(
            problem=p, user=request.user, reason=request.POST.get("reason", "")
        ),
        success=_("问题已立即上报双方领导。"),
    )


@staff_view(VIEW_PROBLEM, per_record=True)
@require_POST
def problem_reassign(request, pk):
    return _problem_action(
        request,
        pk,
        perm="communication.change_problem",
        form_name="reassign",
        build_form=lambda p: ReassignForm(request.POST, project=p.project),
        run=lambda p, d: services.problem_reassign(
            problem=p,
            owner=d["owner"],
            developer_owner=d.get("developer_owner"),
            note=d.get("note", ""),
            user=request.user,
        ),
        success=_("责任人已变更。"),
    )
