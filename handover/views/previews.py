"""Views of pre-delivery preview findings (R-HO-1 提前看房活动): the list with its filters,
several findings of one unit recorded in one go, the finding's page with its state changes
(assign, mark fixed with photos of the fix, verify and close, send back), and its edit page."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exceptions import DomainError
from salesite.views import paginate, record_context, service_form_page
from salesite.views_access import get_record, holds_anywhere, permitted_rows, staff_view

from .. import forms_previews as forms
from .. import selectors, selectors_previews
from ..filters import FindingFilter
from ..models import DeliveryBatch, PreviewFinding
from ..services import previews

VIEW_FINDING = "handover.view_previewfinding"
ADD_FINDING = "handover.add_previewfinding"
CHANGE_FINDING = "handover.change_previewfinding"


@staff_view(VIEW_FINDING)
def finding_list(request):
    rows = permitted_rows(request, selectors_previews.findings_listed())
    f = FindingFilter(request.GET, queryset=rows, request=request)
    page = paginate(request, f.qs)
    selectors_previews.with_role_photos(page.object_list, images_only=True)
    context = {
        "filter": f,
        "page": page,
        "today": timezone.localdate(),
        "can_add": holds_anywhere(request.user, ADD_FINDING),
    }
    return render(request, "handover/finding_list.html", context)


@staff_view(ADD_FINDING, per_record=True)
def finding_create(request, pk):
    """Record the findings of one unit of the batch: up to 20 rows, blank rows ignored."""
    batch = get_record(request, DeliveryBatch.objects.select_related("project"), pk=pk)
    staff = selectors_previews.project_staff(batch.project_id)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = forms.FindingUnitForm(
        data,
        buildings=selectors.visible_buildings(request.user, [batch.project])
        .filter(units__delivery_batches=batch)
        .distinct(),
        initial={"found_on": timezone.localdate()},
    )
    formset = forms.FindingItemFormSet(data, files, form_kwargs={"staff": staff}, prefix="item")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        items = [f.cleaned_data for f in formset.forms if f.cleaned_data]
        try:
            with transaction.atomic():
                created = previews.findings_add(
                    batch=batch,
                    unit=form.cleaned_data["unit"],
                    user=request.user,
                    items=items,
                    found_on=form.cleaned_data["found_on"],
                )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记 %(n)s 条看房问题。") % {"n": len(created)})
            return redirect(f"{_list_url()}?project={batch.project_id}&batch={batch.pk}")
    return render(
        request,
        "handover/finding_create.html",
        {"batch": batch, "form": form, "formset": formset},
    )


def _list_url():
    from django.urls import reverse

    return reverse("handover:finding_list")


ACTIONS = {
    "assign": (forms.FindingAssignForm, _("已分派。")),
    "fix": (forms.FindingFixForm, _("已标记为已整改。")),
    "close": (forms.FindingCloseForm, _("问题已验证关闭。")),
    "reopen": (forms.FindingReopenForm, _("已退回整改。")),
}


def _action_form(name, finding, data=None, files=None):
    form_class = ACTIONS[name][0]
    kwargs = {"prefix": name}
    if form_class is forms.FindingAssignForm:
        kwargs["staff"] = selectors_previews.project_staff(finding.project_id)
        kwargs["initial"] = {"assignee": finding.assignee_id, "deadline": finding.deadline}
    return form_class(data, files, **kwargs)


def _call(name, finding, user, d):
    if name == "assign":
        return previews.finding_assign(
            finding=finding,
            user=user,
            assignee=d["assignee"],
            deadline=d.get("deadline"),
            note=d.get("note", ""),
        )
    if name == "fix":
        return previews.finding_mark_fixed(
            finding=finding, user=user, photos=d["photos"], note=d.get("note", "")
        )
    if name == "close":
        return previews.finding_close(finding=finding, user=user, note=d["note"])
    return previews.finding_reopen(finding=finding, user=user, note=d["note"])


def _offered(finding) -> list[str]:
    """The state changes the finding's page offers, by its state."""
    if finding.status in ("open", "in_progress"):
        return ["assign", "fix"]
    if finding.status == "fixed":
        return ["close", "reopen"]
    return []


@staff_view(post=CHANGE_FINDING, per_record=True)
def finding_detail(request, pk):
    finding = get_record(
        request,
        PreviewFinding.objects.select_related(
            "project", "batch", "milestone", "unit__building", "customer", "assignee"
        ),
        pk=pk,
    )
    can_change = request.user.has_perm(CHANGE_FINDING, finding)
    offered = _offered(finding) if can_change else []
    action_forms = {name: _action_form(name, finding) for name in offered}
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in offered:
            messages.error(request, _("当前状态不能进行该操作。"))
            return redirect(finding)
        form = _action_form(name, finding, request.POST, request.FILES)
        action_forms[name] = form
        if form.is_valid():
            try:
                _call(name, finding, request.user, form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, ACTIONS[name][1])
                return redirect(finding)
    selectors_previews.with_role_photos([finding])
    context = {
        "finding": finding,
        "history": selectors_previews.finding_history(finding),
        "action_forms": action_forms,
        "can_edit": can_change and finding.status != "closed",
        **record_context(request, finding),
    }
    return render(request, "handover/finding_detail.html", context)


@staff_view(CHANGE_FINDING, per_record=True)
def finding_edit(request, pk):
    finding = get_record(request, PreviewFinding.objects.select_related("unit"), pk=pk)
    initial = {name: getattr(finding, name) for name in previews.EDITABLE_FIELDS}
    return service_form_page(
        request,
        form=forms.FindingEditForm(request.POST or None, request.FILES or None, initial=initial),
        call=lambda d: previews.finding_update(finding=finding, user=request.user, **d),
        success=_("看房问题已保存。"),
        title=_("修改看房问题"),
        back=finding,
    )
