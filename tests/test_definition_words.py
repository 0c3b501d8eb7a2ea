"""The designers' pages say the common validation problems in Vietnamese, keeping the
engine's ids, codes and details; a problem the table does not know stays as written."""

from __future__ import annotations

import pytest
from bpmn_text import process
from test_io_specification_rules import RULES as DATA_RULES
from test_reference_rules import RULES as REFERENCE_RULES
from test_standard_rules import Rule

from engine.api import Engine
from engine.definitions import validate_files
from web import create_app
from web.problem_words import problem_words

FILES = {
    "broken.bpmn": b"<bpmn:definitions xmlns:bpmn='x'>\n  <oops>\n</bpmn:definitions>\n",
    "unit.bpmn": process(
        "unit",
        """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work" camunda:candidateGroups="NOBODY"/>
    <bpmn:sequenceFlow id="f1" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
    ),
    "script.bpmn": process(
        "script",
        """    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="compute"/>
    <bpmn:scriptTask id="compute" scriptFormat="python"/>
    <bpmn:sequenceFlow id="f1" sourceRef="compute" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
    ),
}


def test_the_common_problems_are_said_in_vietnamese(plan_engine: Engine) -> None:
    problems = plan_engine.validate(FILES)
    with create_app(
        {"TESTING": True, "SECRET_KEY": "t"}, engine=plan_engine
    ).test_request_context():
        said = {(p.file, problem_words(p.message), problem_words(p.hint)) for p in problems}
    assert (
        "unit.bpmn",
        "nhóm xử lý 'NOBODY' không phải là đơn vị có trong danh sách",
        "dùng mã đơn vị hoặc tên nhóm đơn vị trong units.yaml, vd. DBO",
    ) in said
    assert (
        "script.bpmn",
        "tác vụ mã lệnh chưa có mã lệnh",
        "viết mã lệnh, hoặc dùng một tác vụ thường",
    ) in said
    (broken,) = [s for s in said if s[0] == "broken.bpmn"]
    assert broken[1].startswith("XML sai cú pháp: ") and broken[2] == "sửa cú pháp XML"


def test_a_problem_the_table_does_not_know_stays_as_the_engine_wrote_it(
    plan_engine: Engine,
) -> None:
    with create_app(
        {"TESTING": True, "SECRET_KEY": "t"}, engine=plan_engine
    ).test_request_context():
        assert problem_words("complex gateways are not supported") == (
            "complex gateways are not supported"
        )


def test_a_reference_of_the_wrong_kind_is_said_in_vietnamese_after_its_part(
    plan_engine: Engine,
) -> None:
    """The ``<bpmn:targetRef>: `` that names an element without id stays as written."""
    message = (
        "<bpmn:targetRef>: targetRef 'start' names a startEvent, "
        "where BPMN 2.0 §10.4.1 asks for a data element"
    )
    with create_app(
        {"TESTING": True, "SECRET_KEY": "t"}, engine=plan_engine
    ).test_request_context():
        said = problem_words(message)
        hint = problem_words("point targetRef at a data element of this file")
    assert said == (
        "<bpmn:targetRef>: targetRef 'start' trỏ tới a startEvent, "
        "trong khi BPMN 2.0 §10.4.1 yêu cầu a data element"
    )
    assert hint == "cho targetRef trỏ tới a data element có trong tệp này"


@pytest.mark.parametrize("rule", [*REFERENCE_RULES, *DATA_RULES], ids=lambda rule: rule.name)
def test_each_reference_and_data_refusal_is_said_in_vietnamese(
    plan_engine: Engine, rule: Rule
) -> None:
    """The table knows the wording of every refusal of these rules, message and hint."""
    problems = validate_files({f"{rule.name}.bpmn": rule.text.encode()})
    (problem,) = [p for p in problems if rule.fragment in p.message][:1]
    with create_app(
        {"TESTING": True, "SECRET_KEY": "t"}, engine=plan_engine
    ).test_request_context():
        said = (problem_words(problem.message), problem_words(problem.hint))
    assert said[0] != problem.message and said[1] != problem.hint, said
