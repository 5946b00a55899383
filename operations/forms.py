"""Forms of sales-site operations: validation only; views hand the cleaned data to services.
Choices are always limited to the projects (and their staff) the user may act on."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from operations.models import (
    PLAN_FIELDS,
    EventChecklistItem,
    InspectionChecklist,
    MarketingEvent,
    RosterEntry,
    ServiceCategory,
    ServicePlan,
    ServicePost,
    ServiceType,
    Shift,
    SiteArea,
    TrainingAttendance,
    TrainingSession,
)
from salesite.forms import DATE_WIDGET, CrispyMixin, PlausibleInputMixin
from salesite.models import Project

from .selectors import project_staff

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


class ProjectChoiceMixin:
    """A ``project`` field limited to ``projects``; dropped when editing an existing row."""

    def _limit_project(self, projects):
        if "project" not in self.fields:
            return
        if self.instance.pk:
            del self.fields["project"]
            return
        qs = Project.objects.filter(pk__in=[p.pk for p in projects])
        self.fields["project"].queryset = qs
        if len(projects) == 1:
            self.fields["project"].initial = projects[0].pk


class SiteAreaForm(ProjectChoiceMixin, CrispyMixin, forms.ModelForm):
    class Meta:
        model = SiteArea
        fields = ["project", "name", "kind", "description", "order"]
        widgets = {"description": TEXT}

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_project(projects)

    def clean(self):
        cleaned = super().clean()
        project = cleaned.get("project") or (self.instance.project if self.instance.pk else None)
        name = cleaned.get("name")
        if project and name:
            dup = SiteArea.objects.filter(project=project, name=name).exclude(pk=self.instance.pk)
            if dup.exists():
                self.add_error("name", _("本项目已有同名区域。"))
        return cleaned


class ServicePostForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = ServicePost
        fields = ["name", "headcount", "shifts", "duties", "work_standard", "is_active", "order"]
        widgets = {
            "duties": TEXT,
            "work_standard": TEXT,
            "shifts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, area: SiteArea, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.instance.area = area
        self.fields["shifts"].queryset = Shift.objects.for_project(area.project)
        self.fields["shifts"].help_text = _("岗位每个班次都需达到定员；不选班次则按全天计。")

    def clean_name(self):
        name = self.cleaned_data["name"]
        dup = ServicePost.objects.filter(area=self.area, name=name).exclude(pk=self.instance.pk)
        if dup.exists():
            raise forms.ValidationError(_("该区域已有同名岗位。"))
        return name


class ShiftForm(ProjectChoiceMixin, CrispyMixin, forms.ModelForm):
    class Meta:
        model = Shift
        fields = ["project", "name", "start", "end", "order"]
        widgets = {"start": TIME_WIDGET, "end": TIME_WIDGET}

    def __init__(self, *args, projects=(), allow_global=False, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_project(projects)
        if "project" in self.fields:
            self.fields["project"].required = not allow_global

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start == end:
            self.add_error("end", _("结束时间不能与开始时间相同。"))
        return cleaned


class RosterAddForm(CrispyMixin, forms.ModelForm):
    submit_label = _("排班")

    class Meta:
        model = RosterEntry
        fields = ["post", "shift", "user", "note"]

    def __init__(self, *args, project: Project, date, **kwargs):
        super().__init__(*args, **kwargs)
        self.date = date
        self.fields["post"].queryset = ServicePost.objects.filter(
            project=project, is_active=True
        ).select_related("area")
        self.fields["shift"].queryset = Shift.objects.for_project(project)
        self.fields["user"].queryset = project_staff(project)

    def clean(self):
        cleaned = super().clean()
        post, shift = cleaned.get("post"), cleaned.get("shift")
        if post and shift:
            post_shifts = {s.pk for s in post.shifts.all()}
            if post_shifts and shift.pk not in post_shifts:
                self.add_error("shift", _("该岗位没有此班次。"))
        user = cleaned.get("user")
        if post and shift and user:
            taken = RosterEntry.objects.filter(
                date=self.date, post=post, shift=shift, user=user
            ).exists()
            if taken:
                self.add_error("user", _("该员工当天该班次已排在此岗位。"))
        return cleaned

    def validate_unique(self):
        pass  # the date is not a form field; checked in clean() and by the service


class RosterCopyForm(CrispyMixin, forms.Form):
    submit_label = _("复制排班")
    from_date = forms.DateField(label=_("复制自日期"), widget=DATE_WIDGET)


class ServiceTypeForm(ProjectChoiceMixin, CrispyMixin, forms.ModelForm):
    class Meta:
        model = ServiceType
        fields = [
            "category",
            "project",
            "name",
            "description",
            "default_standard",
            "is_active",
            "order",
        ]
        widgets = {"description": TEXT, "default_standard": TEXT}

    def __init__(self, *args, projects=(), allow_global=False, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_project(projects)
        if "project" in self.fields:
            self.fields["project"].required = not allow_global
        if not allow_global:
            # Project staff add featured services for their project; HQ edits the catalogue.
            self.fields["category"].queryset = ServiceCategory.objects.filter(code="featured")

    def clean(self):
        cleaned = super().clean()
        project = cleaned.get("project", self.instance.project if self.instance.pk else None)
        category, name = cleaned.get("category"), cleaned.get("name")
        if category and name:
            dup = ServiceType.objects.filter(category=category, name=name, project=project)
            if dup.exclude(pk=self.instance.pk).exists():
                self.add_error("name", _("同类别下已有同名服务。"))
        return cleaned


class PlanForm(ProjectChoiceMixin, CrispyMixin, forms.ModelForm):
    project = forms.ModelChoiceField(queryset=Project.objects.none(), label=_("项目"))

    class Meta:
        model = ServicePlan
        fields = ["title", *PLAN_FIELDS]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in PLAN_FIELDS}

    field_order = ["project", "title"]

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_project(projects)
        self.fields["external_customers"].help_text = _(
            "客户群体定位、需求、生活习性、共性特点等（外部客户：来访客户、业主）。"
        )
        self.fields["internal_customers"].help_text = _(
            "地产营销/策划、销售顾问等内部客户的服务需求。"
        )
        self.fields["demand_research"].help_text = _(
            "与地产营销部门的信息互动：现场服务期望值与配合建议。"
        )


class PlanServiceForm(CrispyMixin, forms.Form):
    submit_label = _("添加/更新服务")
    service_type = forms.ModelChoiceField(queryset=ServiceType.objects.none(), label=_("服务项目"))
    standard = forms.CharField(label=_("服务标准"), widget=TEXT)
    order = forms.IntegerField(label=_("排序"), initial=100, min_value=0, max_value=32767)

    def __init__(self, *args, plan: ServicePlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = (
            ServiceType.objects.for_project(plan.project)
            .filter(is_active=True)
            .select_related("category")
        )


class CommentForm(CrispyMixin, forms.Form):
    comment = forms.CharField(label=_("意见"), widget=TEXT, required=False)


class PlanReviseForm(CrispyMixin, forms.Form):
    submit_label = _("修订")
    reason = forms.CharField(
        label=_("修订原因"), max_length=200, help_text=_("例如：营销节奏调整、退回意见修改。")
    )


class TrainingForm(ProjectChoiceMixin, CrispyMixin, forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = [
            "project",
            "date",
            "topic",
            "kind",
            "trainer",
            "trainer_name",
            "hours",
            "place",
            "content",
        ]
        widgets = {"date": DATE_WIDGET, "content": TEXT}

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_project(projects)
        from .selectors import staff_of_projects

        ids = [self.instance.project_id] if self.instance.pk else [p.pk for p in projects]
        self.fields["trainer"].queryset = staff_of_projects(ids)


class AttendanceForm(CrispyMixin, forms.ModelForm):
    submit_label = _("保存参训记录")

    class Meta:
        model = TrainingAttendance
        fields = ["user", "attended", "score", "passed", "result"]
        widgets = {"passed": forms.NullBooleanSelect}

    def __init__(self, *args, session: TrainingSession, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.session = session
        self.fields["user"].queryset = project_staff(session.project)
        self.fields["score"].widget.attrs.update({"min": 0, "max": 100})
        if self.instance.pk:
            self.fields["user"].disabled = True

    def validate_unique(self):
        pass  # adding an attendee twice updates the row (service update_or_create)


class EventForm(ProjectChoiceMixin, CrispyMixin, forms.ModelForm):
    class Meta:
        model = MarketingEvent
        fields = [
            "project",
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "description",
            "expected_visitors",
            "staff",
        ]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "description": TEXT,
            "staff": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_project(projects)
        from .selectors import staff_of_projects

        ids = [self.instance.project_id] if self.instance.pk else [p.pk for p in projects]
        self.fields["staff"].queryset = staff_of_projects(ids)

    def clean(self):
        cleaned = super().clean()
        project, staff = cleaned.get("project"), cleaned.get("staff")
        if project and staff:
            allowed = set(project_staff(project).values_list("pk", flat=True))
            if any(u.pk not in allowed for u in staff):
                self.add_error("staff", _("配合人员必须是该项目的员工。"))
        return cleaned


class ChecklistItemForm(CrispyMixin, forms.ModelForm):
    submit_label = _("添加事项")

    class Meta:
        model = EventChecklistItem
        fields = ["kind", "text"]


class EventOutcomeForm(CrispyMixin, forms.Form):
    submit_label = _("保存后评估")
    visitor_count = forms.IntegerField(label=_("实际来访人数"), min_value=0, max_value=100_000)
    evaluation = forms.CharField(
        label=_("后评估"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("活动效果、配合情况、存在问题与改进措施。"),
    )
    rating = forms.TypedChoiceField(
        label=_("评分"),
        coerce=int,
        choices=[(i, f"{i} ★") for i in range(5, 0, -1)],
    )


class InspectionCreateForm(CrispyMixin, forms.Form):
    one_time = True
    submit_label = _("开始检查")
    project = forms.ModelChoiceField(queryset=Project.objects.none(), label=_("项目"))
    checklist = forms.ModelChoiceField(
        queryset=InspectionChecklist.objects.filter(is_active=True), label=_("检查表")
    )
    date = forms.DateField(label=_("检查日期"), widget=DATE_WIDGET)

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(pk__in=[p.pk for p in projects])


class InspectionScoresForm(PlausibleInputMixin, forms.Form):
    """One score and note field per item of the inspection."""

    def __init__(self, *args, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for s in scores:
            self.fields[f"score_{s.pk}"] = forms.IntegerField(
                label=s.item.text,
                min_value=0,
                required=False,
                initial=s.score,
                widget=forms.NumberInput(
                    attrs={
                        "min": 0,
                        "max": s.item.max_score,
                        "inputmode": "numeric",
                        "class": "form-control form-control-sm",
                        "style": "width: 5em",
                        "form": "scores-form",
                    }
                ),
            )
            self.fields[f"note_{s.pk}"] = forms.CharField(
                label=_("扣分说明"),
                max_length=300,
                required=False,
                initial=s.note,
                widget=forms.TextInput(
                    attrs={"class": "form-control form-control-sm", "form": "scores-form"}
                ),
            )
            self.rows.append(s)

    def clean(self):
        cleaned = super().clean()
        for s in self.rows:
            value = cleaned.get(f"score_{s.pk}")
            if value is not None and value > s.item.max_score:
                self.add_error(
                    f"score_{s.pk}",
                    _("得分不能超过满分 %(max)s。") % {"max": s.item.max_score},
                )
        return cleaned

    def bound_rows(self):
        return [(s, self[f"score_{s.pk}"], self[f"note_{s.pk}"]) for s in self.rows]

    def scores(self):
        return {
            s.pk: (self.cleaned_data[f"score_{s.pk}"], self.cleaned_data[f"note_{s.pk}"])
            for s in self.rows
        }


class InspectionCompleteForm(CrispyMixin, forms.Form):
    submit_label = _("完成检查并生成整改项")
    owner = forms.ModelChoiceField(queryset=None, label=_("整改负责人"))
    deadline = forms.DateField(label=_("整改期限"), widget=DATE_WIDGET)
    summary = forms.CharField(label=_("检查总结"), widget=TEXT, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = project_staff(project)


class RectificationForm(CrispyMixin, forms.Form):
    owner = forms.ModelChoiceField(queryset=None, label=_("整改负责人"))
    deadline = forms.DateField(label=_("整改期限"), widget=DATE_WIDGET)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = project_staff(project)


class RectificationDoneForm(CrispyMixin, forms.Form):
    submit_label = _("提交整改结果")
    note = forms.CharField(label=_("整改情况"), widget=TEXT)


class RectificationVerifyForm(CrispyMixin, forms.Form):
    submit_label = _("提交验证结果")
    accepted = forms.TypedChoiceField(
        label=_("验证结果"),
        coerce=lambda v: v == "1",
        choices=[("1", _("通过")), ("0", _("不通过，退回整改"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("验证意见"), max_length=200, required=False)
