"""Forms of the owner portal's 通知 and 装修 pages: validation only (the services write)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from handover.models import RSVP_MAX_PEOPLE
from salesite.attachments import ACCEPT_ATTR, validate_upload


class RsvpForm(forms.Form):
    attending = forms.TypedChoiceField(
        label=_("是否参加"),
        choices=[("yes", _("参加")), ("no", _("不参加"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择是否参加。")},
    )
    people = forms.IntegerField(
        label=_("参加人数（含本人）"),
        min_value=1,
        max_value=RSVP_MAX_PEOPLE,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": _("参加人数至少 1 人。"),
            "max_value": _("参加人数最多 %(limit_value)s 人。"),
            "invalid": _("请输入人数。"),
        },
    )

    def clean(self):
        data = super().clean()
        if data.get("attending") and not data.get("people"):
            self.add_error("people", _("请填写参加人数。"))
        return data


class DocumentUploadForm(forms.Form):
    """A scan of one document still missing; the choices are the application's missing ones."""

    document = forms.TypedChoiceField(
        label=_("资料"), coerce=int, error_messages={"required": _("请选择要上传的资料。")}
    )
    file = forms.FileField(
        label=_("文件（照片、PDF 或 Office 文件）"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
        error_messages={"required": _("请选择文件。"), "empty": _("文件是空的。")},
    )

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [(d.pk, d.get_kind_display()) for d in documents]

    def clean_file(self):
        f = self.cleaned_data["file"]
        validate_upload(f)  # the same checks as a staff attachment (type, content, size)
        return f
