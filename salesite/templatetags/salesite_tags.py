"""Template helpers: masking of personal data, permission checks against a record."""

from django import template

from salesite.access import can_view_personal_data
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
