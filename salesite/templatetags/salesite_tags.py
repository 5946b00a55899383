"""Template helpers: masking of personal data, permission checks against a record, filter
form fields, fragments rendered once per process."""

import datetime

from django import forms, template
from django.template.defaultfilters import date as date_filter
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from salesite.access import can_view_personal_data
from salesite.dashboard.helpers import pk_url
from salesite.masking import mask_id_number, mask_personal, mask_phone

register = template.Library()


@register.filter
def masked_phone(value):
    return mask_phone(value)


@register.filter
def masked_id(value):
    return mask_id_number(value)


@register.simple_tag(takes_context=True)
def personal(context, record, field, kind=""):
    """``{% personal record "field" %}``: the one way a template shows a phone or ID number
    (R-X-5), on a screen or on paper: the full value for roles that need it on the record's
    project, otherwise masked. ``kind`` ("phone" or "id") defaults from the field's name."""
    if record is None:
        return ""
    value = getattr(record, field, "") or ""
    user = context["request"].user
    if can_view_personal_data(user, record):
        return value
    return mask_personal(field, value, kind)


@register.simple_tag(takes_context=True)
def can(context, perm, obj=None):
    return context["request"].user.has_perm(perm, obj)


@register.simple_tag(takes_context=True)
def querystring_page(context, page):
    """The current query string with another page number (keeps the filters)."""
    params = context["request"].GET.copy()
    params["page"] = page
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def export_url(context, fmt, table=""):
    """The current list URL with its filters and ?format=xlsx|csv (page dropped); ``table``
    names which table of a page with several to export (``&table=…``)."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    params.pop("table", None)
    if table:
        params["table"] = table
    params["format"] = fmt
    return context["request"].path + "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def home_block(context, block):
    """Render an app's home page block (salesite/dashboard/registry.py) like ``{% include %}``
    would: its template with its context added to the page's."""
    template = context.template.engine.get_template(block.template)
    with context.push(**block.context):
        return template.render(context)


# The formats the row tags write, as ``{{ value|date:fmt }}`` writes them, without Django's
# date formatter (about 20 µs a value: 4 ms of a "my work" list of 200 items).
_NUMERIC_DATE_FORMATS = {
    "Y-m-d": lambda v: f"{v.year:04d}-{v.month:02d}-{v.day:02d}",
    "m-d": lambda v: f"{v.month:02d}-{v.day:02d}",
}
_NUMERIC_DATETIME_FORMATS = {
    "Y-m-d H:i": lambda v: f"{v.year:04d}-{v.month:02d}-{v.day:02d} {v.hour:02d}:{v.minute:02d}",
    "m-d H:i": lambda v: f"{v.month:02d}-{v.day:02d} {v.hour:02d}:{v.minute:02d}",
}


def local_date(value, fmt: str) -> str:
    """What ``{{ value|date:fmt }}`` writes in a template (an aware date-time in the current
    time zone, "" for None), for the tags that write rows in Python."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        write = _NUMERIC_DATETIME_FORMATS.get(fmt) or _NUMERIC_DATE_FORMATS.get(fmt)
    elif isinstance(value, datetime.date):
        write = _NUMERIC_DATE_FORMATS.get(fmt)
    else:
        write = None
    return write(value) if write else date_filter(value, fmt)


@register.simple_tag
def work_item_rows(items):
    """The rows of the "my work" list (salesite/dashboard/_work_block.html), written here:
    the template's loop cost about 0.1 ms per item, a tenth of the page for 70 items
    (issue #17). Same markup as the loop it replaces (tests/dashboard/test_my_work.py)."""
    overdue_badge = format_html('<span class="badge text-bg-danger">{}</span>', _("逾期"))
    today_badge = format_html('<span class="badge text-bg-warning">{}</span>', _("今日到期"))
    # At 10x data a front desk's list holds some 200 items: each part escaped once per
    # distinct value (kinds and projects repeat) and the dates written directly.
    escaped: dict[str, str] = {}

    def esc(value) -> str:
        text = escaped.get(value)
        if text is None:
            text = escaped[value] = conditional_escape(value)
        return text

    rows = []
    for item in items:
        overdue = item.overdue
        due = local_date(item.due, "m-d H:i" if item.has_time else "m-d")
        rows.append(
            '<li class="list-group-item d-flex justify-content-between align-items-start '
            f'work-item{" list-group-item-danger" if overdue else ""}">\n<div class="me-2">\n'
            f'<a href="{esc(item.url)}" class="fw-semibold">{conditional_escape(item.title)}</a>\n'
            f'<div class="small text-muted">{esc(item.kind)} · {esc(item.project)}</div>\n'
            "</div>\n"
            '<div class="text-end small text-nowrap">\n'
            f"{overdue_badge if overdue else today_badge}\n"
            f'<div class="text-muted">{due}</div>\n'
            "</div>\n</li>"
        )
    return mark_safe("\n".join(rows))  # every part is escaped above


@register.simple_tag
def home_project_rows(projects):
    """The rows of the home page's project table (salesite/home.html), written here: the
    template's loop cost about 0.2 ms a row, a fifth of the page for HQ's 50 projects (issue
    #17). Same markup as the loop it replaces (tests/salesite/test_home_rows.py)."""
    detail = pk_url("salesite:project_detail")
    units = reverse("salesite:unit_list")
    customers = reverse("salesite:customer_list")
    rows = [
        format_html(
            '<tr>\n<td><a href="{}">{}</a></td>\n'
            '<td><span class="badge text-bg-secondary">{}</span></td>\n'
            '<td class="d-none d-md-table-cell">{}</td>\n'
            '<td class="text-end"><a href="{}?project={}">{}</a></td>\n'
            '<td class="text-end"><a href="{}?project={}">{}</a></td>\n</tr>',
            detail(p.pk),
            p.name,
            p.get_marketing_phase_display(),
            p.service_centre,
            units,
            p.pk,
            p.unit_count,
            customers,
            p.pk,
            p.customer_count,
        )
        for p in projects
    ]
    return mark_safe("\n".join(rows))  # every part is escaped above


# Widgets whose markup the plain field below does not reproduce (check boxes, radio and
# check-box lists, files): they keep crispy's template.
_CRISPY_ONLY_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.FileInput)


@register.filter
def filter_field(field):
    """A filter form's field as crispy-forms' Bootstrap 5 ``as_crispy_field`` renders it
    (wrapper, label, widget classes, errors, help text) without its nested templates, which
    cost a list page more than its rows (issue #17). Other widgets fall back to crispy."""
    if field.is_hidden:
        return field.as_widget()
    if _crispy_only(field):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(field)
    return _plain_field(field, inline_errors=False)


# False renders every field with crispy's template; a list (the tests) also renders each plain
# field with it and records (field, plain, crispy's) for the test to compare.
PLAIN_FIELDS = True
FIELD_CHECK: list | None = None


@register.simple_tag(takes_context=True)
def crispy_bootstrap5_field(context):
    """crispy-bootstrap5's ``bootstrap5/field.html`` (templates/bootstrap5/field.html points
    here): a field of a form rendered with the default FormHelper settings, every form of the
    project, is written by ``_plain_field`` with the same markup; anything else (check boxes,
    radio and check-box lists, files, fieldsets, horizontal forms, label or wrapper classes,
    hidden labels or errors, inline help) renders crispy's own template, kept unchanged as
    ``bootstrap5/field_crispy.html``. Its nested templates cost a form page about 0.6 ms per
    field (issue #17)."""
    field = context["field"]
    if field.is_hidden and PLAIN_FIELDS:
        return str(field)
    if (
        not PLAIN_FIELDS
        or _crispy_only(field)
        or context.get("tag")
        or context.get("label_class")
        or context.get("field_class")
        or context.get("wrapper_class")
        or context.get("help_text_inline")
        or not context.get("form_show_labels")
        or not context.get("form_show_errors")
        or "form-horizontal" in str(context.get("form_class") or "")
    ):
        return _crispy_template(context)
    html = _plain_field(field, inline_errors=bool(context.get("error_text_inline")))
    if FIELD_CHECK is not None:
        # A check list with a ``seen`` set records each distinct markup of a form's field
        # once: a form posted again and again (the hostile-input test) renders its other
        # fields unchanged.
        seen = getattr(FIELD_CHECK, "seen", None)
        key = (type(field.form), field.name, str(html))
        if seen is None or key not in seen:
            if seen is not None:
                seen.add(key)
            FIELD_CHECK.append((field, html, _crispy_reference(context)))
    return html


def _crispy_only(field) -> bool:
    """A field whose markup ``_plain_field`` does not reproduce (see _CRISPY_ONLY_WIDGETS)."""
    return isinstance(field.field.widget, _CRISPY_ONLY_WIDGETS) or field.use_fieldset


def _crispy_template(context) -> str:
    """The field as crispy-bootstrap5's own template (kept as field_crispy.html) renders it."""
    return context.template.engine.get_template("bootstrap5/field_crispy.html").render(context)


def _crispy_reference(context) -> str:
    """The field as crispy's template renders it, its widgets' attributes kept as they were
    (crispy's {% crispy_field %} adds its classes to them)."""
    widget = context["field"].field.widget
    widgets = [widget, *getattr(widget, "widgets", [])]
    saved = [dict(w.attrs) for w in widgets]
    try:
        return _crispy_template(context)
    finally:
        for w, attrs in zip(widgets, saved, strict=True):
            w.attrs.clear()
            w.attrs.update(attrs)


def _plain_field(field, *, inline_errors: bool):
    """A text, number, date or select field in crispy-bootstrap5's markup: the wrapper, the
    label, the widget with crispy's classes, the errors (``<span>`` each when inline, as a
    FormHelper has them, else ``<p>``) and the help text."""
    widget = field.field.widget
    # The widget's classes as crispy's {% crispy_field %} sets them: its own, its class name,
    # then the Bootstrap classes.
    name = type(widget).__name__.lower()
    classes = widget.attrs.get("class", "")
    if name not in classes:
        classes = f"{classes} {name}" if classes else name
    extra = ["form-select" if isinstance(widget, forms.Select) else "form-control"]
    if field.errors:
        extra.append("is-invalid")
    tokens = classes.split()
    classes += "".join(f" {c}" for c in extra if c not in tokens)
    required = field.field.required
    label = ""
    if field.label:
        label = format_html(
            '<label{} class="form-label{}">{}{}</label>',
            format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
            " requiredField" if required else "",
            field.label,
            mark_safe('<span class="asteriskField">*</span>') if required else "",
        )
    errors = ""
    if field.errors:
        tag = "span" if inline_errors else "p"
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.errors.field_id,
            format_html_join(
                "",
                f'<{tag} id="error_{{}}_{{}}"><strong>{{}}</strong></{tag}>',
                ((i, field.auto_id, e) for i, e in enumerate(field.errors, 1)),
            ),
        )
    help_text = ""
    if field.help_text:
        help_text = format_html(
            '<div{} class="form-text">{}</div>',
            format_html(' id="{}_helptext"', field.auto_id) if field.auto_id else "",
            mark_safe(field.help_text),  # crispy shows help text unescaped too
        )
    css = field.css_classes()
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}{}</div>',
        field.auto_id,
        f" {css}" if css else "",
        label,
        _widget_html(field, {"class": classes}),
        errors,
        help_text,
    )


_SELECT_TEMPLATES = ("django/forms/widgets/select.html", "django/forms/widgets/select_option.html")


def _attrs_html(attrs) -> str:
    """Django's django/forms/widgets/attrs.html."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _widget_html(field, attrs) -> str:
    """``field.as_widget(attrs=attrs)``; a select is written here with the markup of Django's
    select templates, whose include per option cost more than the rest of the field."""
    widget = field.field.widget
    if (
        not isinstance(widget, forms.Select)
        or (widget.template_name, widget.option_template_name) != _SELECT_TEMPLATES
    ):
        return field.as_widget(attrs=attrs)
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    parts = [format_html('<select name="{}"{}>', context["name"], _attrs_html(context["attrs"]))]
    for group_name, group_choices, _index in context["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in group_choices:
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>',
                    str(option["value"]),
                    _attrs_html(option["attrs"]),
                    option["label"],
                )
            )
        if group_name:
            parts.append(mark_safe("\n  </optgroup>"))
    parts.append(mark_safe("\n</select>"))
    return mark_safe("".join(parts))  # every part is escaped above


class MemoNode(template.Node):
    """``{% memo key … %}…{% endmemo %}``: the enclosed markup rendered once per process for
    each value of the keys (plus the active language, URL conf and script prefix) and reused.

    For fragments that depend on nothing else, such as the navigation menu of base.html (its
    URLs and labels cost a page as much as the rest of the shell, issue #17). The template
    (so this node) lives as long as the cached template loader keeps it."""

    MAX_ENTRIES = 256

    def __init__(self, nodelist, keys):
        self.nodelist = nodelist
        self.keys = keys
        self.rendered: dict[tuple, str] = {}

    def render(self, context):
        key = (
            get_language(),
            get_urlconf(),
            get_script_prefix(),
            *(k.resolve(context) for k in self.keys),
        )
        try:
            return self.rendered[key]
        except KeyError:
            pass
        html = self.nodelist.render(context)
        if len(self.rendered) < self.MAX_ENTRIES:
            self.rendered[key] = html
        return html


@register.tag
def memo(parser, token):
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, keys)
