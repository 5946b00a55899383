"""Reads of the owner portal's 通知, 装修 and 交房 pages, always narrowed through
``owners.selectors.owned`` (another owner's row is a 404) and in a fixed number of queries
whatever the number of rows.

Notices are addressed to customer records (a tenant has none); renovation and handover are the
owner's data (fees, the owner's file): a tenant reaches none of them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import CharField, DateField, IntegerField, Value
from django.db.models.functions import Cast, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import Owner, get_owned_or_404, owned

# --- 通知 ---------------------------------------------------------------------------------------

NOTICE = "notice"  # a progress or design-change notice (handover.NoticeRecipient row)
WARRANTY = "warranty"  # a warranty-expiry notice (feedback.WarrantyNotice row)
OPENDAY = "openday"  # a site open-day invitation (handover.OpenDayInvitation row)
NOTICE_KINDS = (NOTICE, WARRANTY, OPENDAY)
NOTICES_PER_PAGE = 20


def _notice_rows(owner: Owner):
    from handover.models import NoticeRecipient, NoticeStatus

    return owned(
        owner,
        NoticeRecipient.objects.filter(notice__status=NoticeStatus.SENT),
        unit_field=None,
        customer_field="customer",
    )


def _warranty_rows(owner: Owner):
    from feedback.models import WarrantyNotice

    return owned(owner, WarrantyNotice.objects.all(), unit_field=None, customer_field="customer")


def _openday_rows(owner: Owner):
    from handover.models import OpenDayInvitation

    # Invitations are created when they are sent (handover.services.notices.openday_invite).
    return owned(
        owner,
        OpenDayInvitation.objects.filter(open_day__invited_at__isnull=False),
        unit_field=None,
        customer_field="customer",
    )


@dataclass
class NoticeEntry:
    kind: str
    row: object
    day: datetime.date

    @property
    def pk(self) -> int:
        return self.row.pk

    @property
    def kind_label(self) -> str:
        if self.kind == NOTICE:
            return self.row.notice.get_kind_display()
        if self.kind == WARRANTY:
            return str(_("保修到期通知"))
        return str(_("工地开放日邀请"))

    @property
    def title(self) -> str:
        if self.kind == NOTICE:
            return self.row.notice.title
        if self.kind == WARRANTY:
            return str(
                _("%(name)s保修期将于 %(end)s 到期")
                % {
                    "name": self.row.item.name,
                    "end": self.row.item.ends_on.isoformat(),
                }
            )
        return f"{self.row.open_day.title}（{self.row.open_day.held_on.isoformat()}）"

    @property
    def project(self):
        return self.row.project


def _feed_keys(owner: Owner):
    """(kind, pk, day) of every notice of the owner, newest first, as one SQL union."""
    day = DateField()

    def keyed(qs, kind: str, day_expr):
        return (
            qs.order_by()
            .annotate(
                k=Value(kind, output_field=CharField()),
                row=Cast("pk", IntegerField()),
                day=day_expr,
            )
            .values_list("k", "row", "day")
        )

    return keyed(_notice_rows(owner), NOTICE, TruncDate("notice__sent_at")).union(
        keyed(_warranty_rows(owner), WARRANTY, Cast("sent_on", day)),
        keyed(_openday_rows(owner), OPENDAY, TruncDate("open_day__invited_at")),
        all=True,
    )


def notice_page(owner: Owner, page_number):
    """One page of the owner's notices, newest first: a count and the page's keys (union
    queries), then the page's rows of each kind (one query per kind)."""
    from feedback.models import WarrantyNotice
    from handover.models import NoticeRecipient, OpenDayInvitation

    keys = _feed_keys(owner).order_by("-day", "-row", "k")
    page = Paginator(keys, NOTICES_PER_PAGE).get_page(page_number)
    wanted: dict[str, list[int]] = {kind: [] for kind in NOTICE_KINDS}
    for kind, pk, _day in page.object_list:
        wanted[kind].append(pk)
    rows = {
        NOTICE: NoticeRecipient.objects.select_related("notice", "project"),
        WARRANTY: WarrantyNotice.objects.select_related("item", "project"),
        OPENDAY: OpenDayInvitation.objects.select_related("open_day", "project"),
    }
    found = {
        kind: {r.pk: r for r in rows[kind].filter(pk__in=pks)} if pks else {}
        for kind, pks in wanted.items()
    }
    entries = []
    for kind, pk, day in page.object_list:
        row = found[kind].get(pk)
        if row is not None:
            if isinstance(day, datetime.datetime):
                day = day.date()
            elif isinstance(day, str):
                day = datetime.date.fromisoformat(day[:10])
            entries.append(NoticeEntry(kind=kind, row=row, day=day))
    page.entries = entries
    return page


def notice_entry(owner: Owner, kind: str, pk: int) -> NoticeEntry:
    """One notice of the owner; another owner's (or an unknown kind or id) is a 404."""
    if kind == NOTICE:
        row = get_owned_or_404(
            owner,
            _notice_rows(owner).select_related("notice", "project"),
            unit_field=None,
            customer_field="customer",
            pk=pk,
        )
        return NoticeEntry(kind, row, timezone.localdate(row.notice.sent_at))
    if kind == WARRANTY:
        row = get_owned_or_404(
            owner,
            _warranty_rows(owner).select_related("item", "project"),
            unit_field=None,
            customer_field="customer",
            pk=pk,
        )
        return NoticeEntry(kind, row, row.sent_on)
    if kind == OPENDAY:
        row = get_owned_or_404(
            owner,
            _openday_rows(owner).select_related("open_day", "project"),
            unit_field=None,
            customer_field="customer",
            pk=pk,
        )
        return NoticeEntry(kind, row, timezone.localdate(row.open_day.invited_at))
    raise Http404


# --- 装修 ---------------------------------------------------------------------------------------


def _applications(owner: Owner):
    """The owner's renovation applications: those of their customer records, and those of
    their units recorded without a customer (never another customer's, e.g. a former owner's
    application of a resold unit)."""
    from django.db.models import Q

    from renovation.models import RenovationApplication

    mine_or_unnamed = RenovationApplication.objects.filter(
        Q(owner__isnull=True) | Q(owner_id__in=owner.customer_ids)
    )
    return owned(owner, mine_or_unnamed, unit_field="unit", customer_field="owner")


def renovation_list(owner: Owner):
    from renovation import selectors as renovation_selectors

    return renovation_selectors.owner_applications(_applications(owner))


def renovation_application(owner: Owner, pk: int):
    from renovation import selectors as renovation_selectors

    return get_owned_or_404(
        owner,
        renovation_selectors.owner_applications(_applications(owner)),
        unit_field="unit",
        customer_field="owner",
        pk=pk,
    )


def renovation_document(owner: Owner, application_pk: int, document_pk: int):
    """A document line of one of the owner's applications (else 404)."""
    from renovation.models import ApplicationDocument

    app = renovation_application(owner, application_pk)
    try:
        return ApplicationDocument.objects.select_related("application").get(
            application=app, pk=document_pk
        )
    except ApplicationDocument.DoesNotExist as exc:
        raise Http404 from exc


def renovation_file(owner: Owner, pk: int):
    """A file on a document line of one of the owner's applications; a personal-data scan
    (an ID copy) is not served to the portal, nor any file of another owner (404)."""
    from django.contrib.contenttypes.models import ContentType

    from renovation.models import ApplicationDocument
    from salesite.models import Attachment

    documents = ApplicationDocument.objects.filter(
        application__in=_applications(owner).values("pk")
    )
    try:
        return Attachment.objects.get(
            pk=pk,
            content_type=ContentType.objects.get_for_model(ApplicationDocument),
            object_id__in=documents.values("pk"),
            personal=False,
        )
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc


# --- 交房 ---------------------------------------------------------------------------------------


@dataclass
class HandoverCard:
    unit: object
    case: object | None
    promised_on: datetime.date | None  # the planned delivery date of its batch or building
    done: list  # [(step label, completed at)]
    to_come: list  # [step label]
    items: list  # rectification items, each with .photos


def handover_cards(owner: Owner) -> list[HandoverCard]:
    """Per owned unit: the handover steps done and to come, the rectification items with
    their state, deadline and photos, and the date promised — in five queries."""
    from handover import selectors as handover_selectors
    from handover.models import (
        CaseStatus,
        DeliveryBatch,
        HandoverStep,
        HandoverStepRecord,
        RectificationItem,
    )

    units = list(
        owned(owner)
        .select_related("project", "building", "handover")
        .order_by("project__name", "building__name", "number")
    )
    batch_dates: dict[int, datetime.date] = {}
    for unit_id, planned in (
        DeliveryBatch.units.through.objects.filter(unit_id__in=[u.pk for u in units])
        .order_by("-deliverybatch__planned_delivery_date")
        .values_list("unit_id", "deliverybatch__planned_delivery_date")
    ):
        batch_dates.setdefault(unit_id, planned)
    cases = [u.handover for u in units if getattr(u, "handover", None) is not None]
    steps: dict[int, list] = {}
    for record in HandoverStepRecord.objects.filter(case__in=cases).order_by("step"):
        steps.setdefault(record.case_id, []).append(record)
    items = handover_selectors.with_photos(
        list(RectificationItem.objects.filter(case__in=cases).order_by("deadline", "pk"))
    )
    by_case: dict[int, list] = {}
    for item in items:
        by_case.setdefault(item.case_id, []).append(item)
    cards = []
    for unit in units:
        case = getattr(unit, "handover", None)
        done_records = steps.get(case.pk, []) if case else []
        done_steps = {r.step for r in done_records}
        to_come = []
        if case is None or case.status != CaseStatus.COMPLETED:
            to_come = [s.label for s in HandoverStep if s.value not in done_steps]
        promised = batch_dates.get(unit.pk) or (
            unit.building.actual_delivery_date or unit.building.planned_delivery_date
        )
        cards.append(
            HandoverCard(
                unit=unit,
                case=case,
                promised_on=promised,
                done=[(HandoverStep(r.step).label, r.completed_at) for r in done_records],
                to_come=to_come,
                items=by_case.get(case.pk, []) if case else [],
            )
        )
    return cards


def handover_photo(owner: Owner, pk: int):
    """A photo of a rectification item of one of the owner's units (else 404)."""
    from django.contrib.contenttypes.models import ContentType

    from handover.models import RectificationItem
    from salesite.models import Attachment

    items = owned(owner, RectificationItem.objects.all(), unit_field="case__unit")
    try:
        return Attachment.objects.get(
            pk=pk,
            content_type=ContentType.objects.get_for_model(RectificationItem),
            object_id__in=items.values("pk"),
            mime_type__startswith="image/",
            personal=False,
        )
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc
