"""Forms of handover days (issue #15): validation only, no side effects."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from salesite.forms import DATE_WIDGET, CrispyMixin, PlausibleInputMixin

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class DayForm(CrispyMixin, forms.Form):
    one_time = True
    date = forms.DateField(label=_("交付日"), widget=DATE_WIDGET)
    desks = forms.IntegerField(label=_("办理台数"), min_value=1, max_value=50, initial=3)


class SlotForm(CrispyMixin, forms.Form):
    one_time = True
    starts_at = forms.TimeField(label=_("开始时间"), widget=TIME_WIDGET)
    ends_at = forms.TimeField(label=_("结束时间"), widget=TIME_WIDGET)
    capacity = forms.IntegerField(label=_("可预约户数"), min_value=1, max_value=500)

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("结束时间须晚于开始时间。"))
        return data


class PhoneBookingForm(PlausibleInputMixin, forms.Form):
    """The front desk books by phone: a unit of the batch and a slot of the day."""

    unit = forms.ModelChoiceField(queryset=None, label=_("房屋"))
    slot = forms.ModelChoiceField(queryset=None, label=_("时段"))

    def __init__(self, *args, units, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["slot"].queryset = slots
        for name in ("unit", "slot"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["slot"].label_from_instance = lambda s: s.label


class CheckInSearchForm(PlausibleInputMixin, forms.Form):
    q = forms.CharField(
        label=_("姓名、手机尾号或房号"),
        max_length=30,
        required=False,
        strip=True,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("姓名、手机尾号或房号")}
        ),
    )


class CallForm(PlausibleInputMixin, forms.Form):
    desk = forms.IntegerField(label=_("办理台"), min_value=1, max_value=50)


class VenueForm(CrispyMixin, forms.Form):
    wait_warning_minutes = forms.IntegerField(
        label=_("等候时间预警(分钟)"), min_value=1, max_value=600
    )
    public_attachments = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("现场公示文件"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("先在批次页面上传竣工验收备案表、实测面积报告等附件，再在此勾选公示。"),
    )

    def __init__(self, *args, attachments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_attachments"].queryset = attachments


class RehearsalForm(CrispyMixin, forms.Form):
    one_time = True
    held_on = forms.DateField(label=_("演练日期"), widget=DATE_WIDGET)
    participants = forms.CharField(
        label=_("参加人员"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    note = forms.CharField(
        label=_("演练情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    problems = forms.CharField(
        label=_("发现的问题"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一条，格式：问题｜整改责任人｜整改期限(YYYY-MM-DD)"),
    )

    def clean_problems(self):
        rows = []
        for n, line in enumerate(self.cleaned_data["problems"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
            if len(parts) != 3 or not all(parts):
                raise forms.ValidationError(
                    _("第 %(n)s 行格式不对：应为“问题｜整改责任人｜整改期限”。") % {"n": n}
                )
            try:
                due = datetime.date.fromisoformat(parts[2])
            except ValueError as exc:
                raise forms.ValidationError(
                    _("第 %(n)s 行的整改期限不是有效日期（YYYY-MM-DD）。") % {"n": n}
                ) from exc
            if len(parts[0]) > 200 or len(parts[1]) > 60:
                raise forms.ValidationError(_("第 %(n)s 行内容过长。") % {"n": n})
            rows.append((parts[0], parts[1], due))
        return rows


class EmergencyPlanForm(CrispyMixin, forms.Form):
    content = forms.CharField(
        label=_("预案内容"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000
    )
    items = forms.CharField(
        label=_("检查清单"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一项，例如：备用发电机已试机"),
    )

    def clean_items(self):
        items = [t.strip() for t in self.cleaned_data["items"].splitlines() if t.strip()]
        if any(len(t) > 200 for t in items):
            raise forms.ValidationError(_("检查项每项不超过 200 字。"))
        return items
