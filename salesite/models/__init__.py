"""Core domain of Salesite: organisations, people and roles, projects, units and customers,
and the shared infrastructure (attachments, notifications, job runs, imports)."""

from .infra import Attachment, ImportBatch, JobRun, Notification, SMSMessage
from .org import Company, Department
from .people import Contact, ProjectMembership, Role, User
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

__all__ = [
    "Attachment",
    "Building",
    "Company",
    "Contact",
    "Customer",
    "Department",
    "ImportBatch",
    "JobRun",
    "MarketingPhase",
    "Notification",
    "Project",
    "ProjectMembership",
    "ProjectPhaseChange",
    "Purchase",
    "Role",
    "SMSMessage",
    "Tenant",
    "Unit",
    "User",
]
