"""Helpers shared by the renovation services: the application row lock and the check that an
action is allowed in the application's current status (its own message, before any move;
the move itself is ``salesite.workflow.transition``)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from ..exceptions import InvalidTransition
from ..models import RenovationApplication

CENT = Decimal("0.01")


def _lock(application) -> RenovationApplication:
    return RenovationApplication.objects.select_for_update().get(pk=application.pk)


def _require_status(app, *statuses, action):
    if app.status not in statuses:
        raise InvalidTransition(
            _("当前状态“%(status)s”不能%(action)s。")
            % {"status": app.get_status_display(), "action": action}
        )
