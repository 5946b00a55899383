"""Forms of the handover app's notices: progress and design-change notices, open days and the
staff record of an invitation (validation only, no side effects)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from salesite.forms import DATE_WIDGET, CrispyMixin, PlausibleInputMixin

from .models import ProgressMilestoneOption


class NoticeForm(CrispyMixin, forms.ModelForm):
    class Meta:
        from .models import ProgressNotice

        model = ProgressNotice
        fields = [
            "project",
            "kind",
            "milestone",
            "title",
            "body",
            "by_sms",
            "by_email",
            "in_newsletter",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"] = forms.ModelChoiceField(queryset=projects, label=_("项目"))
        if len(projects) == 1:
            self.fields["project"].initial = projects[0]
        # The active progress milestones (admins edit the list), read when the form is shown.
        self.fields["milestone"] = forms.ChoiceField(
            label=_("工程节点"),
            choices=lambda: ProgressMilestoneOption.choices(
                current=self.instance.milestone, blank=True
            ),
            required=False,
        )
        self.order_fields(self.Meta.fields)

    def clean(self):
        data = super().clean()
        if data.get("kind") == "progress" and not data.get("milestone"):
            self.add_error("milestone", _("工程进展通报须选择工程节点。"))
        return data


class OpenDayForm(CrispyMixin, forms.ModelForm):
    class Meta:
        from .models import SiteOpenDay

        model = SiteOpenDay
        fields = ["project", "title", "held_on", "description"]
        widgets = {"held_on": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"] = forms.ModelChoiceField(queryset=projects, label=_("项目"))


class InvitationForm(PlausibleInputMixin, forms.Form):
    attended = forms.BooleanField(label=_("已到场"), required=False)
    opinion = forms.CharField(label=_("意见"), required=False, max_length=2000)
