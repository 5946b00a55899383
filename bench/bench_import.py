"""Time the owner-register import job on a large file: `.venv/bin/python bench/bench_import.py
[--rows N] [--format xlsx|csv] [--database-url URL]`.

Generates a register of N data rows (default 50,000: 20 floors x 10 units per building, one
owner per unit and a co-owner on every tenth unit, valid ID numbers) as .xlsx or .csv, stores
it as an upload would (an ``ImportBatch``), then runs ``salesite.imports.process_batch`` in this
process — what the Celery worker runs — and prints rows, seconds (validation and apply apart),
rows per second, the rows written and the peak memory (maxrss). Then it imports the same file
again (nothing to create: the re-import path) and prints that too.

It uses a throwaway SQLite database (var/bench_import.sqlite3, rebuilt on every run) unless
``--database-url`` points it at another, empty database (e.g. a PostgreSQL database created
for the purpose: it is migrated). It prints figures and asserts nothing about timing.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_pages import configure as configure_database  # noqa: E402
from bench_pages import id_number  # noqa: E402

UNITS_PER_FLOOR = 10
FLOORS = 20
HEADER = [
    "楼栋",
    "分期",
    "房号",
    "楼层",
    "户型",
    "建筑面积",
    "客户姓名",
    "手机",
    "证件类型",
    "证件号码",
    "紧急联系人",
    "紧急联系电话",
    "生日",
    "认购日期",
    "签约日期",
    "合同编号",
    "置业顾问",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="data rows in the register")
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument(
        "--database-url", help="an empty throwaway database instead of var/bench_import.sqlite3"
    )
    return parser.parse_args()


def configure(database_url: str | None) -> None:
    # The stored register goes to a temporary media root; the rest is the page bench's set-up.
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-import-"))
    configure_database(database_url, sqlite_name="bench_import.sqlite3")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def register_rows(n: int):
    """N rows: every unit has an owner; every tenth unit a co-owner on the next row."""
    per_building = UNITS_PER_FLOOR * FLOORS
    unit = 0
    row = 0
    signed = datetime.date(2025, 1, 1)
    while row < n:
        building, index = divmod(unit, per_building)
        floor, position = divmod(index, UNITS_PER_FLOOR)
        owners = 2 if unit % 10 == 9 else 1
        for owner in range(owners):
            if row >= n:
                return
            serial = 2 * unit + owner
            day = signed + datetime.timedelta(days=unit % 300)
            yield [
                f"{building + 1}幢",
                f"{building // 10 + 1}期",
                f"{floor + 1}{position + 1:02d}",
                floor + 1,
                "三室两厅两卫" if position % 2 else "两室两厅一卫",
                f"{89 + position * 4.5:.2f}",
                f"业主{serial}",
                f"138{serial:08d}",
                "居民身份证",
                id_number(serial),
                f"联系人{serial}",
                f"139{serial:08d}",
                f"{1960 + serial % 40}-{serial % 12 + 1:02d}-{serial % 28 + 1:02d}",
                day.isoformat(),
                (day + datetime.timedelta(days=10)).isoformat(),
                f"HT-{unit:06d}",
                f"顾问{unit % 30}",
            ]
            row += 1
        unit += 1


def register_file(n: int, fmt: str) -> bytes:
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(register_rows(n))
        return out.getvalue().encode("utf-8")
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADER)
    for values in register_rows(n):
        ws.append(values)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    args = parse_args()
    configure(args.database_url)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from salesite import imports
    from salesite.models import Building, Company, Customer, ImportBatch, Project, Purchase, Unit

    t0 = time.perf_counter()
    # Generated in a child process, so that this process's peak memory is the import's.
    path = Path(tempfile.mkdtemp(prefix="bench-import-file-")) / f"register.{args.format}"
    child = multiprocessing.get_context("fork").Process(
        target=lambda: path.write_bytes(register_file(args.rows, args.format))
    )
    child.start()
    child.join()
    content = path.read_bytes()
    print(
        f"generated {args.rows} rows as .{args.format}: {len(content) / 1e6:.1f} MB "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    hq = Company.objects.create(name="基准物业总部", kind="property_hq")
    sub = Company.objects.create(name="基准物业公司", kind="property_subsidiary", parent=hq)
    centre = Company.objects.create(name="基准物管中心", kind="service_centre", parent=sub)
    dev = Company.objects.create(name="基准地产", kind="developer_city")
    project = Project.objects.create(
        name="导入基准项目",
        code="bench-import",
        developer_company=dev,
        property_company=sub,
        service_centre=centre,
    )

    # Time the apply phase apart from validation by wrapping the module's apply step.
    phases = {}
    from salesite.imports import apply as import_apply

    real_apply = import_apply.apply_rows

    def timed_apply(*a, **kw):
        start = time.perf_counter()
        try:
            return real_apply(*a, **kw)
        finally:
            phases["apply"] = time.perf_counter() - start

    import_apply.apply_rows = timed_apply
    print(f"database: {connection.vendor}; maxrss before the import {maxrss_mb():.0f} MB")
    for label in ("first import", "re-import"):
        batch = imports.import_batch_create(
            project=project,
            uploaded=SimpleUploadedFile(f"register.{args.format}", content),
            enqueue=False,
        )
        phases.clear()
        start = time.perf_counter()
        status = imports.process_batch(batch.pk)
        seconds = time.perf_counter() - start
        batch = ImportBatch.objects.get(pk=batch.pk)
        apply = phases.get("apply", 0.0)
        print(
            f"{label}: {status}, {batch.row_count} rows in {seconds:.1f} s "
            f"(validation {seconds - apply:.1f} s, apply {apply:.1f} s), "
            f"{batch.row_count / seconds:,.0f} rows/s; "
            f"created {batch.created_counts}, updated {batch.updated_counts}; "
            f"peak memory (maxrss) {maxrss_mb():.0f} MB"
        )
        if batch.errors:
            print("  first errors:", batch.errors[:5])
    print(
        "rows in the database:",
        {
            "buildings": Building.objects.filter(project=project).count(),
            "units": Unit.objects.filter(project=project).count(),
            "customers": Customer.objects.filter(project=project).count(),
            "purchases": Purchase.objects.filter(project=project).count(),
        },
    )


if __name__ == "__main__":
    main()
