#!/usr/bin/env bash
# Start one Salesite program (gunicorn, celery) with the application's environment:
# run-with-env.sh COMMAND [ARGS...]. Reads SALESITE_ENV_FILE (default /etc/salesite/salesite.env,
# KEY=value lines) if it exists, puts SALESITE_VENV/bin (default <repo>/.venv/bin) first on PATH,
# and replaces itself with the command, so that the supervisor's signals reach it directly.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
env_file="${SALESITE_ENV_FILE:-/etc/salesite/salesite.env}"
if [[ -f "$env_file" ]]; then
    set -a
    # shellcheck disable=SC1090
    . "$env_file"
    set +a
fi
export PATH="${SALESITE_VENV:-$root/.venv}/bin:$PATH"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-salesite.settings.production}"
exec "$@"
