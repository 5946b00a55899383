"""Forms of the handover app: validation only, no side effects."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from salesite.attachments import validate_upload
from salesite.forms import DATE_WIDGET, CrispyMixin, PlausibleInputMixin
from salesite.models import Building, Unit
from salesite.models.projects import IdType

from .models import (
    AcceptanceRecord,
    CarrierKind,
    CaseStatus,
    InspectionDefectCategoryOption,
    InspectionRound,
    OccupantKind,
    ReleaseReason,
)

CaseStatusChoices = CaseStatus.choices
OccupantKindChoices = OccupantKind.choices
CarrierKindChoices = CarrierKind.choices
ReleaseReasonChoices = ReleaseReason.choices
InspectionRoundChoices = InspectionRound.choices


def _checked_upload(photo):
    """An optional photo, checked like every staff attachment (type, content, size); the
    core's ValidationError becomes the field's error."""
    if photo:
        validate_upload(photo)
    return photo


class BatchForm(CrispyMixin, forms.Form):
    one_time = True
    project = forms.ModelChoiceField(queryset=None, label=_("项目"))
    name = forms.CharField(label=_("批次名称"), max_length=60)
    planned_delivery_date = forms.DateField(label=_("计划交付日期"), widget=DATE_WIDGET)
    buildings = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("按楼栋选择房屋"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unit_labels = forms.CharField(
        label=_("另加房号"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个，格式：楼栋-房号，例如 1幢-101"),
    )
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        if len(projects) == 1:
            self.fields["project"].initial = projects[0]
        self.fields["buildings"].queryset = Building.objects.filter(
            project__in=projects
        ).select_related("project")
        self.fields["buildings"].label_from_instance = lambda b: f"{b.project.name} {b.name}"

    def clean(self):
        data = super().clean()
        project = data.get("project")
        if not project:
            return data
        if any(b.project_id != project.pk for b in data.get("buildings") or []):
            self.add_error("buildings", _("所选楼栋不属于该项目。"))
        units = []
        for line in (data.get("unit_labels") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            building, _sep, number = line.rpartition("-")
            unit = (
                Unit.objects.filter(project=project, building__name=building, number=number)
                .select_related("building")
                .first()
            )
            if unit is None:
                self.add_error("unit_labels", _("找不到房号：%(label)s") % {"label": line})
            else:
                units.append(unit)
        data["units"] = units
        if not units and not data.get("buildings"):
            self.add_error("buildings", _("请选择楼栋或填写房号。"))
        return data


class BatchDateForm(CrispyMixin, forms.Form):
    planned_delivery_date = forms.DateField(label=_("新的计划交付日期"), widget=DATE_WIDGET)


class MilestoneCompleteForm(PlausibleInputMixin, forms.Form):
    result_note = forms.CharField(
        label=_("结果说明"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class UnitPickForm(CrispyMixin, forms.Form):
    """Pick a unit by building and number text (never a select over every unit)."""

    one_time = True

    submit_label = _("开始交接")
    building = forms.ModelChoiceField(queryset=None, label=_("楼栋"))
    number = forms.CharField(label=_("房号"), max_length=30)

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings
        self.fields["building"].label_from_instance = lambda b: f"{b.project.name} {b.name}"

    def clean(self):
        data = super().clean()
        building, number = data.get("building"), (data.get("number") or "").strip()
        if building and number:
            unit = Unit.objects.filter(building=building, number=number).first()
            if unit is None:
                self.add_error("number", _("该楼栋没有这个房号。"))
            data["unit"] = unit
        return data


class NotTakenForm(UnitPickForm):
    submit_label = _("登记未接房")
    reason = forms.CharField(label=_("未接房原因"), max_length=200)


class ReasonForm(CrispyMixin, forms.Form):
    submit_label = _("登记未接房")
    reason = forms.CharField(label=_("未接房原因"), max_length=200)


# --- the nine steps --------------------------------------------------------------------------


class StepForm(CrispyMixin, forms.Form):
    submit_label = _("完成此步骤")


class VerifyStepForm(StepForm):
    id_checked = forms.BooleanField(label=_("已核对身份证件与业主清册一致"), required=False)
    contract_checked = forms.BooleanField(label=_("已核对购房合同"), required=False)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class CopiesStepForm(StepForm):
    COPIES = [
        ("id_copy", _("身份证复印件")),
        ("contract_copy", _("购房合同复印件")),
        ("proxy", _("委托书（代办时）")),
        ("other", _("其他资料")),
    ]
    copies = forms.MultipleChoiceField(
        label=_("已收取的复印件"), choices=COPIES, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class OwnerFileStepForm(StepForm):
    emergency_contact = forms.CharField(label=_("紧急联系人"), required=False, max_length=50)
    emergency_phone = forms.CharField(
        label=_("紧急联系手机"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    birthday = forms.DateField(label=_("生日"), widget=DATE_WIDGET)
    email = forms.EmailField(label=_("邮箱"), required=False)

    def clean_emergency_phone(self):
        phone = self.cleaned_data["emergency_phone"].strip().replace(" ", "")
        if not phone.isdigit() or len(phone) != 11:
            raise forms.ValidationError(_("请输入 11 位手机号码。"))
        return phone


class SafetyStepForm(StepForm):
    signed = forms.BooleanField(label=_("业主已签订安全责任制书"), required=False)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class FeesStepForm(StepForm):
    submit_label = _("计算费用")
    handover_date = forms.DateField(label=_("交房日期（计费起始日）"), widget=DATE_WIDGET)


class PaymentStepForm(StepForm):
    submit_label = _("确认收费")
    amount = forms.DecimalField(label=_("实收金额(元)"), max_digits=12, decimal_places=2)
    receipt_number = forms.CharField(label=_("收据号"), max_length=50)


class KeysStepForm(StepForm):
    keys_count = forms.IntegerField(label=_("钥匙数量"), min_value=1, max_value=50)
    handbooks_ready = forms.BooleanField(label=_("业主手册、装修手册已备齐"), required=False)
    owner_consulted = forms.BooleanField(label=_("有整改项目：已征求业主意见"), required=False)
    key_kept = forms.BooleanField(label=_("有整改项目：留一把钥匙整改"), required=False)


class HandedOverStepForm(StepForm):
    owner_signed = forms.BooleanField(label=_("钥匙及资料已发放，业主已签字"), required=False)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class SummaryStepForm(StepForm):
    submit_label = _("登记汇总并完成交接")


STEP_FORMS = {
    1: VerifyStepForm,
    2: CopiesStepForm,
    3: OwnerFileStepForm,
    4: SafetyStepForm,
    5: FeesStepForm,
    6: PaymentStepForm,
    7: KeysStepForm,
    8: HandedOverStepForm,
    9: SummaryStepForm,
}


class AcceptanceForm(CrispyMixin, forms.Form):
    RESULT = [("ok", _("合格")), ("defect", _("有问题")), ("na", _("无此项"))]
    water_reading = forms.DecimalField(label=_("水表读数"), max_digits=10, decimal_places=2)
    electricity_reading = forms.DecimalField(label=_("电表读数"), max_digits=10, decimal_places=2)
    gas_reading = forms.DecimalField(
        label=_("燃气表读数"), max_digits=10, decimal_places=2, required=False
    )
    inspected_on = forms.DateField(label=_("验收日期"), widget=DATE_WIDGET)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in AcceptanceRecord.ROOMS:
            self.fields[f"room_{key}"] = forms.ChoiceField(
                label=label, choices=self.RESULT, initial="ok"
            )

    def room_items(self):
        return {key: self.cleaned_data[f"room_{key}"] for key, _label in AcceptanceRecord.ROOMS}


class RectificationForm(CrispyMixin, forms.Form):
    one_time = True
    location = forms.CharField(label=_("部位"), max_length=60)
    description = forms.CharField(label=_("问题描述"), max_length=300)
    responsible_unit = forms.CharField(label=_("责任单位"), max_length=60)
    deadline = forms.DateField(label=_("整改期限"), widget=DATE_WIDGET)
    photo = forms.FileField(label=_("照片（业主端可见）"), required=False)

    def clean_photo(self):
        return _checked_upload(self.cleaned_data.get("photo"))


class ReportFilterForm(PlausibleInputMixin, forms.Form):
    """GET filters of the handover reports; choices limited to what the user sees."""

    STATUS = [("", _("全部")), *CaseStatusChoices, ("not_started", _("未办理"))]

    project = forms.ModelChoiceField(queryset=None, label=_("项目"))
    batch = forms.ModelChoiceField(queryset=None, label=_("交付批次"), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=STATUS, required=False)
    day = forms.DateField(label=_("日期"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, user, fields=("project", "batch"), **kwargs):
        from salesite.models import Project

        from .models import DeliveryBatch

        super().__init__(*args, **kwargs)
        projects = Project.objects.visible_to(user).order_by("name")
        self.fields["project"].queryset = projects
        self.fields["batch"].queryset = (
            DeliveryBatch.objects.visible_to(user).select_related("project").order_by("name")
        )
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        project, batch = data.get("project"), data.get("batch")
        if project and batch and batch.project_id != project.pk:
            self.add_error("batch", _("交付批次不属于该项目。"))
        return data


# --- move-in and item release ----------------------------------------------------------------

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class FeeStatusForm(UnitPickForm):
    one_time = False
    submit_label = _("保存")
    outstanding = forms.DecimalField(
        label=_("欠费金额(元)，0 表示已结清"), max_digits=12, decimal_places=2, min_value=0
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class MoveInForm(UnitPickForm):
    submit_label = _("登记入住并发出知会单")
    occupant_kind = forms.ChoiceField(label=_("入住人"), choices=OccupantKindChoices)
    tenant_name = forms.CharField(label=_("租户姓名（租户入住时）"), required=False, max_length=50)
    identity_checked = forms.BooleanField(label=_("已确认身份"), required=False)
    congratulated = forms.BooleanField(label=_("已送祝贺（VIP 鲜花贺卡）"), required=False)
    service_info_given = forms.BooleanField(
        label=_("已介绍服务热线、水电气、车位卡"), required=False
    )
    move_in_date = forms.DateField(label=_("入住日期"), widget=DATE_WIDGET)

    def clean(self):
        from salesite.models import Tenant

        data = super().clean()
        data["tenant"] = None
        if data.get("occupant_kind") == "tenant" and data.get("unit"):
            name = (data.get("tenant_name") or "").strip()
            data["tenant"] = Tenant.objects.filter(unit=data["unit"], name=name).first()
            if data["tenant"] is None:
                self.add_error("tenant_name", _("该房屋没有登记这个租户。"))
        return data


class TenantInfoForm(CrispyMixin, forms.Form):
    """租户信息登记表."""

    submit_label = _("保存租户信息")
    name = forms.CharField(label=_("租户姓名"), max_length=50)
    phone = forms.CharField(label=_("手机"), max_length=20)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=40)
    lease_start = forms.DateField(label=_("租期开始"), widget=DATE_WIDGET)
    lease_end = forms.DateField(label=_("租期结束"), widget=DATE_WIDGET)
    emergency_contact = forms.CharField(label=_("紧急联系人"), max_length=50)
    emergency_phone = forms.CharField(label=_("紧急联系电话"), max_length=20)
    occupants = forms.IntegerField(label=_("居住人数"), min_value=1, max_value=50)
    vehicle_plate = forms.CharField(label=_("车牌号"), max_length=20, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("lease_start"), data.get("lease_end")
        if start and end and end < start:
            self.add_error("lease_end", _("租期结束不能早于开始。"))
        return data


class OwnerFileForm(CrispyMixin, forms.Form):
    """入住更新业主档案: contact phone and emergency contact confirmed."""

    submit_label = _("确认并更新业主档案")
    phone = forms.CharField(label=_("业主联系电话"), max_length=20)
    emergency_contact = forms.CharField(label=_("紧急联系人"), max_length=50)
    emergency_phone = forms.CharField(label=_("紧急联系手机"), max_length=20)
    note = forms.CharField(label=_("更新说明"), max_length=200, required=False)


class BillingStartForm(CrispyMixin, forms.Form):
    billing_start = forms.DateField(label=_("开始计费日期"), widget=DATE_WIDGET)


class ReleaseForm(UnitPickForm):
    submit_label = _("开具放行条")
    REACH = [("", _("本人携带，无需核实")), ("yes", _("联系上业主")), ("no", _("联系不上业主"))]
    carrier_kind = forms.ChoiceField(label=_("携带人身份"), choices=CarrierKindChoices)
    carrier_name = forms.CharField(label=_("携带人姓名"), max_length=50)
    carrier_phone = forms.CharField(label=_("携带人电话"), required=False, max_length=20)
    items_text = forms.CharField(
        label=_("放行物品"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一项：物品名称 数量，例如：电脑 1"),
    )
    reason = forms.ChoiceField(label=_("出门性质"), choices=ReleaseReasonChoices)
    owner_reachable = forms.ChoiceField(label=_("电话核实"), choices=REACH, required=False)
    confirmed_at = forms.DateTimeField(label=_("核实时间"), required=False, widget=DATETIME_WIDGET)
    confirmation_answer = forms.CharField(label=_("业主意见"), required=False, max_length=200)
    owner_agreed = forms.BooleanField(label=_("业主（或公司负责人）同意放行"), required=False)
    company_head_name = forms.CharField(
        label=_("公司负责人姓名"),
        required=False,
        max_length=50,
        help_text=_("公司职员携带、房屋登记在公司名下时，须电话向该公司负责人核实。"),
    )
    company_head_phone = forms.CharField(label=_("公司负责人电话"), required=False, max_length=20)

    def clean_items_text(self):
        items = []
        for line in self.cleaned_data["items_text"].splitlines():
            line = line.strip()
            if not line:
                continue
            name, _sep, qty = line.rpartition(" ")
            if not name or not qty.isdigit() or int(qty) < 1:
                raise forms.ValidationError(
                    _("格式错误：%(line)s（应为：物品名称 数量）") % {"line": line}
                )
            items.append({"name": name.strip(), "quantity": int(qty)})
        if not items:
            raise forms.ValidationError(_("请填写放行物品。"))
        return items


# --- mock inspections (R-HO-2) ---------------------------------------------------------------


class InspectionStartForm(UnitPickForm):
    submit_label = _("开始模拟验收")
    batch = forms.ModelChoiceField(queryset=None, label=_("交付批次"))
    round = forms.TypedChoiceField(label=_("轮次"), coerce=int, choices=InspectionRoundChoices)
    inspected_on = forms.DateField(label=_("验收日期"), widget=DATE_WIDGET)

    field_order = ["batch", "round", "building", "number", "inspected_on"]

    def __init__(self, *args, batches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = batches
        self.fields["batch"].label_from_instance = lambda b: f"{b.project.name} {b.name}"
        self.order_fields(self.field_order)


class DefectForm(CrispyMixin, forms.Form):
    submit_label = _("登记问题")
    location = forms.CharField(label=_("部位"), max_length=60)
    # The active categories, read when the form is shown (admins edit the list).
    category = forms.ChoiceField(label=_("类别"), choices=InspectionDefectCategoryOption.choices)
    description = forms.CharField(label=_("问题描述"), max_length=300)
    responsible_unit = forms.CharField(label=_("责任单位"), max_length=60)
    deadline = forms.DateField(label=_("整改期限"), widget=DATE_WIDGET)
    photo = forms.FileField(label=_("问题照片（整改前）"), required=False)

    def clean_photo(self):
        return _checked_upload(self.cleaned_data.get("photo"))


# The notice and open-day forms live in forms_notices (this module's size); same names here.
from .forms_notices import InvitationForm, NoticeForm, OpenDayForm  # noqa: E402, F401
