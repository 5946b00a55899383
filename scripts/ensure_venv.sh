#!/usr/bin/env bash
# Create .venv (Python 3.11) if it is missing and install requirements.txt into it.
# Quick when nothing changed: the install is skipped while .venv/.requirements.sha256 matches
# the current requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin="${PYTHON:-$(command -v python3.11 || command -v python3 || true)}"
if [[ -z "$python_bin" ]]; then
    echo "Python 3.11 not found (tried python3.11 and python3); set PYTHON=/path/to/python3.11" >&2
    exit 1
fi

if [[ ! -x .venv/bin/python ]]; then
    echo "==> Creating .venv with $python_bin"
    "$python_bin" -m venv .venv
fi

if ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo ".venv uses $(.venv/bin/python --version); Salesite needs Python 3.11+ (remove .venv)" >&2
    exit 1
fi

wanted="$(sha256sum requirements.txt | cut -d' ' -f1)"
stamp=.venv/.requirements.sha256
if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]]; then
    echo "==> Installing requirements.txt into .venv"
    .venv/bin/python -m pip install --disable-pip-version-check --quiet -r requirements.txt
    echo "$wanted" >"$stamp"
fi
