"""Forms of the core: validation only, no side effects."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from salesite.attachments import ACCEPT_ATTR, validate_upload
from salesite.models import Building, Customer, MarketingPhase, Purchase, Tenant, Unit
from salesite.models.projects import IdType

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CrispyMixin:
    submit_label = _("保存")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确，请重新输入。"),
        "inactive": _("该账号已停用。"),
    }


class OwnPasswordChangeForm(PasswordChangeForm):
    """The old password is checked through authenticate(), so that django-axes counts a wrong
    one as a failed login of this username from this address and locks the pair likewise."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("原密码不正确，请重新输入。"),
    }

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class CustomerForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Customer
        fields = [
            "project",
            "name",
            "phone",
            "id_type",
            "id_number",
            "emergency_contact",
            "emergency_phone",
            "birthday",
            "email",
            "address",
            "is_club_member",
            "club_joined_on",
            "is_vip",
            "notes",
        ]
        widgets = {
            "birthday": DATE_WIDGET,
            "club_joined_on": DATE_WIDGET,
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "emergency_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["project"]
        else:
            self.fields["project"].queryset = projects
            if projects is not None and len(projects) == 1:
                self.fields["project"].initial = projects[0]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip().replace(" ", "")
        if not phone.replace("-", "").isdigit() or len(phone) < 7:
            raise forms.ValidationError(_("请输入有效的电话号码（只能包含数字和连字符）。"))
        return phone

    def clean(self):
        cleaned = super().clean()
        # On edit the project is not a form field, so Django leaves the (project, id_type,
        # id_number) constraint out of validation: check it here rather than fail on save.
        id_type, id_number = cleaned.get("id_type"), cleaned.get("id_number")
        if self.instance.pk and id_type and id_number:
            number = id_number.upper() if id_type == IdType.ID_CARD else id_number
            duplicate = (
                Customer.objects.filter(
                    project_id=self.instance.project_id, id_type=id_type, id_number=number
                )
                .exclude(pk=self.instance.pk)
                .exists()
            )
            if duplicate:
                self.add_error("id_number", _("本项目已有相同证件号码的客户。"))
        return cleaned


class UnitForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["building", "number", "floor", "unit_type", "area", "is_commercial"]
        widgets = {"area": forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"})}

    def __init__(self, *args, buildings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings


class PurchaseForm(CrispyMixin, forms.ModelForm):
    """The unit is named by building and number (never a dropdown over every unit)."""

    building = forms.ModelChoiceField(queryset=Building.objects.none(), label=_("楼栋"))
    unit_number = forms.CharField(label=_("房号"), max_length=30)

    class Meta:
        model = Purchase
        fields = ["subscribed_on", "signed_on", "contract_number", "sales_consultant", "is_active"]
        widgets = {"subscribed_on": DATE_WIDGET, "signed_on": DATE_WIDGET}

    field_order = ["building", "unit_number"]

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.fields["building"].queryset = Building.objects.filter(project=customer.project)
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
            elif (
                Purchase.objects.filter(unit=unit, customer=self.customer)
                .exclude(pk=self.instance.pk)
                .exists()
            ):
                # unit and customer are not form fields, so Django skips this constraint.
                self.add_error("unit_number", _("该客户已登记购买此房号。"))
            else:
                self.instance.unit = unit
                self.instance.customer = self.customer
        return cleaned


class TenantForm(CrispyMixin, forms.ModelForm):
    building = forms.ModelChoiceField(queryset=Building.objects.none(), label=_("楼栋"))
    unit_number = forms.CharField(label=_("房号"), max_length=30)

    class Meta:
        model = Tenant
        fields = [
            "name",
            "phone",
            "id_type",
            "id_number",
            "lease_start",
            "lease_end",
            "owner_commitment_received",
            "lease_received",
        ]
        widgets = {"lease_start": DATE_WIDGET, "lease_end": DATE_WIDGET}

    field_order = ["building", "unit_number"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(project=project)
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
        return cleaned


class PhaseChangeForm(CrispyMixin, forms.Form):
    submit_label = _("确认变更")
    to_phase = forms.ChoiceField(label=_("新阶段"), choices=MarketingPhase.choices)
    changed_on = forms.DateField(label=_("变更日期"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = project.allowed_next_phases()
        self.fields["to_phase"].choices = [(p.value, p.label) for p in allowed]


class AttachmentForm(CrispyMixin, forms.Form):
    submit_label = _("上传")
    file = forms.FileField(
        label=_("文件"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR})
    )
    description = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        validate_upload(f)
        return f


class ImportForm(CrispyMixin, forms.Form):
    submit_label = _("导入")
    file = forms.FileField(
        label=_("业主清册文件（.xlsx 或 .csv）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("只能导入 .xlsx 或 .csv 文件。"))
        limit = settings.IMPORT_MAX_BYTES
        if f.size > limit:
            raise forms.ValidationError(
                _("文件过大（%(size)s），业主清册文件不能超过 %(limit)s。请拆分后分批导入。")
                % {"size": filesizeformat(f.size), "limit": filesizeformat(limit)}
            )
        return f
