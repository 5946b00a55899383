"""Forms of the core: validation only, no side effects.

``PlausibleInputMixin`` is the base of every form of every app (``CrispyMixin`` includes it;
``tests/security/test_hostile_input.py`` checks that no form class goes without it): it bounds
every date, date-time, integer, decimal and text field to what the database column and the
domain can hold, so that a year-1 date, a 20-digit integer or ``1e400`` is a form error, never a
500 further down (a time-zone conversion that overflows, an integer the column cannot hold).
"""

import datetime
import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.core import validators
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.backends.base.operations import BaseDatabaseOperations
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from salesite import once
from salesite.attachments import ACCEPT_ATTR, validate_upload
from salesite.models import Building, Customer, MarketingPhase, Purchase, Tenant, Unit
from salesite.models.projects import IdType

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The plausible range of every date and date-time a user types (birthdays to far deadlines).
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
# A text field without a declared maximum (a note, the minutes): far above any real text.
TEXT_MAX_LENGTH = 20_000
# An integer of a plain form goes into an integer column: PostgreSQL's ``integer`` range.
INTEGER_RANGE = BaseDatabaseOperations.integer_field_ranges["IntegerField"]
# A decimal of a plain form is an amount or a reading: the money columns' 12 digits.
DECIMAL_MAX_DIGITS = 12
FLOAT_LIMIT = 1e12
# Record ids are positive and fit a signed 64-bit integer (BigAutoField); SQLite cannot even
# bind a larger one, so a select posted with ``99999999999999999999`` must stop at the form.
PK_MAX = 9_223_372_036_854_775_807


def validate_plausible_date(value):
    """Refuse a date (or date-time) outside EARLIEST_DATE..LATEST_DATE.

    A date-time is compared by its wall-clock date: converting 0001-01-01T00:00+08:00 to UTC
    (what comparing two aware date-times does) would itself overflow."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("请输入 %(min)s 至 %(max)s 之间的日期。"),
            code="date_range",
            params={"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()},
        )


def integer_range(model_field=None) -> tuple[int, int]:
    """The range of the column a form integer goes into, the same on every database backend
    (SQLite would accept 64 bits where PostgreSQL's ``integer`` holds 32)."""
    if model_field is not None:
        found = BaseDatabaseOperations.integer_field_ranges.get(model_field.get_internal_type())
        if found:
            return found
    return INTEGER_RANGE


def _refuse_impossible_ids(field) -> None:
    """A model select refuses a digit string no record id can have before looking it up."""
    clean = field.clean

    def checked(value):
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            digits = isinstance(v, str) and v.strip().isascii() and v.strip().isdigit()
            if digits and int(v) > PK_MAX:
                raise ValidationError(_("请选择有效的选项。"), code="invalid_choice")
        return clean(value)

    field.clean = checked


def bound_field(field, model_field=None) -> None:
    """Give one form field its plausible range (idempotent)."""
    if getattr(field, "_plausible", False):
        return
    field._plausible = True
    if isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
        field.validators.append(validate_plausible_date)
        if isinstance(field.widget, forms.DateInput):
            field.widget.attrs.setdefault("min", EARLIEST_DATE.isoformat())
            field.widget.attrs.setdefault("max", LATEST_DATE.isoformat())
    elif isinstance(field, forms.DecimalField):
        # nan/inf are refused by Django; a finite 1e400 only by a digit limit.
        if field.max_digits is None:
            field.max_digits = DECIMAL_MAX_DIGITS
            field.validators.append(
                validators.DecimalValidator(DECIMAL_MAX_DIGITS, field.decimal_places)
            )
    elif isinstance(field, forms.FloatField):
        field.validators += [
            validators.MinValueValidator(-FLOAT_LIMIT),
            validators.MaxValueValidator(FLOAT_LIMIT),
        ]
    elif isinstance(field, forms.IntegerField):
        low, high = integer_range(model_field)
        if field.min_value is None or field.min_value < low:
            field.min_value = low
            field.validators.append(validators.MinValueValidator(low))
        if field.max_value is None or field.max_value > high:
            field.max_value = high
            field.validators.append(validators.MaxValueValidator(high))
    elif isinstance(field, forms.ModelChoiceField):  # and ModelMultipleChoiceField
        _refuse_impossible_ids(field)
    elif isinstance(field, forms.CharField) and field.max_length is None:
        # NUL bytes are refused by Django's CharField itself (ProhibitNullCharactersValidator).
        field.max_length = TEXT_MAX_LENGTH
        field.validators.append(validators.MaxLengthValidator(TEXT_MAX_LENGTH))


class PlausibleInputMixin:
    """The base of every form: its fields get their plausible ranges before validation (also
    fields a subclass adds in ``__init__``), see ``bound_field``."""

    def full_clean(self):
        model = getattr(getattr(self, "_meta", None), "model", None)
        for name, field in self.fields.items():
            model_field = None
            if model is not None:
                try:
                    model_field = model._meta.get_field(name)
                except FieldDoesNotExist:  # a form-only field
                    model_field = None
            bound_field(field, model_field)
        super().full_clean()


class OneTimeTokenMixin:
    """A create form carries a hidden one-time token, so that submitting it twice creates one
    record (``salesite.once``). ``one_time``: None (default) for "a ModelForm of a new record",
    True for a plain form that creates something, False for none."""

    one_time: bool | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        one_time = self.one_time
        if one_time is None:
            instance = getattr(self, "instance", None)
            one_time = instance is not None and instance._state.adding
        if one_time:
            self.fields[once.FIELD] = forms.CharField(
                widget=forms.HiddenInput, required=False, max_length=64, initial=once.new_token
            )

    def full_clean(self):
        super().full_clean()
        # The middleware reads the token; views pass cleaned_data on to services as it is.
        getattr(self, "cleaned_data", {}).pop(once.FIELD, None)


class CrispyMixin(OneTimeTokenMixin, PlausibleInputMixin):
    submit_label = _("保存")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class LoginForm(PlausibleInputMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确，请重新输入。"),
        "inactive": _("该账号已停用。"),
    }


class OutboxPasswordResetForm(PlausibleInputMixin, PasswordResetForm):
    """The reset mail is a row of the outbox like every outbound message: the answer does not
    wait for the mail server (a known address answers as fast as an unknown one), and a mail
    server or broker outage loses nothing (the sweep sends it later)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from salesite.notifications import send_email_many

        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        send_email_many(messages=[(to_email, subject, body, f"password-reset:{uuid.uuid4().hex}")])


class OwnPasswordChangeForm(PlausibleInputMixin, PasswordChangeForm):
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
    personal = forms.BooleanField(
        label=_("含身份证件等个人信息（仅有个人信息权限的岗位可查看）"), required=False
    )

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
