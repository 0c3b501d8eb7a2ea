"""How long validating and deploying the shipped process definitions takes.

Validation runs every stage a designer's upload goes through (hardened parse, BPMN
2.0 schema, govflow's checks, SpiffWorkflow's parser); deployment adds storing the
specs in a temporary SQLite file. All files are measured as one deployment, as
``govflow deploy processes/`` does (call activities may cross files).

    python bench/definitions.py [--repeat N] [DIR ...]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from engine.api import Engine, read_files
from engine.definitions import load_models

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIRS = [ROOT / "processes", ROOT / "tests" / "bpmn" / "valid"]


def _median_ms(action: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _deploy_ms(files: dict[str, bytes], repeat: int) -> float:
    """Deploy into a fresh database each time, so every run stores a first version."""
    timings = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            engine = Engine(f"sqlite:///{tmp}/bench.db")
            engine.upgrade_schema()
            started = time.perf_counter()
            engine.deploy(files, actor="bench")
            timings.append((time.perf_counter() - started) * 1000)
            engine.close()
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, default=DEFAULT_DIRS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = read_files(d for d in args.dirs if d.is_dir())
    engine = Engine("sqlite://")
    problems = engine.validate(files)
    if problems:
        raise SystemExit("\n".join(map(str, problems)))
    models = load_models(files)
    print(f"{'file':<44} {'KB':>6} {'processes':>9}")
    for name, content in files.items():
        processes = sum(model.file_name == name for model in models)
        print(f"{Path(name).name:<44} {len(content) / 1024:>6.1f} {processes:>9}")
    validate_ms = _median_ms(lambda: engine.validate(files), args.repeat)
    deploy_ms = _deploy_ms(files, args.repeat)
    count = len(files)
    print(
        f"\n{count} files, {len(models)} processes (median of {args.repeat}):\n"
        f"  validate {validate_ms:.1f} ms in all, {validate_ms / count:.2f} ms per file\n"
        f"  deploy   {deploy_ms:.1f} ms in all, {deploy_ms / count:.2f} ms per file"
    )


if __name__ == "__main__":
    main()
