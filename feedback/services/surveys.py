"""Callback surveys answered by the owner through an SMS link (issue 14).

``send_survey_link(task)`` creates a one-time link (a random token; only its SHA-256 is kept)
and queues the SMS through the outbox in the same transaction (sent by a worker after commit).
``survey_answer(token=, answers=)`` records the owner's answers through the same service as a
phone callback (``callback_record_outcome``, channel "问卷"): the score, the 6+2 step and the
follow-up complaint of a dissatisfied answer are exactly those of a phone callback.

For a beat job (rules an admin marks "send by SMS"): ``survey_links_send(open_tasks)``, i.e.
``send_survey_link(task, reissue=False)`` per task; a task that already has a link is left
alone, so a second run sends nothing.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.audit_bulk import bulk_update_audited
from salesite.notifications.services import send_sms

from ..exceptions import CallbackClosed, DomainError, SurveyLinkGone, SurveyLinkNotFound
from ..models import (
    SURVEY_LINK_DAYS,
    CallbackAttempt,
    CallbackTask,
    SurveyLink,
    SurveyLinkState,
    hash_token,
)
from ..selectors import questions_for
from .callbacks import callback_record_outcome

# A second click on "send" within this many seconds returns the link just sent (one SMS).
RESEND_GUARD = datetime.timedelta(seconds=60)
TOKEN_BYTES = 24  # 192 random bits, 32 URL-safe characters
CLOSED = "closed"  # the SurveyLinkGone state of a link whose callback was closed otherwise


def survey_url(token: str) -> str:
    """The absolute address of a survey link (``settings.SITE_URL`` + /s/<token>/)."""
    return settings.SITE_URL.rstrip("/") + reverse("survey_answer", args=[token])


@transaction.atomic
def send_survey_link(
    task: CallbackTask,
    *,
    by=None,
    reissue: bool = True,
    now: datetime.datetime | None = None,
) -> SurveyLink:
    """Send the task's questionnaire to the customer's mobile as a one-time link.

    ``reissue=True`` (staff): a new link revokes the task's open ones, except that a link sent
    in the last minute is returned as it is (a double click sends one SMS). ``reissue=False``
    (a job): a task that already has a link gets nothing new; its newest link is returned.
    The new link carries its raw token in ``link.token`` (not stored) for the caller."""
    now = now or timezone.now()
    task = (
        CallbackTask.objects.select_for_update(of=("self",))
        .select_related("customer", "project")
        .get(pk=task.pk)
    )
    if not task.is_open:
        raise CallbackClosed(_("该回访任务已结束。"))
    newest = task.survey_links.order_by("-created_at", "-pk").first()
    if newest is not None:
        if not reissue:
            return newest
        if newest.state(now) == SurveyLinkState.SENT and now - newest.created_at < RESEND_GUARD:
            return newest
    phone = (task.customer.phone or "").strip()
    if not phone:
        raise DomainError(_("客户没有手机号码，无法发送问卷链接。"))
    if not questions_for(task.rule):
        raise DomainError(_("该回访类型的问卷没有启用的问题。"))
    bulk_update_audited(
        task.survey_links.filter(used_at__isnull=True, revoked_at__isnull=True),
        actor=by,
        revoked_at=now,
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = SurveyLink.objects.create(
        task=task,
        token_hash=hash_token(token),
        sent_to=phone,
        created_by=by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=SURVEY_LINK_DAYS),
    )
    send_sms(
        phone=phone,
        body=_(
            "尊敬的%(name)s：%(project)s邀请您填写回访问卷，约1分钟：%(url)s"
            "（%(days)s天内有效，仅可提交一次）"
        )
        % {
            "name": task.customer.name,
            "project": task.project.name,
            "url": survey_url(token),
            "days": SURVEY_LINK_DAYS,
        },
        project=task.project,
        dedupe_key=f"feedback:survey:{link.pk}",
    )
    link.token = token
    return link


def survey_link_for(token: str, *, now=None) -> SurveyLink:
    """The link of a token, ready to be answered: SurveyLinkNotFound for an unknown token,
    SurveyLinkGone (with the reason) for a used, revoked or expired one, or one whose task
    was closed meanwhile (``CLOSED``: e.g. reached by phone)."""
    link = (
        SurveyLink.objects.select_related("task__project", "task__customer")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if link is None:
        raise SurveyLinkNotFound(_("问卷链接不存在。"))
    state = link.state(now)
    if state != SurveyLinkState.USED and not link.task.is_open:
        raise SurveyLinkGone(CLOSED)  # reached by phone, or out of attempts, meanwhile
    if state != SurveyLinkState.SENT:
        raise SurveyLinkGone(state)
    return link


@transaction.atomic
def survey_answer(
    *, token: str, answers: dict, comment: str = "", now: datetime.datetime | None = None
) -> CallbackTask:
    """Record the owner's answers as the callback's outcome and use the link up (once)."""
    now = now or timezone.now()
    link = survey_link_for(token, now=now)
    # The task first, as send_survey_link does (the same lock order: no deadlock with a
    # reissue), then the link again under the lock: a concurrent answer finds it used.
    CallbackTask.objects.select_for_update(of=("self",)).get(pk=link.task_id)
    link = SurveyLink.objects.select_for_update().get(pk=link.pk)
    survey_link_for(token, now=now)
    # Used first: closing the callback revokes the task's links that are still open.
    link.used_at = now
    link.save(update_fields=["used_at"])
    return callback_record_outcome(
        task=link.task,
        reached=True,
        answers=answers,
        note=comment or _("短信问卷"),
        now=now,
        channel=CallbackAttempt.Channel.SURVEY,
    )


def survey_link_tasks_due(*, today: datetime.date | None = None):
    """Open callback tasks due by ``today`` whose rule is answered by a questionnaire sent by
    SMS link, and that have no link yet (the job's selection)."""
    from ..models import OPEN_CALLBACK_STATUSES, CallbackRule, CallbackTask

    today = today or timezone.localdate()
    return (
        CallbackTask.objects.filter(
            status__in=OPEN_CALLBACK_STATUSES,
            due_date__lte=today,
            rule__channel=CallbackRule.Channel.SMS_QUESTIONNAIRE,
            rule__is_active=True,
            survey_links__isnull=True,
        )
        .select_related("customer", "rule")
        .order_by("due_date", "pk")
    )


def survey_links_send(tasks, *, now: datetime.datetime | None = None) -> dict:
    """For a job: send a link to each open task of ``tasks`` (an iterable or queryset) that has
    none yet; a task refused (no mobile, no question) is counted and skipped. Idempotent: a
    second run sends nothing. Returns ``{"sent": n, "skipped": n}``."""
    now = now or timezone.now()
    counts = {"sent": 0, "skipped": 0}
    for task in tasks:
        if task.survey_links.exists():
            continue
        try:
            send_survey_link(task, reissue=False, now=now)
        except DomainError:
            counts["skipped"] += 1
        else:
            counts["sent"] += 1
    return counts
