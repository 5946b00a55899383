"""Forms of the feedback app: validation only; the services do the writing."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from salesite.forms import CrispyMixin, OneTimeTokenMixin, PlausibleInputMixin
from salesite.models import Building, Contractor, Customer, Department, Project, Unit, User
from salesite.models.contractors import DISPATCHABLE_STATUSES

from .forms_repair import add_repair_team_fields
from .models import (
    CaseKind,
    Channel,
    ComplaintCategoryOption,
    Question,
)

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CaseForm(OneTimeTokenMixin, PlausibleInputMixin, forms.Form):
    """The one front-desk entry (R-FB-1..4); the customer is picked by search, never from a
    list of every customer."""

    one_time = True

    project = forms.ModelChoiceField(label=_("项目"), queryset=None)
    kind = forms.ChoiceField(
        label=_("类型"), choices=CaseKind.choices, widget=forms.RadioSelect, initial=CaseKind.VISIT
    )
    channel = forms.ChoiceField(
        label=_("方式"),
        # "问卷" is the channel of a survey answered by SMS link and "业主端" of a case the
        # owner submitted on the owner portal; neither is typed at the desk.
        choices=[c for c in Channel.choices if c[0] not in (Channel.SURVEY, Channel.OWNER)],
        widget=forms.RadioSelect,
        initial=Channel.VISIT,
    )
    # The active categories, read when the form is shown (admins edit the list).
    complaint_category = forms.ChoiceField(
        label=_("投诉类别"),
        choices=lambda: ComplaintCategoryOption.choices(blank=True),
        required=False,
    )
    complaint_contractor = forms.ModelChoiceField(
        label=_("被投诉维修单位"),
        queryset=Contractor.objects.none(),
        required=False,
        empty_label=_("（与维修单位无关）"),
        help_text=_("仅投诉：投诉针对的本项目登记维修单位（合作中或考察期），计入其排名。"),
        error_messages={
            "invalid_choice": _(
                "所选单位不是本项目物业公司登记的合作中或考察期维修单位，不能作为被投诉单位。"
            )
        },
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
        # The contractors of the offered projects; the chosen project's are checked in clean.
        self.fields["complaint_contractor"].queryset = (
            Contractor.objects.filter(
                projects__in=[p.pk for p in projects], status__in=DISPATCHABLE_STATUSES
            )
            .distinct()
            .order_by("name")
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
        contractor = data.get("complaint_contractor")
        if contractor is not None and data.get("kind") != CaseKind.COMPLAINT:
            data["complaint_contractor"] = None  # only a complaint names one
        elif contractor is not None and (
            contractor.company_id != project.property_company_id
            or not Contractor.objects.dispatchable(project).filter(pk=contractor.pk).exists()
        ):
            self.add_error(
                "complaint_contractor",
                _("维修单位“%(c)s”不是本项目物业公司登记的合作中或考察期单位，不能作为被投诉单位。")
                % {"c": contractor.name},
            )
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
        # A repair goes to a registered contractor and a supervisor (issue #16); the free
        # text of old cases is shown on the case page, no longer typed.
        del self.fields["repair_contractor"]
        del self.fields["supervisor"]
        if case.kind == CaseKind.REPAIR:
            add_repair_team_fields(self, case)

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


class NoteForm(PlausibleInputMixin, forms.Form):
    note = forms.CharField(label=_("备注"), required=False)


def question_field(q: Question, *, required: bool) -> forms.Field:
    """The form field of one callback question (the phone callback and the survey by link)."""
    if q.kind == Question.Kind.SCALE:
        return forms.TypedChoiceField(
            label=q.text,
            choices=([] if required else [("", "—")]) + [(str(i), str(i)) for i in range(1, 6)],
            coerce=int,
            required=required,
            widget=forms.RadioSelect,
        )
    if q.kind == Question.Kind.YES_NO:
        return forms.ChoiceField(
            label=q.text,
            choices=[("yes", _("是")), ("no", _("否"))],
            required=required,
            widget=forms.RadioSelect,
        )
    return forms.CharField(label=q.text, required=False, max_length=500)


def answers_of(questions, cleaned_data) -> dict:
    """{question pk: answer} of the answered questions, as the callback service takes them."""
    out = {}
    for q in questions:
        v = cleaned_data.get(f"q_{q.pk}")
        if v not in (None, ""):
            out[str(q.pk)] = v
    return out


class SurveyForm(PlausibleInputMixin, forms.Form):
    """The owner's answers to a callback questionnaire opened by SMS link: every scored
    question must be answered; text questions and the comment are optional."""

    comment = forms.CharField(
        label=_("其他意见或建议"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        comment = self.fields.pop("comment")
        for q in self.questions:
            self.fields[f"q_{q.pk}"] = question_field(q, required=q.kind != Question.Kind.TEXT)
        self.fields["comment"] = comment

    def answers(self) -> dict:
        return answers_of(self.questions, self.cleaned_data)


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
            self.fields[f"q_{q.pk}"] = question_field(q, required=False)

    def answers(self) -> dict:
        return answers_of(self.questions, self.cleaned_data)

    def clean(self):
        data = super().clean()
        if data.get("reached"):
            scored = [q for q in self.questions if q.kind != Question.Kind.TEXT]
            if scored and not any(data.get(f"q_{q.pk}") not in (None, "") for q in scored):
                raise forms.ValidationError(_("已联系上的回访请至少填写一个评分问题。"))
        return data


class CallbackReassignForm(CrispyMixin, forms.Form):
    """Give callback tasks to another member of their project, with the reason (R-FB-6).
    ``candidates``: the users offered (the projects' active members); for several tasks the
    selected ids come as ``tasks`` (checkboxes of the list page)."""

    submit_label = _("改派")

    assignee = forms.ModelChoiceField(
        label=_("新回访人"),
        queryset=None,
        error_messages={
            "required": _("请选择新的回访人。"),
            "invalid_choice": _("所选人员不是该项目的在岗成员，不能接收回访任务。"),
        },
    )
    reason = forms.CharField(
        label=_("改派原因"),
        max_length=200,
        error_messages={"required": _("请填写改派原因。")},
    )

    def __init__(self, *args, candidates=None, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            candidates if candidates is not None else User.objects.none()
        )
        if action:
            self.helper.form_action = action

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("请填写改派原因。"))
        return reason


class QuarterForm(PlausibleInputMixin, forms.Form):
    """The quarter picker of the assessment page."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("季度"), coerce=int, choices=[(q, f"Q{q}") for q in range(1, 5)]
    )


class AssessmentOpenForm(CrispyMixin, forms.Form):
    """Which project and quarter's 6+2 checklist to fill (R-FB-10)."""

    project = forms.ModelChoiceField(label=_("项目"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("季度"), coerce=int, choices=[(q, f"Q{q}") for q in range(1, 5)]
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(pk__in=[p.pk for p in projects])


# The care forms (warranty, club, patrols, referrals) live in forms_care (this module's size);
# the same names are importable from here.
from .forms_care import (  # noqa: E402, F401
    AttendeeForm,
    ClubEventForm,
    PatrolForm,
    ProjectUnitForm,
    PurchaseByUnitForm,
    ReferralForm,
    UnitOwnerForm,
    WarrantyChannelForm,
    WarrantyItemForm,
    WarrantyReportForm,
)
from .forms_checklists import (  # noqa: E402, F401
    AssessmentBscForm,
    AssessmentReopenForm,
    ChecklistLineForm,
)
