"""Excel and CSV export shared by every app (R-DASH-3).

``export_response(request, headers, rows, filename)`` answers ?format=xlsx or ?format=csv.
Rows are streamed from an iterator (use ``queryset.values_list(...).iterator()`` or a
generator over a select_related queryset). Cells that a spreadsheet would run as a formula
(starting with =, +, -, @, tab or CR) are escaped with a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.access import can_view_personal_data
from salesite.masking import mask_id_number, mask_phone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("xlsx", "csv")


def safe_cell(value):
    """A value ready for a spreadsheet: text that looks like a formula is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, (int, float, Decimal, datetime.date)):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _disposition(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


class _Echo:
    def write(self, value):
        return value


def csv_response(headers: Sequence[str], rows: Iterable[Sequence], filename: str):
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # BOM so that Excel opens UTF-8 Chinese correctly
        yield writer.writerow(headers)
        for row in rows:
            yield writer.writerow(
                [
                    v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime.datetime) else v
                    for v in map(safe_cell, row)
                ]
            )

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(f"{filename}.csv")
    return response


def xlsx_response(headers: Sequence[str], rows: Iterable[Sequence], filename: str, title=""):
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(title=(title or filename)[:31])
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        cell = openpyxl.cell.WriteOnlyCell(ws, value=str(h))
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = _disposition(f"{filename}.xlsx")
    return response


class PersonalData:
    """Phones and ID numbers in an export (R-X-5): the full value on the projects where the
    user's role may see it (``access.can_view_personal_data``, as the customer export does),
    masked everywhere else. Asked once per project, from the row's already-loaded project."""

    def __init__(self, user):
        self.user = user
        self._full: dict[int, bool] = {}

    def full(self, project) -> bool:
        if project.pk not in self._full:
            self._full[project.pk] = can_view_personal_data(self.user, project)
        return self._full[project.pk]

    def phone(self, project, value) -> str:
        return (value or "") if self.full(project) else mask_phone(value)

    def id_number(self, project, value) -> str:
        return (value or "") if self.full(project) else mask_id_number(value)


def export_format(request) -> str | None:
    fmt = request.GET.get("format", "")
    return fmt if fmt in FORMATS else None


def export_response(request, headers: Sequence[str], rows: Iterable[Sequence], filename: str):
    """The export in the requested format (xlsx by default)."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = f"{filename}-{stamp}"
    if export_format(request) == "csv":
        return csv_response(headers, rows, name)
    return xlsx_response(headers, rows, name, title=filename)
