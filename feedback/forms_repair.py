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


def complaint_contractor_choices(case):
    """The contractors a complaint of ``case`` may be attributed to: those registered for the
    case's project by its property company, active or on probation (and the one already set,
    so that an attribution made before an elimination can be kept)."""
    from django.db.models import Q

    dispatchable = Contractor.objects.dispatchable(case.project).filter(
        company_id=case.project.property_company_id
    )
    if case.contractor_id:
        return Contractor.objects.filter(
            Q(pk__in=dispatchable.values("pk")) | Q(pk=case.contractor_id)
        ).order_by("name")
    return dispatchable.order_by("name")


class ComplaintContractorForm(CrispyMixin, forms.Form):
    """Which registered contractor a complaint is about (被投诉维修单位): counted in the
    contractor ranking's complaints. Optional: most complaints are about no contractor."""

    one_time = False
    submit_label = _("保存被投诉单位")
    contractor = forms.ModelChoiceField(
        label=_("被投诉维修单位"),
        queryset=Contractor.objects.none(),
        required=False,
        empty_label=_("（与维修单位无关）"),
        help_text=_(
            "投诉针对的本项目登记维修单位（合作中或考察期）；选定后计入该单位排名的投诉项。"
            "与维修单位无关的投诉请留空。"
        ),
        error_messages={
            "invalid_choice": _(
                "所选单位不是本项目物业公司登记的合作中或考察期维修单位，不能作为被投诉单位。"
            )
        },
    )
    note = forms.CharField(label=_("变更原因"), required=False, max_length=200)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["contractor"].queryset = complaint_contractor_choices(case)
        self.fields["contractor"].initial = case.contractor_id

    def clean_contractor(self):
        contractor = self.cleaned_data.get("contractor")
        # The queryset already holds only the company's contractors; said again in words of
        # the rule, in case the choices are ever widened.
        if (
            contractor is not None
            and contractor.company_id != self.case.project.property_company_id
        ):
            raise forms.ValidationError(
                _("维修单位“%(c)s”不属于本项目的物业公司，不能作为被投诉单位。")
                % {"c": contractor.name}
            )
        return contractor
