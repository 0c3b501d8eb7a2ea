"""How long the modeler page takes to show the largest shipped process, ready to edit.

Serves govflow on a free port with the shipped processes deployed (a temporary SQLite
file), logs in as a designer in Debian's Chromium (Playwright), and times from the
navigation to the page to the canvas being ready: the page, the modeler bundle, the
BPMN file, the import and the first fit (``data-ready-ms``, measured in the page from
the start of its script, is printed too). Target: under 1 s. Needs ``npm run build``.

    python bench/modeler.py [--repeat N]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from engine.api import Engine, read_files
from engine.drafts import process_key_of
from engine.settings import Settings
from web import create_app

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ROOT / "processes"
PASSWORD = "bench password"
sys.path.insert(0, str(ROOT / "tests"))

from live_site import log_in, serving  # noqa: E402 -- the tests' server, reused


def largest_process() -> tuple[str, Path]:
    path = max(PROCESSES.glob("*.bpmn"), key=lambda p: p.stat().st_size)
    return process_key_of(path.read_text(encoding="utf-8")), path


def time_to_ready(page: Page, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("body[data-modeler-ready='true']")
    elapsed_ms = (time.perf_counter() - started) * 1000
    return elapsed_ms, int(page.locator("body").get_attribute("data-ready-ms") or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    key, path = largest_process()
    with tempfile.TemporaryDirectory() as tmp:
        settings = replace(
            Settings.from_env(),
            units_file=PROCESSES / "units.yaml",
            calendar_file=PROCESSES / "calendar.yaml",
        )
        engine = Engine(f"sqlite:///{tmp}/bench.db", settings=settings)
        engine.upgrade_schema()
        engine.deploy(read_files([PROCESSES]), actor="bench")
        engine.set_password("itc.designer", PASSWORD)
        app = create_app({"SECRET_KEY": "bench"}, engine=engine)
        with serving(app) as site, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page()
            log_in(page, site, password=PASSWORD, user="itc.designer")
            time_to_ready(page, f"{site}/processes/{key}/edit")  # warm the server's caches
            timings = [
                time_to_ready(page, f"{site}/processes/{key}/edit") for _ in range(args.repeat)
            ]
            browser.close()
        engine.close()
    total = statistics.median(t for t, _ in timings)
    in_page = statistics.median(t for _, t in timings)
    print(f"{path.name} ({path.stat().st_size // 1024} KB), median of {args.repeat}:")
    print(f"  navigation to ready canvas: {total:.0f} ms (target < 1000 ms)")
    print(f"  of which the modeler script to ready: {in_page:.0f} ms")


if __name__ == "__main__":
    main()
