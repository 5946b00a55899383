"""Forms of the signatures on the tablet: validation only, no side effects."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from salesite.forms import CrispyMixin

from .services.signatures import decode_signature_png


class SignatureForm(CrispyMixin, forms.Form):
    """The signer's name and the canvas drawing (a PNG data URL the page's script writes into
    ``image`` on submit), with the hash of the content the page showed."""

    one_time = True
    submit_label = _("确认签字")
    signer_name = forms.CharField(label=_("签字人姓名"), max_length=50)
    image = forms.CharField(widget=forms.HiddenInput, required=False)
    content_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, staff_name: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False
        self.helper.inputs = []
        if staff_name is not None:  # the countersign is the logged-in staff member's
            self.fields["signer_name"].initial = staff_name
            self.fields["signer_name"].disabled = True

    def clean(self):
        data = super().clean()
        try:
            decode_signature_png(data.get("image") or "")
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


class VoidForm(CrispyMixin, forms.Form):
    submit_label = _("作废签字")
    reason = forms.CharField(label=_("作废原因"), max_length=200)
