"""What repair quality (issue #16 items 5, 7, 8) registers when the app is ready: audit
history, record-page rules (who may view a record and its attachments), dashboard figures.
Called from ``FeedbackConfig.ready``."""


def ready():
    from auditlog.registry import auditlog

    from salesite.access import register_record_view
    from salesite.dashboard import registry

    from . import dashboard_repair_quality, models

    for model in (
        models.RepairQualitySetting,
        models.SupervisorProfile,
        models.SupervisorAssessment,
        models.MonthlyTraining,
        models.RepairCaseEntry,
        models.DesignCaseEntry,
        models.YearlyTarget,
    ):
        auditlog.register(model)
    register_record_view(models.SupervisorProfile, "feedback.view_supervisorprofile")
    register_record_view(models.RepairCaseEntry, "feedback.view_repaircaseentry")
    register_record_view(models.DesignCaseEntry, "feedback.view_designcaseentry")
    registry.register(dashboard_figures=dashboard_repair_quality.dashboard_figures)
