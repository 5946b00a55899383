#!/usr/bin/env bash
# The demo on the embedded defaults (SQLite file, filesystem Celery broker): migrate, collect
# static files, seed the demo, then run the web server, a Celery worker and Celery beat side by
# side. Ctrl-C (or SIGTERM) stops all three. Expects .venv (scripts/ensure_venv.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-salesite.settings.local}"
port="${PORT:-8000}"
bin=.venv/bin

echo "==> Migrating the database"
"$bin/python" manage.py migrate --noinput
echo "==> Collecting static files"
"$bin/python" manage.py collectstatic --noinput --verbosity 0
echo "==> Seeding the demo"
logins="$("$bin/python" manage.py seed_demo)"
echo "$logins"

# The filesystem broker's folders (see CELERY_BROKER_TRANSPORT_OPTIONS in settings/base.py).
mkdir -p var/log var/broker/out var/broker/processed
pids=()
echoes=()  # helpers that only echo to this console (not watched by `wait -n` below)

stop_all() {
    trap - INT TERM EXIT
    echo
    echo "==> Stopping web server, Celery worker and beat"
    local pid
    for pid in "${pids[@]}" "${echoes[@]}"; do
        # Each child leads its own process group (set -m): this also reaches runserver's
        # autoreload child and the worker's pool processes.
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT

# Job control: every background child gets its own process group, so stop_all can end the
# whole tree, and Ctrl-C in the terminal reaches only this script (which then stops them all).
set -m
# One worker consumes every queue (production runs a worker per kind: README, Production run).
"$bin/celery" -A salesite worker --loglevel info --concurrency "${CELERY_CONCURRENCY:-1}" \
    --queues celery,notifications,imports,scheduled --logfile var/log/celery-worker.log &
pids+=("$!")
# The demo's SMS (an owner portal login code among them) are "sent" by the worker's console
# SMS backend into its log: echo those lines here too, as they are sent.
touch var/log/celery-worker.log
(tail -n 0 -F var/log/celery-worker.log 2>/dev/null | grep --line-buffered "SMS to") &
echoes+=("$!")
"$bin/celery" -A salesite beat --loglevel info \
    --scheduler salesite.beat:SingleBeatScheduler \
    --logfile var/log/celery-beat.log &
pids+=("$!")
"$bin/python" manage.py runserver "0.0.0.0:$port" &
pids+=("$!")
set +m

# Announce the URL once the server answers (the first start runs Django's checks).
for _ in $(seq 60); do
    if "$bin/python" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/accounts/login/', timeout=2)" 2>/dev/null; then
        break
    fi
    sleep 1
done
cat <<MSG

================================================================================
 Salesite is running:  http://127.0.0.1:$port/   (admin: http://127.0.0.1:$port/admin/)
 Celery worker and beat logs: var/log/celery-worker.log, var/log/celery-beat.log
 Demo logins: see the table above; $(echo "$logins" | grep -m1 '密码' || true)
   e.g. admin, binjiang_front_desk, binjiang_cs_lead, binjiang_hq_inspector
 Owner portal: http://127.0.0.1:$port/owner/  $(echo "$logins" | grep -m1 -o '演示业主手机号: [0-9]*' || true)
   login code: printed below as "SMS to ..." when sent; also var/log/celery-worker.log
   and admin 短信 (SMS log)
 Press Ctrl-C to stop the web server, the worker and beat.
================================================================================

MSG

# The test database template (tests/db_template.py) of these migrations, built now at low
# priority unless it exists, and the test modules' bytecode (pytest's assert rewriting, kept in
# __pycache__), so that the Quick start's `make test` neither migrates nor compiles first.
set -m
(
    DJANGO_SETTINGS_MODULE=salesite.settings.test nice -n 10 "$bin/python" -m tests.db_template
    DJANGO_SETTINGS_MODULE=salesite.settings.test PYTHONDONTWRITEBYTECODE= nice -n 10 \
        "$bin/python" -m pytest --collect-only -q
) >var/log/test-db-template.log 2>&1 &
echoes+=("$!")
set +m

# Return when any of the three exits (or on Ctrl-C, through the trap); then stop the others.
status=0
wait -n "${pids[@]}" || status=$?
echo "==> A process ended unexpectedly (exit status $status); see the output above" \
    "and var/log/" >&2
exit "$((status == 0 ? 1 : status))"
