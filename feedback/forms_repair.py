"""The repair team of a case (issue #16): a registered contractor of the case's project and a
supervisor (维修监理) among the project's staff."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from salesite.forms import CrispyMixin
from salesite.models import Contractor, User


def _team_fields(case) -> dict:
    contractor = forms.ModelChoiceField(
        label=_("维修单位"),
        queryset=Contractor.objects.dispatchable(case.project).order_by("name"),
        required=False,
        help_text=_("本项目合作中或考察期的登记维修单位"),
    )
    supervisor = forms.ModelChoiceField(
        label=_("维修监理"),
        queryset=User.objects.filter(
            memberships__project=case.project, memberships__is_active=True
        ).distinct(),
        required=False,
    )
    return {"contractor": contractor, "repair_supervisor": supervisor}


def add_repair_team_fields(form, case) -> None:
    for name, field in _team_fields(case).items():
        form.fields[name] = field


class RepairTeamForm(CrispyMixin, forms.Form):
    """Change the contractor or supervisor of a dispatched repair."""

    one_time = False
    submit_label = _("变更维修单位/监理")
    note = forms.CharField(label=_("变更原因"), required=False, max_length=200)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        add_repair_team_fields(self, case)
        self.fields["contractor"].required = True
        self.fields["contractor"].initial = case.contractor_id
        self.fields["repair_supervisor"].initial = case.repair_supervisor_id
        self.order_fields(["contractor", "repair_supervisor", "note"])
