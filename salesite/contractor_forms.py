"""Forms of the contractor register (issue #16): validation only; the views call the services."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from salesite.forms import DATE_WIDGET, CrispyMixin
from salesite.models import (
    CompetitionScore,
    Contractor,
    ContractorDocument,
    ContractorStatus,
    ContractorTraining,
    LeadEvaluation,
    SkillCompetition,
)


class ContractorForm(CrispyMixin, forms.ModelForm):
    """Create (with the company) or edit a contractor; ``projects``: the projects the user
    may give it (every one of the company's for HQ)."""

    class Meta:
        model = Contractor
        fields = [
            "company",
            "name",
            "credit_code",
            "trade",
            "projects",
            "contact_name",
            "contact_phone",
            "tech_lead_name",
            "tech_lead_phone",
            "contract_start",
            "contract_end",
            "penalty_terms",
            "note",
        ]
        widgets = {
            "contract_start": DATE_WIDGET,
            "contract_end": DATE_WIDGET,
            "projects": forms.CheckboxSelectMultiple,
            "penalty_terms": forms.Textarea(attrs={"rows": 4}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "tech_lead_phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def __init__(self, *args, companies=None, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["company"]
        else:
            self.fields["company"].queryset = companies
            if companies is not None and len(companies) == 1:
                self.fields["company"].initial = companies[0]
        self.fields["projects"].queryset = projects

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("contract_start"), cleaned.get("contract_end")
        if start and end and end < start:
            self.add_error("contract_end", _("合同结束日期不能早于开始日期。"))
        company = cleaned.get("company") or getattr(self.instance, "company", None)
        for project in cleaned.get("projects") or []:
            if company is not None and project.property_company_id != company.pk:
                self.add_error("projects", _("项目“%(p)s”不属于该物业公司。") % {"p": project})
        return cleaned

    def _post_clean(self):
        # The service validates the whole row (with its company) before saving.
        pass


class StatusForm(CrispyMixin, forms.Form):
    one_time = False
    submit_label = _("变更状态")
    to = forms.ChoiceField(label=_("新状态"), choices=ContractorStatus.choices)
    note = forms.CharField(label=_("说明（淘汰时必填）"), required=False, max_length=500)

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [c for c in ContractorStatus.choices if c[0] in allowed]


class _ProjectChoiceMixin:
    """The project field narrowed to the contractor's projects the user may file under."""

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        if projects is not None and len(projects) == 1:
            self.fields["project"].initial = projects[0]


class DocumentForm(_ProjectChoiceMixin, CrispyMixin, forms.ModelForm):
    class Meta:
        model = ContractorDocument
        fields = ["project", "kind", "title", "number", "valid_until"]
        widgets = {"valid_until": DATE_WIDGET}

    def _post_clean(self):
        pass  # the contractor is set by the service, which validates the row


class TrainingForm(_ProjectChoiceMixin, CrispyMixin, forms.ModelForm):
    class Meta:
        model = ContractorTraining
        fields = [
            "project",
            "held_on",
            "trainer",
            "trainees",
            "trainee_count",
            "covers_service",
            "covers_construction",
            "covers_safety",
            "covers_etiquette",
            "acknowledgement_signed",
        ]
        widgets = {"held_on": DATE_WIDGET, "trainees": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"acknowledgement_signed": _("保存后在记录页上传受训确认书扫描件。")}

    def _post_clean(self):
        pass


class LeadEvaluationForm(_ProjectChoiceMixin, CrispyMixin, forms.ModelForm):
    class Meta:
        model = LeadEvaluation
        fields = [
            "project",
            "year",
            "quarter",
            "evaluated_on",
            "score",
            "passed",
            "replaced_by_name",
            "replaced_by_phone",
            "note",
        ]
        widgets = {"evaluated_on": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"replaced_by_name": _("不合格时必填：淘汰原负责人，记录更换后的负责人。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = datetime.date.today()
        self.fields["year"].initial = today.year
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1
        self.fields["evaluated_on"].initial = today
        self.fields["passed"].widget = forms.Select(
            choices=[(True, _("合格")), (False, _("不合格"))]
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("passed") is False and not (
            (cleaned.get("replaced_by_name") or "").strip()
            and (cleaned.get("replaced_by_phone") or "").strip()
        ):
            self.add_error("replaced_by_name", _("评估不合格须填写更换后的负责人及电话。"))
        return cleaned

    def _post_clean(self):
        pass


class CompetitionForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = SkillCompetition
        fields = ["company", "title", "held_on", "venue", "subjects"]
        widgets = {"held_on": DATE_WIDGET, "subjects": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, companies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
        if companies is not None and len(companies) == 1:
            self.fields["company"].initial = companies[0]


class ScoreForm(CrispyMixin, forms.ModelForm):
    one_time = False
    submit_label = _("录入成绩")

    class Meta:
        model = CompetitionScore
        fields = ["contractor", "score", "note"]

    def __init__(self, *args, contractors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contractor"].queryset = contractors

    def _post_clean(self):
        pass  # update_or_create in the service: a second entry corrects the score
