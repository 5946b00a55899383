"""Forms of the renovation app: validation only, no side effects."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesite.forms import DATE_WIDGET, CrispyMixin
from salesite.models import Building, Project, Purchase, Unit

from .forms_contractor import RegisteredContractorMixin
from .models import (
    PROHIBITIONS,
    DepositRefund,
    EntryConfirmation,
    GovernmentApproval,
    HotWorkPermit,
    MaterialRefusal,
    PatrolRecord,
    RenovationAgreement,
    RenovationApplication,
    RenovationLecture,
    Violation,
    WorkerPass,
)

DATE_FIELDS = [
    "contractor_head_id_valid_until",
    "business_licence_valid_until",
    "qualification_valid_until",
    "design_qualification_valid_until",
    "planned_start",
    "planned_end",
]


class ApplicationForm(RegisteredContractorMixin, CrispyMixin, forms.ModelForm):
    """The unit is named by building and number (never a dropdown over every unit)."""

    building = forms.ModelChoiceField(queryset=Building.objects.none(), label=_("楼栋"))
    unit_number = forms.CharField(label=_("房号"), max_length=30)

    class Meta:
        model = RenovationApplication
        fields = [
            "applicant_kind",
            "owner_name",
            "owner_phone",
            "agent_name",
            "agent_phone",
            "agent_id_number",
            "has_power_of_attorney",
            "registered_contractor",
            "contractor_name",
            "contractor_head_name",
            "contractor_head_phone",
            "contractor_head_id_number",
            "contractor_head_id_valid_until",
            "business_licence_number",
            "business_licence_valid_until",
            "qualification_number",
            "qualification_valid_until",
            "is_key_premises",
            "design_qualification_number",
            "design_qualification_valid_until",
            "commitment_delegates_contractor",
            "changes_fire",
            "changes_structure",
            "changes_gas",
            "scope",
            "planned_start",
            "planned_end",
        ]
        widgets = {name: DATE_WIDGET for name in DATE_FIELDS} | {
            "scope": forms.Textarea(attrs={"rows": 3}),
            "owner_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "agent_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "contractor_head_phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    field_order = ["building", "unit_number"]

    def __init__(self, *args, buildings=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["building"].queryset = (
            buildings if buildings is not None else Building.objects.none()
        )
        self.narrow_registered_contractor(buildings)
        self.fields["owner_name"].required = False
        self.fields["owner_phone"].required = False
        if self.instance.pk:
            self.fields["building"].initial = self.instance.unit.building_id
            self.fields["unit_number"].initial = self.instance.unit.number

    def clean(self):
        cleaned = super().clean()
        building, number = cleaned.get("building"), cleaned.get("unit_number")
        if building and number:
            unit = Unit.objects.filter(building=building, number=number.strip()).first()
            if unit is None:
                self.add_error("unit_number", _("该楼栋下没有房号“%(n)s”。") % {"n": number})
            else:
                self.instance.unit = unit
                self.instance.project_id = unit.project_id
                purchase = (
                    Purchase.objects.filter(unit=unit, is_active=True)
                    .select_related("customer")
                    .order_by("-pk")
                    .first()
                )
                if purchase:
                    self.instance.owner = purchase.customer
                    if not cleaned.get("owner_name"):
                        cleaned["owner_name"] = purchase.customer.name
                    if not cleaned.get("owner_phone"):
                        cleaned["owner_phone"] = purchase.customer.phone
                if unit.is_commercial:
                    cleaned["is_key_premises"] = True
        if not cleaned.get("owner_name"):
            self.add_error("owner_name", _("请填写业主姓名（该房屋没有购房记录）。"))
        if not cleaned.get("owner_phone"):
            self.add_error("owner_phone", _("请填写业主电话。"))
        for name in (
            "contractor_head_id_valid_until",
            "business_licence_valid_until",
            "qualification_valid_until",
            "design_qualification_valid_until",
        ):
            value = cleaned.get(name)
            if value and value < self.today:
                label = self.fields[name].label
                self.add_error(
                    name,
                    _("%(label)s为 %(date)s，证件已过期，不能受理。")
                    % {"label": label, "date": value.strftime("%Y-%m-%d")},
                )
        if cleaned.get("is_key_premises") and not (
            cleaned.get("design_qualification_number")
            and cleaned.get("design_qualification_valid_until")
        ):
            self.add_error(
                "design_qualification_number",
                _("商业/重点场所装修须提供设计资质（编号和有效期）。"),
            )
        if cleaned.get("applicant_kind") == RenovationApplication.ApplicantKind.AGENT:
            if not cleaned.get("agent_name"):
                self.add_error("agent_name", _("代理人办理须填写代理人姓名。"))
            if not cleaned.get("has_power_of_attorney"):
                self.add_error("has_power_of_attorney", _("代理人办理须提交业主签署的授权委托书。"))
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("计划完工日期不能早于开工日期。"))
        return cleaned


class ReviewForm(CrispyMixin, forms.Form):
    submit_label = _("提交审核意见")
    decision = forms.ChoiceField(
        label=_("审核意见"),
        choices=[("approve", _("同意")), ("return", _("退回"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("意见/退回原因"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("note", "").strip():
            self.add_error("note", _("退回申请须填写退回原因。"))
        return cleaned


class GovernmentApprovalForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = GovernmentApproval
        fields = ["authority", "document_number", "approved_on", "note"]
        widgets = {"approved_on": DATE_WIDGET}


class AgreementForm(CrispyMixin, forms.ModelForm):
    submit_label = _("签署协议")

    class Meta:
        model = RenovationAgreement
        fields = [
            "signed_by",
            "signer_name",
            "signed_on",
            "owner_confirmed_approval",
            *[name for name, _label in PROHIBITIONS],
        ]
        widgets = {"signed_on": DATE_WIDGET}

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_confirmed_approval"].required = True
        for name, _label in PROHIBITIONS:
            self.fields[name].required = True
        if application is not None and not application.commitment_delegates_contractor:
            self.fields["signed_by"].choices = [
                c for c in self.fields["signed_by"].choices if c[0] != "contractor"
            ]


class FeePaymentForm(CrispyMixin, forms.Form):
    submit_label = _("确认收款")
    worker_pass_count = forms.IntegerField(
        label=_("出入证张数"), min_value=0, max_value=200, initial=0
    )
    receipt_number = forms.CharField(label=_("收据号"), max_length=30)


class PermitForm(CrispyMixin, forms.Form):
    submit_label = _("发放施工进场证")
    valid_until = forms.DateField(label=_("进场证有效期至"), widget=DATE_WIDGET)


class WorkerPassForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = WorkerPass
        fields = ["name", "id_number", "phone", "trade", "valid_from", "valid_until"]
        widgets = {"valid_from": DATE_WIDGET, "valid_until": DATE_WIDGET}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("有效期至不能早于有效期自。"))
        return cleaned


class EntryConfirmationForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = EntryConfirmation
        fields = ["confirmed_on", "facilities_condition", "owner_signed"]
        widgets = {
            "confirmed_on": DATE_WIDGET,
            "facilities_condition": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_signed"].required = True


class RefundRequestForm(CrispyMixin, forms.ModelForm):
    submit_label = _("提交退还申请")

    class Meta:
        model = DepositRefund
        fields = [
            "requested_by",
            "owner_consent",
            "no_damage_confirmed",
            "damage_notes",
            "unpaid_fees",
        ]
        widgets = {"damage_notes": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("requested_by") == "contractor" and not cleaned.get("owner_consent"):
            self.add_error("owner_consent", _("装修单位申请退还押金须取得业主同意。"))
        return cleaned


class RefundSignForm(CrispyMixin, forms.ModelForm):
    submit_label = _("保存签字情况")

    class Meta:
        model = DepositRefund
        fields = ["owner_signed", "contractor_signed", "centre_head_signed"]


class RefundPayForm(CrispyMixin, forms.Form):
    submit_label = _("确认退款")
    memo_number = forms.CharField(label=_("押金退还备忘表编号"), max_length=30)


class PatrolForm(CrispyMixin, forms.Form):
    one_time = True
    submit_label = _("登记巡查")
    result = forms.ChoiceField(
        label=_("巡查结果"), choices=PatrolRecord.Result.choices, widget=forms.RadioSelect
    )
    findings = forms.CharField(
        label=_("巡查情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("照片可在登记后作为附件上传。"),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("result") == PatrolRecord.Result.VIOLATION
            and not cleaned.get("findings", "").strip()
        ):
            self.add_error("findings", _("发现违章时须填写巡查情况。"))
        return cleaned


DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ViolationForm(CrispyMixin, forms.ModelForm):
    submit_label = _("登记违章")

    class Meta:
        model = Violation
        fields = ["severity", "description", "warned_person", "requirement", "rectify_by"]
        widgets = {
            "severity": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
            "requirement": forms.Textarea(attrs={"rows": 2}),
            "rectify_by": DATE_WIDGET,
        }
        help_texts = {
            "warned_person": _("轻微违章：当场口头警告的工人或负责人"),
            "requirement": _("严重违章：整改要求（将打印在整改通知书上）"),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("severity") == Violation.Severity.MINOR:
            if not cleaned.get("warned_person"):
                self.add_error("warned_person", _("轻微违章须记录口头警告的对象。"))
        elif cleaned.get("severity") == Violation.Severity.SERIOUS:
            if not cleaned.get("requirement"):
                self.add_error("requirement", _("严重违章须填写整改要求。"))
            if not cleaned.get("rectify_by"):
                self.add_error("rectify_by", _("严重违章须填写整改期限。"))
        return cleaned


class CallForm(CrispyMixin, forms.Form):
    submit_label = _("记录电话")
    answer = forms.CharField(label=_("对方答复"), max_length=200)


class ViolationSignForm(CrispyMixin, forms.Form):
    submit_label = _("确认签收")
    owner_signed = forms.BooleanField(label=_("业主已签收"))
    contractor_signed = forms.BooleanField(label=_("装修单位已签收"))


class RecheckForm(CrispyMixin, forms.Form):
    submit_label = _("登记复查")
    passed = forms.TypedChoiceField(
        label=_("复查结果"),
        choices=[("1", _("已整改合格")), ("0", _("未整改，重新限期"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("复查情况"), widget=forms.Textarea(attrs={"rows": 2}))
    new_deadline = forms.DateField(label=_("新整改期限"), required=False, widget=DATE_WIDGET)


class FineForm(CrispyMixin, forms.Form):
    submit_label = _("提交违约金（待项目经理审批）")
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0.01, decimal_places=2)
    reason = forms.CharField(label=_("依据（协议条款）"), max_length=200)


class HotWorkForm(CrispyMixin, forms.ModelForm):
    submit_label = _("提交动火申请")

    class Meta:
        model = HotWorkPermit
        fields = [
            "location",
            "work",
            "starts_at",
            "ends_at",
            "operator_name",
            "operator_certificate",
            "fire_watcher",
            "extinguisher_checked",
        ]
        widgets = {"starts_at": DATETIME_WIDGET, "ends_at": DATETIME_WIDGET}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("动火结束时间须晚于开始时间。"))
        return cleaned


class MaterialRefusalForm(CrispyMixin, forms.ModelForm):
    submit_label = _("登记拒入")

    class Meta:
        model = MaterialRefusal
        fields = ["material", "quantity", "carrier", "reason"]


class AgreedDateForm(CrispyMixin, forms.Form):
    submit_label = _("提交")
    agreed_date = forms.DateField(label=_("与业主约定的验收日期"), widget=DATE_WIDGET)


class InspectionForm(CrispyMixin, forms.Form):
    submit_label = _("登记验收结果")
    engineering_ok = forms.TypedChoiceField(
        label=_("工程部验收"),
        choices=[("1", _("合格")), ("0", _("不合格"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    security_ok = forms.TypedChoiceField(
        label=_("保安部验收"),
        choices=[("1", _("合格")), ("0", _("不合格"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    problems = forms.CharField(
        label=_("存在问题"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rectification = forms.CharField(
        label=_("整改措施和方法（已向业主说明）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        failed = cleaned.get("engineering_ok") is False or cleaned.get("security_ok") is False
        if failed:
            for name in ("problems", "rectification"):
                if not cleaned.get(name, "").strip():
                    self.add_error(name, _("验收不合格须填写此项。"))
        return cleaned


class LectureForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = RenovationLecture
        fields = ["project", "held_on", "starts_at", "topic", "speaker", "location", "note"]
        widgets = {
            "held_on": DATE_WIDGET,
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(pk__in=[p.pk for p in projects])


class AttendeeForm(CrispyMixin, forms.Form):
    """The owner is found by building and unit number (never a dropdown of customers)."""

    submit_label = _("登记参加")
    building = forms.ModelChoiceField(queryset=Building.objects.none(), label=_("楼栋"))
    unit_number = forms.CharField(label=_("房号"), max_length=30)
    name = forms.CharField(
        label=_("参加人"), max_length=50, required=False, help_text=_("留空则登记该房屋的业主")
    )

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            self.fields["building"].queryset = Building.objects.filter(project=project)

    def clean(self):
        cleaned = super().clean()
        building, number = cleaned.get("building"), cleaned.get("unit_number")
        if building and number:
            unit = Unit.objects.filter(building=building, number=number.strip()).first()
            if unit is None:
                self.add_error("unit_number", _("该楼栋下没有房号“%(n)s”。") % {"n": number})
            cleaned["unit"] = unit
        return cleaned
