#!/usr/bin/env bash
# A Salesite cluster on this machine's loopback addresses, with the production configs of
# deploy/: nginx (deploy/nginx/salesite.conf) balancing two gunicorn nodes (127.0.0.1:8101 and
# :8102), two Celery workers and one beat under supervisord (deploy/supervisor/salesite.conf),
# PostgreSQL and Redis (started if they are down, as in CI), and moto's standalone S3 server as
# the object storage.
#
#   deploy/cluster.sh start [--fresh]   start everything (--fresh: drop and recreate the database)
#   deploy/cluster.sh stop              stop nginx, the programs and the S3 server
#   deploy/cluster.sh status            the programs' states and the balancer's answer
#   deploy/cluster.sh ctl ARGS...       supervisorctl on the cluster, e.g. `ctl stop salesite:salesite-web-1`
#   deploy/cluster.sh env               print the application environment the nodes run with
#
# Environment (defaults): SALESITE_VENV (<repo>/.venv), CLUSTER_DIR (<repo>/var/cluster),
# CLUSTER_DB (salesite_cluster), CLUSTER_LB_PORT (8100), CLUSTER_S3_PORT (8190),
# CLUSTER_REDIS_DB_BROKER / CLUSTER_REDIS_DB_CACHE (5 / 6: apart from the tests' database 0).
# Everything listens on 127.0.0.1 only.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

venv="${SALESITE_VENV:-$root/.venv}"
dir="${CLUSTER_DIR:-$root/var/cluster}"
db="${CLUSTER_DB:-salesite_cluster}"
lb_port="${CLUSTER_LB_PORT:-8100}"
s3_port="${CLUSTER_S3_PORT:-8190}"
redis_broker_db="${CLUSTER_REDIS_DB_BROKER:-5}"
redis_cache_db="${CLUSTER_REDIS_DB_CACHE:-6}"
bucket=salesite-cluster-media
py="$venv/bin/python"

log() { echo "==> [cluster] $*"; }

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
    local seconds="$1" what="$2"
    shift 2
    for _ in $(seq "$seconds"); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 1
    done
    echo "[cluster] $what did not come up within $seconds s" >&2
    return 1
}

supervisor_conf="$dir/supervisord.conf"
nginx_conf="$dir/nginx.conf"
env_file="$dir/salesite.env"

export SALESITE_ROOT="$root" SALESITE_LOG_DIR="$dir/log" SALESITE_ENV_FILE="$env_file"
export SALESITE_VENV="$venv"

ctl() { supervisorctl -c "$supervisor_conf" "$@"; }

ensure_services() {
    if ! pg_isready -q -h 127.0.0.1; then
        log "starting PostgreSQL"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
        wait_for 30 PostgreSQL pg_isready -q -h 127.0.0.1
    fi
    if ! redis-cli ping >/dev/null 2>&1; then
        log "starting Redis"
        mkdir -p /var/lib/redis /var/log/redis
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
            --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
        wait_for 30 Redis redis-cli ping
    fi
    if ! command -v nginx >/dev/null || ! command -v supervisord >/dev/null; then
        log "installing Debian's nginx and supervisor"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq nginx-light supervisor >/dev/null
    fi
}

write_env() {
    mkdir -p "$dir/log" "$dir/static" "$dir/media" "$dir/nginx-tmp"
    chmod 1777 "$dir/nginx-tmp"
    [[ -f "$dir/secret" ]] || "$py" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$dir/secret"
    cat >"$env_file" <<ENV
DJANGO_SETTINGS_MODULE=salesite.settings.production
SECRET_KEY=$(cat "$dir/secret")
ALLOWED_HOSTS=127.0.0.1,localhost
CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$lb_port
# Plain HTTP on loopback: no HTTPS redirect, no HSTS (production keeps both on).
SECURE_SSL_REDIRECT=False
SECURE_HSTS_SECONDS=0
DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db
CONN_MAX_AGE=60
CELERY_BROKER_URL=redis://127.0.0.1:6379/$redis_broker_db
CACHE_URL=redis://127.0.0.1:6379/$redis_cache_db
TRUSTED_PROXIES=127.0.0.1
AWS_STORAGE_BUCKET_NAME=$bucket
AWS_S3_ENDPOINT_URL=http://127.0.0.1:$s3_port
AWS_S3_REGION_NAME=us-east-1
AWS_S3_ADDRESSING_STYLE=path
AWS_ACCESS_KEY_ID=cluster
AWS_SECRET_ACCESS_KEY=cluster-secret
STATIC_ROOT=$dir/static
MEDIA_ROOT=$dir/media
SITE_URL=http://127.0.0.1:$lb_port
WEB_CONCURRENCY=${CLUSTER_WEB_CONCURRENCY:-2}
LOG_LEVEL=WARNING
CELERY_TASK_ALWAYS_EAGER=False
ENV
}

write_configs() {
    cat >"$supervisor_conf" <<CONF
[unix_http_server]
file=$dir/supervisor.sock

[supervisord]
logfile=$dir/log/supervisord.log
pidfile=$dir/supervisord.pid
childlogdir=$dir/log
nodaemon=false

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$dir/supervisor.sock

; The object storage of the local cluster only (production uses a real bucket).
[program:cluster-s3]
command=$py -m moto.server -H 127.0.0.1 -p $s3_port
priority=10
autorestart=true
startsecs=2
redirect_stderr=true
stdout_logfile=$dir/log/s3.log

[include]
files = $root/deploy/supervisor/salesite.conf
CONF
    sed "s/^    listen 80;/    listen 127.0.0.1:$lb_port;/" deploy/nginx/salesite.conf >"$dir/nginx-salesite.conf"
    grep -q "listen 127.0.0.1:$lb_port;" "$dir/nginx-salesite.conf"
    cat >"$nginx_conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/log/nginx-error.log warn;
events { worker_connections 512; }
http {
    access_log $dir/log/nginx-access.log;
    client_body_temp_path $dir/nginx-tmp/body;
    proxy_temp_path $dir/nginx-tmp/proxy;
    fastcgi_temp_path $dir/nginx-tmp/fastcgi;
    uwsgi_temp_path $dir/nginx-tmp/uwsgi;
    scgi_temp_path $dir/nginx-tmp/scgi;
    include $dir/nginx-salesite.conf;
}
CONF
}

app_env() {  # run a command with the nodes' environment
    (set -a && . "$env_file" && set +a && "$@")
}

start() {
    local fresh="${1:-}"
    [[ -x "$py" ]] || { echo "[cluster] no Python at $py (set SALESITE_VENV)" >&2; exit 1; }
    ensure_services
    write_env
    write_configs
    if [[ "$fresh" == "--fresh" ]]; then
        dropdb --if-exists -U postgres -h 127.0.0.1 "$db"
    fi
    if ! psql -U postgres -h 127.0.0.1 -lqt | cut -d'|' -f1 | grep -qw "$db"; then
        createdb -U postgres -h 127.0.0.1 "$db"
    fi
    redis-cli -n "$redis_broker_db" flushdb >/dev/null
    redis-cli -n "$redis_cache_db" flushdb >/dev/null
    log "migrate and collectstatic (database $db)"
    app_env "$py" manage.py migrate --noinput -v 0
    app_env "$py" manage.py collectstatic --noinput -v 0
    if [[ -S "$dir/supervisor.sock" ]] && ctl status >/dev/null 2>&1; then
        log "supervisord already running: restarting the programs"
        ctl restart all >/dev/null
    else
        log "starting supervisord (S3 server, 2 web nodes, 2 workers, beat)"
        supervisord -c "$supervisor_conf"
    fi
    wait_for 30 "S3 server" "$py" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$s3_port/', timeout=1)"
    app_env "$py" - <<'PY'
import os

import boto3

s3 = boto3.client(
    "s3",
    endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"],
    region_name="us-east-1",
    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
)
bucket = os.environ["AWS_STORAGE_BUCKET_NAME"]
if bucket not in [b["Name"] for b in s3.list_buckets().get("Buckets", [])]:
    s3.create_bucket(Bucket=bucket)
PY
    if [[ -f "$dir/nginx.pid" ]] && kill -0 "$(cat "$dir/nginx.pid")" 2>/dev/null; then
        nginx -c "$nginx_conf" -p "$dir" -s reload
    else
        nginx -c "$nginx_conf" -p "$dir"
    fi
    for port in 8101 8102 "$lb_port"; do
        wait_for 60 "http://127.0.0.1:$port" "$py" -c \
            "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/accounts/login/', timeout=2)"
    done
    log "up: balancer http://127.0.0.1:$lb_port/ (nodes :8101 :8102), S3 :$s3_port, logs $dir/log"
}

stop() {
    if [[ -f "$dir/nginx.pid" ]] && kill -0 "$(cat "$dir/nginx.pid")" 2>/dev/null; then
        nginx -c "$nginx_conf" -p "$dir" -s quit || true
    fi
    if [[ -S "$dir/supervisor.sock" ]]; then
        ctl shutdown >/dev/null 2>&1 || true
    fi
    # Wait for supervisord (it stops its programs first: the workers' warm shutdown).
    if [[ -f "$dir/supervisord.pid" ]]; then
        local pid
        pid="$(cat "$dir/supervisord.pid")"
        for _ in $(seq 120); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 1
        done
    fi
    log "stopped"
}

status() {
    ctl status || true
    "$py" -c "import urllib.request as u; print('balancer:', u.urlopen('http://127.0.0.1:$lb_port/accounts/login/', timeout=2).status)" || true
}

case "${1:-}" in
start) start "${2:-}" ;;
stop) stop ;;
status) status ;;
ctl) shift && ctl "$@" ;;
env) cat "$env_file" ;;
*)
    sed -n '2,20p' "$0"
    exit 2
    ;;
esac
