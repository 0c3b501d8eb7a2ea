#!/usr/bin/env bash
# Install govflow into .venv (and bpmn-js from npm), create the SQLite database, deploy
# the shipped processes and serve the application with its scheduler on
# http://127.0.0.1:8080/.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e .
.venv/bin/pybabel -q compile -d web/translations   # the pages' Vietnamese texts
npm ci --no-audit --no-fund --silent                 # bpmn-js, for the process diagrams
npm run build --silent                               # the modeler's bundle, web/static/build/

export DATABASE_URL="${DATABASE_URL:-sqlite:///$(pwd)/govflow.db}"
# The key that signs the session cookie: random, made once, kept in a git-ignored file.
if [ -z "${GOVFLOW_SECRET_KEY:-}" ]; then
  if [ ! -s .govflow-secret ]; then
    (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(32))' > .govflow-secret)
  fi
  GOVFLOW_SECRET_KEY="$(cat .govflow-secret)"
  export GOVFLOW_SECRET_KEY
fi
.venv/bin/govflow db upgrade
.venv/bin/govflow users seed-demo   # demo users of processes/units.yaml, demo password
if compgen -G "processes/*.bpmn" > /dev/null; then
  .venv/bin/govflow deploy processes
  .venv/bin/govflow demo seed       # this year's cycles, so the inboxes have work
fi
# MIC and the National Data Portal: unless GOVFLOW_HTTP_ENDPOINTS names the real ones, a
# local receiver stands in for them (it prints each letter to receiver.log).
if [ -z "${GOVFLOW_HTTP_ENDPOINTS:-}" ]; then
  receiver_port="${RECEIVER_PORT:-9000}"
  .venv/bin/govflow receiver --port "$receiver_port" > receiver.log 2>&1 &
  receiver_pid=$!
  trap 'kill "$receiver_pid" 2>/dev/null' EXIT
  export GOVFLOW_HTTP_ENDPOINTS="portal=http://127.0.0.1:$receiver_port/portal,mic=http://127.0.0.1:$receiver_port/mic"
fi
.venv/bin/govflow serve --host 127.0.0.1 --port "${PORT:-8080}"
