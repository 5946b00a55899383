"""Views of the callback programme (R-FB-6)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite import access
from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.masking import mask_phone
from salesite.redirects import next_url
from salesite.views import paginate, record_context
from salesite.views_access import get_record, permitted_rows, staff_view

from .. import exports, selectors, services
from ..filters import CallbackFilter
from ..forms import (
    CallbackOutcomeForm,
    CallbackReassignForm,
)
from ..models import (
    SURVEY_LINK_DAYS,
    CallbackTask,
    Question,
)

# Reassigning a callback task is adding a history row (granted to the callback leads).
REASSIGN = "feedback.add_callbackreassignment"

# --- callbacks -----------------------------------------------------------------------------


@staff_view()
def callback_list(request):
    qs = selectors.callbacks_visible(request.user)
    f = CallbackFilter(request.GET, queryset=qs, request=request)
    if export_format(request):
        return export_response(request, *exports.callbacks(f.qs), "feedback-callbacks")
    page = paginate(request, f.qs)
    return render(
        request,
        "feedback/callback_list.html",
        {
            "filter": f,
            "page": page,
            "today": timezone.localdate(),
            **_survey_rates(f.qs),
            **_bulk_reassign_context(request, page),
        },
    )


def _bulk_reassign_context(request, page) -> dict:
    """The bulk reassignment form of the list, for a user who may reassign on a project of the
    page's rows: the open rows of those projects get a checkbox, the form offers the members
    of their projects (one query for the choices, none per row)."""
    ids = access.permitted_project_ids(request.user, REASSIGN)
    rows = [
        t.pk
        for t in page
        if t.is_open and (request.user.is_superuser or ids is None or t.project_id in ids)
    ]
    if not rows:
        return {"reassignable": set()}
    projects = {t.project_id for t in page if t.pk in rows}
    form = CallbackReassignForm(
        candidates=selectors.reassign_candidates(projects),
        action=reverse("feedback:callback_reassign_bulk")
        + "?"
        + urlencode({"next": request.get_full_path()}),
    )
    form.helper.form_id = "reassign-form"
    return {"reassignable": set(rows), "reassign_form": form}


def _survey_rates(tasks) -> dict:
    rates = selectors.survey_response_rates(tasks)
    sent = sum(r["sent"] for r in rates)
    answered = sum(r["answered"] for r in rates)
    return {"survey_rates": rates, "survey_total": {"sent": sent, "answered": answered}}


@staff_view(post="feedback.change_callbacktask")
def callback_detail(request, pk):
    task = get_record(
        request,
        CallbackTask.objects.select_related("project", "customer", "assigned_to", "case"),
        pk=pk,
    )
    questions = selectors.questions_for(task.rule)
    form = CallbackOutcomeForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.callback_record_outcome(
                task=task,
                reached=form.cleaned_data["reached"],
                answers=form.answers(),
                note=form.cleaned_data["note"],
                user=request.user,
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("回访结果已保存。"))
            if task.dissatisfied:
                messages.warning(request, _("客户有不满意项，已生成跟进投诉事项。"))
            return redirect(task)
    answers = [
        (q.text, task.answers.get(str(q.pk), "")) for q in questions if str(q.pk) in task.answers
    ]
    if "owner_rating" in task.answers:  # rated by the owner on the owner portal
        answers.append((_("业主端评分（1–5）"), task.answers["owner_rating"]))
        if task.answers.get("owner_comment"):
            answers.append((_("业主评价"), task.answers["owner_comment"]))
    return render(
        request,
        "feedback/callback_detail.html",
        {
            "task": task,
            "form": form,
            "answers": answers,
            "attempts": task.attempt_rows.select_related("by"),
            "follow_ups": task.follow_up_cases.all(),
            "question_kinds": Question.Kind,
            "survey_links": task.survey_links.select_related("created_by")[:10],
            "reassignments": selectors.callback_reassignments(task),
            "reassign_form": CallbackReassignForm(
                candidates=selectors.reassign_candidates([task.project_id]),
                action=reverse("feedback:callback_reassign", args=[task.pk]),
            ),
            **record_context(request, task),
        },
    )


@staff_view(post="feedback.change_callbacktask")
@require_POST
def callback_survey_send(request, pk):
    """Send (or send again) the task's questionnaire to the customer as an SMS link."""
    task = get_record(request, CallbackTask.objects.select_related("project"), pk=pk)
    try:
        link = services.send_survey_link(task, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("问卷链接已发送至客户手机（%(phone)s），%(days)s 天内有效。")
            % {"phone": mask_phone(link.sent_to), "days": SURVEY_LINK_DAYS},
        )
    return redirect(task)


@staff_view(post=REASSIGN)
@require_POST
def callback_reassign(request, pk):
    """Give one callback task to another member of its project, with the reason."""
    task = get_record(request, CallbackTask.objects.select_related("project"), pk=pk)
    form = CallbackReassignForm(
        request.POST, candidates=selectors.reassign_candidates([task.project_id])
    )
    _reassign(request, form, [task.pk])
    return redirect(task)


@staff_view(post=REASSIGN)
@require_POST
def callback_reassign_bulk(request):
    """Give the callback tasks ticked on the list to one person, all or nothing."""
    try:
        ids = sorted({int(v) for v in request.POST.getlist("tasks")})
    except ValueError:
        raise Http404 from None
    back = next_url(request, reverse("feedback:callback_list"))
    if not ids:
        messages.error(request, _("请先勾选要改派的回访任务。"))
        return redirect(back)
    if len(ids) > services.REASSIGN_BULK_MAX:
        messages.error(
            request, _("一次最多改派 %(n)s 条回访任务。") % {"n": services.REASSIGN_BULK_MAX}
        )
        return redirect(back)
    # Every ticked task must be one the user may reassign; another project's id is a 404.
    rows = list(
        permitted_rows(request, CallbackTask.objects.filter(pk__in=ids)).values_list(
            "pk", "project_id"
        )
    )
    if len(rows) != len(ids):
        raise Http404
    form = CallbackReassignForm(
        request.POST, candidates=selectors.reassign_candidates({p for _pk, p in rows})
    )
    _reassign(request, form, ids)
    return redirect(back)


def _reassign(request, form, ids) -> bool:
    """Validate, call the service, and say in Chinese what changed or why nothing did."""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return False
    assignee = form.cleaned_data["assignee"]
    try:
        report = services.callback_reassign_bulk(
            task_ids=ids, assignee=assignee, reason=form.cleaned_data["reason"], user=request.user
        )
    except DomainError as exc:
        messages.error(request, _("未改派任何任务：%(error)s") % {"error": exc})
        return False
    name = str(assignee)
    if report.changed:
        messages.success(
            request,
            _("已将 %(n)s 条回访任务改派给 %(name)s。") % {"n": len(report.changed), "name": name},
        )
    if report.unchanged:
        messages.info(
            request,
            _("%(n)s 条回访任务原本即由 %(name)s 负责，未变动。")
            % {"n": len(report.unchanged), "name": name},
        )
    return True
