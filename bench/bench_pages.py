"""Time the main pages on a large dataset: `.venv/bin/python bench/bench_pages.py [--units N]`.

Builds a throwaway SQLite database (var/bench.sqlite3, rebuilt on every run) with the demo's
three projects and users plus N units, N customers and N purchases spread over the projects,
then requests the home page, the customer list, the unit list and a project detail page with
Django's test client as a front-desk user (one project) and an HQ user (every project), and
the owner portal's pages (``owner_pages``: every owner page of the URL conf) as an owner
logged in with their mobile (and its login page anonymously), and prints p50/p95 times and the
number of SQL queries per page. It prints figures; it asserts
nothing about timing. ``--database-url`` points it at another, empty database instead
(e.g. a PostgreSQL database created for the purpose).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS_PER_FLOOR = 10
FLOORS = 20
BATCH = 2000
# The demo owner's mobile (owners.demo.DEMO_OWNER_MOBILE); in this script's own dataset it is
# the second generated customer (one unit), in build_data.py's the demo owner (seed_demo).
OWNER_MOBILE = "13900000001"
# The floor page of bench_scale.py (floor_urls.py: base.html for a logged-in user).
FLOOR_URL = "/__bench_floor__/"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20_000, help="units (and customers)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument(
        "--budget", type=float, default=30.0, help="seconds per page before it gets fewer requests"
    )
    parser.add_argument(
        "--database-url",
        help="an empty throwaway database to use instead of var/bench.sqlite3",
    )
    return parser.parse_args()


def configure(database_url: str | None, sqlite_name: str = "bench.sqlite3") -> None:
    """Point Django at ``database_url``, or at a fresh var/<sqlite_name>, and set it up."""
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        db_file = ROOT / "var" / sqlite_name
        db_file.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db_file}"
    # WhiteNoise warns about the missing STATIC_ROOT; the bench serves no static files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    # Test settings: DEBUG off, plain static storage (no collectstatic), mail kept in memory.
    os.environ["DJANGO_SETTINGS_MODULE"] = "salesite.settings.test"
    import django

    django.setup()


def id_number(seq: int) -> str:
    """A valid, unique (per seq) mainland ID number."""
    birthday = datetime.date(1960, 1, 1) + datetime.timedelta(days=seq // 900)
    body = f"330106{birthday:%Y%m%d}{100 + seq % 900:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def build_dataset(n_units: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from salesite.demo import person_name, seed_core
    from salesite.models import Building, Customer, Project, Purchase, Unit

    call_command("migrate", verbosity=0)
    if Project.objects.exists():
        sys.exit("The bench database is not empty; give an empty throwaway database.")
    seed_core()  # three projects, a user for every role on each, a few units
    rng = random.Random(2026)
    projects = list(Project.objects.order_by("pk"))
    per_building = UNITS_PER_FLOOR * FLOORS
    seq = 0
    with transaction.atomic():
        for p_index, project in enumerate(projects):
            share = n_units // len(projects) + (p_index < n_units % len(projects))
            buildings = Building.objects.bulk_create(
                Building(project=project, name=f"B{b + 1}幢", phase="压测", floors=FLOORS)
                for b in range((share + per_building - 1) // per_building)
            )
            units, customers = [], []
            for i in range(share):
                building = buildings[i // per_building]
                floor = (i % per_building) // UNITS_PER_FLOOR + 1
                number = f"{floor}{i % UNITS_PER_FLOOR + 1:02d}"
                units.append(
                    Unit(
                        project=project,
                        building=building,
                        number=number,
                        floor=floor,
                        unit_type="三室两厅两卫",
                        area="128.50",
                    )
                )
                customers.append(
                    Customer(
                        project=project,
                        name=person_name(rng),
                        phone=f"139{seq:08d}",
                        id_number=id_number(seq),
                        birthday=datetime.date(1980, 1, 1),
                    )
                )
                seq += 1
            units = Unit.objects.bulk_create(units, batch_size=BATCH)
            customers = Customer.objects.bulk_create(customers, batch_size=BATCH)
            Purchase.objects.bulk_create(
                (
                    Purchase(
                        project=project,
                        unit=u,
                        customer=c,
                        signed_on=datetime.date(2026, 1, 1),
                        contract_number=f"{project.code}-{u.number}",
                    )
                    for u, c in zip(units, customers, strict=True)
                ),
                batch_size=BATCH,
            )


def time_page(client, url: str, n_requests: int, budget_s: float) -> tuple[list[float], int]:
    """Time up to n_requests GETs after a warm-up. A page slower than the budget gets fewer
    requests; one whose warm-up alone exceeds it is reported from that single request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def timed_get() -> tuple[float, int]:
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        return elapsed, len(ctx.captured_queries)

    warm_ms, queries = timed_get()  # warm-up: caches, template loading
    if warm_ms > budget_s * 1000:
        return [warm_ms], queries
    times: list[float] = []
    deadline = time.perf_counter() + budget_s
    while len(times) < n_requests and (len(times) < 3 or time.perf_counter() < deadline):
        elapsed, count = timed_get()
        times.append(elapsed)
        queries = max(queries, count)
    return times, queries


def owner_client(mobile: str = OWNER_MOBILE):
    """A test client logged in to the owner portal as ``mobile``, the way the login page does
    it (``owners.sessions.log_in`` on a fresh session), without a staff login."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest
    from django.test import Client

    from owners.selectors import load_owner
    from owners.sessions import log_in

    owner = load_owner(mobile)
    if owner is None or not owner.unit_ids:
        raise SystemExit(f"No owner with the mobile {mobile} in the bench data")
    request = HttpRequest()
    request.user = AnonymousUser()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    log_in(request, owner)
    request.session.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    client.owner = owner
    return client


def owner_pages(client) -> list[tuple[str, str]]:
    """(label, url) of every owner page of the URL conf, found as the permission matrix finds
    them (namespace "owners", an ``owner_view``): with no URL kwargs, or with int kwargs filled
    with the owner's first unit (我的房屋's unit page). A page that does not answer the owner 200
    with that id (it needs an object of another kind) is left out, with a note."""
    from owners.url_index import owner_page_urls

    urls, left_out = owner_page_urls(min(client.owner.unit_ids))
    for name in left_out:
        print(f"  ({name} left out: URL kwargs other than ids)")
    found: list[tuple[str, str]] = []
    for name, url in urls:
        status = client.get(url).status_code
        if status != 200:
            print(f"  ({name} left out: {url} answers the owner {status})")
            continue
        found.append((f"owner {name.split(':')[1]}", url))
    return found


def percentile(samples: list[float], pct: int) -> float:
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]


def main() -> None:
    args = parse_args()
    configure(args.database_url)

    from django.conf import settings
    from django.test import Client

    from salesite.models import Customer, Project, Unit, User

    started = time.perf_counter()
    build_dataset(args.units)
    built_s = time.perf_counter() - started
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"Dataset ({engine}): {Project.objects.count()} projects, {Unit.objects.count()} units, "
        f"{Customer.objects.count()} customers; built in {built_s:.1f} s",
        flush=True,
    )

    project = Project.objects.get(code="binjiang")
    pages = [
        ("home", "/"),
        ("customer list", "/core/customers/"),
        ("unit list", "/core/units/"),
        ("project detail", f"/core/projects/{project.pk}/"),
    ]
    users = [
        ("front desk (1 project)", "binjiang_front_desk"),
        ("HQ inspector (all)", "binjiang_hq_inspector"),
    ]
    runs = []
    for user_label, username in users:
        client = Client()
        client.force_login(User.objects.get(username=username))
        runs.append((user_label, client, pages))
    owner = owner_client()
    runs.append(("owner (portal)", owner, owner_pages(owner)))
    runs.append(("anonymous", Client(), [("owner login", "/owner/login/")]))
    print(f"Up to {args.requests} requests per page after a warm-up; times in ms\n")
    print(f"{'page':<20} {'user':<24} {'n':>3} {'p50':>8} {'p95':>8} {'max':>8} {'queries':>8}")
    for user_label, client, run_pages in runs:
        for page_label, url in run_pages:
            times, queries = time_page(client, url, args.requests, args.budget)
            print(
                f"{page_label:<20} {user_label:<24} {len(times):3d} {percentile(times, 50):8.1f} "
                f"{percentile(times, 95):8.1f} {max(times):8.1f} {queries:8d}",
                flush=True,
            )


if __name__ == "__main__":
    main()
