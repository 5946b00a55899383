"""CPU cost of the staff pages at demo size, with an optional profile (issue #17):
`.venv/bin/python bench/profile_page.py [--requests 50] [--profile /feedback/cases/]`.

Builds a throwaway SQLite database (var/profile.sqlite3) with ``seed_demo``, logs in with
Django's test client as a front-desk user (one project) and an HQ user (every project), and
prints per page the CPU time p50 and minimum in ms of this process (SQLite runs in it, so this is the
whole cost of the request), the ratio of the p50 to the floor's (``floor_urls.py``: base.html
for a logged-in user) and the number of SQL queries. ``--profile URL`` prints a cProfile of
that page (``--user`` picks the user, ``--sort`` the order). It asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_pages import FLOOR_URL, configure  # noqa: E402

USERS = {"desk": "binjiang_front_desk", "hq": "binjiang_hq_inspector"}
PAGES = [
    ("floor (base.html)", FLOOR_URL),
    ("home", "/"),
    ("my work", "/my-work/"),
    ("dashboard", "/dashboard/"),
    ("case list", "/feedback/cases/"),
    ("callback list", "/feedback/callbacks/"),
    ("customer list", "/core/customers/"),
    ("unit list", "/core/units/"),
    ("problem list", "/communication/problems/"),
    ("record list", "/communication/records/"),
    ("handover case list", "/handover/cases/"),
    ("renovation application list", "/renovation/applications/"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--profile", metavar="URL", help="print a cProfile of this page")
    parser.add_argument("--user", choices=sorted(USERS), default="desk")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    parser.add_argument("--lines", type=int, default=60, help="profile lines to print")
    parser.add_argument("--keep", action="store_true", help="reuse var/profile.sqlite3")
    return parser.parse_args()


def setup(keep: bool) -> None:
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # not the seed's task log lines
    db_file = HERE.parent / "var" / "profile.sqlite3"
    if keep and db_file.exists():
        os.environ["DATABASE_URL"] = f"sqlite:///{db_file}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "salesite.settings.test"
        import django

        django.setup()
    else:
        configure(None, "profile.sqlite3")
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0)
    import warnings

    from django.conf import settings

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    settings.ROOT_URLCONF = "floor_urls"


def client_for(username: str):
    from django.test import Client

    from salesite.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def timed_get(client, url: str) -> tuple[float, int]:
    """CPU ms of one GET (this process: view, templates and SQLite) and its SQL queries."""
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        start = time.process_time()
        response = client.get(url)
        cpu = (time.process_time() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return cpu, count[0]


def profile(client, url: str, sort: str, lines: int) -> None:
    for _ in range(3):
        client.get(url)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(20):
        client.get(url)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats(sort).print_stats(lines)
    print(out.getvalue())


def main() -> None:
    args = parse_args()
    setup(args.keep)
    if args.profile:
        profile(client_for(USERS[args.user]), args.profile, args.sort, args.lines)
        return
    print(f"{'page':32} {'user':5} {'cpu p50':>8} {'cpu min':>8} {'x floor':>8} {'queries':>7}")
    for who, username in USERS.items():
        client = client_for(username)
        for _label, url in PAGES * 3:
            timed_get(client, url)  # warm-up: template loading, caches
        # Round robin over the pages, so that a busy moment of the machine hits them all.
        samples = {url: [] for _label, url in PAGES}
        for _ in range(args.requests):
            for _label, url in PAGES:
                samples[url].append(timed_get(client, url))
        floor = statistics.median(t for t, _q in samples[FLOOR_URL])
        for label, url in PAGES:
            times = [t for t, _q in samples[url]]
            queries = max(q for _t, q in samples[url])
            p50 = statistics.median(times)
            print(
                f"{label:32} {who:5} {p50:8.1f} {min(times):8.1f} {p50 / floor:8.1f} {queries:7d}"
            )


if __name__ == "__main__":
    main()
