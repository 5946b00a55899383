"""Writes of the core domain: one function per use case."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exceptions import InvalidTransition
from salesite.models import MarketingPhase, Project, ProjectPhaseChange


@transaction.atomic
def project_change_phase(
    *, project: Project, to_phase: str, user, on: datetime.date | None = None, note: str = ""
) -> ProjectPhaseChange | None:
    """Move a project's marketing phase one step forward and record the dated transition."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.marketing_phase == to_phase:
        return None
    if to_phase not in project.allowed_next_phases():
        raise InvalidTransition(
            _("营销阶段不能从“%(from)s”变更为“%(to)s”。")
            % {
                "from": project.get_marketing_phase_display(),
                "to": MarketingPhase(to_phase).label,
            }
        )
    on = on or timezone.localdate()
    last = project.phase_changes.order_by("-changed_on").first()
    if last and on < last.changed_on:
        raise InvalidTransition(
            _("变更日期不能早于上一次阶段变更（%(date)s）。") % {"date": last.changed_on}
        )
    change = ProjectPhaseChange.objects.create(
        project=project,
        from_phase=project.marketing_phase,
        to_phase=to_phase,
        changed_on=on,
        changed_by=user,
        note=note,
    )
    project.marketing_phase = to_phase
    project.phase_changed_on = on
    project.save(update_fields=["marketing_phase", "phase_changed_on"])
    return change
