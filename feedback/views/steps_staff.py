"""Staff pages of the 6+2 steps (R-FB-9): a customer's 19 actions due and done with a form to
record one, and the project's list of actions due and done (with the +2 四年之约)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.exceptions import DomainError
from salesite.models import Customer
from salesite.views import paginate, projects_with_perm
from salesite.views_access import get_record, staff_view

from .. import services
from ..forms_steps import ProjectStepRecordForm, StepListFilterForm, StepRecordForm
from ..models import StepAction
from ..selectors import steps as step_selectors

VIEW = "feedback.view_customersteprecord"
RECORD = "feedback.add_customersteprecord"
RECORD_PROJECT = "feedback.add_projectsteprecord"


@staff_view(VIEW, post=RECORD, per_record=True)
def customer_steps(request, pk):
    customer = get_record(request, Customer.objects.select_related("project"), pk=pk)
    today = timezone.localdate()
    steps, project_row = step_selectors.customer_steps(customer, today=today)
    open_actions = [r.action for _label, rows in steps for r in rows if r.done_on is None]
    form = StepRecordForm(request.POST or None, open_actions=open_actions)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.step_record(
                customer=customer,
                action=d["action"],
                done_on=d["done_on"],
                channel=d["channel"],
                note=d["note"],
                user=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已记录：%(action)s。") % {"action": d["action"].name})
            return redirect("feedback:customer_steps", pk=customer.pk)
    rows = [r for _label, rs in steps for r in rs]
    return render(
        request,
        "feedback/customer_steps.html",
        {
            "customer": customer,
            "steps": steps,
            "project_row": project_row,
            "form": form if open_actions else None,
            "can_record": request.user.has_perm(RECORD, customer),
            "done": sum(1 for r in rows if r.done_on),
            "total": len(rows),
            "overdue": sum(1 for r in rows if r.status == step_selectors.StepStatus.OVERDUE),
            "today": today,
        },
    )


@staff_view(VIEW)
def step_list(request):
    projects = projects_with_perm(request.user, VIEW)
    if not projects:
        raise Http404
    data = request.GET.copy()
    data.setdefault("project", str(projects[0].pk))
    form = StepListFilterForm(data, projects=projects)
    if not form.is_valid():
        data = {"project": str(projects[0].pk)}
        form = StepListFilterForm(data, projects=projects)
        form.is_valid()
    d = form.cleaned_data
    project = d["project"]
    today = timezone.localdate()
    rows = step_selectors.project_step_rows(
        project,
        today=today,
        step=d.get("step") or "",
        action=d.get("action"),
        status=d.get("status") or "",
        building=d.get("building"),
    )
    page = paginate(request, rows)
    step_selectors.attach_units(page.object_list)
    project_row = step_selectors.project_plus_two(project, today=today)
    project_form = None
    if (
        project_row is not None
        and project_row.done_on is None
        and request.user.has_perm(RECORD_PROJECT, project)
    ):
        project_form = ProjectStepRecordForm()
        project_form.helper.form_action = reverse("feedback:project_step_record", args=[project.pk])
    return render(
        request,
        "feedback/step_list.html",
        {
            "filter": {"form": form},
            "page": page,
            "project": project,
            "project_row": project_row,
            "project_form": project_form,
        },
    )


@staff_view(RECORD_PROJECT, per_record=True)
@require_POST
def project_step_record(request, pk):
    from salesite.models import Project

    project = get_record(request, Project.objects.all(), pk=pk)
    action = StepAction.objects.filter(per_project=True).order_by("order").first()
    back = reverse("feedback:step_list") + f"?project={project.pk}"
    if action is None:
        return redirect(back)
    form = ProjectStepRecordForm(request.POST)
    if form.is_valid():
        try:
            services.project_step_record(
                project=project,
                action=action,
                done_on=form.cleaned_data["done_on"],
                note=form.cleaned_data["note"],
                user=request.user,
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已记录：%(action)s。") % {"action": action.name})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(back)


urlpatterns = [
    path("customers/<int:pk>/steps/", customer_steps, name="customer_steps"),
    path("steps/", step_list, name="step_list"),
    path("steps/project/<int:pk>/", project_step_record, name="project_step_record"),
]


def customer_panel(request, customer) -> str:
    """The link on the core's customer page (salesite.panels), for members who may view the
    customer's 6+2 records; no query beyond the user's cached access."""
    from django.template.loader import render_to_string

    if not request.user.has_perm(VIEW, customer):
        return ""
    return render_to_string("feedback/customer_panel.html", {"customer": customer})
