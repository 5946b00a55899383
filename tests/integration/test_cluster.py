"""The loopback cluster under faults (issue #18, item 4).

``deploy/cluster.sh`` starts nginx in front of two gunicorn nodes (127.0.0.1:8101, :8102), two
Celery workers and one beat under supervisord, on PostgreSQL, Redis and moto's S3 server, with
the production settings. Then, for at most ``CLUSTER_LOAD_SECONDS`` (default 40 s):

* logged-in users load pages and post create forms (a new customer each) through the balancer;
* one web node is stopped in the middle and started again;
* one worker (the notifications worker) is stopped while SMS are queued;
* attachments are uploaded through each node and the balancer, and downloaded from both nodes.

Afterwards: no failed page load (nginx retries idempotent requests on the other node), no
failed form post beyond those in flight on the stopped node, every posted form stored once,
every queued SMS sent exactly once, every file read back identical from both nodes. The
figures are printed (``-s`` shows them).

Needs nginx and supervisord (Debian's packages; .ci/run installs them), PostgreSQL and Redis
on 127.0.0.1 and moto: skipped with the reason otherwise.
"""

from __future__ import annotations

import collections
import hashlib
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest

from tests.salesite.test_import_jobs import register

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "deploy" / "cluster.sh"
LB, NODE_1, NODE_2 = 8100, 8101, 8102
DB = "salesite_cluster_test"
PASSWORD = "Salesite2026!"  # salesite.demo.DEMO_PASSWORD
USER = "binjiang_front_desk"
LOAD_SECONDS = float(os.environ.get("CLUSTER_LOAD_SECONDS", "40"))
THREADS = 4
SMS_BATCHES = 3
LEASE_SQL = "SELECT holder FROM salesite_joblease WHERE job_name = 'celery-beat'"
IMPORT_ROWS = int(os.environ.get("CLUSTER_IMPORT_ROWS", "30000"))
SMS_PER_BATCH = 20


def _skip_reason() -> str | None:
    from django.conf import settings

    # Like the other tests that need PostgreSQL: `make test` on the embedded defaults (SQLite)
    # skips it, CI (DATABASE_URL on PostgreSQL, Redis) runs it.
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return "needs PostgreSQL: DATABASE_URL is not a postgres:// URL (the cluster's database)"
    for tool in ("nginx", "supervisord", "supervisorctl", "pg_isready", "redis-cli", "psql"):
        if not shutil.which(tool):
            return f"needs {tool} on PATH (apt-get install -y nginx-light supervisor)"
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode != 0:
        return "needs PostgreSQL on 127.0.0.1:5432"
    ping = subprocess.run(["redis-cli", "ping"], capture_output=True, text=True, check=False)
    if ping.stdout.strip() != "PONG":
        return "needs Redis on 127.0.0.1:6379"
    try:
        import moto.server  # noqa: F401
    except ImportError:
        return "needs moto[server] (pip install -r requirements.txt)"
    return None


pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(bool(_skip_reason()), reason=_skip_reason() or ""),
]


def cluster_env() -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST_", "CELERY_", "AWS_", "DATABASE_", "CACHE_"))
    }
    env.update(
        SALESITE_VENV=sys.prefix,
        CLUSTER_DIR=str(ROOT / "var" / "cluster-test"),
        CLUSTER_DB=DB,
        CLUSTER_LB_PORT=str(LB),
    )
    return env


def cluster(*args, timeout=300) -> str:
    result = subprocess.run(
        ["bash", str(CLUSTER), *args],
        cwd=ROOT,
        env=cluster_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"cluster.sh {args}: {result.stdout}\n{result.stderr}"
    return result.stdout


def manage_command(code: str) -> dict:
    """Arguments of a Django shell running ``code`` with the nodes' environment."""
    env_file = Path(cluster_env()["CLUSTER_DIR"]) / "salesite.env"
    cmd = (
        f'set -a && . "{env_file}" && set +a && '
        f'"{sys.executable}" manage.py shell -v 0 -c "$SNIPPET"'
    )
    return {
        "args": ["bash", "-c", cmd],
        "cwd": ROOT,
        "env": {**cluster_env(), "SNIPPET": code},
        "stdout": subprocess.PIPE,
        "stderr": subprocess.STDOUT,
        "text": True,
    }


def manage(code: str) -> str:
    """Run Python in a Django shell with the nodes' environment (the cluster's database)."""
    result = subprocess.run(**manage_command(code), timeout=180, check=False)
    assert result.returncode == 0, result.stdout
    return result.stdout


def sql(query: str, db: str = DB) -> list[list[str]]:
    out = subprocess.run(
        ["psql", "-U", "postgres", "-h", "127.0.0.1", "-d", db, "-At", "-F", "\t", "-c", query],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


# --- A small HTTP client: own cookie jar (the production cookies are Secure, sent here over
# loopback HTTP), CSRF token from the page, multipart for uploads.


class Browser:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None, port=None):
        conn = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=60)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), data

    def get(self, path, port=None):
        return self.request("GET", path, port=port)

    def post(self, path, fields: dict, port=None):
        body = urllib.parse.urlencode(fields)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, body=body, headers=headers, port=port)

    def post_file(self, path, fields: dict, file_name: str, content: bytes, port=None):
        boundary = uuid.uuid4().hex
        parts = []
        for k, v in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            )
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request("POST", path, body=b"".join(parts), headers=headers, port=port)

    def login(self, user=USER):
        status, _, page = self.get("/accounts/login/")
        assert status == 200
        status, _, _ = self.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": csrf(page), "username": user, "password": PASSWORD},
        )
        assert status == 302, f"login: {status}"


def csrf(page: bytes) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()


def form_token(page: bytes) -> str:
    found = re.search(rb'name="form_token" value="([0-9a-f]{32})"', page)
    return found.group(1).decode() if found else ""


def project_choice(page: bytes) -> str:
    return re.search(rb'<option value="(\d+)"[^>]*>', page).group(1).decode()


# --- The run ---------------------------------------------------------------------------------


class Figures:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = collections.Counter()  # (kind, outcome) -> count
        self.posted: list[tuple[str, int]] = []  # (customer name, status)

    def add(self, kind: str, outcome):
        with self.lock:
            self.requests[(kind, outcome)] += 1


def load_user(figures: Figures, stop: threading.Event, index: int):
    browser = Browser(LB)
    browser.login()
    n = 0
    while not stop.is_set():
        n += 1
        for path in ("/", "/core/customers/"):
            try:
                status, _, _ = browser.get(path)
            except OSError as exc:
                status = type(exc).__name__
            figures.add("page", status)
        try:
            status, _, page = browser.get("/core/customers/new/")
        except OSError as exc:
            status, page = type(exc).__name__, b""
        figures.add("page", status)
        if status != 200:
            continue
        name = f"集群{index}-{n}-{uuid.uuid4().hex[:6]}"
        fields = {
            "csrfmiddlewaretoken": csrf(page),
            "form_token": form_token(page),
            "project": project_choice(page),
            "name": name,
            "phone": f"139{index:02d}{n:06d}"[:11],
            "id_type": "passport",
            "id_number": f"E{index:02d}{n:07d}",
        }
        try:
            status, _, body = browser.post("/core/customers/new/", fields)
        except OSError as exc:
            status, body = type(exc).__name__, b""
        if status == 200:  # the form came back: show why (the test then fails on it)
            errors = re.findall(rb'class="invalid-feedback[^"]*"[^>]*>\s*<strong>([^<]+)', body)
            status = f"form-error:{b'|'.join(errors).decode()[:100]}"
        figures.add("form", status)
        with figures.lock:
            figures.posted.append((name, status))


def queue_sms_code(tag: str) -> str:
    return (
        "from django.db import transaction\n"
        "from salesite import outbox\n"
        "with transaction.atomic():\n"
        "    outbox.queue([outbox.Message(channel='sms', recipient=f'1380000{i:04d}', "
        f"body=f'集群短信 {tag} {{i}}', dedupe_key=f'cluster:{tag}:{{i}}') "
        f"for i in range({SMS_PER_BATCH})])\n"
    )


def queue_sms(tag: str) -> None:
    manage(queue_sms_code(tag))


def queue_sms_once_an_import_runs(tag: str) -> subprocess.Popen:
    """Start a shell that waits until an import is running, then queues the SMS at once."""
    wait = (
        "import time\n"
        "from salesite.models import ImportBatch\n"
        "deadline = time.monotonic() + 120\n"
        "while time.monotonic() < deadline and not ImportBatch.objects.filter("
        "started_at__isnull=False, finished_at__isnull=True).exists():\n"
        "    time.sleep(0.05)\n"
    )
    return subprocess.Popen(**manage_command(wait + queue_sms_code(tag)))


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout} s: {what}")


def fresh_database_from_template() -> bool:
    """Create the cluster's database as a copy of the migrated test template (tests/db_template:
    ``salesite_tpl_<key>``, same migrations), so that ``cluster.sh start`` migrates nothing
    (a fresh migrate is about a minute of CPU). False when there is no template."""
    from tests import db_template

    template = db_template.postgresql_template()
    if not sql(f"SELECT 1 FROM pg_database WHERE datname = '{template}'", db="postgres"):
        return False
    base = ["-U", "postgres", "-h", "127.0.0.1"]
    subprocess.run(["dropdb", "--if-exists", *base, DB], check=True)
    subprocess.run(["createdb", *base, "-T", template, DB], check=True)
    return True


@pytest.fixture(scope="module")
def running_cluster():
    if fresh_database_from_template():
        cluster("start", timeout=600)
    else:
        cluster("start", "--fresh", timeout=600)
    try:
        manage("from django.core.management import call_command; call_command('seed_demo')")
        yield
    finally:
        cluster("stop", timeout=300)


def test_cluster_survives_a_node_and_a_worker_stopping(running_cluster):
    figures = Figures()
    stop = threading.Event()
    users = [
        threading.Thread(target=load_user, args=(figures, stop, i), daemon=True)
        for i in range(THREADS)
    ]
    started = time.monotonic()
    for t in users:
        t.start()

    def at(second: float):
        time.sleep(max(0.0, started + second - time.monotonic()))

    timeline = []
    # A second beat, started by mistake next to the supervisor's: it must stand by.
    leader = sql(LEASE_SQL)
    beat_log = Path(cluster_env()["CLUSTER_DIR"]) / "log" / "second-beat.log"
    second_beat = subprocess.Popen(
        [
            str(ROOT / "deploy" / "run-with-env.sh"),
            "celery",
            "-A",
            "salesite",
            "beat",
            "-l",
            "INFO",
            "--scheduler",
            "salesite.beat:SingleBeatScheduler",
            "--pidfile=",
        ],
        cwd=ROOT,
        env={**cluster_env(), "SALESITE_ENV_FILE": str(beat_log.parent.parent / "salesite.env")},
        stdout=beat_log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    # A long owner-register import (imports queue) and, while it runs, SMS (notifications).
    importer = Browser(LB)
    importer.login("binjiang_cs_lead")
    project_id = sql("SELECT id FROM salesite_project WHERE code = 'binjiang'")[0][0]
    sms_during_import = queue_sms_once_an_import_runs("during-import")
    status, _, page = importer.get(f"/core/projects/{project_id}/import/")
    assert status == 200
    status, _, _ = importer.post_file(
        f"/core/projects/{project_id}/import/",
        {"csrfmiddlewaretoken": csrf(page), "form_token": form_token(page)},
        "register.csv",
        register(IMPORT_ROWS),
    )
    assert status == 302, f"import upload: {status}"
    at(LOAD_SECONDS * 0.2)
    cluster("ctl", "stop", "salesite:salesite-web-1")
    timeline.append(f"{time.monotonic() - started:.1f}s web-1 stopped")
    at(LOAD_SECONDS * 0.45)
    cluster("ctl", "start", "salesite:salesite-web-1")
    timeline.append(f"{time.monotonic() - started:.1f}s web-1 started")
    at(LOAD_SECONDS * 0.55)
    cluster("ctl", "stop", "salesite:salesite-worker-1")
    timeline.append(f"{time.monotonic() - started:.1f}s worker-1 stopped")
    queue_sms("worker-down")
    at(LOAD_SECONDS * 0.8)
    queue_sms("late")
    at(LOAD_SECONDS)
    stop.set()
    for t in users:
        t.join(90)
    elapsed = time.monotonic() - started
    # Through the load the supervisor's beat led and the second one stood by, sending nothing.
    beat_leases = sql(LEASE_SQL)
    second_beat_said = beat_log.read_text(errors="replace")
    # Failover: the leader stops, the standby takes over; the leader, started again, stands by
    # until the second one stops too, then leads again.
    takeover = time.monotonic()
    cluster("ctl", "stop", "salesite:salesite-beat")
    wait_until(lambda: f":{second_beat.pid}:" in sql(LEASE_SQL)[0][0], 30, "the standby leads")
    takeover_seconds = time.monotonic() - takeover
    cluster("ctl", "start", "salesite:salesite-beat")
    os.killpg(second_beat.pid, signal.SIGTERM)
    second_beat.wait(30)

    def restarted_beat_leads():
        holder = sql(LEASE_SQL)[0][0]
        return holder != leader[0][0] and f":{second_beat.pid}:" not in holder

    wait_until(restarted_beat_leads, 30, "the restarted supervisor beat leads again")

    # Files: uploaded through node 1, node 2 and the balancer; each read from both nodes.
    customer_id = sql("SELECT id FROM salesite_customer WHERE name LIKE '集群%' LIMIT 1")[0][0]
    files = {}
    for port in (NODE_1, NODE_2, LB):
        browser = Browser(port)
        browser.login()
        status, _, page = browser.get(f"/core/customers/{customer_id}/")
        assert status == 200
        content = b"%PDF-1.4\n" + os.urandom(50_000) + b"\n%%EOF\n"
        ct_id, obj_id = re.search(rb"/core/attachments/(\d+)/(\d+)/upload/", page).groups()
        status, _, _ = browser.post_file(
            f"/core/attachments/{ct_id.decode()}/{obj_id.decode()}/upload/",
            {"csrfmiddlewaretoken": csrf(page), "description": f"via {port}"},
            f"node-{port}.pdf",
            content,
        )
        assert status == 302, f"upload via {port}: {status}"
        files[f"node-{port}.pdf"] = hashlib.sha256(content).hexdigest()
    attachments = sql(
        "SELECT id, original_name, file FROM salesite_attachment WHERE original_name LIKE 'node-%'"
    )
    assert sorted(a[1] for a in attachments) == sorted(files)
    local_media = Path(cluster_env()["CLUSTER_DIR"]) / "media"
    assert not [p for p in local_media.rglob("*") if p.is_file()]  # all in the bucket
    reader = Browser(NODE_1)
    reader.login()
    checked = 0
    for pk, name, _key in attachments:
        for port in (NODE_1, NODE_2):
            status, _, body = reader.get(f"/core/attachments/{pk}/", port=port)
            assert status == 200, (name, port, status)
            assert hashlib.sha256(body).hexdigest() == files[name], (name, port)
            checked += 1

    # Login lockouts are shared: failures spread over both nodes lock the user on both.
    victim = "binjiang_archivist"
    for i in range(5):
        browser = Browser(NODE_1 if i % 2 else NODE_2)
        _, _, page = browser.get("/accounts/login/")
        status, _, _ = browser.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": csrf(page), "username": victim, "password": "wrong"},
        )
        # The form again with an error; the fifth failure (AXES_FAILURE_LIMIT) locks.
        assert status == (429 if i == 4 else 200), (i, status)
    lockout = []
    for port in (NODE_1, NODE_2):
        browser = Browser(port)
        _, _, page = browser.get("/accounts/login/")
        status, _, _ = browser.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": csrf(page), "username": victim, "password": PASSWORD},
        )
        lockout.append(status)
    assert lockout == [429, 429], lockout  # the right password too, on either node

    # The password-reset throttle counts on the shared Redis cache: 3 requests an hour for an
    # address (PASSWORD_RESET_LIMIT_PER_EMAIL), wherever they land; the 4th is refused.
    resets = []
    for i in range(4):
        browser = Browser(NODE_1 if i % 2 else NODE_2)
        _, _, page = browser.get("/accounts/password/reset/")
        status, _, _ = browser.post(
            "/accounts/password/reset/",
            {"csrfmiddlewaretoken": csrf(page), "email": "cluster-reset@example.com"},
        )
        resets.append(status)
    assert resets == [302, 302, 302, 429], resets

    out, _ = sms_during_import.communicate(timeout=150)
    assert sms_during_import.returncode == 0, out

    # Messages: every queued SMS sent once, the notifications worker being down for a while.
    total_sms = SMS_BATCHES * SMS_PER_BATCH

    def all_sent():
        rows = sql(
            "SELECT count(*) FROM salesite_outboundmessage "
            "WHERE dedupe_key LIKE 'cluster:%' AND status = 'sent'"
        )
        return int(rows[0][0]) == total_sms

    wait_until(all_sent, 120, "every queued SMS sent")
    wait_until(
        lambda: (
            sql("SELECT count(*) FROM salesite_importbatch WHERE finished_at IS NULL") == [["0"]]
        ),
        240,
        "the import finished",
    )
    (import_status, import_rows, import_seconds, sms_queued_before_end, sms_sent_before_end) = sql(
        "SELECT b.status, b.row_count, "
        "round(extract(epoch FROM b.finished_at - b.started_at)::numeric, 1), "
        "bool_and(m.created_at < b.finished_at), bool_and(m.sent_at < b.finished_at) "
        "FROM salesite_importbatch b, salesite_outboundmessage m "
        "WHERE m.dedupe_key LIKE 'cluster:during-import:%' GROUP BY b.id"
    )[0]
    sms_latency = sql(
        "SELECT round(max(extract(epoch FROM sent_at - created_at))::numeric, 1) "
        "FROM salesite_outboundmessage WHERE dedupe_key LIKE 'cluster:during-import:%'"
    )[0][0]
    cluster("ctl", "start", "salesite:salesite-worker-1")
    sms = sql(
        "SELECT body, count(*) FROM salesite_smsmessage WHERE body LIKE '集群短信%' GROUP BY 1"
    )
    duplicated_sms = sum(int(c) - 1 for _, c in sms if int(c) > 1)
    lost_sms = total_sms - len(sms)

    # Forms: each name posted is stored at most once; each post answered with a redirect, once.
    stored = collections.Counter(
        name for (name,) in sql("SELECT name FROM salesite_customer WHERE name LIKE '集群%'")
    )
    duplicated_forms = sum(c - 1 for c in stored.values() if c > 1)
    lost_forms = [name for name, status in figures.posted if status == 302 and stored[name] != 1]
    failed_posts = [(n, s) for n, s in figures.posted if s != 302]
    failed_pages = {k: v for k, v in figures.requests.items() if k[0] == "page" and k[1] != 200}
    page_count = sum(v for k, v in figures.requests.items() if k[0] == "page")
    skipped_runs = sql("SELECT job_name FROM salesite_jobrun WHERE status = 'skipped'")

    report = [
        f"cluster run: {elapsed:.1f} s of load, {THREADS} users, " + "; ".join(timeline),
        f"page loads: {page_count}, failed: {sum(failed_pages.values())} {failed_pages}",
        f"form posts: {len(figures.posted)}, stored: {sum(stored.values())}, "
        f"failed: {len(failed_posts)} {failed_posts[:5]}, duplicated: {duplicated_forms}, "
        f"lost: {len(lost_forms)}",
        f"SMS queued: {total_sms}, sent: {len(sms)}, duplicated: {duplicated_sms}, "
        f"lost: {lost_sms}",
        f"files: {len(files)} uploaded (node 1, node 2, balancer), {checked} reads from both "
        "nodes identical",
        f"import: {import_rows} rows, {import_status}, {import_seconds} s; SMS queued during it "
        f"sent within {sms_latency} s, before it ended: {sms_sent_before_end}",
        f"login lockout after 5 failures spread over both nodes: {lockout} on node 1, node 2",
        f"password resets for one address over both nodes: {resets}",
        f"beat lease holder: {beat_leases} (before: {leader}); second beat stood by: "
        f"{'standing by' in second_beat_said}; took over {takeover_seconds:.1f} s after the "
        f"leader stopped; skipped job runs: {len(skipped_runs)}",
    ]
    print("\n" + "\n".join(report))

    assert page_count > 50 and len(figures.posted) > 10
    assert not failed_pages, failed_pages
    # Only a post in flight on the node being stopped may fail (gunicorn finishes those, so
    # normally none): at most one per user.
    assert len(failed_posts) <= THREADS, failed_posts
    assert not [s for _, s in failed_posts if str(s).startswith("form-error")]
    assert duplicated_forms == 0 and not lost_forms
    assert duplicated_sms == 0 and lost_sms == 0
    # Queues by kind: the SMS queued while the import ran went out before it ended.
    assert import_status == "imported" and int(import_rows) == IMPORT_ROWS
    assert sms_queued_before_end == "t", "the import ended before the SMS were queued"
    assert sms_sent_before_end == "t", f"SMS waited for the import ({sms_latency} s)"
    # One effective beat: the second one stood by and sent nothing, the leader kept the lease,
    # and no job was started twice (a second start would leave a skipped run).
    assert beat_leases == leader and len(leader) == 1
    assert "standing by" in second_beat_said
    assert "holds the beat lease" not in second_beat_said
    assert "Sending due task" not in second_beat_said
    assert skipped_runs == []
