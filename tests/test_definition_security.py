"""Hostile uploads: refused at once, with a clear message, in bounded memory.

Memory is measured twice: tracemalloc sees Python's allocations, and the process's
peak resident size (``ru_maxrss``) sees libxml2's, which tracemalloc cannot.
"""

from __future__ import annotations

import resource
import time
import tracemalloc

import pytest

from engine.api import Engine
from engine.definitions import validate_files
from engine.errors import InvalidDefinition

ROOT = (
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
    'targetNamespace="x"><bpmn:process id="p" name="{name}"/></bpmn:definitions>'
)

XXE = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' + ROOT.format(name="&xxe;")
).encode()

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE d [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n"
    + ROOT.format(name="&lol9;")
).encode()

EXTERNAL_DTD = (
    '<?xml version="1.0"?>\n<!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
    + ROOT.format(name="x")
).encode()

FIFTY_MB = (
    ROOT.format(name="x").replace("</bpmn:definitions>", "<!--" + "x" * (50 * 1024 * 1024) + "-->")
    + "</bpmn:definitions>"
).encode()

MAX_SECONDS = 1.0
MAX_PYTHON_BYTES = 2 * 1024 * 1024
MAX_RSS_GROWTH_KB = 30 * 1024

HOSTILE = {
    "xxe": (XXE, "DOCTYPE is not allowed", 2),
    "billion_laughs": (BILLION_LAUGHS, "DOCTYPE is not allowed", 2),
    "external_dtd": (EXTERNAL_DTD, "DOCTYPE is not allowed", 2),
    "fifty_megabytes": (FIFTY_MB, "the limit is", None),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_file_is_refused_quickly_in_bounded_memory(name: str) -> None:
    content, fragment, line = HOSTILE[name]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    try:
        problems = validate_files({f"{name}.bpmn": content})
        elapsed = time.perf_counter() - started
        _, python_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before

    (problem,) = problems
    assert fragment in problem.message
    assert (problem.file, problem.line) == (f"{name}.bpmn", line)
    assert problem.hint
    assert "root:" not in problem.message  # nothing of /etc/passwd leaks
    assert elapsed < MAX_SECONDS
    assert python_peak < MAX_PYTHON_BYTES
    assert rss_growth < MAX_RSS_GROWTH_KB


def test_deploy_refuses_an_xxe_file_and_stores_nothing(engine: Engine) -> None:
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy({"xxe.bpmn": XXE}, actor="mallory")
    (problem,) = refused.value.problems
    assert "DOCTYPE" in problem.message
    assert engine.definitions() == []
