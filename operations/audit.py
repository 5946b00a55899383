"""Audit registration of the operations models (R-X-2); imported from salesite.audit."""

from auditlog.registry import auditlog

from operations import models as m

for model in (
    m.SiteArea,
    m.ServicePost,
    m.Shift,
    m.RosterEntry,
    m.ServiceCategory,
    m.ServiceType,
    m.ServicePlan,
    m.ServicePlanService,
    m.TrainingSession,
    m.TrainingAttendance,
    m.MarketingEvent,
    m.EventChecklistItem,
    m.InspectionChecklist,
    m.InspectionItem,
    m.Inspection,
    m.InspectionScore,
    m.RectificationItem,
):
    auditlog.register(model)
