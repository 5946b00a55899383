"""Writes of the warranty ledger and its expiry notices (R-FB-7), greetings and club events
(R-FB-8)."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.audit_bulk import bulk_update_audited
from salesite.models import Customer, Purchase
from salesite.notifications import notify_many, send_email_many, send_sms_many
from salesite.policy import policies_for, policy_for, rule_value
from salesite.selectors import members_holding

from .. import deadlines
from ..exceptions import DomainError
from ..models import (
    ClubEvent,
    ClubEventAttendee,
    Greeting,
    Holiday,
    WarrantyItem,
    WarrantyNotice,
    WarrantyNoticeChannel,
    WarrantyReport,
)
from ..selectors import BREACH_RECIPIENT_ROLES

# --- warranty ledger and expiry notices (R-FB-7) --------------------------------------------

# The service policy values a warranty item uses, stored on the item (``rule_values``): the
# notice lead (2 months by default, R-FB-7) and the responsible unit's answer time (15 days).
WARRANTY_RULES = ("warranty_notice_months", "warranty_response_days")
# The notice job looks this far ahead at most (the policy's upper bound for the lead).
WARRANTY_NOTICE_HORIZON_MONTHS = 12


@transaction.atomic
def warranty_item_create(
    *,
    project,
    name: str,
    responsible_unit: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    building=None,
    responsible_contact: str = "",
    note: str = "",
) -> WarrantyItem:
    if ends_on < starts_on:
        raise DomainError(_("保修到期日不能早于开始日。"))
    if building is not None and building.project_id != project.pk:
        raise DomainError(_("楼栋不属于该项目。"))
    return WarrantyItem.objects.create(
        project=project,
        building=building,
        name=name.strip(),
        responsible_unit=responsible_unit.strip(),
        responsible_contact=responsible_contact.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        rule_values=policy_for(project).values(*WARRANTY_RULES),
    )


def warranty_notices_send(*, today: datetime.date | None = None) -> dict:
    """Daily (R-JOB-5): for every item expiring within its notice lead (the months it stored
    from the policy, 2 by default), notify each owner once (SMS, and email when the owner has
    one; unique per item and owner) and open the collection window until the expiry. Owners
    who bought after the first notice are notified on the next run. One query per item due (a
    handful a day), none per owner."""
    today = today or timezone.localdate()
    horizon = deadlines.add_months(today, WARRANTY_NOTICE_HORIZON_MONTHS)
    counts = {"items": 0, "notices": 0, "emails": 0}
    candidates = list(
        WarrantyItem.objects.filter(ends_on__gte=today, ends_on__lte=horizon).select_related(
            "project"
        )
    )
    policies = policies_for({item.project for item in candidates})
    items = [
        item
        for item in candidates
        if item.ends_on
        <= deadlines.add_months(
            today, rule_value(item, "warranty_notice_months", policies[item.project_id])
        )
    ]
    for item in items:
        with transaction.atomic():
            owners = Purchase.objects.filter(project_id=item.project_id, is_active=True)
            if item.building_id:
                owners = owners.filter(unit__building_id=item.building_id)
            owners = owners.exclude(
                Exists(
                    WarrantyNotice.objects.filter(item=item, customer_id=OuterRef("customer_id"))
                )
            ).values_list("customer_id", "customer__phone", "customer__email")
            new = {}
            for cid, phone, email in owners.order_by("customer_id"):
                new.setdefault(cid, (phone, email))
            WarrantyNotice.objects.bulk_create(
                [
                    WarrantyNotice(
                        project_id=item.project_id,
                        item=item,
                        customer_id=cid,
                        sent_on=today,
                        by_email=bool(email),
                    )
                    for cid, (_phone, email) in new.items()
                ],
                ignore_conflicts=True,
                batch_size=2000,
            )
            body = _(
                "【%(project)s】%(name)s保修期将于%(end)s到期，如有问题请于到期前向物业服务中心反映。"
            ) % {"project": item.project.name, "name": item.name, "end": item.ends_on}
            # In the outbox with the notice rows; a worker sends them after commit.
            send_sms_many(
                messages=[
                    (phone, body, f"feedback:warranty:{item.pk}:{cid}")
                    for cid, (phone, _email) in new.items()
                ],
                project_id=item.project_id,
            )
            mails = send_email_many(
                messages=[
                    (email, _("保修期到期提示"), body, f"feedback:warranty:{item.pk}:{cid}")
                    for cid, (_phone, email) in new.items()
                ],
                project_id=item.project_id,
            )
            if item.notice_sent_on is None:
                item.notice_sent_on = today
                item.collection_until = item.ends_on
                item.save(update_fields=["notice_sent_on", "collection_until"])
                counts["items"] += 1
                # The service centre's leads collect the reports during the window.
                notify_many(
                    recipients=members_holding(BREACH_RECIPIENT_ROLES, [item.project_id]).get(
                        item.project_id, []
                    ),
                    title=_("保修到期公示：%(name)s（%(end)s到期），请收集业主问题")
                    % {"name": item.name, "end": item.ends_on},
                    url=item.get_absolute_url(),
                    project=item.project,
                    dedupe_key=f"feedback:warranty:{item.pk}:window",
                )
            counts["notices"] += len(new)
            counts["emails"] += len(mails)
    return counts


@transaction.atomic
def warranty_report_add(
    *,
    item: WarrantyItem,
    description: str,
    customer=None,
    unit=None,
    user=None,
    today: datetime.date | None = None,
) -> WarrantyReport:
    """Collect an owner's problem report while the item's collection window is open."""
    today = today or timezone.localdate()
    if not description.strip():
        raise DomainError(_("请填写问题描述。"))
    if item.notice_sent_on is None or today > (item.collection_until or item.ends_on):
        raise DomainError(_("该保修项目不在问题收集期内。"))
    for obj, msg in ((customer, _("客户不属于该项目。")), (unit, _("房号不属于该项目。"))):
        if obj is not None and obj.project_id != item.project_id:
            raise DomainError(msg)
    return WarrantyReport.objects.create(
        project_id=item.project_id,
        item=item,
        customer=customer,
        unit=unit,
        description=description.strip(),
        reported_on=today,
        recorded_by=user,
    )


@transaction.atomic
def warranty_reports_send(
    *,
    item: WarrantyItem,
    response_days: int | None = None,
    today: datetime.date | None = None,
    user=None,
) -> int:
    """Send the collected reports to the responsible unit with a deadline for its answer (the
    item's stored answer time from the policy, 15 days by default, unless one is given)."""
    today = today or timezone.localdate()
    item = WarrantyItem.objects.select_for_update().select_related("project").get(pk=item.pk)
    response_days = response_days or rule_value(item, "warranty_response_days")
    n = bulk_update_audited(
        WarrantyReport.objects.filter(item=item, status=WarrantyReport.Status.COLLECTED),
        actor=user,
        status=WarrantyReport.Status.SENT,
        sent_on=today,
        response_due=today + datetime.timedelta(days=response_days),
    )
    if not n:
        raise DomainError(_("没有待转交的问题。"))
    return n


@transaction.atomic
def warranty_channel_record(
    *,
    item: WarrantyItem,
    channel: str,
    done_at: datetime.datetime,
    done_by=None,
    reached: bool | None = None,
    note: str = "",
    user=None,
) -> WarrantyNoticeChannel:
    """Record a notice staff gave by hand (notice board or phone calls) for a warranty item.
    A channel is recorded once per item: a second record is refused (DomainError), except a
    phone round that reached nobody, which the next phone round replaces. The item is locked
    so two people recording at once cannot both pass the check."""
    item = WarrantyItem.objects.select_for_update().get(pk=item.pk)
    Kind = WarrantyNoticeChannel.Kind
    if channel not in Kind.values:
        raise DomainError(_("请选择通知方式。"))
    if done_at > timezone.now():
        raise DomainError(_("完成时间不能晚于现在。"))
    if channel == Kind.PHONE and reached is None:
        raise DomainError(_("电话通知请填写是否接通。"))
    if channel != Kind.PHONE:
        reached = None
    if (
        done_by is not None
        and not done_by.memberships.filter(project_id=item.project_id, is_active=True).exists()
    ):
        raise DomainError(_("执行人不是该项目的员工。"))
    existing = WarrantyNoticeChannel.objects.filter(item=item, channel=channel).first()
    if existing is not None and existing.counts_as_done:
        raise DomainError(
            _("该保修项目已记录过“%(channel)s”，不能重复记录。")
            % {"channel": existing.get_channel_display()}
        )
    row = existing or WarrantyNoticeChannel(project_id=item.project_id, item=item, channel=channel)
    row.done_at = done_at
    row.done_by = done_by
    row.reached = reached
    row.note = note.strip()
    row.recorded_by = user
    row.save()
    return row


# --- club care: greetings and events (R-FB-8) -----------------------------------------------


# A greeting missed because the job did not run that day (beat or worker down) is still sent
# on the following days, up to this many days late; never twice (unique per customer and key).
GREETING_CATCH_UP_DAYS = 3


@transaction.atomic
def _greet(customers, *, kind: str, key: str, body: str, today) -> int:
    """Greet each customer once per key: the unique Greeting rows and their SMS are written in
    one transaction (the SMS through the outbox, sent after commit, one row per phone and key),
    so two runs at the same time queue one message per customer and the gateway is called once."""
    rows = list(
        customers.exclude(Exists(Greeting.objects.filter(customer_id=OuterRef("pk"), key=key)))
        .order_by("pk")  # the same order in every run: concurrent inserts cannot deadlock
        .values_list("pk", "project_id", "phone", "name")
    )
    if not rows:
        return 0
    Greeting.objects.bulk_create(
        [
            Greeting(project_id=p, customer_id=c, kind=kind, key=key, sent_on=today)
            for c, p, _ph, _n in rows
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    by_project = defaultdict(list)
    for cid, pid, phone, name in rows:
        by_project[pid].append((phone, body % {"name": name}, f"feedback:greeting:{key}:{cid}"))
    for pid, messages in by_project.items():
        send_sms_many(messages=messages, project_id=pid)
    return len(rows)


def _born_on(day: datetime.date) -> Q:
    """Members whose birthday is on ``day`` (29 February birthdays on 28 February in other
    years)."""
    q = Q(birthday__month=day.month, birthday__day=day.day)
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        q |= Q(birthday__month=2, birthday__day=29)
    return q


def greetings_send(*, today: datetime.date | None = None) -> dict:
    """Daily (R-JOB-5): birthday greetings to club members born on this day (29 February
    birthdays on 28 February in other years) and holiday greetings on each active holiday;
    once per customer per year and holiday. It catches up on what is due rather than on "now":
    the birthdays and holidays of the last GREETING_CATCH_UP_DAYS days not greeted yet (a day
    the job did not run) are greeted too."""
    today = today or timezone.localdate()
    members = Customer.objects.filter(is_club_member=True)
    days = [today - datetime.timedelta(days=n) for n in range(GREETING_CATCH_UP_DAYS, -1, -1)]
    counts = {"birthday": 0, "holiday": 0}
    for day in days:
        counts["birthday"] += _greet(
            members.filter(_born_on(day)),
            kind=Greeting.Kind.BIRTHDAY,
            key=f"birthday:{day.year}",
            body=_("尊敬的%(name)s，祝您生日快乐！——客户俱乐部"),
            today=today,
        )
        for holiday in Holiday.objects.filter(
            Q(year__isnull=True) | Q(year=day.year), is_active=True, month=day.month, day=day.day
        ):
            counts["holiday"] += _greet(
                members,
                kind=Greeting.Kind.HOLIDAY,
                key=f"holiday:{holiday.pk}:{day.year}",
                body="%(name)s，" + holiday.greeting.replace("%", "%%"),
                today=today,
            )
    return counts


@transaction.atomic
def club_event_register(*, event: ClubEvent, customer) -> ClubEventAttendee:
    """Register a customer of the event's project; the capacity is respected (idempotent)."""
    event = ClubEvent.objects.select_for_update().get(pk=event.pk)
    if customer.project_id != event.project_id:
        raise DomainError(_("客户不属于该项目。"))
    existing = ClubEventAttendee.objects.filter(event=event, customer=customer).first()
    if existing:
        return existing
    if event.capacity and event.attendees.count() >= event.capacity:
        raise DomainError(_("活动名额已满。"))
    return ClubEventAttendee.objects.create(event=event, customer=customer)


@transaction.atomic
def club_event_mark_attended(*, attendee: ClubEventAttendee, attended: bool = True):
    attendee = ClubEventAttendee.objects.select_for_update().get(pk=attendee.pk)
    if attendee.attended != attended:
        attendee.attended = attended
        attendee.save(update_fields=["attended"])
    return attendee


@transaction.atomic
def club_event_create(
    *,
    project,
    title: str,
    starts_at: datetime.datetime,
    place: str = "",
    capacity: int | None = None,
    description: str = "",
) -> ClubEvent:
    return ClubEvent.objects.create(
        project=project,
        title=title.strip(),
        starts_at=starts_at,
        place=place,
        capacity=capacity,
        description=description,
    )
