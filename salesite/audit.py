"""Audit registration (R-X-2): every workflow model's changes are kept by django-auditlog
(who, when, field-by-field changes), visible in admin and on a record's page."""

from auditlog.registry import auditlog

from salesite import models as m

for model in (
    m.Company,
    m.Department,
    m.Project,
    m.Building,
    m.Unit,
    m.Customer,
    m.Purchase,
    m.Tenant,
    m.Role,
    m.ProjectMembership,
    m.Contact,
    *(m.Contractor, m.ContractorDocument, m.ContractorTraining, m.LeadEvaluation),
    *(m.SkillCompetition, m.CompetitionScore),
):
    auditlog.register(model)

auditlog.register(m.User, exclude_fields=["password", "last_login"])
auditlog.register(m.Attachment, exclude_fields=["file"])
