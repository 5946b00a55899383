"""Helpers shared by the renovation services: row locks, the state move, status checks."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from ..exceptions import InvalidTransition
from ..models import RenovationApplication, Status, StatusChange

CENT = Decimal("0.01")


def _lock(application) -> RenovationApplication:
    return RenovationApplication.objects.select_for_update().get(pk=application.pk)


def _move(app, to_status, *, user, now, note="", fields=()) -> StatusChange:
    """Validate and apply one state change; save the given fields too; write history."""
    if to_status not in app.allowed_next():
        raise InvalidTransition(
            _("装修申请不能从“%(from)s”变为“%(to)s”。")
            % {"from": app.get_status_display(), "to": Status(to_status).label}
        )
    change = StatusChange.objects.create(
        project_id=app.project_id,
        application=app,
        from_status=app.status,
        to_status=to_status,
        changed_by=user,
        changed_at=now,
        note=note,
    )
    app.status = to_status
    app.save(update_fields=["status", "updated_at", *fields])
    return change


def _require_status(app, *statuses, action):
    if app.status not in statuses:
        raise InvalidTransition(
            _("当前状态“%(status)s”不能%(action)s。")
            % {"status": app.get_status_display(), "action": action}
        )
