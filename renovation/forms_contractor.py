"""The application's optional pick of a contractor from the core's register (issue #16)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from salesite.models import DISPATCHABLE_STATUSES, Contractor


class RegisteredContractorMixin:
    """``registered_contractor``: the register's active or probation contractors of the
    form's projects; picking one fills an empty 装修单位 with its name, and it must serve the
    unit's project."""

    def narrow_registered_contractor(self, buildings) -> None:
        """Called by the form once its buildings are known."""
        field = self.fields["registered_contractor"]
        projects = buildings.values("project_id") if buildings is not None else []
        field.queryset = (
            Contractor.objects.filter(projects__in=projects, status__in=DISPATCHABLE_STATUSES)
            .distinct()
            .order_by("name")
        )
        field.help_text = _("可从维修/施工单位登记册中选择；选择后“装修单位”留空将自动填写")
        self.fields["contractor_name"].required = False

    def clean(self):
        cleaned = super().clean()
        picked = cleaned.get("registered_contractor")
        if picked is not None:
            building = cleaned.get("building")
            project_id = building.project_id if building else self.instance.project_id
            if project_id and not picked.projects.filter(pk=project_id).exists():
                self.add_error("registered_contractor", _("该施工单位不服务于本项目。"))
            elif not (cleaned.get("contractor_name") or "").strip():
                cleaned["contractor_name"] = picked.name
        if not (cleaned.get("contractor_name") or "").strip():
            self.add_error("contractor_name", _("请填写装修单位或从登记册中选择。"))
        return cleaned
