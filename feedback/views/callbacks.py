"""Views of the callback programme (R-FB-6)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.masking import mask_phone
from salesite.views import paginate, record_context
from salesite.views_access import get_record, staff_view

from .. import exports, selectors, services
from ..filters import CallbackFilter
from ..forms import (
    CallbackOutcomeForm,
)
from ..models import (
    SURVEY_LINK_DAYS,
    CallbackTask,
    Question,
)

# --- callbacks -----------------------------------------------------------------------------


@staff_view()
def callback_list(request):
    qs = selectors.callbacks_visible(request.user)
    f = CallbackFilter(request.GET, queryset=qs, request=request)
    if export_format(request):
        return export_response(request, *exports.callbacks(f.qs), "feedback-callbacks")
    return render(
        request,
        "feedback/callback_list.html",
        {
            "filter": f,
            "page": paginate(request, f.qs),
            "today": timezone.localdate(),
            **_survey_rates(f.qs),
        },
    )


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
