"""Helpers for the export tests (R-DASH-3): read an export response back as rows."""

import csv
import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert ".csv" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert ".xlsx" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def column(rows, header) -> list:
    i = rows[0].index(header)
    return [r[i] for r in rows[1:]]


def counted_csv(client, url) -> tuple[int, list[list[str]]]:
    """The number of queries of a CSV export (counted while its stream is read) and its rows."""
    with CaptureQueriesContext(connection) as ctx:
        rows = csv_rows(client.get(url))
    return len(ctx.captured_queries), rows


def shows_export_buttons(response) -> bool:
    page = response.content.decode()
    return response.status_code == 200 and "format=xlsx" in page and "format=csv" in page
