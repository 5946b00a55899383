"""Forms of the communication app: validation only. The record form is built for a phone:
the level is chosen before the form opens, participants are checkboxes, problems are added in
a small inline formset, and the time defaults to now."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communication import selectors
from communication.models import CommunicationRecord
from communication.periods import Period
from salesite.forms import DATE_WIDGET, CrispyMixin, OneTimeTokenMixin, PlausibleInputMixin
from salesite.models import Department, ProjectMembership, User

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MembershipChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.person}（{obj.role}）"


class DeveloperOwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.person}（{obj.role}）"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


LIAISON_FIELDS = ["held_at", "place", "participants", "other_participants", "topics", "decisions"]
REPORT_FIELDS = ["held_at", "summary", "feedback", "next_plan"]


class RecordForm(OneTimeTokenMixin, PlausibleInputMixin, forms.ModelForm):
    participants = MembershipChoiceField(
        queryset=ProjectMembership.objects.none(),
        label=_("参加人员"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recipients = UserMultipleChoiceField(
        queryset=User.objects.none(),
        label=_("纪要分发"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("保存后发送给所选人员，请其在系统中确认收到。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CommunicationRecord
        fields = [
            "held_at",
            "place",
            "department",
            "participants",
            "other_participants",
            "topics",
            "decisions",
            "summary",
            "feedback",
            "next_plan",
        ]
        widgets = {
            "held_at": DATETIME_WIDGET,
            "topics": forms.Textarea(attrs={"rows": 3}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "feedback": forms.Textarea(attrs={"rows": 3}),
            "next_plan": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, project, level, **kwargs):
        super().__init__(*args, **kwargs)
        self.project, self.level = project, level
        self.fields["held_at"].input_formats = [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
        ]
        self.fields["participants"].queryset = selectors.project_memberships(project)
        self.fields["recipients"].queryset = selectors.project_users(project)
        self.fields["department"].queryset = Department.objects.filter(
            company_id=project.service_centre_id
        )
        keep = list(REPORT_FIELDS if level.is_report else LIAISON_FIELDS)
        if level.kind == level.Kind.INTERNAL:
            keep.insert(2, "department")
        if level.is_report:
            is_month = level.period == Period.MONTH
            self.fields["summary"].label = _("本月进度总结") if is_month else _("本周工作小结")
            if not level.has_next_plan:
                keep.remove("next_plan")
        if level.uses_minutes:
            keep.append("recipients")
        keep.append("version")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            if "recipients" in self.fields:
                self.fields["recipients"].initial = list(
                    self.instance.recipients.values_list("user_id", flat=True)
                )

    def record_fields(self) -> dict:
        """The plain record fields for the service call."""
        skip = {"held_at", "participants", "recipients", "version"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class ProblemInlineForm(PlausibleInputMixin, forms.Form):
    title = forms.CharField(label=_("问题"), max_length=200, required=False)
    owner = UserChoiceField(
        queryset=User.objects.none(),
        label=_("责任人"),
        required=False,
        help_text=_("不选则为记录人。"),
    )
    due_date = forms.DateField(label=_("完成期限"), widget=DATE_WIDGET, required=False)
    developer_owner = DeveloperOwnerField(
        queryset=ProjectMembership.objects.none(), label=_("地产方责任人"), required=False
    )

    def __init__(self, *args, project, level, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.project_users(project)
        self.fields["developer_owner"].queryset = selectors.project_memberships(project).filter(
            role__side="developer"
        )
        if level.period == Period.DAY:
            # Daily problems are due the same day (R-COM-3): no choice to make.
            del self.fields["due_date"]

    def clean(self):
        cleaned = super().clean()
        others = [cleaned.get("owner"), cleaned.get("due_date"), cleaned.get("developer_owner")]
        if not cleaned.get("title") and any(others):
            self.add_error("title", _("请填写问题内容，或清空这一行。"))
        return cleaned


ProblemFormSet = forms.formset_factory(ProblemInlineForm, extra=2, max_num=20)


def problems_from_formset(formset, user) -> list[dict]:
    out = []
    for f in formset.forms:
        data = getattr(f, "cleaned_data", None) or {}
        if not data.get("title"):
            continue
        out.append(
            {
                "title": data["title"],
                "owner": data.get("owner") or user,
                "due_date": data.get("due_date"),
                "developer_owner": data.get("developer_owner"),
            }
        )
    return out


class ResolveForm(CrispyMixin, forms.Form):
    submit_label = _("标记为已解决")
    resolution = forms.CharField(
        label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class EscalateForm(CrispyMixin, forms.Form):
    submit_label = _("升级")
    to_level = forms.ChoiceField(label=_("升级到"))
    reason = forms.CharField(
        label=_("升级原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {str(lv.pk): lv for lv in targets}
        self.fields["to_level"].choices = [(str(lv.pk), lv.name) for lv in targets]

    def clean_to_level(self):
        return self.targets[self.cleaned_data["to_level"]]


class ReassignForm(CrispyMixin, forms.Form):
    submit_label = _("变更责任人")
    owner = UserChoiceField(queryset=User.objects.none(), label=_("责任人"))
    developer_owner = DeveloperOwnerField(
        queryset=ProjectMembership.objects.none(), label=_("地产方责任人"), required=False
    )
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.project_users(project)
        self.fields["developer_owner"].queryset = selectors.project_memberships(project).filter(
            role__side="developer"
        )


class ComplianceRangeForm(PlausibleInputMixin, forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("结束日期"), widget=DATE_WIDGET)
    project = forms.IntegerField(widget=forms.HiddenInput, required=False)
    company = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
            if (end - start).days > 366:
                raise forms.ValidationError(_("统计范围不能超过一年。"))
        return cleaned
