"""Admin of option rows (``salesite.models.options.OptionRow``): the same list, filters,
search and editing for every list of options an admin owns."""

from auditlog.mixins import AuditlogHistoryAdminMixin
from django import forms
from django.contrib import admin


class OptionRowAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active"]
    search_fields = ["name", "code"]
    ordering = ["order", "code"]

    def get_readonly_fields(self, request, obj=None):
        # The code is what records store: fixed once the option exists.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # Records keep the code; deactivate an option instead of deleting it.
        return False


class OptionFieldsMixin:
    """For a ModelAdmin or inline whose CharFields hold option codes: ``option_fields`` maps
    the field name to its option model, and the field becomes a select of every option
    (active or not, so an old record keeps its value when edited here)."""

    option_fields: dict = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        option_model = self.option_fields.get(db_field.name)
        if option_model is None:
            return super().formfield_for_dbfield(db_field, request, **kwargs)

        def choices():
            rows = list(option_model.objects.values_list("code", "name"))
            return ([("", "—")] if db_field.blank else []) + rows

        return forms.ChoiceField(
            label=db_field.verbose_name, choices=choices, required=not db_field.blank
        )
