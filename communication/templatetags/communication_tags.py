"""Template helpers of the communication app."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from salesite.dashboard.helpers import pk_url
from salesite.templatetags.salesite_tags import local_date

register = template.Library()

_STATUS_BADGE = {"resolved": "success", "escalated": "warning"}


@register.simple_tag
def problem_rows(problems, today):
    """The table rows of the problem list (communication/problem_list.html), written here like
    the case list's (feedback_tags.case_rows): the template's loop was about a third of HQ's
    page (issue #17). Same markup as the loop it replaces
    (tests/communication/test_problem_list_rows.py)."""
    url = pk_url("communication:problem_detail")
    rows = []
    for p in problems:
        late = "text-danger fw-bold" if p.is_open and p.due_date < today else ""
        rows.append(
            f'<tr><td><a href="{url(p.pk)}">{conditional_escape(p.title)}</a></td>\n'
            f'<td><span class="badge text-bg-{_STATUS_BADGE.get(p.status, "secondary")}">'
            f"{conditional_escape(p.get_status_display())}</span></td>\n"
            f"<td>{conditional_escape(p.level.name)}</td>"
            f'<td class="d-none d-md-table-cell">{conditional_escape(p.project.name)}</td>'
            f"<td>{conditional_escape(p.owner)}</td>\n"
            f'<td class="{late}">{local_date(p.due_date, "Y-m-d")}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # every part is escaped above
