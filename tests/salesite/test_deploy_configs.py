"""The production configs in deploy/ agree with each other and with the settings (issue #18):
nginx balances the two gunicorn nodes that supervisord starts, retries only idempotent
requests, refuses bodies over MAX_REQUEST_BYTES; the workers consume the queues the router
uses, with one worker for messages alone; one beat, with the locking scheduler."""

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from salesite import task_routes

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def programs() -> dict[str, dict]:
    parser = configparser.RawConfigParser()
    parser.read(DEPLOY / "supervisor" / "salesite.conf")
    return {
        s.removeprefix("program:"): dict(parser[s])
        for s in parser.sections()
        if s.startswith("program:")
    }


def test_nginx_balances_the_supervised_web_nodes_and_retries_only_idempotent_requests():
    conf = (DEPLOY / "nginx" / "salesite.conf").read_text()
    upstream = re.search(r"upstream salesite_web \{(.*?)\}", conf, re.S).group(1)
    servers = re.findall(r"server (127\.0\.0\.1:\d+)", upstream)
    binds = sorted(
        re.search(r"--bind (\S+)", p["command"]).group(1)
        for name, p in programs().items()
        if name.startswith("salesite-web-")
    )
    assert sorted(servers) == binds == ["127.0.0.1:8101", "127.0.0.1:8102"]
    retry = re.search(r"proxy_next_upstream ([^;]+);", conf).group(1).split()
    assert "error" in retry and "http_502" in retry
    assert "non_idempotent" not in retry  # a POST that reached a node is never sent twice
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    limit = re.search(r"client_max_body_size (\d+)m;", conf).group(1)
    assert int(limit) * 1024 * 1024 == settings.MAX_REQUEST_BYTES
    assert "private-media" not in conf and "alias" not in conf  # uploads only through the app


def test_workers_cover_every_queue_and_one_of_them_takes_only_messages():
    queues = {
        name: set(re.search(r"-Q (\S+)", p["command"]).group(1).split(","))
        for name, p in programs().items()
        if " worker " in p["command"]
    }
    assert len(queues) == 2
    assert set().union(*queues.values()) == set(task_routes.ALL_QUEUES)
    assert {"notifications", "celery"} in queues.values()  # nothing long before an SMS
    assert all("notifications" in q for q in queues.values())  # messages go on with one down
    names = [
        re.search(r"-n (\S+)", p["command"]).group(1)
        for p in programs().values()
        if "-n " in p["command"]
    ]
    assert len(names) == len(set(names)) == 2


def test_exactly_one_beat_with_the_locking_scheduler():
    beats = [p for p in programs().values() if " beat " in p["command"]]
    assert len(beats) == 1
    assert "--scheduler salesite.beat:SingleBeatScheduler" in beats[0]["command"]
    assert settings.CELERY_BEAT_SCHEDULER == "salesite.beat:SingleBeatScheduler"
    assert (
        "--scheduler salesite.beat:SingleBeatScheduler"
        in (ROOT / "scripts" / "run_demo.sh").read_text()
    )


def test_every_program_stops_its_whole_process_group():
    for name, p in programs().items():
        assert p["stopasgroup"] == "true" and p["killasgroup"] == "true", name
        assert p["command"].startswith("%(ENV_SALESITE_ROOT)s/deploy/run-with-env.sh "), name


def test_the_demo_worker_consumes_every_queue():
    run_demo = (ROOT / "scripts" / "run_demo.sh").read_text()
    found = re.search(r"--queues (\S+)", run_demo).group(1)
    assert set(found.split(",")) == set(task_routes.ALL_QUEUES)


def test_scripts_parse():
    for script in ("cluster.sh", "run-with-env.sh"):
        subprocess.run(["bash", "-n", str(DEPLOY / script)], check=True)


@pytest.mark.skipif(not shutil.which("nginx"), reason="needs nginx (apt-get install nginx-light)")
def test_nginx_accepts_the_config(tmp_path):
    site = (DEPLOY / "nginx" / "salesite.conf").read_text()
    (tmp_path / "site.conf").write_text(site.replace("listen 80;", "listen 127.0.0.1:18100;"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        "events {}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body; "
        f"include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(
        ["nginx", "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
