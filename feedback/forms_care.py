"""Forms of the feedback app's care work: warranty items, reports and notice channels, the
owners' club, ambassador patrols and referrals (validation only; the services do the writing)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesite.forms import DATE_WIDGET, CrispyMixin, PlausibleInputMixin
from salesite.models import Building, Customer, Project, Unit, User

from .models import (
    DefectCategoryOption,
    WarrantyNoticeChannel,
)

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class WarrantyItemForm(CrispyMixin, forms.Form):
    one_time = True
    project = forms.ModelChoiceField(label=_("项目"), queryset=None)
    building = forms.ModelChoiceField(label=_("楼栋（空为全项目）"), queryset=None, required=False)
    name = forms.CharField(label=_("部位/系统"), max_length=100)
    responsible_unit = forms.CharField(label=_("责任单位"), max_length=100)
    responsible_contact = forms.CharField(
        label=_("责任单位联系人/电话"), max_length=100, required=False
    )
    starts_on = forms.DateField(label=_("保修开始"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("保修到期"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [p.pk for p in projects]
        self.fields["project"].queryset = Project.objects.filter(pk__in=ids)
        self.fields["building"].queryset = Building.objects.filter(project__in=ids).select_related(
            "project"
        )
        self.fields["building"].label_from_instance = lambda b: f"{b.project.name} {b.name}"

    def clean(self):
        data = super().clean()
        b, p = data.get("building"), data.get("project")
        if b is not None and p is not None and b.project_id != p.pk:
            self.add_error("building", _("楼栋不属于该项目。"))
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("保修到期日不能早于开始日。"))
        return data


class UnitOwnerForm(PlausibleInputMixin, forms.Form):
    """Pick a unit by building + number text (never a list of every unit); its owner is the
    customer of the unit's active purchase."""

    building = forms.ModelChoiceField(label=_("楼栋"), queryset=None)
    unit_number = forms.CharField(label=_("房号"), max_length=30)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["building"].queryset = Building.objects.filter(project=project)

    def clean(self):
        data = super().clean()
        building, number = data.get("building"), data.get("unit_number", "").strip()
        if building is None or not number:
            return data
        unit = Unit.objects.filter(building=building, number=number).first()
        if unit is None:
            self.add_error("unit_number", _("该楼栋没有此房号。"))
            return data
        data["unit_obj"] = unit
        purchase = unit.purchases.filter(is_active=True).select_related("customer").first()
        data["customer_obj"] = purchase.customer if purchase else None
        return data


class WarrantyReportForm(CrispyMixin, UnitOwnerForm):
    submit_label = _("记录问题")

    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))


class WarrantyChannelForm(CrispyMixin, forms.Form):
    """A notice given by hand for a warranty item: the notice board or the phone calls."""

    one_time = True
    submit_label = _("记录通知")

    channel = forms.ChoiceField(
        label=_("通知方式"), choices=WarrantyNoticeChannel.Kind.choices, widget=forms.RadioSelect
    )
    done_at = forms.DateTimeField(label=_("完成时间"), widget=DATETIME_WIDGET)
    done_by = forms.ModelChoiceField(label=_("执行人"), queryset=None)
    reached = forms.TypedChoiceField(
        label=_("是否接通（电话通知）"),
        choices=[("", "—"), ("yes", _("已接通")), ("no", _("未接通"))],
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, item, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_by"].queryset = User.objects.filter(
            memberships__project=item.project_id, memberships__is_active=True
        ).distinct()
        self.fields["done_by"].initial = user.pk
        self.fields["done_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean_done_at(self):
        done_at = self.cleaned_data["done_at"]
        if done_at > timezone.now():
            raise forms.ValidationError(_("完成时间不能晚于现在。"))
        return done_at

    def clean(self):
        data = super().clean()
        phone = data.get("channel") == WarrantyNoticeChannel.Kind.PHONE
        if phone and data.get("reached") is None:
            self.add_error("reached", _("电话通知请填写是否接通。"))
        if not phone:
            data["reached"] = None
        return data


class ClubEventForm(CrispyMixin, forms.Form):
    one_time = True
    project = forms.ModelChoiceField(label=_("项目"), queryset=None)
    title = forms.CharField(label=_("活动名称"), max_length=100)
    starts_at = forms.DateTimeField(label=_("活动时间"), widget=DATETIME_WIDGET)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=10_000, required=False)
    description = forms.CharField(
        label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(pk__in=[p.pk for p in projects])


class AttendeeForm(CrispyMixin, UnitOwnerForm):
    submit_label = _("报名")

    def clean(self):
        data = super().clean()
        if "unit_obj" in data and data.get("customer_obj") is None:
            self.add_error("unit_number", _("该房号没有业主记录。"))
        return data


class PatrolForm(CrispyMixin, forms.Form):
    one_time = True
    project = forms.ModelChoiceField(label=_("项目"), queryset=None)
    patrolled_on = forms.DateField(label=_("巡查日期"), widget=DATE_WIDGET)
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=None, required=False)
    area = forms.CharField(label=_("区域"), max_length=50, required=False)
    category = forms.ChoiceField(label=_("缺陷类别"), choices=DefectCategoryOption.choices)
    finding = forms.CharField(label=_("发现的问题"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [p.pk for p in projects]
        self.fields["project"].queryset = Project.objects.filter(pk__in=ids)
        self.fields["building"].queryset = Building.objects.filter(project__in=ids).select_related(
            "project"
        )
        self.fields["building"].label_from_instance = lambda b: f"{b.project.name} {b.name}"


class ReferralForm(CrispyMixin, forms.Form):
    one_time = True
    project = forms.ModelChoiceField(label=_("意向项目"), queryset=None)
    referrer_phone = forms.CharField(label=_("推荐人（老业主）手机号"), max_length=20)
    referred_name = forms.CharField(label=_("被推荐人"), max_length=50)
    referred_phone = forms.CharField(label=_("被推荐人电话"), max_length=20, required=False)

    def __init__(self, *args, projects, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["project"].queryset = Project.objects.filter(pk__in=[p.pk for p in projects])

    def clean_referrer_phone(self):
        phone = self.cleaned_data["referrer_phone"].strip()
        customer = (
            Customer.objects.visible_to(self.user)
            .filter(phone=phone, purchases__is_active=True)
            .order_by("pk")
            .first()
        )
        if customer is None:
            raise forms.ValidationError(_("未找到该手机号的老业主。"))
        self.cleaned_data["referrer_obj"] = customer
        return phone


class PurchaseByUnitForm(CrispyMixin, UnitOwnerForm):
    """The purchase of a unit picked by building + number (its active purchase)."""

    def clean(self):
        data = super().clean()
        unit = data.get("unit_obj")
        if unit is not None:
            purchase = unit.purchases.filter(is_active=True).select_related("customer").first()
            if purchase is None:
                self.add_error("unit_number", _("该房号没有有效的购房记录。"))
            data["purchase_obj"] = purchase
        return data


class ProjectUnitForm(PurchaseByUnitForm):
    """Building (of any of the given projects) + number, for pages not tied to one project."""

    one_time = True

    def __init__(self, *args, projects, **kwargs):
        ids = [p.pk for p in projects]
        super().__init__(*args, project=None, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(project__in=ids).select_related(
            "project"
        )
        self.fields["building"].label_from_instance = lambda b: f"{b.project.name} {b.name}"
