"""Time the dashboards and the main lists at two data sizes:
`.venv/bin/python bench/bench_scale.py --run 1x=postgres://…/salesite_bench_1 --run 10x=postgres://…/salesite_bench_10`.

Each database is one built by ``bench/build_data.py`` (``--scale 1`` and ``--scale 10``). For
every run the pages below are requested with Django's test client (test settings: server time,
middleware, views, SQL and templates, no network) as an HQ user (every project) and as a
front-desk user of one project, after a warm-up request, and the script prints per page:

- wall time p50/p95 in ms;
- CPU time p50/p95 in ms: this Python process plus the PostgreSQL backend serving it (read
  from /proc, so the database must run on this machine). On a shared machine the wall time
  mostly measures the other processes; the CPU time is what the request costs, and what its
  wall time is on an idle machine. To make it whole, the bench keeps its connection
  (CONN_MAX_AGE) and turns parallel query off for its session, so no work happens in
  processes it does not count; serial plans are what a busy 2-core server runs anyway;
- the Python part of that CPU time (p50) and the number of SQL queries;
- the ratio of its CPU p95 to the floor's, measured in the same run (issue #17): the floor is
  the cheapest logged-in page (``floor_urls.py``: ``base.html`` and nothing else), timed first
  for each user; owner rows divide by the lowest floor. The comparison flags a page over 8x
  the floor at 1x and over 12x at larger sizes.

The owner portal's pages (``bench_pages.owner_pages``: every owner page of the URL conf, with
the owner's first unit where it takes an id) are timed as the demo owner (seed_demo's mobile,
logged in through ``owners.sessions.log_in``), and the owner login page anonymously; their rows
carry the user "owner" ("anonymous").

With two or more runs it prints them side by side and flags the rows whose p95 (CPU time, or
wall time with ``--flag-on wall``) reaches 150 ms, or whose query count differs between the
sizes (it must not grow with the data); it exits non-zero when a row is flagged. ``--json``
writes the figures to a file. Each run goes in its own process (Django binds one database at
start-up); a run's URL may carry server options, e.g. ``…/salesite_bench_10?options=-c%20jit%3Doff``.
``--database-url`` alone times one database.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_pages import (  # noqa: E402
    FLOOR_URL,
    OWNER_MOBILE,
    configure,
    owner_client,
    owner_pages,
    percentile,
)

FLOOR_LABEL = "floor (base.html)"

TARGET_P95_MS = 150.0
# Target ratio of a page's CPU p95 to the floor's (floor_urls.py) by run label; others: 12.
TARGET_RATIO = {"1x": 8.0, "demo": 8.0}
DEFAULT_TARGET_RATIO = 12.0
HQ_USER = "binjiang_hq_inspector"  # role with "all" scope
DESK_USER = "binjiang_front_desk"  # one project
USERS = [("hq", "HQ (all)", HQ_USER), ("desk", "front desk (1)", DESK_USER)]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--run",
        action="append",
        default=[],
        metavar="LABEL=URL",
        help="a labelled database built by build_data.py; give it once per size",
    )
    parser.add_argument("--database-url", help="time one database (no comparison)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per page at most")
    parser.add_argument("--only", help="time only the pages whose label contains this")
    parser.add_argument(
        "--flag-on", choices=["cpu", "wall"], default="cpu", help="the p95 compared with 150 ms"
    )
    parser.add_argument("--slowest-sql", action="store_true", help="print each page's slowest SQL")
    parser.add_argument("--json", help="write the figures to this file")
    return parser.parse_args()


def pages(project_pk: int, company_pk: int, customer_pk: int) -> list[tuple[str, str, str]]:
    """(label, url, who): the dashboards and the main lists; who is "hq", "desk" or both.
    The floor comes first: the other rows' ratios divide by its CPU p95."""
    both = "hq desk"
    return [
        (FLOOR_LABEL, FLOOR_URL, both),
        ("dashboard, project scope", f"/dashboard/?scope=project:{project_pk}", "hq"),
        ("dashboard, company scope", f"/dashboard/?scope=company:{company_pk}", "hq"),
        ("dashboard, all projects", "/dashboard/?scope=all", "hq"),
        ("dashboard (own project)", "/dashboard/", "desk"),
        ("my work", "/my-work/", both),
        ("home", "/", both),
        ("problem list", "/communication/problems/", both),
        ("problem list ?status=open", "/communication/problems/?status=open", both),
        ("problem list ?overdue=true", "/communication/problems/?overdue=true", both),
        ("record list", "/communication/records/", both),
        ("compliance report", "/communication/compliance/", both),
        ("case list", "/feedback/cases/", both),
        ("case list ?status=in_progress", "/feedback/cases/?status=in_progress", both),
        ("case list ?open=true", "/feedback/cases/?open=true", both),
        ("callback list", "/feedback/callbacks/", both),
        ("handover case list", "/handover/cases/", both),
        ("renovation application list", "/renovation/applications/", both),
        ("customer list", "/core/customers/", both),
        ("unit list", "/core/units/", both),
        # the demo owner's customer record: the page with the owner portal's panel
        ("customer detail (owner panel)", f"/core/customers/{customer_pk}/", both),
    ]


@dataclass
class Sample:
    ms: float  # wall time of the request
    cpu_ms: float  # Python CPU + database backend CPU
    py_ms: float  # Python CPU (views, templates, ORM)
    queries: int
    slowest: dict | None  # the slowest statement


def backend_cpu_ms() -> float:
    """CPU time used so far by the PostgreSQL backend of this connection (Linux /proc)."""
    from django.db import connection

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0]) / 1e6


def time_page(client, url: str, n_requests: int, budget_s: float) -> list[Sample]:
    """Up to n_requests GETs after a warm-up (bench_pages.time_page, with the split of the
    time): a page slower than the budget gets fewer requests, at least three."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    def timed_get() -> Sample:
        reset_queries()  # the log keeps 9,000 queries; a full one would capture nothing
        db_cpu = backend_cpu_ms()
        with CaptureQueriesContext(connection) as ctx:
            py_cpu = time.process_time()
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            py_ms = (time.process_time() - py_cpu) * 1000
        db_ms = backend_cpu_ms() - db_cpu
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        queries = ctx.captured_queries
        return Sample(
            ms=elapsed,
            cpu_ms=py_ms + db_ms,
            py_ms=py_ms,
            queries=len(queries),
            slowest=max(queries, key=lambda q: float(q["time"]), default=None),
        )

    warm = timed_get()  # caches, template loading
    if warm.ms > budget_s * 1000:
        return [warm]
    samples: list[Sample] = []
    deadline = time.perf_counter() + budget_s
    while len(samples) < n_requests and (len(samples) < 3 or time.perf_counter() < deadline):
        samples.append(timed_get())
    return samples


HEADER = (
    f"{'page':<30} {'user':<15} {'n':>3} {'p50':>7} {'p95':>7} "
    f"{'cpu p50':>7} {'cpu p95':>7} {'py p50':>7} {'queries':>7} {'x floor':>7}"
)


def row_line(row: dict) -> str:
    return (
        f"{row['page']:<30} {row['user']:<15} {row['n']:3d} {row['p50']:7.1f} {row['p95']:7.1f} "
        f"{row['cpu_p50']:7.1f} {row['cpu_p95']:7.1f} {row['py_p50']:7.1f} {row['queries']:7d}"
        f" {row['ratio']:7.1f}"
    )


def measure(args) -> dict:
    """Time every page on the configured database; returns the figures."""
    from django.db import connection
    from django.test import Client

    from communication.models import Problem
    from feedback.models import Case
    from salesite.models import Customer, Project, Unit, User

    project = Project.objects.select_related("property_company").get(code="binjiang")
    customer = Customer.objects.filter(project=project, phone=OWNER_MOBILE).order_by("pk").first()
    sizes = {
        "projects": Project.objects.count(),
        "units": Unit.objects.count(),
        "problems": Problem.objects.count(),
        "cases": Case.objects.count(),
    }
    print(
        f"Database {connection.settings_dict['NAME']}: "
        + ", ".join(f"{v:,} {k}" for k, v in sizes.items()),
        flush=True,
    )
    load = [os.getloadavg()[0]]
    runs = []
    for who, user_label, username in USERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        urls = pages(project.pk, project.property_company_id, customer.pk)
        runs.append((user_label, client, urls, who))
    owner = owner_client()
    runs.append(("owner", owner, [(lb, url, "owner") for lb, url in owner_pages(owner)], "owner"))
    runs.append(("anonymous", Client(), [("owner login", "/owner/login/", "anon")], "anon"))
    print(HEADER, flush=True)
    rows = []
    floors: dict[str, float] = {}  # the floor's CPU p95 per user (owner rows: the lowest)
    for user_label, client, run_pages, who in runs:
        for label, url, for_whom in run_pages:
            if who not in for_whom.split():
                continue
            if args.only and args.only not in label:
                continue
            samples = time_page(client, url, args.requests, args.budget)
            load.append(os.getloadavg()[0])
            times, cpu = [x.ms for x in samples], [x.cpu_ms for x in samples]
            row = {
                "page": label,
                "user": user_label,
                "n": len(samples),
                "p50": round(percentile(times, 50), 1),
                "p95": round(percentile(times, 95), 1),
                "cpu_p50": round(percentile(cpu, 50), 1),
                "cpu_p95": round(percentile(cpu, 95), 1),
                "py_p50": round(percentile([x.py_ms for x in samples], 50), 1),
                "queries": max(x.queries for x in samples),
            }
            if label == FLOOR_LABEL:
                floors[user_label] = row["cpu_p95"]
            floor_cpu95 = floors.get(user_label) or min(floors.values(), default=0.0)
            row["ratio"] = round(row["cpu_p95"] / floor_cpu95, 1) if floor_cpu95 else 0.0
            rows.append(row)
            print(row_line(row), flush=True)
            if args.slowest_sql:
                worst = max(samples, key=lambda x: x.ms).slowest
                if worst:
                    print(f"    slowest SQL {worst['time']} s: {worst['sql'][:600]}", flush=True)
    print(
        f"Machine load (1-minute average) during the run: {min(load):.1f} to {max(load):.1f}",
        flush=True,
    )
    return {
        "sizes": sizes,
        "rows": rows,
        "floor_cpu_p95": floors,
        "load": [min(load), max(load)],
    }


def compare(results: dict[str, dict], flag_on: str) -> int:
    """Print the runs side by side; returns the number of flagged rows."""
    labels = list(results)
    keyed = {
        label: {(r["page"], r["user"]): r for r in res["rows"]} for label, res in results.items()
    }
    head = f"{'page':<30} {'user':<15}"
    for label in labels:
        head += f" | {label:>5} p50 {'p95':>6} {'cpu95':>6} {'xfl':>5} {'q':>3}"
    print(
        "\nComparison (ms; cpu95 = p95 of the CPU time; xfl = cpu95 / the floor's cpu95 of the "
        "same run; q = SQL queries per request)"
    )
    print(head + "  flags")
    key95 = "cpu_p95" if flag_on == "cpu" else "p95"
    flagged = 0
    for r in results[labels[0]]["rows"]:
        key = (r["page"], r["user"])
        line = f"{r['page']:<30} {r['user']:<15}"
        flags, ratio_flags, counts = [], [], set()
        for label in labels:
            other = keyed[label].get(key)
            if other is None:
                line += f" | {'-':>9} {'-':>6} {'-':>6} {'-':>5} {'-':>3}"
                continue
            ratio = other.get("ratio", 0.0)
            line += (
                f" | {other['p50']:9.1f} {other['p95']:6.1f} {other['cpu_p95']:6.1f}"
                f" {ratio:5.1f} {other['queries']:3d}"
            )
            counts.add(other["queries"])
            if other[key95] >= TARGET_P95_MS:
                flags.append(label)
            if ratio > TARGET_RATIO.get(label, DEFAULT_TARGET_RATIO):
                ratio_flags.append(label)
        text = []
        if flags:
            text.append(f"{flag_on} p95 >= {TARGET_P95_MS:.0f} ms at {', '.join(flags)}")
        if ratio_flags:
            text.append(f"over the floor ratio at {', '.join(ratio_flags)}")
        if len(counts) > 1:
            text.append("query count grows")
        flagged += bool(text)
        print(line + ("  " + "; ".join(text) if text else ""))
    print(
        f"\n{flagged} row(s) flagged (target: {flag_on} p95 < {TARGET_P95_MS:.0f} ms, at most "
        f"{TARGET_RATIO['1x']:.0f}x the floor at 1x and {DEFAULT_TARGET_RATIO:.0f}x at larger sizes, "
        "and the same query count at every size)."
    )
    return flagged


def run_one(url: str, args) -> dict:
    # A kept connection (its backend's CPU time is read from /proc) and no parallel workers
    # (whose CPU time would not be counted); see the module docstring.
    os.environ.setdefault("CONN_MAX_AGE", "600")
    configure(url)
    from django.conf import settings
    from django.db import connection

    settings.ROOT_URLCONF = "floor_urls"  # the project's URLs plus the floor page

    options = connection.settings_dict.setdefault("OPTIONS", {})
    options["options"] = (
        options.get("options", "") + " -c max_parallel_workers_per_gather=0"
    ).strip()
    return measure(args)


def main() -> None:
    args = parse_args()
    if args.database_url:
        result = run_one(args.database_url, args)
        if args.json:
            Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1))
        return
    if not args.run:
        sys.exit("Give --run LABEL=URL (once per size) or --database-url URL.")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for spec in args.run:
            label, _sep, url = spec.partition("=")
            if not url:
                sys.exit(f"--run wants LABEL=URL, got {spec!r}")
            out = Path(tmp) / f"{len(results)}.json"
            print(f"\n== {label} ==", flush=True)
            command = [sys.executable, __file__, "--database-url", url, "--json", str(out)]
            command += ["--requests", str(args.requests), "--budget", str(args.budget)]
            if args.only:
                command += ["--only", args.only]
            if args.slowest_sql:
                command.append("--slowest-sql")
            subprocess.run(command, check=True)
            results[label] = json.loads(out.read_text())
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    flagged = compare(results, args.flag_on) if len(results) > 1 else 0
    sys.exit(1 if flagged else 0)


if __name__ == "__main__":
    main()
