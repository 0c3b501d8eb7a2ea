"""A deployment's own script functions: given to the Engine, or installed by a package
under the ``govflow.script_functions`` entry point group, without editing govflow."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import EntryPoint

import pytest
from bpmn_text import process

from engine import scripting
from engine.api import Engine
from engine.clock import ManualClock
from engine.errors import InvalidInput

CALLS = process(
    "use_helpers",
    """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="compute"/>
    <bpmn:scriptTask id="compute" scriptFormat="python">
      <bpmn:script>code_ok = tax_code_valid(code)
twice = double(3)</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f1" sourceRef="compute" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
)


def double(value: int) -> int:
    """What the entry point below names: a package's function."""
    return value * 2


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``double`` registered by a package, as its pyproject's entry points would."""
    entry = EntryPoint(
        name="double", value="test_script_extensions:double", group="govflow.script_functions"
    )

    def entry_points(*, group: str) -> list[EntryPoint]:
        return [entry] if group == scripting.ENTRY_POINT_GROUP else []

    monkeypatch.setattr(scripting, "entry_points", entry_points)
    yield


def test_engine_and_package_functions_reach_scripts(
    db_url: str, clock: ManualClock, installed: None
) -> None:
    engine = Engine(db_url, clock=clock, functions={"tax_code_valid": lambda code: len(code) == 10})
    engine.upgrade_schema()
    try:
        engine.deploy({"helpers.bpmn": CALLS}, actor="tester")
        done = engine.start("use_helpers", {"code": "0101234567"})
    finally:
        engine.close()
    assert done.status == "completed"
    assert done.data["code_ok"] is True and done.data["twice"] == 6


def test_a_deployment_cannot_replace_govflows_own_functions(db_url: str, clock: ManualClock):
    with pytest.raises(InvalidInput, match="govflow's own script functions: now"):
        Engine(db_url, clock=clock, functions={"now": lambda: "never"})
