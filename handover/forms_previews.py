"""Forms of preview findings (R-HO-1) and of defect photos (R-HO-2): validation only."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from salesite.attachments import validate_upload
from salesite.forms import DATE_WIDGET, CrispyMixin, PlausibleInputMixin

from .forms import UnitPickForm
from .models import FindingCategory, Verification


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; each checked like every attachment (type, content, size)
    and refused unless it is an image. Cleans to a list (empty when none)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def has_changed(self, initial, data):
        return bool(data)  # an empty row of a formset stays unchanged (and is skipped)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        cleaned = []
        for f in files:
            f = super().clean(f, initial)
            mime = validate_upload(f)
            if not mime.startswith("image/"):
                raise ValidationError(_("只能上传图片（JPG、PNG、GIF、WEBP）。"), code="not_image")
            cleaned.append(f)
        return cleaned


class FindingUnitForm(UnitPickForm):
    """The unit (by building and number) and the day of the preview visit."""

    one_time = True
    submit_label = _("登记问题")
    found_on = forms.DateField(label=_("看房日期"), widget=DATE_WIDGET)


class FindingItemForm(PlausibleInputMixin, forms.Form):
    """One finding of the unit (a row of the create page's formset)."""

    category = forms.ChoiceField(label=_("类别"), choices=FindingCategory.choices)
    location = forms.CharField(label=_("部位"), max_length=60)
    description = forms.CharField(label=_("问题描述"), max_length=300)
    responsible_unit = forms.CharField(label=_("责任单位"), max_length=60)
    deadline = forms.DateField(label=_("整改期限"), widget=DATE_WIDGET)
    assignee = forms.ModelChoiceField(label=_("跟进人"), queryset=None, required=False)
    photos = PhotosField(label=_("问题照片（可多选）"))

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff


FindingItemFormSet = forms.formset_factory(FindingItemForm, extra=3, max_num=20, min_num=1)


class FindingEditForm(CrispyMixin, forms.Form):
    one_time = False
    category = forms.ChoiceField(label=_("类别"), choices=FindingCategory.choices)
    location = forms.CharField(label=_("部位"), max_length=60)
    description = forms.CharField(label=_("问题描述"), max_length=300)
    responsible_unit = forms.CharField(label=_("责任单位"), max_length=60)
    deadline = forms.DateField(label=_("整改期限"), widget=DATE_WIDGET)
    photos = PhotosField(label=_("补充问题照片（可多选）"))


class FindingAssignForm(CrispyMixin, forms.Form):
    one_time = False
    submit_label = _("分派")
    assignee = forms.ModelChoiceField(label=_("跟进人"), queryset=None)
    deadline = forms.DateField(label=_("整改期限"), widget=DATE_WIDGET, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff


class FindingFixForm(CrispyMixin, forms.Form):
    one_time = False
    submit_label = _("标记已整改")
    photos = PhotosField(label=_("整改后照片（可多选）"), required=True)
    note = forms.CharField(label=_("整改说明"), max_length=200, required=False)


class FindingCloseForm(CrispyMixin, forms.Form):
    one_time = False
    submit_label = _("验证并关闭")
    note = forms.CharField(label=_("关闭说明"), max_length=300)


class FindingReopenForm(CrispyMixin, forms.Form):
    one_time = False
    submit_label = _("退回整改")
    note = forms.CharField(label=_("退回原因"), max_length=200)


class DefectVerifyForm(PlausibleInputMixin, forms.Form):
    """The second inspection's result on a defect of the first; "fixed" needs a photo of the
    fix unless the defect already has one."""

    result = forms.ChoiceField(choices=Verification.choices)
    note = forms.CharField(max_length=200, required=False)
    after_photos = PhotosField(label=_("整改后照片"))

    def __init__(self, *args, has_after_photo: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_after_photo = has_after_photo

    def clean(self):
        data = super().clean()
        if (
            data.get("result") == Verification.FIXED
            and not data.get("after_photos")
            and not self.has_after_photo
            and "after_photos" not in self.errors
        ):
            self.add_error("after_photos", _("复验合格须上传整改后照片。"))
        return data
