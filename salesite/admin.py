"""Django admin for the core. Admin is scoped too: a staff user who is not HQ sees only the
rows of their projects (ProjectScopedAdmin)."""

from auditlog.mixins import AuditlogHistoryAdminMixin
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from salesite import (
    access,
    admin_policy,  # noqa: F401  registers the service policy admin
    admin_rollups,  # noqa: F401  registers the daily rollups' admin
)
from salesite.masking import mask_id_number, mask_phone
from salesite.models import (
    Attachment,
    Building,
    Company,
    Contact,
    Customer,
    Department,
    ImportBatch,
    JobLease,
    JobRun,
    Notification,
    OutboundMessage,
    Project,
    ProjectMembership,
    ProjectPhaseChange,
    Purchase,
    Role,
    SMSMessage,
    Tenant,
    Unit,
    User,
)


class ProjectScopedAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    """Limits rows and foreign-key choices to the projects the staff user may see."""

    show_auditlog_history_link = True
    project_lookup = "project"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = access.visible_project_ids(request.user)
        if ids is None:
            return qs
        lookup = "pk" if self.model is Project else self.project_lookup
        return qs.filter(**{f"{lookup}__in": ids})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ids = access.visible_project_ids(request.user)
        if ids is not None:
            related = db_field.related_model
            if related is Project:
                kwargs["queryset"] = Project.objects.filter(pk__in=ids)
            elif hasattr(related.objects, "visible_to"):
                kwargs["queryset"] = related.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0
    autocomplete_fields = ["head"]


@admin.register(Company)
class CompanyAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent"]
    inlines = [DepartmentInline]
    show_auditlog_history_link = True


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "kind", "head"]
    list_filter = ["kind", "company__kind"]
    search_fields = ["name", "company__name"]
    autocomplete_fields = ["company", "head"]


class MembershipInline(admin.TabularInline):
    model = ProjectMembership
    extra = 0
    autocomplete_fields = ["user", "contact", "role"]


class BuildingInline(admin.TabularInline):
    model = Building
    extra = 0
    fields = ["name", "phase", "floors", "planned_delivery_date", "actual_delivery_date"]


class StatusHistoryInline(admin.TabularInline):
    """The read-only history of a record with a workflow (a ``StatusHistory`` subclass):
    its rows are written by ``salesite.workflow.transition`` only, so nothing is added,
    changed or deleted here. Subclasses set ``model`` (and ``fields`` to show more)."""

    extra = 0
    can_delete = False
    fields = ["from_status", "to_status", "by", "at", "note"]
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return list(self.get_fields(request, obj))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PhaseChangeInline(StatusHistoryInline):
    # phases move through the service (dated, one step at a time)
    model = ProjectPhaseChange
    fields = ["from_status", "to_status", "changed_on", "by", "note", "at"]


@admin.register(Project)
class ProjectAdmin(ProjectScopedAdmin):
    list_display = [
        "name",
        "code",
        "marketing_phase",
        "phase_changed_on",
        "developer_company",
        "property_company",
        "service_centre",
    ]
    list_filter = ["marketing_phase", "property_company", "developer_company"]
    search_fields = ["name", "code", "address"]
    readonly_fields = ["marketing_phase", "phase_changed_on"]
    autocomplete_fields = ["developer_company", "property_company", "service_centre"]
    inlines = [BuildingInline, MembershipInline, PhaseChangeInline]


@admin.register(Building)
class BuildingAdmin(ProjectScopedAdmin):
    list_display = [
        "name",
        "project",
        "phase",
        "floors",
        "planned_delivery_date",
        "actual_delivery_date",
    ]
    list_filter = ["project", "phase"]
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]


@admin.register(Unit)
class UnitAdmin(ProjectScopedAdmin):
    list_display = ["__str__", "project", "floor", "unit_type", "area", "is_commercial"]
    list_filter = ["project", "is_commercial", "unit_type"]
    search_fields = ["number", "building__name"]
    list_select_related = ["project", "building"]
    autocomplete_fields = ["building"]


class PurchaseInline(admin.TabularInline):
    model = Purchase
    extra = 0
    autocomplete_fields = ["unit"]
    fk_name = "customer"


@admin.register(Customer)
class CustomerAdmin(ProjectScopedAdmin):
    list_display = [
        "name",
        "project",
        "masked_phone",
        "id_type",
        "masked_id",
        "is_club_member",
        "is_vip",
    ]
    list_filter = ["project", "is_club_member", "is_vip", "id_type"]
    search_fields = ["name", "phone", "id_number"]
    list_select_related = ["project"]
    inlines = [PurchaseInline]

    @admin.display(description=_("手机"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    @admin.display(description=_("证件号码"))
    def masked_id(self, obj):
        return mask_id_number(obj.id_number)


@admin.register(Purchase)
class PurchaseAdmin(ProjectScopedAdmin):
    list_display = [
        "customer",
        "unit",
        "project",
        "subscribed_on",
        "signed_on",
        "sales_consultant",
        "is_active",
    ]
    list_filter = ["project", "is_active", "signed_on"]
    search_fields = ["customer__name", "unit__number", "contract_number", "sales_consultant"]
    list_select_related = ["customer", "unit__building", "project"]
    autocomplete_fields = ["unit", "customer"]
    date_hierarchy = "signed_on"


@admin.register(Tenant)
class TenantAdmin(ProjectScopedAdmin):
    list_display = [
        "name",
        "unit",
        "project",
        "lease_start",
        "lease_end",
        "owner_commitment_received",
        "lease_received",
    ]
    list_filter = ["project", "owner_commitment_received", "lease_received"]
    search_fields = ["name", "phone", "unit__number"]
    list_select_related = ["unit__building", "project"]
    autocomplete_fields = ["unit"]


@admin.register(ProjectPhaseChange)
class ProjectPhaseChangeAdmin(ProjectScopedAdmin):
    list_display = ["project", "from_status", "to_status", "changed_on", "by"]
    list_filter = ["to_status", "project"]
    search_fields = ["project__name", "note"]
    readonly_fields = ["project", "from_status", "to_status", "changed_on", "by", "note", "at"]

    def has_add_permission(self, request):
        return False


@admin.register(Role)
class RoleAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "side", "scope", "can_view_personal_data", "order"]
    list_filter = ["side", "scope", "can_view_personal_data"]
    list_editable = ["order"]
    search_fields = ["name", "code"]
    filter_horizontal = ["permissions"]
    show_auditlog_history_link = True


@admin.register(ProjectMembership)
class ProjectMembershipAdmin(ProjectScopedAdmin):
    list_display = ["project", "role", "user", "contact", "is_active", "since"]
    list_filter = ["role", "is_active", "project", "role__side"]
    search_fields = ["user__username", "user__name", "contact__name", "project__name"]
    list_select_related = ["project", "role", "user", "contact"]
    autocomplete_fields = ["user", "contact", "project"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "title", "phone", "email"]
    list_filter = ["company"]
    search_fields = ["name", "phone", "company__name"]
    autocomplete_fields = ["company"]


@admin.register(User)
class UserAdmin(AuditlogHistoryAdminMixin, DjangoUserAdmin):
    list_display = ["username", "name", "company", "department", "email", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "company"]
    search_fields = ["username", "name", "email", "phone"]
    autocomplete_fields = ["company", "department"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("组织"), {"fields": ("name", "phone", "company", "department")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("组织"), {"fields": ("name", "phone", "company", "department")}),
    )
    inlines = [MembershipInline]
    show_auditlog_history_link = True


@admin.register(Attachment)
class AttachmentAdmin(ProjectScopedAdmin):
    list_display = [
        "original_name",
        "project",
        "content_type",
        "object_id",
        "mime_type",
        "size",
        "personal",
        "uploaded_by",
        "uploaded_at",
    ]
    list_filter = ["personal", "mime_type", "project", "content_type"]
    search_fields = ["original_name", "description"]
    readonly_fields = [
        "content_type",
        "object_id",
        "file",
        "original_name",
        "mime_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]

    def has_add_permission(self, request):
        return False  # uploads go through the checked form on the record's page


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "recipient",
        "level",
        "project",
        "created_at",
        "read_at",
        "email_sent_at",
    ]
    list_filter = ["level", "read_at", "email_sent_at"]
    search_fields = ["title", "body", "recipient__username", "recipient__name"]
    list_select_related = ["recipient", "project"]
    raw_id_fields = ["recipient"]


@admin.register(SMSMessage)
class SMSMessageAdmin(admin.ModelAdmin):
    list_display = ["phone", "short_body", "status", "backend", "project", "created_at"]
    list_filter = ["status", "backend"]
    search_fields = ["phone", "body"]

    @admin.display(description=_("内容"))
    def short_body(self, obj):
        return obj.body[:40]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """The outbox: every email and SMS with its delivery state; "resend" queues a row again."""

    list_display = [
        "recipient",
        "channel",
        "short_text",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "project",
        "created_at",
    ]
    list_filter = ["channel", "status", "created_at"]
    search_fields = ["recipient", "subject", "dedupe_key"]
    list_select_related = ["project"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    readonly_fields = [
        "channel",
        "recipient",
        "subject",
        "body",
        "project",
        "dedupe_key",
        "notification",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "last_error",
        "sent_at",
        "created_at",
    ]

    @admin.display(description=_("内容"))
    def short_text(self, obj):
        return (obj.subject or obj.body)[:40]

    @admin.action(description=_("重新发送所选消息"))
    def resend(self, request, queryset):
        from salesite import outbox

        n = outbox.resend(queryset.values_list("pk", flat=True))
        self.message_user(request, _("已将 %(n)s 条消息重新排队，将在一分钟内发送。") % {"n": n})

    def has_add_permission(self, request):
        return False  # messages are queued by the services, never typed in


@admin.register(JobLease)
class JobLeaseAdmin(admin.ModelAdmin):
    list_display = ["job_name", "holder", "acquired_at", "expires_at"]
    list_filter = ["expires_at"]
    search_fields = ["job_name", "holder"]
    readonly_fields = ["job_name", "holder", "acquired_at", "expires_at"]


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["job_name", "status", "started_at", "finished_at", "counts"]
    list_filter = ["status", "job_name"]
    search_fields = ["job_name", "error"]
    readonly_fields = ["job_name", "status", "started_at", "finished_at", "counts", "error"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ProjectScopedAdmin):
    list_display = [
        "file_name",
        "project",
        "status",
        "progress",
        "row_count",
        "error_count",
        "attempts",
        "imported_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "project", "created_at"]
    search_fields = ["file_name", "sha256"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ImportBatch._meta.fields]


from salesite import admin_contractors  # noqa: E402, F401  the contractor register
