"""The owner login forms: a mobile number, then the code sent to it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .exceptions import InvalidMobile
from .services import normalize_mobile


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "138 0000 0000"}
        ),
    )

    def clean_mobile(self):
        try:
            return normalize_mobile(self.cleaned_data["mobile"])
        except InvalidMobile as exc:
            raise forms.ValidationError(exc.message) from exc


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("短信验证码"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("请输入 6 位数字验证码。")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6"}
        ),
    )
