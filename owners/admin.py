"""Admin of the owner portal: access per number, login codes (hashes only) and lock rows."""

from django.contrib import admin

from . import models


@admin.register(models.OwnerAccess)
class OwnerAccessAdmin(admin.ModelAdmin):
    list_display = ["mobile", "is_disabled", "disabled_reason", "last_login_at", "last_login_ip"]
    list_filter = ["is_disabled", "last_login_at"]
    search_fields = ["mobile", "disabled_reason"]
    readonly_fields = ["last_login_at", "last_login_ip", "changed_by", "changed_at", "created_at"]


@admin.register(models.LoginCode)
class LoginCodeAdmin(admin.ModelAdmin):
    list_display = ["mobile", "created_at", "expires_at", "used_at", "attempts", "sent", "ip"]
    list_filter = ["sent", "created_at"]
    search_fields = ["mobile", "ip"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in models.LoginCode._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.LoginGuard)
class LoginGuardAdmin(admin.ModelAdmin):
    list_display = ["mobile", "failures", "locked_until", "updated_at"]
    list_filter = ["locked_until"]
    search_fields = ["mobile"]
    readonly_fields = ["updated_at"]
