"""How long `govflow simulate` takes to run the plan, 2021-2025, on SQLite.

Three runs, as the plan issue names them: every unit on time, ITC late (its
escalations must reach the leadership) and the Intellectual Property Office late (it
is marked missing at every cut-off). Each prints its wall time, the instances it ran,
the products, the escalations by recipient and the instances left in an incident
(there should be none). The target is under 60 s a run.

    python bench/simulation.py [--from 2021-01-01] [--to 2025-12-31]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from engine.api import Engine
from engine.simulation import simulate

PROCESSES = Path(__file__).resolve().parent.parent / "processes"
RUNS = {
    "on time": frozenset[str](),
    "--late ITC": frozenset({"ITC"}),
    "--late DBO:NOIP": frozenset({"DBO:NOIP"}),
}


def _run(label: str, start: date, end: date) -> None:
    with tempfile.TemporaryDirectory(prefix="govflow-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'simulation.db'}"
        began = time.perf_counter()
        report = simulate(PROCESSES, start, end, late_units=RUNS[label], database_url=url)
        elapsed = time.perf_counter() - began
        engine = Engine(url)
        incidents = [i.id for i in engine.instances() if i.status == "incident"]
        engine.close()
    print(
        f"  {label:<16} {elapsed:6.1f} s  instances {sum(report.instances.values()):>4}"
        f"  products {len(report.products):>4}  incidents {len(incidents)}"
        f"  escalations {dict(report.escalated_to)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--from", dest="start", type=date.fromisoformat, default="2021-01-01")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, default="2025-12-31")
    args = parser.parse_args()
    print(f"simulation {args.start} .. {args.end}")
    for label in RUNS:
        _run(label, args.start, args.end)


if __name__ == "__main__":
    main()
