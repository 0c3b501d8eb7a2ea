"""What the BPMN 2.0 standard allows: the models its static rules must not touch deploy,
with a warning at most."""

# ruff: noqa: E501 -- each XML case keeps its lines
from __future__ import annotations

import pytest
from click.testing import CliRunner
from mistake_documents import MARK, around, document
from standard_documents import END, MESSAGE, START, TIMER, event_gateway, flow, with_definitions

from engine.api import Engine
from engine.definitions import validate_files
from web.cli import cli

AD_HOC = around(
    '<bpmn:adHocSubProcess id="t" name="Collect">\n<bpmn:task id="a"/>\n<bpmn:task id="b"/>\n'
    "</bpmn:adHocSubProcess>"
)
COMPENSATION = around('<bpmn:task id="t" name="Book"/>') + (
    '\n<bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>\n'
    '<bpmn:task id="undo" name="Cancel booking" isForCompensation="true"/>\n'
    '<bpmn:association id="as" associationDirection="One" sourceRef="b" targetRef="undo"/>'
)
LINKS = (
    START
    + flow("f", "start", "throw")
    + '\n<bpmn:intermediateThrowEvent id="throw"><bpmn:linkEventDefinition name="L"/></bpmn:intermediateThrowEvent>\n'
    + '<bpmn:intermediateCatchEvent id="catch"><bpmn:linkEventDefinition name="L"/></bpmn:intermediateCatchEvent>\n'
    + flow("g", "catch", "end")
    + END
)
EVENT_GATEWAY = event_gateway(
    f'<bpmn:intermediateCatchEvent id="a">{MESSAGE}</bpmn:intermediateCatchEvent>\n'
    f'<bpmn:intermediateCatchEvent id="b">{TIMER}</bpmn:intermediateCatchEvent>'
).replace(MARK, "")
PARALLEL_CONDITION = (
    START
    + flow("f", "start", "split")
    + '\n<bpmn:parallelGateway id="split"/>\n'
    + '<bpmn:sequenceFlow id="a" sourceRef="split" targetRef="join">'
    + '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${ok}</bpmn:conditionExpression>'
    + "</bpmn:sequenceFlow>\n"
    + flow("b", "split", "join")
    + '\n<bpmn:parallelGateway id="join"/>\n'
    + flow("g", "join", "end")
    + END
)


@pytest.mark.parametrize(
    "body",
    [AD_HOC, LINKS, EVENT_GATEWAY],
    ids=["ad_hoc_without_start", "link_pair", "event_based_gateway"],
)
def test_what_the_standard_allows_validates_clean(body: str) -> None:
    text = with_definitions(body)
    assert validate_files({"allowed.bpmn": text.encode()}) == []


def test_a_compensation_handler_is_not_called_unreachable() -> None:
    """§10.7: the handler hangs on an association; govflow's checks find nothing wrong.

    (SpiffWorkflow's plain parser then declines the compensation boundary event;
    running compensation is the runtime's part of the issue.)
    """
    problems = validate_files({"c.bpmn": with_definitions(COMPENSATION).encode()})
    assert all(p.hint.startswith("SpiffWorkflow cannot build") for p in problems), problems


def test_one_broken_target_is_reported_once() -> None:
    """A flow to a missing node strands everything after it: only the cause is reported."""
    steps = "\n".join(
        f'<bpmn:task id="t{n}"/>\n' + flow(f"g{n}", f"t{n}", f"t{n + 1}") for n in range(1, 8)
    )
    body = (
        START
        + flow("f", "start", "t0")
        + '\n<bpmn:task id="t0"/>\n'
        + flow("broken", "t0", "t_1")
        + "\n"
        + steps
        + '\n<bpmn:task id="t8"/>\n'
        + flow("last", "t8", "end")
        + END
    )
    problems = validate_files({"broken.bpmn": document(body).encode()})
    assert [(p.element_id, p.message) for p in problems] == [
        ("broken", "sequence flow targetRef 't_1' is not in the file")
    ]


def test_a_condition_out_of_a_parallel_gateway_is_a_warning(engine: Engine) -> None:
    """§10.6.4: a parallel gateway ignores conditions; the model deploys, validation warns."""
    files = {"parallel.bpmn": document(PARALLEL_CONDITION).encode()}
    (warning,) = validate_files(files)
    assert (warning.severity, warning.element_id) == ("warning", "a")
    assert "ignored" in warning.message
    result = engine.deploy(files, actor="designer")
    assert [key for key, _ in result.created] == ["p"]
    assert engine.start("p", actor="designer").status == "completed"


def test_validate_prints_warnings_and_succeeds(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "parallel.bpmn"  # type: ignore[operator]
    path.write_text(document(PARALLEL_CONDITION))
    outcome = CliRunner().invoke(cli, ["validate", str(path)])
    assert outcome.exit_code == 0, outcome.output
    (line, summary) = outcome.output.splitlines()
    assert line.endswith(
        "(hint: remove the condition, or use an inclusive gateway to choose the flows)"
    )
    assert "parallel.bpmn:7: a: warning: " in line and "is ignored" in line
    assert summary == "ok: no errors, 1 warning(s)"
