"""Demo data of the quarterly 6+2 check (R-FB-10): the quarter's A1/A2 checklists filled and
submitted for the demo projects; the fourth quarter of one of them overridden by the group BSC
result (第四季度考核结果以集团BSC结果为准). Idempotent."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from salesite.models import User

from . import selectors, services
from .models import AssessmentStatus

# Share of each item's full score the demo inspector gives, per project: (A1, A2).
SHARES = {"binjiang": ("0.9", "0.85"), "yunqi": ("0.8", "0.9"), "haitang": ("0.75", "0.7")}
BSC_PROJECT = "binjiang"
BSC = (Decimal("88.50"), "演示：集团BSC考核结果（集团客服中心2026年度BSC通报）")


def seed_checklists(project, *, year: int, quarter: int) -> None:
    _fill(project, year=year, quarter=quarter)
    if project.code == BSC_PROJECT:
        q4_year = year if quarter == 4 else year - 1
        q4 = _fill(project, year=q4_year, quarter=4)
        if q4.bsc_total is None:
            hq = User.objects.filter(username=f"{project.code}_hq_inspector").first()
            services.assessment_record_bsc(assessment=q4, total=BSC[0], note=BSC[1], user=hq)


def _fill(project, *, year: int, quarter: int):
    inspector = User.objects.filter(username=f"{project.code}_hq_inspector").first()
    assessment = services.assessment_open(
        project=project, year=year, quarter=quarter, user=inspector
    )
    if assessment.status == AssessmentStatus.SUBMITTED:
        return assessment
    a1, a2 = (Decimal(s) for s in SHARES.get(project.code, ("0.8", "0.8")))
    entries = {}
    for section in selectors.checklist_sections(assessment):
        share = a1 if section["code"] == "a1" else a2
        for line in section["lines"]:
            proposal = line.proposal or {}
            score = proposal.get("score")
            if score is None:
                score = (line.points * share).quantize(Decimal("0.5"), ROUND_HALF_UP)
            entries[line.pk] = {
                "score": min(score, line.points),
                "note": "演示：按系统建议确认" if proposal.get("score") is not None else "",
                "evidence": "现场照片见附件" if section["code"] == "a1" else "",
            }
    services.assessment_save_lines(
        assessment=assessment,
        entries=entries,
        note="演示：神秘访客到访售楼处与客服中心，抽查书面记录与公示内容",
        user=inspector,
    )
    return services.assessment_submit(assessment=assessment, user=inspector)
