"""Writes for notifications. Jobs pass a ``dedupe_key`` so that a second run creates nothing.

Emails and SMS go through the outbox (salesite/outbox.py): they are rows of the caller's
transaction, sent by a worker after commit and by the beat sweep if the broker was away."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from salesite import outbox
from salesite.audit_bulk import bulk_update_audited
from salesite.models import Notification, OutboundMessage


def notify(
    *,
    recipient,
    title: str,
    body: str = "",
    url: str = "",
    project=None,
    level: str = Notification.Level.INFO,
    dedupe_key: str = "",
    email: bool = True,
) -> Notification | None:
    """Put a message in one user's inbox (once per dedupe_key) and mail it after commit."""
    created = notify_many(
        recipients=[recipient],
        title=title,
        body=body,
        url=url,
        project=project,
        level=level,
        dedupe_key=dedupe_key,
        email=email,
    )
    return created[0] if created else None


@transaction.atomic(savepoint=False)  # inbox rows and their outbox rows commit together
def notify_many(
    *,
    recipients: Iterable,
    title: str,
    body: str = "",
    url: str = "",
    project=None,
    level: str = Notification.Level.INFO,
    dedupe_key: str = "",
    email: bool = True,
) -> list[Notification]:
    recipients = {r.pk: r for r in recipients if r is not None}.values()
    rows = [
        Notification(
            recipient=r,
            title=title[:200],
            body=body,
            url=url,
            project=project,
            level=level,
            dedupe_key=dedupe_key,
        )
        for r in recipients
    ]
    if not rows:
        return []
    if dedupe_key:
        existing = set(
            Notification.objects.filter(
                dedupe_key=dedupe_key, recipient__in=[r.recipient_id for r in rows]
            ).values_list("recipient_id", flat=True)
        )
        rows = [r for r in rows if r.recipient_id not in existing]
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        # ignore_conflicts leaves pks unset on some databases: fetch what this call created.
        rows = list(
            Notification.objects.filter(
                dedupe_key=dedupe_key,
                recipient__in=[r.recipient_id for r in rows],
                email_sent_at__isnull=True,
            ).select_related("recipient")  # the email step reads recipient.email per row
        )
    else:
        rows = Notification.objects.bulk_create(rows)
    if email:
        outbox.queue(
            [notification_email(n) for n in rows if n.recipient.email],
            upsert=True,
        )
    return rows


def notification_email(n: Notification) -> outbox.Message:
    """The email of an inbox message, once per message (its dedupe key)."""
    return outbox.Message(
        channel=OutboundMessage.Channel.EMAIL,
        recipient=n.recipient.email,
        subject=f"[Salesite] {n.title}",
        body=n.body or n.title,
        project_id=n.project_id,
        dedupe_key=f"notification:{n.pk}",
        notification_id=n.pk,
    )


def send_sms(
    *, phone: str, body: str, project=None, dedupe_key: str = ""
) -> OutboundMessage | None:
    """Queue an SMS (once per phone and dedupe_key); a worker sends it after commit.

    Returns the outbox row, or None when this phone already has a message with this key."""
    created = send_sms_many(
        messages=[(phone, body, dedupe_key)], project_id=project.pk if project else None
    )
    return created[0] if created else None


def send_sms_many(*, messages: Iterable[tuple[str, str, str]], project_id=None) -> list:
    """Queue many SMS as (phone, body, dedupe_key) in one insert and one worker task."""
    return outbox.queue(
        outbox.Message(
            channel=OutboundMessage.Channel.SMS,
            recipient=phone,
            body=body,
            project_id=project_id,
            dedupe_key=key,
        )
        for phone, body, key in messages
        if phone
    )


def send_email_many(
    *, messages: Iterable[tuple[str, str, str, str]], project_id=None
) -> list[OutboundMessage]:
    """Queue many emails as (address, subject, body, dedupe_key): one insert, one task."""
    return outbox.queue(
        outbox.Message(
            channel=OutboundMessage.Channel.EMAIL,
            recipient=address,
            subject=subject,
            body=body,
            project_id=project_id,
            dedupe_key=key,
        )
        for address, subject, body, key in messages
        if address
    )


@transaction.atomic
def notify_each_once(
    rows: Iterable,
    *,
    roles,
    message,
    key,
    mark="",
    level: str = Notification.Level.REMINDER,
    now=None,
    extra=None,
) -> dict:
    """The one shape of a "tell them once" job: for each row (a record with ``project``),
    notify the active users holding ``roles`` on its project, then stamp ``mark``.

    ``roles``: role codes (their holders in membership order), or a callable giving them for
    a row (holders role by role). ``message(row)``: a dict of ``title`` (required), ``body``,
    ``url``, ``level``. ``key(row)``: the dedupe key, so a second run — or a run racing this
    one — sends nothing twice. ``mark``: the row's DateTimeField set to ``now`` when it has
    been told (the query that selected ``rows`` excludes marked rows); or a dict of field
    values to set (``{"notified": True}``); or a callable giving that dict for a row
    (``lambda m: {"reminded_for": m.due_date}``). ``extra(row)``: more recipients of the
    row's message after the role holders (its assignee, say). Returns ``{"due": rows,
    "notified": inbox messages created}``."""
    from django.utils import timezone

    from salesite.selectors import members_holding

    rows = list(rows)
    if not rows:
        return {"due": 0, "notified": 0}
    project_ids = {row.project_id for row in rows}
    if callable(roles):
        wanted = {code for row in rows for code in roles(row)}
        users = members_holding(wanted, project_ids, by_role=True)

        def holders(row):
            return [u for code in roles(row) for u in users.get((row.project_id, code), [])]

    else:
        users = members_holding(roles, project_ids)

        def holders(row):
            return users.get(row.project_id, [])

    notified = 0
    for row in rows:
        recipients = [*holders(row), *(extra(row) if extra else ())]
        fields = {"level": level, **message(row)}
        notified += len(
            notify_many(recipients=recipients, project=row.project, dedupe_key=key(row), **fields)
        )
    if mark:
        _mark_told(rows, mark, now or timezone.now())
    return {"due": len(rows), "notified": notified}


def _mark_told(rows: list, mark, now) -> None:
    """Stamp the told rows: one UPDATE per distinct set of values."""
    if isinstance(mark, str):
        values_of = lambda _row: {mark: now}  # noqa: E731
    elif callable(mark):
        values_of = mark
    else:
        values_of = lambda _row: mark  # noqa: E731
    groups: dict[tuple, list] = {}
    for row in rows:
        values = tuple(sorted(values_of(row).items(), key=lambda item: item[0]))
        groups.setdefault(values, []).append(row.pk)
    manager = type(rows[0])._default_manager
    for values, pks in groups.items():
        # Audited rows keep the stamp in their audit trail (the job names itself).
        bulk_update_audited(manager.filter(pk__in=pks), **dict(values))
