"""The admin home: configuration first, grouped by what it configures, then the day-to-day
records by app, every section and model labelled in Chinese.

The groups are declared in ONE place, ``CONFIGURATION_GROUPS``, by "app_label.ModelName"
strings (the core imports no domain app). A registered model that no group lists stays in its
app's section, so a new model is never hidden; a listed model that is not registered (or that
the user may not see) is simply left out, and a group left empty is not shown.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

# (group label, [model labels]) in the order the admin home shows them.
CONFIGURATION_GROUPS = [
    (
        _("组织与角色"),
        [
            "salesite.Company",
            "salesite.Department",
            "salesite.Contact",
            "salesite.User",
            "salesite.Role",
            "auth.Group",
        ],
    ),
    (
        _("服务目录与方案"),
        [
            "operations.ServiceCategory",
            "operations.ServiceType",
            "operations.ServicePlan",
            "operations.SiteArea",
            "operations.ServicePost",
            "operations.Shift",
            "operations.InspectionChecklist",
            "feedback.StepAction",
            "feedback.RewardRule",
            "feedback.ComplaintCategoryOption",
            "feedback.DefectCategoryOption",
            "handover.InspectionDefectCategoryOption",
        ],
    ),
    (_("沟通层级"), ["communication.CommunicationLevel"]),
    (
        _("服务规则、节点计划与回访规则"),
        [
            "salesite.ServicePolicy",
            "feedback.RepairQualitySetting",
            "feedback.CallbackRule",
            "feedback.Questionnaire",
            "feedback.Question",
            "handover.MilestonePlan",
            "handover.MilestonePlanStep",
            "handover.ProgressMilestoneOption",
        ],
    ),
    (_("收费标准"), ["handover.FeeItem", "renovation.FeeItem"]),
    (_("日历与节假日"), ["renovation.CalendarDay", "feedback.Holiday"]),
    (
        _("定时任务"),
        [
            "django_celery_beat.PeriodicTask",
            "django_celery_beat.CrontabSchedule",
            "django_celery_beat.IntervalSchedule",
            "django_celery_beat.ClockedSchedule",
            "django_celery_beat.SolarSchedule",
        ],
    ),
]

# The sections of third-party apps, in Chinese (their own names are English or generic).
APP_NAMES = {
    "auth": _("用户组与权限"),
    "auditlog": _("审计日志"),
    "axes": _("登录保护"),
    "django_celery_beat": _("定时任务"),
}

# Display names on the admin home for third-party models whose own names are English or vague.
MODEL_NAMES = {
    "auth.Group": _("用户组"),
    "auditlog.LogEntry": _("审计日志记录"),
    "axes.AccessAttempt": _("登录失败尝试"),
    "axes.AccessLog": _("登录记录"),
    "axes.AccessFailureLog": _("登录失败记录"),
    "django_celery_beat.PeriodicTask": _("周期性任务"),
    "django_celery_beat.CrontabSchedule": _("Crontab 计划"),
    "django_celery_beat.IntervalSchedule": _("间隔计划"),
    "django_celery_beat.ClockedSchedule": _("定点计划"),
    "django_celery_beat.SolarSchedule": _("日照计划"),
}

# Record sections shown last (logs), after the records of the service's own apps.
LAST_APPS = ["auth", "auditlog", "axes", "django_celery_beat"]


class SalesiteAdminSite(admin.AdminSite):
    site_header = _("Salesite 管理后台")
    site_title = _("Salesite 管理后台")
    index_title = _("配置与数据")

    def get_app_list(self, request, app_label=None):
        app_dict = self._build_app_dict(request, app_label)
        for app in app_dict.values():
            app["name"] = APP_NAMES.get(app["app_label"], app["name"])
            for model in app["models"]:
                label = model["model"]._meta.label
                model["name"] = MODEL_NAMES.get(label, model["name"])
                model["dom_id"] = label.replace(".", "-").lower()
            app["models"].sort(key=lambda m: str(m["name"]))
        if app_label:
            return list(app_dict.values())
        return grouped_app_list(app_dict)


def grouped_app_list(app_dict):
    """The configuration groups (in declared order, their models in declared order), then
    each app's remaining models under the app's name (the service's apps in INSTALLED_APPS
    order, then ``LAST_APPS``)."""
    by_label = {}
    for app in app_dict.values():
        for model in app["models"]:
            by_label[model["model"]._meta.label] = model
    sections = []
    placed = set()
    for number, (name, labels) in enumerate(CONFIGURATION_GROUPS, start=1):
        models = [by_label[label] for label in labels if label in by_label]
        placed.update(labels)
        if models:
            sections.append(
                {
                    "name": name,
                    "app_label": f"config-{number}",
                    "app_url": "",
                    "has_module_perms": True,
                    "models": models,
                    "is_configuration": True,
                }
            )
    order = {config.label: i for i, config in enumerate(apps.get_app_configs())}
    remaining = sorted(
        app_dict.values(),
        key=lambda app: (app["app_label"] in LAST_APPS, order.get(app["app_label"], 0)),
    )
    for app in remaining:
        models = [m for m in app["models"] if m["model"]._meta.label not in placed]
        if models:
            sections.append({**app, "models": models, "is_configuration": False})
    return sections


class SalesiteAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``SalesiteAdminSite`` as ``admin.site``."""

    default_site = "salesite.admin_site.SalesiteAdminSite"

    def ready(self):
        super().ready()
        # The third-party apps' own names, in Chinese everywhere the admin shows them (the app
        # page, the breadcrumbs); their app_label and URLs are unchanged.
        for label, name in APP_NAMES.items():
            if label in apps.app_configs:
                apps.get_app_config(label).verbose_name = name
