"""Template helpers of the feedback app."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from salesite.dashboard.helpers import pk_url
from salesite.masking import mask_phone
from salesite.templatetags.salesite_tags import local_date

register = template.Library()


@register.simple_tag
def case_rows(cases):
    """The table rows of the case list (feedback/case_list.html), written here: the template's
    loop cost about half a millisecond a row, most of the page (issue #17). Same markup as the
    loop it replaces (tests/feedback/test_case_list_rows.py)."""
    url = pk_url("feedback:case_detail")
    major = format_html(' <span class="badge text-bg-danger">{}</span>', _("重大"))
    breached = format_html(' <span class="badge text-bg-danger">{}</span>', _("超时"))
    rows = []
    for c in cases:
        owner = ""
        if c.channel == "owner":
            owner = format_html(
                ' <span class="badge text-bg-info">{}</span>', c.get_channel_display()
            )
        phone = ""
        if c.contact_phone:
            phone = format_html(
                ' <span class="text-muted small">{}</span>', mask_phone(c.contact_phone)
            )
        if c.dispatch_due and not c.dispatched_at:
            due = format_html("{} {}", _("转派"), local_date(c.dispatch_due, "m-d H:i"))
        elif c.answer_due and not c.replied_at:
            due = format_html("{} {}", _("答复"), local_date(c.answer_due, "m-d H:i"))
        else:
            due = ""
        rows.append(
            format_html(
                '<tr>\n<td><a href="{}">{}</a></td>\n<td>{}{}{}</td>\n<td>{}</td>\n'
                "<td>{}{}</td>\n"
                '<td class="d-none d-md-table-cell">{} {}</td>\n<td>{}{}</td>\n'
                '<td class="d-none d-md-table-cell">{}</td>\n<td class="small">{}</td>\n</tr>',
                url(c.pk),
                c.number,
                c.get_kind_display(),
                major if c.is_major else "",
                owner,
                c.subject,
                c.customer_label,
                phone,
                c.building.name if c.building_id else "",
                c.unit.number if c.unit_id else "",
                c.get_status_display(),
                breached if c.breached else "",
                local_date(c.received_at, "Y-m-d H:i"),
                due,
            )
        )
    return mark_safe("\n".join(rows))  # every part is escaped above


@register.simple_tag
def callback_rows(tasks, today, reassignable=(), select=False):
    """The table rows of the callback list (feedback/callback_list.html), written here like
    ``case_rows``: HQ's list of 50 rows spent a third of the page in the template's loop
    (issue #17). ``select`` adds the bulk reassignment's column, a checkbox on the rows in
    ``reassignable``. Same markup as the loop it replaces
    (tests/feedback/test_callback_list_rows.py)."""
    url = pk_url("feedback:callback_detail")
    dissatisfied = format_html(' <span class="badge text-bg-danger">{}</span>', _("不满意"))
    checkbox_label = conditional_escape(_("选择改派"))
    rows = []
    for t in tasks:
        cells = []
        if select:
            box = ""
            if t.pk in reassignable:
                box = (
                    '<input type="checkbox" class="form-check-input" name="tasks" '
                    f'value="{t.pk}" form="reassign-form" aria-label="{checkbox_label}">'
                )
            cells.append(f"<td>{box}</td>")
        customer = t.customer
        attempts = f" ({localize(t.attempts)})" if t.attempts else ""
        score = localize(t.score) if t.score else ""
        cells += [
            f'<td><a href="{url(t.pk)}">{local_date(t.due_date, "Y-m-d")}</a></td>',
            f"<td>{conditional_escape(t.get_rule_display())}</td>",
            f"<td>{conditional_escape(customer.name)} "
            f'<span class="text-muted small">{conditional_escape(mask_phone(customer.phone))}'
            "</span></td>",
            f'<td class="d-none d-md-table-cell">{conditional_escape(t.project.name)}</td>',
            f"<td>{conditional_escape(t.assigned_to) if t.assigned_to else ''}</td>",
            f"<td>{conditional_escape(t.get_status_display())}{attempts}</td>",
            f"<td>{conditional_escape(score)}{dissatisfied if t.dissatisfied else ''}</td>",
        ]
        late = ' class="table-danger"' if t.is_open and t.due_date < today else ""
        rows.append(f"<tr{late}>\n" + "\n".join(cells) + "\n</tr>")
    return mark_safe("\n".join(rows))  # every part is escaped above
