"""The public survey page (/s/<token>/, issue 14): an owner answers a callback questionnaire
from the SMS link, without logging in. Phone first and light: its own small template and
stylesheet, no script. Every request counts against a per-IP limit before the token is looked
at, so that tokens cannot be guessed at speed."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from salesite import throttle
from salesite.client_ip import client_ip

from .. import selectors, services
from ..exceptions import DomainError, SurveyLinkGone, SurveyLinkNotFound
from ..forms import SurveyForm
from ..models import Question, SurveyLinkState


def _gone(request, state):
    messages = {
        SurveyLinkState.USED: _("该问卷已提交，感谢您的参与。"),
        SurveyLinkState.EXPIRED: _("该问卷链接已过期。如需反馈，请联系您的客户大使或服务中心。"),
        SurveyLinkState.REVOKED: _(
            "该问卷链接已失效。如收到过新的问卷短信，请使用最新短信中的链接，或联系服务中心。"
        ),
        services.SURVEY_CLOSED: _("本次回访已完成，无需再填写问卷，感谢您的参与。"),
    }
    return render(
        request,
        "feedback/survey/message.html",
        {
            "title": _("问卷链接已失效"),
            "message": messages.get(state, messages[SurveyLinkState.USED]),
        },
        status=410,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def survey_answer(request, token):
    if not throttle.allow(
        "survey:ip", client_ip(request) or "", limit=settings.SURVEY_LIMIT_PER_IP
    ):
        return render(
            request,
            "feedback/survey/message.html",
            {"title": _("请求过于频繁"), "message": _("请求过于频繁，请一小时后再试。")},
            status=429,
        )
    try:
        link = services.survey_link_for(token)
    except SurveyLinkNotFound:
        # The survey's own light page, not the staff 404 (an owner has no staff home).
        return render(
            request,
            "feedback/survey/message.html",
            {
                "title": _("问卷链接无效"),
                "message": _("未找到该问卷。请检查短信中的链接是否完整，或联系服务中心。"),
            },
            status=404,
        )
    except SurveyLinkGone as exc:
        return _gone(request, exc.state)
    task = link.task
    questions = selectors.questions_for(task.rule)
    form = SurveyForm(request.POST or None, questions=questions)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(
                token=token, answers=form.answers(), comment=form.cleaned_data["comment"]
            )
        except SurveyLinkGone as exc:
            return _gone(request, exc.state)
        except DomainError as exc:
            error = str(exc)
        else:
            return render(
                request,
                "feedback/survey/message.html",
                {"title": _("提交成功"), "message": _("感谢您的评价！您的意见我们已收到。")},
            )
    return render(
        request,
        "feedback/survey/form.html",
        {
            "task": task,
            "project": task.project,
            "form": form,
            "rows": [(q, form[f"q_{q.pk}"]) for q in questions],
            "error": error,
            "question_kinds": Question.Kind,
        },
    )
