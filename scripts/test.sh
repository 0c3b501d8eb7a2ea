#!/usr/bin/env bash
# Install govflow with its test tools into .venv (plus Chromium from apt and bpmn-js from
# npm for the browser tests) and run every check and test.
# PostgreSQL tests use TEST_POSTGRES_URL (default: postgres@127.0.0.1:5432/test);
# with CI=true a missing PostgreSQL fails the run instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test]'
.venv/bin/pybabel -q compile -d web/translations   # the pages' Vietnamese texts

# Browser tests (tests/test_bpmn_js.py, tests/test_site_pages.py, ...): Debian's Chromium,
# driven by Playwright, and bpmn-js, the modeler's bundle and axe-core from npm at the
# versions in package-lock.json.
if [ ! -x /usr/bin/chromium ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    apt_get() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get -y -qq "$@" >/dev/null; }
    if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null || ! apt_get install chromium; then
        apt_get update
        apt_get install chromium
    fi
fi
npm ci --no-audit --no-fund --silent
npm run build --silent   # the modeler's bundle (web/assets/modeler → web/static/build/)

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== import contracts"
.venv/bin/lint-imports
echo "== types"
.venv/bin/mypy
echo "== tests"
# Parallel workers: each test has its own database, and most wait on PostgreSQL or the
# browser rather than on the CPU: with four workers on two cores, the tests' own
# processes used 1.2 cores, so a fifth pays. A worker that runs out of tests takes
# some of another's (worksteal): the long browser crawls otherwise leave one worker
# busy at the end while the others wait.
.venv/bin/pytest -n "${GOVFLOW_TEST_WORKERS:-5}" --dist worksteal "$@"
