"""Dashboard figures of handover days (issue #15 item 3): owners served, average and
95th-percentile wait and desk time over the period's handover days (one query)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from handover.models import QueueTicket
from handover.waits import WaitFigures
from salesite.dashboard.helpers import in_scope, list_url
from salesite.dashboard.registry import Figure

# The tickets one dashboard reads at most (a period of many busy days): a figure, not a report.
MAX_TICKETS = 20_000


def dashboard_figures(user, project_ids, date_from, date_to, *, today) -> list[Figure]:
    tickets = in_scope(
        QueueTicket.objects.filter(
            day__date__gte=date_from, day__date__lte=date_to, called_at__isnull=False
        ),
        project_ids,
    ).only("arrived_at", "called_at", "completed_at")[:MAX_TICKETS]
    figures = WaitFigures(label="")
    for t in tickets:
        figures.add(t)
    note = ""
    if figures.served:
        note = _("已服务 %(n)s 户；95%% 等候 %(p95)s 分钟；平均办理 %(desk)s 分钟") % {
            "n": figures.served,
            "p95": figures.p95_wait,
            "desk": figures.avg_desk if figures.avg_desk is not None else "—",
        }
    return [
        Figure(
            title=_("交房平均等候(分钟)"),
            value=figures.avg_wait,
            note=note,
            url=list_url("handover:batch_list", project_ids),
            group=_("交房管理"),
        )
    ]
