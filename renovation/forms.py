"""Forms of the renovation app: validation only, no side effects."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesite.forms import DATE_WIDGET, CrispyMixin
from salesite.models import Building, Purchase, Unit

from .models import (
    PROHIBITIONS,
    DepositRefund,
    EntryConfirmation,
    GovernmentApproval,
    RenovationAgreement,
    RenovationApplication,
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


class ApplicationForm(CrispyMixin, forms.ModelForm):
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
