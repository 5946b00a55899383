"""Forms of repair quality (issue #16, items 7, 8): validation only; the services write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesite.forms import DATE_WIDGET, CrispyMixin, PlausibleInputMixin
from salesite.models import Project

from .models import SupervisorGrade, SupervisorProfile
from .models.repair_quality import TARGET_KEYS, TARGET_VALIDATORS, YearlyTarget
from .selectors import reassign_candidates

MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


def _projects_field(form, projects):
    form.fields["project"].queryset = Project.objects.filter(pk__in=[p.pk for p in projects])
    if len(projects) == 1:
        form.fields["project"].initial = projects[0].pk


class SupervisorForm(CrispyMixin, forms.Form):
    one_time = True
    project = forms.ModelChoiceField(label=_("项目"), queryset=None)
    user = forms.ModelChoiceField(label=_("监理人员"), queryset=None)
    grade = forms.ChoiceField(
        label=_("资质等级"), choices=[("", "—"), *SupervisorGrade.choices], required=False
    )
    assessed_on = forms.DateField(label=_("评定日期"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        _projects_field(self, projects)
        self.fields["user"].queryset = reassign_candidates([p.pk for p in projects])

    def clean(self):
        data = super().clean()
        user, project = data.get("user"), data.get("project")
        if user and project and not user.memberships.filter(project=project, is_active=True):
            self.add_error("user", _("该人员不是所选项目的成员。"))
        if data.get("grade") and not data.get("assessed_on"):
            self.add_error("assessed_on", _("填写资质等级时请填写评定日期。"))
        return data


class AssessForm(CrispyMixin, forms.Form):
    submit_label = _("记录评定")
    grade = forms.ChoiceField(label=_("资质等级"), choices=SupervisorGrade.choices)
    assessed_on = forms.DateField(label=_("评定日期"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class TrainingForm(CrispyMixin, forms.Form):
    one_time = True
    supervisor = forms.ModelChoiceField(label=_("监理人员"), queryset=None)
    month = forms.DateField(label=_("月份"), widget=MONTH_WIDGET, input_formats=MONTH_FORMATS)
    topic = forms.CharField(label=_("培训内容"), max_length=200)
    exam_score = forms.DecimalField(
        label=_("考试成绩（0–100）"),
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=100,
        required=False,
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = SupervisorProfile.objects.filter(
            project__in=[p.pk for p in projects], is_active=True
        ).select_related("user", "project")
        self.fields["supervisor"].label_from_instance = lambda s: f"{s.project.name} · {s}"


class LibraryEntryForm(CrispyMixin, forms.Form):
    project = forms.ModelChoiceField(label=_("项目"), queryset=None)
    title = forms.CharField(label=_("标题"), max_length=200)
    problem = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    cause = forms.CharField(
        label=_("原因分析"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    fix = forms.CharField(
        label=_("处理方法"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tags = forms.CharField(
        label=_("标签"), max_length=200, required=False, help_text=_("多个标签用逗号或空格分隔")
    )

    def __init__(self, *args, projects, edit=False, **kwargs):
        self.one_time = not edit
        super().__init__(*args, **kwargs)
        _projects_field(self, projects)
        if edit:
            del self.fields["project"]


class TargetForm(CrispyMixin, forms.Form):
    project = forms.ModelChoiceField(label=_("项目"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    note = forms.CharField(
        label=_("提升措施"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, projects, instance: YearlyTarget | None = None, **kwargs):
        # A new target carries the one-time token; an edit keeps its project and year.
        self.one_time = instance is None
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "project": instance.project_id,
                    "year": instance.year,
                    "note": instance.note,
                    **{f"{k}_target": instance.target_of(k) for k in TARGET_KEYS},
                },
            )
        super().__init__(*args, **kwargs)
        _projects_field(self, projects)
        if "year" not in self.initial:
            self.fields["year"].initial = timezone.localdate().year
        for key in TARGET_KEYS:
            self.fields[f"{key}_target"] = forms.DecimalField(
                label=YearlyTarget._meta.get_field(f"{key}_target").verbose_name,
                max_digits=3,
                decimal_places=2,
                required=False,
                validators=TARGET_VALIDATORS,
                help_text=_("1–5 分"),
            )
        self.order_fields(["project", "year", *[f"{k}_target" for k in TARGET_KEYS], "note"])
        if instance is not None:
            # The project and the year of a target are fixed: the edit form does not carry them.
            del self.fields["project"]
            del self.fields["year"]

    def clean(self):
        data = super().clean()
        if all(data.get(f"{k}_target") is None for k in TARGET_KEYS):
            raise forms.ValidationError(_("请至少填写一项目标。"))
        return data


class MonthForm(PlausibleInputMixin, forms.Form):
    month = forms.DateField(
        label=_("月份"), required=False, widget=MONTH_WIDGET, input_formats=MONTH_FORMATS
    )
