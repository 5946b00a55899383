"""Sales-site service operations: areas and posts (R-CORE-3), shifts and the daily roster
(R-CORE-5), the service catalogue (R-CORE-6), the service plan with versions and its review
workflow (R-CORE-7), training (R-CORE-8), marketing events (R-CORE-9) and HQ quality
inspections with rectification items (R-CORE-11)."""

from .base import (
    SITE_OPEN_PHASES,
    USER,
    GlobalOrProjectQuerySet,
    ImmutableRecord,
)
from .events import (
    EVENT_TRANSITIONS,
    EventChecklistItem,
    EventHistory,
    EventStatus,
    MarketingEvent,
)
from .inspections import (
    INSPECTION_TRANSITIONS,
    RECTIFICATION_TRANSITIONS,
    Inspection,
    InspectionChecklist,
    InspectionItem,
    InspectionScore,
    InspectionStatus,
    RectificationHistory,
    RectificationItem,
    RectificationQuerySet,
    RectificationStatus,
)
from .plans import (
    PLAN_EDITABLE,
    PLAN_FIELDS,
    PLAN_REVISABLE,
    PLAN_SECTIONS,
    PLAN_TRANSITIONS,
    PlanStatus,
    ServiceCategory,
    ServicePlan,
    ServicePlanHistory,
    ServicePlanService,
    ServiceType,
)
from .sites import (
    RosterEntry,
    ServicePost,
    Shift,
    SiteArea,
)
from .training import (
    TrainingAttendance,
    TrainingSession,
)

__all__ = [
    "EVENT_TRANSITIONS",
    "INSPECTION_TRANSITIONS",
    "PLAN_EDITABLE",
    "PLAN_FIELDS",
    "PLAN_REVISABLE",
    "PLAN_SECTIONS",
    "PLAN_TRANSITIONS",
    "RECTIFICATION_TRANSITIONS",
    "SITE_OPEN_PHASES",
    "USER",
    "EventChecklistItem",
    "EventHistory",
    "EventStatus",
    "GlobalOrProjectQuerySet",
    "ImmutableRecord",
    "Inspection",
    "InspectionChecklist",
    "InspectionItem",
    "InspectionScore",
    "InspectionStatus",
    "MarketingEvent",
    "PlanStatus",
    "RectificationHistory",
    "RectificationItem",
    "RectificationQuerySet",
    "RectificationStatus",
    "RosterEntry",
    "ServiceCategory",
    "ServicePlan",
    "ServicePlanHistory",
    "ServicePlanService",
    "ServicePost",
    "ServiceType",
    "Shift",
    "SiteArea",
    "TrainingAttendance",
    "TrainingSession",
]
