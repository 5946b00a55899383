"""Forms of the 6+2 steps (R-FB-9): recording an action of a customer or the project's +2,
and the filter of the project list (validation only; the services do the writing)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesite.forms import DATE_WIDGET, CrispyMixin, PlausibleInputMixin
from salesite.models import Building

from .models import Step, StepAction, StepChannel
from .selectors.steps import StepStatus

# A member picks how the action was done; "系统" is what the workflows record.
STAFF_CHANNELS = [c for c in StepChannel.choices if c[0] != StepChannel.SYSTEM]


class StepRecordForm(CrispyMixin, forms.Form):
    one_time = True
    submit_label = _("记录")
    action = forms.ModelChoiceField(label=_("动作"), queryset=None)
    done_on = forms.DateField(label=_("完成日期"), widget=DATE_WIDGET)
    channel = forms.ChoiceField(label=_("方式"), choices=STAFF_CHANNELS)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, open_actions, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("done_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = StepAction.objects.filter(
            pk__in=[a.pk for a in open_actions]
        ).order_by("order")
        self.fields["action"].label_from_instance = str
        self.helper.form_id = "step-record-form"

    def clean_done_on(self):
        day = self.cleaned_data["done_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("完成日期不能晚于今天。"))
        return day


class ProjectStepRecordForm(CrispyMixin, forms.Form):
    one_time = True
    submit_label = _("记录四年之约")
    done_on = forms.DateField(label=_("完成日期"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("说明（更新改造计划）"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("done_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.helper.form_id = "project-step-form"

    def clean_done_on(self):
        day = self.cleaned_data["done_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("完成日期不能晚于今天。"))
        return day


class StepListFilterForm(PlausibleInputMixin, forms.Form):
    """The project list's filter (GET): the project among those the member sees, then step,
    action, status and building."""

    project = forms.ModelChoiceField(label=_("项目"), queryset=None, empty_label=None)
    step = forms.ChoiceField(label=_("步骤"), required=False)
    action = forms.ModelChoiceField(
        label=_("动作"), queryset=StepAction.objects.none(), required=False
    )
    status = forms.ChoiceField(label=_("状态"), required=False)
    building = forms.ModelChoiceField(
        label=_("楼栋"), queryset=Building.objects.none(), required=False
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        from salesite.models import Project

        self.fields["project"].queryset = Project.objects.filter(
            pk__in=[p.pk for p in projects]
        ).order_by("name")
        self.fields["step"].choices = [("", _("全部"))] + [
            c for c in Step.choices if c[0] != Step.FOUR_YEARS
        ]
        self.fields["status"].choices = [("", _("全部")), *StepStatus.CHOICES]
        self.fields["action"].queryset = StepAction.objects.filter(per_project=False).order_by(
            "order"
        )
        self.fields["action"].label_from_instance = str
        project_id = self.data.get("project") or (projects[0].pk if projects else None)
        self.fields["building"].queryset = Building.objects.filter(
            project_id=project_id if str(project_id).isdigit() else None
        ).order_by("name")
        self.fields["building"].label_from_instance = lambda b: b.name
