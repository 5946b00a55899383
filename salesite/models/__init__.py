"""Core domain of Salesite: organisations, people and roles, projects, units and customers,
and the shared infrastructure (attachments, notifications, job runs, imports)."""

from .contractors import *  # noqa: F403  the contractor register (issue #16)
from .infra import Attachment, FormToken, ImportBatch, JobRun, Notification, SMSMessage
from .org import Company, Department
from .outbox import JobLease, OutboundMessage
from .people import Contact, ProjectMembership, Role, User
from .policy import ServicePolicy
from .projects import (
    Building,
    Customer,
    MarketingPhase,
    Project,
    ProjectPhaseChange,
    Purchase,
    Tenant,
    Unit,
)
from .rollups import DailyFigure, DailyFigureDay, FigureVersion
from .workflow import ProjectOwned, StatusHistory

__all__ = [
    "Attachment",
    "Building",
    "Company",
    "Contact",
    "Customer",
    "DailyFigure",
    "DailyFigureDay",
    "Department",
    "FigureVersion",
    "FormToken",
    "ImportBatch",
    "JobLease",
    "JobRun",
    "MarketingPhase",
    "Notification",
    "OutboundMessage",
    "Project",
    "ProjectMembership",
    "ProjectOwned",
    "ProjectPhaseChange",
    "Purchase",
    "Role",
    "SMSMessage",
    "ServicePolicy",
    "StatusHistory",
    "Tenant",
    "Unit",
    "User",
]
