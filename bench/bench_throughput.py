"""Throughput under gunicorn (issue #17):
`.venv/bin/python bench/bench_throughput.py --database-url postgres://…/salesite_bench_1`.

Starts gunicorn with the production settings and ``deploy/gunicorn.conf.py`` (its workers and
threads from ``--workers``/``--threads``, default the README's recommendation: WEB_CONCURRENCY
= one per core, GUNICORN_THREADS = 2) on a free loopback port, against a database built by ``bench/build_data.py`` (or
any migrated database with ``seed_demo``'s users), and logs ``--clients`` users in over HTTP.
Then, per page, the clients request it ``--requests`` times in all (each client one request at
a time, keep-alive connections, as many clients as ``--clients`` at once) after a warm-up, and
the script prints requests/s, the p50/p95/p99 latency in ms and the number of non-200 answers,
and where the machine's CPU went per request (ms, from /proc): the gunicorn processes, the
PostgreSQL processes (when the server runs on this machine), this script's clients, and the
rest of the machine (idle time is not counted).

It prints figures and asserts nothing; the README's Benchmarks section quotes them. Run it on
an otherwise idle machine: the clients, gunicorn and PostgreSQL share its cores.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Salesite2026!"  # salesite.demo.DEMO_PASSWORD
PAGES = [
    ("my work", "/my-work/"),
    ("case list", "/feedback/cases/"),
    ("dashboard", "/dashboard/"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a built bench database")
    parser.add_argument("--user", default="binjiang_front_desk", help="demo login of the clients")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=800, help="timed requests per page")
    parser.add_argument("--workers", type=int, help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument(
        "--threads", type=int, help="gunicorn threads per worker (GUNICORN_THREADS)"
    )
    parser.add_argument("--page", action="append", metavar="PATH", help="time these paths only")
    return parser.parse_args()


PREPARE_USER = f"""
from axes.utils import reset
from salesite.models import User
user = User.objects.get(username="%(user)s")
if not user.check_password({PASSWORD!r}):
    user.set_password({PASSWORD!r})
    user.save(update_fields=["password"])
reset()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int, children: bool = True) -> tuple[int, str, float]:
    """(parent pid, name, CPU ms used) of a process from /proc; (-1, "", 0) once it is gone.
    With ``children``, the CPU of its children that ended is counted too: a PostgreSQL
    backend or parallel worker that exits, or a gunicorn worker replaced, leaves its time in
    its parent's count (the postmaster's, gunicorn's master's)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            text = handle.read()
    except OSError:
        return -1, "", 0.0
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text.rsplit(")", 1)[1].split()
    used = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        used += int(fields[13]) + int(fields[14])  # cutime, cstime
    return int(fields[1]), name, used * TICK_MS


def cpu_snapshot(gunicorn_pid: int) -> dict[str, float]:
    """CPU ms used so far: gunicorn (master and workers), PostgreSQL, this script, the machine.
    Processes that ended meanwhile count in their parent's children time (``_proc_stat``)."""
    totals = {"gunicorn": 0.0, "postgres": 0.0}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        parent, name, cpu_ms = _proc_stat(pid)
        if pid == gunicorn_pid or parent == gunicorn_pid:
            totals["gunicorn"] += cpu_ms
        elif name == "postgres" or name.startswith("postgres:"):
            totals["postgres"] += cpu_ms
    totals["clients"] = _proc_stat(os.getpid(), children=False)[2]
    with open("/proc/stat") as handle:
        cpu = [int(v) for v in handle.readline().split()[1:]]
    totals["machine"] = (sum(cpu) - cpu[3] - cpu[4]) * TICK_MS  # all but idle and iowait
    return totals


def cpu_split(before: dict[str, float], after: dict[str, float], requests: int) -> str:
    used = {k: (after[k] - before[k]) / requests for k in before}
    other = used["machine"] - used["gunicorn"] - used["postgres"] - used["clients"]
    return (
        f"{used['gunicorn']:>7.1f}{used['postgres']:>7.1f}{used['clients']:>7.1f}"
        f"{max(other, 0.0):>7.1f}"
    )


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of ``values`` (sorted here)."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def start_gunicorn(args, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "salesite.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": args.database_url,
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_LOG_LEVEL": "warning",
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    }
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "salesite.wsgi",
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "/dev/null",
    ]
    # A database seeded under the test settings stores MD5 password hashes, which the
    # production settings do not accept: give the bench user the demo password with the
    # production hasher, and clear earlier lockouts.
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PREPARE_USER % {"user": args.user}],
        cwd=ROOT,
        env=env,
        check=True,
    )
    # The production static storage needs its manifest (what the deploy's collectstatic makes).
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            if process.poll() is not None:
                sys.exit(f"gunicorn exited with {process.returncode}")
            time.sleep(0.1)
    process.terminate()
    sys.exit("gunicorn did not start within 30 s")


class Client:
    """One logged-in user on a keep-alive connection."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Host": "127.0.0.1", "Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}/accounts/login/"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def log_in(self, username: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            sys.exit(f"login page answered {status}")
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": username,
                "password": PASSWORD,
            }
        )
        status, _ = self.request("POST", "/accounts/login/", body)
        if status != 302 or "sessionid" not in self.cookies:
            sys.exit(f"login as {username} failed ({status})")


def drive(clients: list[Client], path: str, total: int) -> tuple[float, list[float], int]:
    """``total`` requests of ``path`` shared by the clients; (seconds, latencies, errors)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = [total]

    def work(client: Client) -> None:
        nonlocal errors
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                status, _ = client.request("GET", path)
            except (http.client.HTTPException, OSError):
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors += 1

    threads = [threading.Thread(target=work, args=(client,)) for client in clients]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, errors


def main() -> None:
    args = parse_args()
    port = free_port()
    process = start_gunicorn(args, port)
    try:
        clients = [Client(port) for _ in range(args.clients)]
        for client in clients:
            client.log_in(args.user)
        pages = [(p, p) for p in args.page] if args.page else PAGES
        workers = args.workers or "conf default"
        threads = args.threads or "conf default"
        print(
            f"gunicorn: workers={workers} threads={threads}; {args.clients} clients, "
            f"{args.requests} requests per page, user {args.user}"
        )
        print(
            f"{'page':<14}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
            "   CPU ms per request: gunicorn   PG clients other"
        )
        for label, path in pages:
            drive(clients, path, 2 * args.clients)  # warm-up: every worker and connection
            before = cpu_snapshot(process.pid)
            seconds, latencies, errors = drive(clients, path, args.requests)
            split = cpu_split(before, cpu_snapshot(process.pid), len(latencies))
            print(
                f"{label:<14}{len(latencies) / seconds:>8.1f}"
                f"{percentile(latencies, 0.50):>9.0f}{percentile(latencies, 0.95):>9.0f}"
                f"{percentile(latencies, 0.99):>9.0f}{errors:>8}{' ' * 22}{split}"
            )
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
