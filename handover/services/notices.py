"""Writes for progress notices and site open days (R-HO-3); their reads are in selectors."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback import services as feedback_services
from salesite.audit_bulk import bulk_create_audited
from salesite.exceptions import DomainError, InvalidTransition
from salesite.notifications import send_email_many, send_sms_many
from salesite.workflow import can_transition, transition

from ..models import (
    RSVP_MAX_PEOPLE,
    NoticeKind,
    NoticeRecipient,
    NoticeStatus,
    OpenDayInvitation,
    ProgressNotice,
    Rsvp,
    SiteOpenDay,
)
from ..selectors import project_buyers


@transaction.atomic
def notice_create(*, project, kind, title, body, user=None, milestone="", **channels):
    if kind == NoticeKind.PROGRESS and not milestone:
        raise DomainError(_("工程进展通报须选择工程节点。"))
    return ProgressNotice.objects.create(
        project=project,
        kind=kind,
        milestone=milestone if kind == NoticeKind.PROGRESS else "",
        title=title,
        body=body,
        **channels,
    )


@transaction.atomic
def notice_send(*, notice: ProgressNotice, user, now=None) -> int:
    """Send the notice to every buyer of the project (SMS, email); record who got it."""
    notice = ProgressNotice.objects.select_for_update().get(pk=notice.pk)
    if not can_transition(notice, NoticeStatus.SENT):
        raise InvalidTransition(_("该通报已发送。"))
    if not (notice.by_sms or notice.by_email or notice.in_newsletter):
        raise DomainError(_("请至少选择一种通报方式。"))
    buyers = list(project_buyers(notice.project).only("pk", "phone", "email"))
    if not buyers:
        raise DomainError(_("本项目还没有业主，无需通报。"))
    NoticeRecipient.objects.bulk_create(
        [
            NoticeRecipient(
                project_id=notice.project_id,
                notice=notice,
                customer=c,
                phone=c.phone,
                email=c.email if notice.by_email else "",
            )
            for c in buyers
        ],
        ignore_conflicts=True,
    )
    if notice.by_sms:
        text = f"【{notice.project.name}】{notice.title}：{notice.body}"[:500]
        queued = send_sms_many(
            messages=[(c.phone, text, f"handover:notice:{notice.pk}") for c in buyers],
            project_id=notice.project_id,
        )
        phones = {m.recipient for m in queued}
        NoticeRecipient.objects.filter(
            notice=notice, customer_id__in=[c.pk for c in buyers if c.phone in phones]
        ).update(sms_sent=True)
    notice.sent_at = now or timezone.now()
    notice.sent_by = user
    notice.recipient_count = len(buyers)
    transition(notice, NoticeStatus.SENT, by=user, fields=["sent_at", "sent_by", "recipient_count"])
    # 6+2 step 亲密接触 (R-FB-9): every buyer was told of the progress or the design change.
    sent_on = timezone.localdate(notice.sent_at)
    feedback_services.tick_steps_bulk(
        rows=[(notice.project_id, c.pk, sent_on) for c in buyers],
        action_code="design_change_notice"
        if notice.kind == NoticeKind.DESIGN_CHANGE
        else "progress_notice",
        source="handover",
    )
    if notice.by_email:
        # In the outbox with the notice itself: a broker outage cannot lose the mails.
        notice_send_emails(notice.pk)
    return len(buyers)


@transaction.atomic
def notice_send_emails(notice_id: int) -> int:
    """Queue the notice's mail to every recipient with an address not queued yet (through the
    outbox, which sends it after commit); ``email_sent_at`` records the hand-over to the
    outbox, whose row shows the delivery. Idempotent: returns how many were queued now."""
    notice = ProgressNotice.objects.select_related("project").filter(pk=notice_id).first()
    if notice is None:
        return 0
    pending = list(
        NoticeRecipient.objects.select_for_update()
        .filter(notice=notice, email_sent_at__isnull=True)
        .exclude(email="")
        .values_list("pk", "email")
    )
    if not pending:
        return 0
    send_email_many(
        messages=[
            (
                email,
                f"[{notice.project.name}] {notice.title}",
                notice.body,
                f"handover:notice:{notice.pk}",
            )
            for _pk, email in pending
        ],
        project_id=notice.project_id,
    )
    NoticeRecipient.objects.filter(pk__in=[pk for pk, _e in pending]).update(
        email_sent_at=timezone.now()
    )
    return len(pending)


# --- site open days ---------------------------------------------------------------------------


@transaction.atomic
def openday_invite(*, open_day: SiteOpenDay, user, now=None) -> int:
    """Invite every buyer (SMS, once per phone); creates the invitation list."""
    open_day = (
        SiteOpenDay.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=open_day.pk)
    )
    buyers = list(project_buyers(open_day.project).only("pk", "phone"))
    bulk_create_audited(
        OpenDayInvitation,
        [
            OpenDayInvitation(project_id=open_day.project_id, open_day=open_day, customer=c)
            for c in buyers
        ],
        ignore_conflicts=True,
    )
    text = _("【%(project)s】诚邀您参加%(date)s工地开放日：%(title)s") % {
        "project": open_day.project.name,
        "date": open_day.held_on,
        "title": open_day.title,
    }
    send_sms_many(
        messages=[(c.phone, text, f"handover:openday:{open_day.pk}") for c in buyers],
        project_id=open_day.project_id,
    )
    open_day.invited_at = open_day.invited_at or now or timezone.now()
    open_day.save(update_fields=["invited_at"])
    return len(buyers)


@transaction.atomic
def invitation_record(*, invitation: OpenDayInvitation, attended: bool, opinion: str, user):
    invitation = OpenDayInvitation.objects.select_for_update().get(pk=invitation.pk)
    if opinion and not attended:
        raise DomainError(_("未到场的业主不能登记现场意见。"))
    invitation.attended = attended
    invitation.opinion = opinion
    invitation.save(update_fields=["attended", "opinion", "updated_at"])
    if attended and invitation.customer_id:
        feedback_services.tick_step(
            customer=invitation.customer,
            action_code="site_open_day",
            on=invitation.open_day.held_on,
            source="handover",
        )
    return invitation


@transaction.atomic
def invitation_rsvp(
    *, invitation: OpenDayInvitation, attending: bool, people: int | None, now=None
):
    """The owner's reply to an open-day invitation (owner portal): attending and how many
    people, or not attending. Changeable until the day; the staff's attendance list shows it."""
    now = now or timezone.now()
    invitation = (
        OpenDayInvitation.objects.select_for_update(of=("self",))
        .select_related("open_day")
        .get(pk=invitation.pk)
    )
    if invitation.open_day.held_on < timezone.localdate(now):
        raise DomainError(_("开放日已结束，不能再回复。"))
    if attending:
        if not people or not 1 <= people <= RSVP_MAX_PEOPLE:
            raise DomainError(_("参加人数须为 1 至 %(max)s 人。") % {"max": RSVP_MAX_PEOPLE})
        invitation.rsvp, invitation.rsvp_people = Rsvp.YES, people
    else:
        invitation.rsvp, invitation.rsvp_people = Rsvp.NO, None
    invitation.rsvp_at = now
    invitation.save(update_fields=["rsvp", "rsvp_people", "rsvp_at", "updated_at"])
    return invitation
