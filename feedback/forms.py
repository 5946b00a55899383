"""Forms of the feedback app: validation only; the services do the writing."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from salesite.forms import CrispyMixin
from salesite.models import Building, Customer, Department, Project, Unit, User

from .models import CaseKind, Channel, ComplaintCategory, Question

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CaseForm(forms.Form):
    """The one front-desk entry (R-FB-1..4); the customer is picked by search, never from a
    list of every customer."""

    project = forms.ModelChoiceField(label=_("项目"), queryset=None)
    kind = forms.ChoiceField(
        label=_("类型"), choices=CaseKind.choices, widget=forms.RadioSelect, initial=CaseKind.VISIT
    )
    channel = forms.ChoiceField(
        label=_("方式"), choices=Channel.choices, widget=forms.RadioSelect, initial=Channel.VISIT
    )
    complaint_category = forms.ChoiceField(
        label=_("投诉类别"), choices=[("", "—")] + ComplaintCategory.choices, required=False
    )
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    walk_in_name = forms.CharField(label=_("来访人（未登记客户）"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("联系电话/来电号码"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=None, required=False)
    unit_number = forms.CharField(label=_("房号"), max_length=30, required=False)
    area = forms.CharField(label=_("区域"), max_length=50, required=False)
    subject = forms.CharField(label=_("事由"), max_length=200)
    content = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    settled_on_spot = forms.BooleanField(label=_("当场处理完毕"), required=False)
    reply = forms.CharField(
        label=_("当场答复内容"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_major = forms.BooleanField(
        label=_("重大/紧急/突发（立即上报领导）；报修为重点工程"), required=False
    )
    promised_at = forms.DateTimeField(
        label=_("承诺答复时间"), required=False, widget=DATETIME_WIDGET
    )

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        projects = list(projects or [])
        self.fields["project"].queryset = Project.objects.filter(pk__in=[p.pk for p in projects])
        if len(projects) == 1:
            self.fields["project"].initial = projects[0].pk
        self.fields["building"].queryset = Building.objects.filter(
            project__in=[p.pk for p in projects]
        ).select_related("project")
        self.fields["building"].label_from_instance = lambda b: (
            b.name if len(projects) == 1 else f"{b.project.name} {b.name}"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        project = data.get("project")
        if project is None:
            return data
        customer_id = data.get("customer")
        data["customer_obj"] = None
        if customer_id:
            data["customer_obj"] = Customer.objects.filter(pk=customer_id, project=project).first()
            if data["customer_obj"] is None:
                self.add_error(None, _("所选客户不属于该项目，请重新搜索。"))
        elif not data.get("walk_in_name", "").strip():
            self.add_error("walk_in_name", _("请搜索选择客户，或填写来访人姓名。"))
        building = data.get("building")
        if building is not None and building.project_id != project.pk:
            self.add_error("building", _("楼栋不属于该项目。"))
        data["unit_obj"] = None
        number = data.get("unit_number", "").strip()
        if number:
            if building is None:
                self.add_error("building", _("填写房号时请选择楼栋。"))
            else:
                data["unit_obj"] = Unit.objects.filter(building=building, number=number).first()
                if data["unit_obj"] is None:
                    self.add_error("unit_number", _("该楼栋没有此房号。"))
        if data.get("kind") == CaseKind.COMPLAINT and not data.get("complaint_category"):
            self.add_error("complaint_category", _("投诉须选择类别。"))
        if data.get("settled_on_spot") and not data.get("reply", "").strip():
            self.add_error("reply", _("当场处理完毕的事项请填写答复内容。"))
        return data


class DispatchForm(CrispyMixin, forms.Form):
    submit_label = _("转派")

    department = forms.ModelChoiceField(label=_("转派部门"), queryset=None, required=False)
    assignee = forms.ModelChoiceField(label=_("处理人"), queryset=None, required=False)
    responsible_person = forms.CharField(label=_("责任人"), max_length=50, required=False)
    repair_contractor = forms.CharField(label=_("维修单位"), max_length=100, required=False)
    supervisor = forms.CharField(label=_("监督人"), max_length=50, required=False)
    note = forms.CharField(label=_("备注"), required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        project = case.project
        self.fields["department"].queryset = Department.objects.filter(
            company_id__in=[project.service_centre_id, project.property_company_id]
        )
        # Only the project's staff: a short list, never every user.
        self.fields["assignee"].queryset = User.objects.filter(
            memberships__project=project, memberships__is_active=True
        ).distinct()
        if case.kind != CaseKind.REPAIR:
            del self.fields["repair_contractor"]
            del self.fields["supervisor"]

    def clean(self):
        data = super().clean()
        if not data.get("assignee") and not data.get("responsible_person", "").strip():
            raise forms.ValidationError(_("转派时须指定责任人或处理人。"))
        return data


class ReplyForm(CrispyMixin, forms.Form):
    submit_label = _("记录答复")

    reply = forms.CharField(label=_("答复客户内容"), widget=forms.Textarea(attrs={"rows": 3}))
    handling = forms.CharField(
        label=_("处理情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("备注"), required=False)


class CallbackOutcomeForm(CrispyMixin, forms.Form):
    submit_label = _("保存回访结果")

    reached = forms.TypedChoiceField(
        label=_("结果"),
        choices=[("1", _("已联系上")), ("0", _("未联系上"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            name = f"q_{q.pk}"
            if q.kind == Question.Kind.SCALE:
                self.fields[name] = forms.TypedChoiceField(
                    label=q.text,
                    choices=[("", "—")] + [(str(i), str(i)) for i in range(1, 6)],
                    coerce=int,
                    required=False,
                    widget=forms.RadioSelect,
                )
            elif q.kind == Question.Kind.YES_NO:
                self.fields[name] = forms.ChoiceField(
                    label=q.text,
                    choices=[("yes", _("是")), ("no", _("否"))],
                    required=False,
                    widget=forms.RadioSelect,
                )
            else:
                self.fields[name] = forms.CharField(label=q.text, required=False)

    def answers(self) -> dict:
        out = {}
        for q in self.questions:
            v = self.cleaned_data.get(f"q_{q.pk}")
            if v not in (None, ""):
                out[str(q.pk)] = v
        return out

    def clean(self):
        data = super().clean()
        if data.get("reached"):
            scored = [q for q in self.questions if q.kind != Question.Kind.TEXT]
            if scored and not any(data.get(f"q_{q.pk}") not in (None, "") for q in scored):
                raise forms.ValidationError(_("已联系上的回访请至少填写一个评分问题。"))
        return data
