"""Dashboard figures of repair quality (issue #16 items 5, 8): the first-time fix rate of the
last twelve months with its monthly trend and the repeat cases, and the yearly targets'
product and experience satisfaction so far against their targets, by month. Read-only; a
fixed number of queries whatever the number of projects or cases (issue #17: three
grouped SQL aggregates and two small reads)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from salesite import rollups
from salesite.dashboard.helpers import list_url
from salesite.dashboard.registry import Figure

from .models import RepairQualitySetting, YearlyTarget
from .rollups import ANSWERS, FIX_RATE, fix_rate_settle_days
from .selectors import repair_quality as rq

FIX_RATE_DAYS = 365  # the fix rate needs months of closed repairs, whatever the chosen range


def fix_rate_by_month(project_ids, date_to, *, today) -> dict:
    """The first-time fix rate of the repairs closed in the twelve months to ``date_to``, as
    ``rq.fix_rate`` gives it (totals and ``by_month``), from the daily rollups: the final days
    stored, the last weeks (the repeat window) live."""
    first = date_to - datetime.timedelta(days=FIX_RATE_DAYS - 1)
    window = RepairQualitySetting.window_days()
    values = rollups.monthly_values(
        FIX_RATE, project_ids, first, date_to, today=today, settle_days=fix_rate_settle_days(window)
    )
    months: dict[str, dict] = {}
    for (month_start, key), value in values.items():
        month = months.setdefault(month_start.strftime("%Y-%m"), {"total": 0, "failed_n": 0})
        month["total" if key == "counted" else "failed_n"] += int(value)
    totals = {k: sum(m[k] for m in months.values()) for k in ("total", "failed_n")}
    return {
        "days": window,
        **rq.counts(totals),
        "by_month": [
            {"month": month, **rq.counts(months[month])}
            for month in sorted(months)
            if months[month]["total"]
        ],
    }


def actuals_from_rollups(project_ids, year: int, *, today, until) -> dict:
    """The "year" and "months" of ``rq.dimension_actuals(project_ids, year, today=until)`` from
    the daily rollups (grouped by month in SQL): the closed days stored, today live."""
    first = datetime.date(year, 1, 1)
    last = min(until, datetime.date(year, 12, 31))
    cells: dict = {}
    if first <= last:
        values = rollups.monthly_values(ANSWERS, project_ids, first, last, today=today)
        for (month_start, key), value in values.items():
            dimension, part = key.rsplit(":", 1)
            cell = cells.setdefault((None, month_start.strftime("%Y-%m"), dimension), [0, 0])
            cell[0 if part == "sum" else 1] += int(value)
    actuals = rq.actuals_from_cells(cells)
    return {"year": actuals["year"], "months": actuals["months"]}


def _fix_rate_figures(project_ids, date_to, today, group) -> list[Figure]:
    result = fix_rate_by_month(project_ids, date_to, today=today)
    url = list_url("feedback:rq_fix_rate", project_ids)
    rate = result["rate"]
    return [
        Figure(
            title=_("维修一次成功率"),
            value=None if rate is None else float(rate),
            suffix="%",
            note=_(
                "近12个月关闭、%(days)s天观察期已满的维修 %(n)s 单，一次修复 %(fixed)s 单，按月趋势"
            )
            % {"days": result["days"], "n": result["counted"], "fixed": result["fixed"]},
            url=url,
            group=group,
            level="warning" if rate is not None and rate < 90 else "",
            series=[
                (m["month"], float(m["rate"])) for m in result["by_month"] if m["rate"] is not None
            ],
            series_period=_("按月"),
        ),
        Figure(
            title=_("返修/重开的维修"),
            value=result["failed"],
            note=_("同一房号同类问题%(days)s天内再次报修或被重新打开") % {"days": result["days"]},
            url=f"{url}#repeats",
            group=group,
            level="danger" if result["failed"] else "",
        ),
    ]


def _target_figures(project_ids, date_to, today, group) -> list[Figure]:
    year = date_to.year
    actuals = actuals_from_rollups(project_ids, year, today=today, until=min(today, date_to))
    targets = YearlyTarget.objects.filter(year=year)
    if project_ids is not None:
        targets = targets.filter(project_id__in=project_ids)
    target = rq.scope_targets(list(targets))
    url = f"{list_url('feedback:rq_targets', project_ids)}"
    url += ("&" if "?" in url else "?") + f"year={year}"
    figures = []
    for key, title in (
        ("product", _("产品满意度（工程、设计）")),
        ("experience", _("体验满意度（销售、客服、物业）")),
    ):
        actual = actuals["year"][key]
        goal = target[key]
        note = _("%(year)s 年至今回访 1–5 分") % {"year": year}
        if goal is not None:
            note += _("，年度目标 %(t)s") % {"t": goal}
        figures.append(
            Figure(
                title=title,
                value=None if actual is None else float(actual),
                note=note,
                url=url,
                group=group,
                level="warning"
                if goal is not None and actual is not None and actual < goal
                else "",
                series=[
                    (month, float(v[key])) for month, v in actuals["months"] if v[key] is not None
                ],
                series_period=_("按月"),
            )
        )
    return figures


def dashboard_figures(user, project_ids, date_from, date_to, *, today) -> list[Figure]:
    group = _("维修质量与年度目标")
    return _fix_rate_figures(project_ids, date_to, today, group) + _target_figures(
        project_ids, date_to, today, group
    )


__all__ = ["dashboard_figures"]
