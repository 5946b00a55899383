"""Time one callback-generation run (R-JOB-3, SPEC §9: 100k customers in under 30 s on
PostgreSQL): `.venv/bin/python bench/bench_callbacks.py [--customers N] [--keep]`.

Works in the configured database (DATABASE_URL; migrate it first). It creates one throwaway
project ("bench-callbacks") with N customers, each with a unit, a purchase signed last month and
a handover fact (a third last month, a third 3 months ago, a third a year ago), then times
``feedback.services.callbacks_generate`` once and a second, idempotent run, and prints the
figures. The project is deleted afterwards unless --keep is given. It asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BATCH = 5000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench project")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesite.settings.local")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from feedback.models import CallbackTask, HandoverFact
    from feedback.services import callbacks_generate
    from salesite.models import Building, Company, Customer, Project, Purchase, Unit

    n = args.customers
    today = timezone.localdate().replace(day=1)
    last_month = (today - datetime.timedelta(days=1)).replace(day=15)
    three_months = today.replace(
        year=today.year - (1 if today.month <= 3 else 0), month=(today.month - 4) % 12 + 1
    )
    one_year = today.replace(year=today.year - 1)

    def cleanup():
        # The bench project owns only the rows created here: delete them table by table in SQL
        # (a cascading ORM delete of 100k customers walks every related model in Python).
        old = list(Project.objects.filter(code="bench-callbacks").values_list("pk", flat=True))
        if not old:
            return
        with transaction.atomic():
            for model in (CallbackTask, HandoverFact, Purchase, Customer, Unit, Building):
                qs = model.objects.filter(project_id__in=old)
                qs._raw_delete(qs.db)
            projects = Project.objects.filter(pk__in=old)
            projects._raw_delete(projects.db)

    cleanup()
    t0 = time.perf_counter()
    with transaction.atomic():
        hq, _ = Company.objects.get_or_create(name="基准物业总部", defaults={"kind": "property_hq"})
        sub, _ = Company.objects.get_or_create(
            name="基准物业公司", defaults={"kind": "property_subsidiary", "parent": hq}
        )
        centre, _ = Company.objects.get_or_create(
            name="基准物管中心", defaults={"kind": "service_centre", "parent": sub}
        )
        dev, _ = Company.objects.get_or_create(name="基准地产", defaults={"kind": "developer_city"})
        project = Project.objects.create(
            name="回访基准项目",
            code="bench-callbacks",
            developer_company=dev,
            property_company=sub,
            service_centre=centre,
        )
        buildings = Building.objects.bulk_create(
            Building(project=project, name=f"{i + 1}幢") for i in range(max(1, n // 1000))
        )
        for start in range(0, n, BATCH):
            idx = range(start, min(n, start + BATCH))
            units = Unit.objects.bulk_create(
                Unit(project=project, building=buildings[i % len(buildings)], number=f"{i:07d}")
                for i in idx
            )
            customers = Customer.objects.bulk_create(
                Customer(
                    project=project,
                    name=f"客户{i}",
                    phone=f"139{i:08d}",
                    id_type="other",
                    id_number=f"B{i:09d}",
                )
                for i in idx
            )
            Purchase.objects.bulk_create(
                Purchase(project=project, unit=u, customer=c, signed_on=last_month)
                for u, c in zip(units, customers, strict=True)
            )
            dates = [last_month, three_months, one_year]
            HandoverFact.objects.bulk_create(
                HandoverFact(project=project, customer=c, unit=u, handover_date=dates[i % 3])
                for i, (u, c) in enumerate(zip(units, customers, strict=True))
            )
    print(
        f"setup: {n} customers in {time.perf_counter() - t0:.1f} s ({connection.vendor})",
        flush=True,
    )

    t0 = time.perf_counter()
    counts = callbacks_generate(today=today)
    first = time.perf_counter() - t0
    print(f"generation: {first:.2f} s  {counts}", flush=True)
    t0 = time.perf_counter()
    again = callbacks_generate(today=today)
    print(f"second run: {time.perf_counter() - t0:.2f} s  {again}", flush=True)
    print(f"tasks in project: {CallbackTask.objects.filter(project=project).count()}", flush=True)
    print(
        f"target: < 30 s on PostgreSQL for 100k customers -> {'OK' if first < 30 else 'SLOW'}",
        flush=True,
    )
    if not args.keep:
        cleanup()


if __name__ == "__main__":
    main()
