"""Forms of the contractor ranking (issue #16 item 4): validation only; the services write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesite.forms import DATE_WIDGET, CrispyMixin
from salesite.models import Contractor

from .models.ranking import RankingDecisionKind


class DecisionForm(CrispyMixin, forms.Form):
    one_time = False
    submit_label = _("记录决定")
    contractor = forms.ModelChoiceField(label=_("维修单位"), queryset=Contractor.objects.none())
    decision = forms.ChoiceField(label=_("决定"), choices=RankingDecisionKind.choices)
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, contractors, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contractor"].queryset = Contractor.objects.filter(
            pk__in=[c.pk for c in contractors]
        ).order_by("name")
        if proposal is not None:
            self.fields["contractor"].initial = proposal.pk
            self.fields["decision"].initial = RankingDecisionKind.ELIMINATE

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("请填写决定理由。"))
        return reason


class IntroductionForm(CrispyMixin, forms.Form):
    one_time = False
    submit_label = _("登记引进")
    contractor = forms.ModelChoiceField(label=_("引进单位"), queryset=Contractor.objects.none())
    replaces = forms.ModelChoiceField(
        label=_("替代单位"), queryset=Contractor.objects.none(), required=False
    )
    introduced_on = forms.DateField(label=_("引进日期"), widget=DATE_WIDGET)
    reason = forms.CharField(
        label=_("引进理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Contractor.objects.filter(company=company).order_by("name")
        self.fields["contractor"].queryset = qs
        self.fields["replaces"].queryset = qs
        self.fields["introduced_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if data.get("contractor") and data.get("contractor") == data.get("replaces"):
            self.add_error("replaces", _("替代单位不能是引进单位本身。"))
        return data
