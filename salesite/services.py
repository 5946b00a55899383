"""Writes of the core domain: one function per use case."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exceptions import InvalidTransition
from salesite.models import Project, ProjectPhaseChange
from salesite.workflow import transition


@transaction.atomic
def project_change_phase(
    *, project: Project, to_phase: str, user, on: datetime.date | None = None, note: str = ""
) -> ProjectPhaseChange | None:
    """Move a project's marketing phase one step forward (``Project.TRANSITIONS``, through the
    workflow engine, which writes the dated ``ProjectPhaseChange`` row and returns it). Asking for the current phase again is
    answered with None (a double submit), not an error."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.marketing_phase == to_phase:
        return None
    on = on or timezone.localdate()
    last = project.phase_changes.order_by("-changed_on").first()
    if last and on < last.changed_on:
        raise InvalidTransition(
            _("变更日期不能早于上一次阶段变更（%(date)s）。") % {"date": last.changed_on}
        )
    project.phase_changed_on = on
    return transition(
        project,
        to_phase,
        by=user,
        note=note,
        fields=["phase_changed_on"],
        history={"changed_on": on},
    )
