"""Django admin of the handover signatures: read-only (a signature is given on the signing page
and voided there with a reason; neither is edited here)."""

from django.contrib import admin

from salesite.admin import ProjectScopedAdmin

from .models import HandoverSignature


@admin.register(HandoverSignature)
class HandoverSignatureAdmin(ProjectScopedAdmin):
    list_display = [
        "case",
        "document",
        "role",
        "signer_name",
        "signed_at",
        "content_sha256",
        "voided_at",
    ]
    list_filter = ["document", "role", "project", ("voided_at", admin.EmptyFieldListFilter)]
    search_fields = ["signer_name", "case__unit__number", "case__customer__name", "void_reason"]
    date_hierarchy = "signed_at"
    list_select_related = ["case__unit", "case__customer"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False
