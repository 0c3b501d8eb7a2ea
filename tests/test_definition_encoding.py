"""A BPMN file in another encoding than UTF-8 is refused by validation with its line,
instead of failing when the deployment stores its text."""

from __future__ import annotations

import pytest
from bpmn_text import process

from engine.api import Engine
from engine.definitions import validate_files
from engine.errors import InvalidDefinition

BODY = """    <bpmn:startEvent id="start" name="Bắt đầu"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="end"/>
    <bpmn:endEvent id="end"/>"""
TEXT = process("encoded", BODY).decode()
LATIN_1 = (
    TEXT.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace("Bắt đầu", "Début")
).encode("latin-1")
UTF_16 = TEXT.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")


@pytest.mark.parametrize(("content", "line"), [(LATIN_1, 5), (UTF_16, 1)], ids=["latin1", "utf16"])
def test_a_file_not_in_utf8_is_refused(engine: Engine, content: bytes, line: int) -> None:
    (problem,) = validate_files({"encoded.bpmn": content})
    assert "UTF-8" in problem.message and problem.line == line and problem.hint
    with pytest.raises(InvalidDefinition):
        engine.deploy({"encoded.bpmn": content}, actor="tester")
    assert engine.definitions() == []
    assert engine.deploy({"encoded.bpmn": TEXT.encode()}, actor="tester").created
