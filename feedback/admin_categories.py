"""Admin of the feedback app's category options: complaint categories (with the defect
category each counts in) and defect categories."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from salesite.admin_options import OptionRowAdmin

from . import models


class DefectCategoryFilter(admin.SimpleListFilter):
    """The defect categories by name (the field stores the option's code)."""

    title = _("计入缺陷类别")
    parameter_name = "defect_category"

    def lookups(self, request, model_admin):
        return list(models.DefectCategoryOption.objects.values_list("code", "name"))

    def queryset(self, request, queryset):
        return queryset.filter(defect_category=self.value()) if self.value() else queryset


@admin.register(models.ComplaintCategoryOption)
class ComplaintCategoryOptionAdmin(OptionRowAdmin):
    list_display = [*OptionRowAdmin.list_display, "defect_category_name"]
    list_filter = [*OptionRowAdmin.list_filter, DefectCategoryFilter]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                defect_category_label=models.DefectCategoryOption.label_subquery("defect_category")
            )
        )

    @admin.display(description=_("计入缺陷类别"), ordering="defect_category")
    def defect_category_name(self, obj):
        return obj.defect_category_label or obj.defect_category

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "defect_category":
            from django import forms

            return forms.ChoiceField(
                label=db_field.verbose_name,
                help_text=db_field.help_text,
                choices=lambda: list(
                    models.DefectCategoryOption.objects.values_list("code", "name")
                ),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(models.DefectCategoryOption)
class DefectCategoryOptionAdmin(OptionRowAdmin):
    pass
