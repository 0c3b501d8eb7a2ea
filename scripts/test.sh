#!/usr/bin/env bash
# Install govflow with its test tools into .venv and run every check and test.
# PostgreSQL tests use TEST_POSTGRES_URL (default: postgres@127.0.0.1:5432/test);
# with CI=true a missing PostgreSQL fails the run instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test]'

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== import contracts"
.venv/bin/lint-imports
echo "== tests"
.venv/bin/pytest "$@"
