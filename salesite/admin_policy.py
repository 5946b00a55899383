"""Django admin of the service policies (issue #20): one row per property company, optionally
one per project overriding it, and the action that re-applies the current policy to the open
items of the projects a row covers (the domain apps register how, salesite.policy)."""

from auditlog.mixins import AuditlogHistoryAdminMixin
from django.contrib import admin, messages
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from salesite import access
from salesite.models import ServicePolicy
from salesite.policy import projects_covered, recompute_open_items


class ScopeFilter(admin.SimpleListFilter):
    title = _lazy("适用范围")
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [("company", _lazy("公司规则")), ("project", _lazy("项目规则"))]

    def queryset(self, request, queryset):
        if self.value() == "company":
            return queryset.filter(project__isnull=True)
        if self.value() == "project":
            return queryset.filter(project__isnull=False)
        return queryset


@admin.register(ServicePolicy)
class ServicePolicyAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    show_auditlog_history_link = True
    list_display = [
        "__str__",
        "company",
        "project",
        "dispatch_minutes",
        "answer_hours",
        "review_working_days",
        "refund_wait_months",
        "prepaid_months",
        "warranty_notice_months",
        "warranty_response_days",
        "milestone_reminder_days",
        "updated_at",
    ]
    list_display_links = ["__str__"]
    list_filter = [ScopeFilter, "company"]
    search_fields = ["company__name", "company__short_name", "project__name", "project__code"]
    autocomplete_fields = ["company", "project"]
    readonly_fields = ["updated_at"]
    actions = ["recompute_open_items"]
    fieldsets = [
        (
            _lazy("适用范围"),
            {
                "fields": ["company", "project", "note"],
                "description": _lazy(
                    "每个物业下属公司有一行公司规则，适用于其服务的全部项目；某个项目规则不同时，"
                    "可为该项目另建一行（选择项目），该行整体取代公司规则。没有规则行时使用系统"
                    "默认值（即下列各项的默认值，与服务规范一致）。"
                ),
            },
        ),
        (
            _lazy("客户反馈时限"),
            {
                "fields": ["dispatch_minutes", "answer_hours"],
                "description": _lazy(
                    "登记事项时按当时的规则计算转派和答复期限并记入事项；修改规则只影响之后登记的"
                    "事项，已登记的未完成事项可用列表页的“按当前规则重新计算未完成事项”更新。"
                ),
            },
        ),
        (
            _lazy("装修管理"),
            {
                "fields": ["review_working_days", "refund_wait_months"],
                "description": _lazy(
                    "装修申请登记时记下这两项取值，审核截止时间和押金可退日期据此计算。"
                ),
            },
        ),
        (
            _lazy("交付与保修"),
            {
                "fields": [
                    "prepaid_months",
                    "milestone_reminder_days",
                    "warranty_notice_months",
                    "warranty_response_days",
                ],
                "description": _lazy(
                    "预收月数在办理交房收费时使用并记入每条收费明细；保修两项在登记保修项目时记入"
                    "该项目；交付前计划提醒按项目当前规则每日执行。"
                ),
            },
        ),
        (_lazy("记录"), {"fields": ["updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("company", "project")
        ids = access.visible_project_ids(request.user)
        if ids is None:
            return qs
        # A staff user who is not HQ sees the rows of their projects and of their companies.
        return qs.filter(
            Q(project_id__in=ids) | Q(project__isnull=True, company__served_projects__in=ids)
        ).distinct()

    @admin.action(
        description=_lazy("按当前规则重新计算未完成事项"),
        permissions=["change"],
    )
    def recompute_open_items(self, request, queryset):
        project_ids = sorted({pid for policy in queryset for pid in projects_covered(policy)})
        visible = access.visible_project_ids(request.user)
        if visible is not None:
            project_ids = [pid for pid in project_ids if pid in set(visible)]
        results = recompute_open_items(project_ids)
        total = sum(len(changes) for _label, changes in results)
        self.message_user(
            request,
            _("已按当前规则重新计算 %(p)s 个项目的未完成事项：变更 %(n)s 处。")
            % {"p": len(project_ids), "n": total},
            messages.SUCCESS if total else messages.INFO,
        )
        return TemplateResponse(
            request,
            "admin/salesite/servicepolicy/recompute_result.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("重新计算结果"),
                "results": results,
                "project_count": len(project_ids),
            },
        )
