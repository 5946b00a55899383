"""Writes of repair quality (issue #16, items 7, 8): supervisors and their qualification
assessments, monthly training, the case libraries, the yearly targets."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exceptions import DomainError

from ..models import (
    Case,
    ComplaintCategory,
    DesignCaseEntry,
    MonthlyTraining,
    SupervisorAssessment,
    SupervisorProfile,
    YearlyTarget,
)
from ..models.repair_quality import TARGET_KEYS

ENTRY_FIELDS = ("title", "problem", "cause", "fix", "tags")


@transaction.atomic
def supervisor_create(*, project, user, grade="", assessed_on=None, by=None) -> SupervisorProfile:
    """A supervisor of the project's repair team; a grade given is the first assessment."""
    if SupervisorProfile.objects.filter(project=project, user=user).exists():
        raise DomainError(_("该人员已是本项目的维修监理。"))
    profile = SupervisorProfile.objects.create(project=project, user=user)
    if grade:
        supervisor_assess(
            supervisor=profile, grade=grade, assessed_on=assessed_on or timezone.localdate(), by=by
        )
        profile.refresh_from_db()
    return profile


@transaction.atomic
def supervisor_assess(
    *, supervisor: SupervisorProfile, grade: str, assessed_on: datetime.date, note="", by=None
) -> SupervisorAssessment:
    """Record a qualification assessment (资质等级评定); the latest by date is the current
    grade (an older one entered late goes to the history only)."""
    profile = SupervisorProfile.objects.select_for_update().get(pk=supervisor.pk)
    if assessed_on > timezone.localdate():
        raise DomainError(_("评定日期不能晚于今天。"))
    row = SupervisorAssessment.objects.create(
        supervisor=profile, grade=grade, assessed_on=assessed_on, assessed_by=by, note=note
    )
    if profile.assessed_on is None or assessed_on >= profile.assessed_on:
        profile.grade, profile.assessed_on = grade, assessed_on
        profile.save(update_fields=["grade", "assessed_on"])
    return row


def training_record(
    *, supervisor: SupervisorProfile, month: datetime.date, topic: str, exam_score=None, by=None
) -> MonthlyTraining:
    """A month's training and exam score (每月至少1次培训，月底考试)."""
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise DomainError(_("不能登记未来月份的培训。"))
    if MonthlyTraining.objects.filter(supervisor=supervisor, month=month, topic=topic).exists():
        raise DomainError(_("该监理本月已登记同一培训内容。"))
    return MonthlyTraining.objects.create(
        supervisor=supervisor,
        month=month,
        topic=topic.strip(),
        exam_score=exam_score,
        recorded_by=by,
    )


def library_entry_create(*, model, project, author, source_case=None, now=None, **fields):
    """A case of one of the libraries (``RepairCaseEntry`` or ``DesignCaseEntry``)."""
    return model.objects.create(
        project=project,
        author=author,
        source_case=source_case,
        submitted_at=now or timezone.now(),
        **{k: (fields.get(k) or "").strip() for k in ENTRY_FIELDS},
    )


@transaction.atomic
def library_entry_update(*, entry, **fields):
    entry = type(entry).objects.select_for_update().get(pk=entry.pk)
    for key in ENTRY_FIELDS:
        setattr(entry, key, (fields.get(key) or "").strip())
    entry.save(update_fields=list(ENTRY_FIELDS))
    return entry


def is_design_case(case: Case) -> bool:
    """A design-type complaint or opinion (客户设计类意见或投诉): a case whose category is
    "design"."""
    return case.complaint_category == ComplaintCategory.DESIGN


@transaction.atomic
def design_entry_from_case(*, case: Case, user, now=None) -> DesignCaseEntry:
    """Add a design complaint or opinion to the design case library (once per case)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not is_design_case(case):
        raise DomainError(_("只有设计类意见或投诉可以加入设计案例库。"))
    if DesignCaseEntry.objects.filter(source_case=case).exists():
        raise DomainError(_("该事项已加入设计案例库。"))
    return library_entry_create(
        model=DesignCaseEntry,
        project=case.project,
        author=user,
        source_case=case,
        now=now,
        title=case.subject,
        problem=case.content or case.subject,
        fix="\n".join(x for x in (case.handling, case.reply) if x),
        tags=_("设计"),
    )


@transaction.atomic
def target_save(*, project, year: int, values: dict, instance: YearlyTarget | None = None):
    """Create or change a project's targets of a year (one row per project and year)."""
    if instance is None:
        if YearlyTarget.objects.filter(project=project, year=year).exists():
            raise DomainError(_("该项目该年度的目标已存在，请修改原目标。"))
        instance = YearlyTarget(project=project, year=year)
    else:
        instance = YearlyTarget.objects.select_for_update().get(pk=instance.pk)
    for key in TARGET_KEYS:
        setattr(instance, f"{key}_target", values.get(f"{key}_target"))
    if all(instance.target_of(key) is None for key in TARGET_KEYS):
        raise DomainError(_("请至少填写一项目标。"))
    instance.note = values.get("note", "")
    instance.save()
    return instance
