"""Forms of the 6+2 checklists (R-FB-10): a line's score, the reopen reason, the Q4 BSC result."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesite.forms import CrispyMixin, PlausibleInputMixin


class ChecklistLineForm(PlausibleInputMixin, forms.Form):
    """One item of the checklist page (prefix ``line-<pk>``); the score is checked against
    the line's full score."""

    score = forms.DecimalField(
        label=_("得分"), min_value=0, max_value=999, decimal_places=2, required=False
    )
    note = forms.CharField(label=_("检查说明"), max_length=300, required=False)
    evidence = forms.CharField(label=_("证据"), max_length=200, required=False)

    def __init__(self, *args, line, **kwargs):
        self.line = line
        kwargs.setdefault(
            "initial",
            {"score": line.score, "note": line.note, "evidence": line.evidence},
        )
        super().__init__(*args, prefix=f"line-{line.pk}", **kwargs)
        self.fields["score"].widget.attrs.update(
            {"max": str(line.points), "step": "0.01", "class": "form-control form-control-sm"}
        )
        for name in ("note", "evidence"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"

    def clean_score(self):
        score = self.cleaned_data.get("score")
        if score is not None and score > self.line.points:
            raise forms.ValidationError(
                _("得分不能超过满分 %(max)s。") % {"max": format(self.line.points.normalize(), "f")}
            )
        return score


class AssessmentReopenForm(CrispyMixin, forms.Form):
    submit_label = _("退回")

    reason = forms.CharField(label=_("退回原因"), max_length=200)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("请填写退回原因。"))
        return reason


class AssessmentBscForm(CrispyMixin, forms.Form):
    """The fourth quarter's group BSC result; empty removes it."""

    total = forms.DecimalField(
        label=_("集团BSC结果（0–100，留空则取消）"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        required=False,
    )
    note = forms.CharField(
        label=_("说明（来源、文号等）"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("total") is not None and not (data.get("note") or "").strip():
            self.add_error("note", _("请填写BSC结果的说明（来源、文号等）。"))
        return data
