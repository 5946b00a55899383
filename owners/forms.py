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


# --- 报事报修 ----------------------------------------------------------------------------------

LOCATIONS = ["客厅", "餐厅", "厨房", "卫生间", "主卧", "次卧", "书房", "阳台", "入户门", "公共区域"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; each checked as a staff attachment is."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        from .services.cases import MAX_PHOTOS, validate_photo

        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS})
        cleaned = []
        for f in files:
            f = super().clean(f, initial)
            try:
                validate_photo(f)
            except forms.ValidationError as exc:
                raise forms.ValidationError(f"{f.name}：{' '.join(exc.messages)}") from exc
            cleaned.append(f)
        return cleaned


class OwnerCaseForm(forms.Form):
    """An owner's request, complaint or repair (the unit choices: the owner's own units)."""

    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[
            ("repair", _("报修")),
            ("request", _("需求/建议")),
            ("complaint", _("投诉")),
        ],
        initial="repair",
        widget=forms.RadioSelect,
    )
    unit = forms.TypedChoiceField(label=_("房屋"), coerce=int)
    location = forms.CharField(
        label=_("户内位置"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"list": "owner-locations", "placeholder": _("如：卫生间")}),
    )
    content = forms.CharField(
        label=_("问题描述"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("请描述问题和发生的时间")}),
        error_messages={"required": _("请描述您的问题。")},
    )
    photos = PhotosField(
        label=_("照片（可多选，最多 6 张）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
    )
    preferred_visit_at = forms.DateTimeField(
        label=_("期望上门时间"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("请选择有效的日期和时间。")},
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [
            (u.pk, f"{u.project.name} {u.building.name}-{u.number}") for u in units
        ]
        if len(self.fields["unit"].choices) == 1:
            self.fields["unit"].initial = self.fields["unit"].choices[0][0]
        self.locations = LOCATIONS

    def clean_preferred_visit_at(self):
        from django.utils import timezone

        value = self.cleaned_data.get("preferred_visit_at")
        if value is not None and value < timezone.now():
            raise forms.ValidationError(_("期望上门时间不能早于现在。"))
        return value


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择 1–5 分。"), "invalid_choice": _("请选择 1–5 分。")},
    )
    comment = forms.CharField(
        label=_("评价（选填）"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
