"""Renovation lectures (R-REN-9)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback import services as feedback_services

from ..exceptions import InvalidTransition
from ..models import LectureAttendee, RenovationLecture


@transaction.atomic
def lecture_save(*, lecture: RenovationLecture, user) -> RenovationLecture:
    if lecture.pk is None:
        lecture.created_by = user
    lecture.save()
    return lecture


@transaction.atomic
def lecture_attendees_add(*, lecture, unit, user, name: str = "") -> int:
    """Add the owners of a unit (its active purchases' customers), or the named person."""
    from salesite.models import Purchase

    if unit.project_id != lecture.project_id:
        raise InvalidTransition(_("该房屋不属于本讲座的项目。"))
    if name.strip():
        people = [(None, name.strip())]
    else:
        people = [
            (p.customer, p.customer.name)
            for p in Purchase.objects.filter(unit=unit, is_active=True).select_related("customer")
        ]
        if not people:
            raise InvalidTransition(_("该房屋没有业主记录，请填写参加人姓名。"))
    existing = set(
        LectureAttendee.objects.filter(lecture=lecture, unit=unit).values_list("name", flat=True)
    )
    new = [
        LectureAttendee(
            project_id=lecture.project_id, lecture=lecture, unit=unit, customer=c, name=n
        )
        for c, n in people
        if n not in existing
    ]
    if not new:
        raise InvalidTransition(_("该业主已登记参加本次讲座。"))
    LectureAttendee.objects.bulk_create(new, ignore_conflicts=True)
    # The owner attended a renovation lecture: 装修指引 of the 6+2 step 恭迎乔迁 (R-FB-9).
    attended_on = min(lecture.held_on, timezone.localdate())
    for attendee in new:
        feedback_services.tick_step(
            customer=attendee.customer,
            action_code="renovation_guidance",
            on=attended_on,
            source=f"renovation:lecture:{lecture.pk}",
            by=user,
            channel="event",
        )
    return len(new)


@transaction.atomic
def lecture_attendee_remove(*, attendee: LectureAttendee, user) -> None:
    attendee.delete()
