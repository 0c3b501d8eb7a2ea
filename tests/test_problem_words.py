"""The designers' pages and the modeler say every validation problem in the page's
language, keeping the engine's ids, codes and details; only SpiffWorkflow's own
messages stay as written. The engine's texts are read from its source
(tests/problem_texts.py), so a new rule without words fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from bpmn_text import process
from flask import Flask
from flask_babel import force_locale
from problem_texts import problem_texts

from engine.api import Engine
from web import create_app
from web.problem_words import PROBLEM_WORDS, problem_words

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


PASSED_ON = {"__init__.py:_problem_from_spiff"}
"""Where the engine shows words it did not write: SpiffWorkflow's own message."""


def _as_template(words: str) -> str:
    return re.sub(r"%\(\w+\)s", "{}", words)


def test_every_problem_the_engine_can_write_has_its_words() -> None:
    texts = problem_texts()
    assert len(texts) > 200  # the reader found the checks
    worded = {_as_template(words) for words in PROBLEM_WORDS}
    missing = sorted(f"{t.where}: {t.template}" for t in texts if t.template not in worded | {"{}"})
    assert missing == [], "add the words to web/problem_words_*.py and the vi catalogue"
    assert {t.where for t in texts if t.template == "{}"} == PASSED_ON


def test_every_word_is_one_the_engine_can_write() -> None:
    written = {t.template for t in problem_texts()}
    assert sorted(w for w in PROBLEM_WORDS if _as_template(w) not in written) == []


@pytest.fixture
def app(plan_engine: Engine) -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": "t"}, engine=plan_engine)


@pytest.fixture
def vietnamese(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def _filled(words: str) -> str:
    """The words as the engine writes them, each part given a value."""
    return re.sub(r"%\(\w+\)s", "Task_1", words)


@pytest.mark.usefixtures("vietnamese")
def test_each_problem_is_said_in_vietnamese_with_its_parts_kept() -> None:
    unsaid = [w for w in PROBLEM_WORDS if problem_words(_filled(w)) == _filled(w)]
    assert unsaid == []
    kept = [w for w in PROBLEM_WORDS if "%(" in w and "Task_1" not in problem_words(_filled(w))]
    assert kept == []


@pytest.mark.usefixtures("vietnamese")
def test_in_english_each_problem_is_the_engines_own_text() -> None:
    with force_locale("en"):
        changed = [w for w in PROBLEM_WORDS if problem_words(_filled(w)) != _filled(w)]
    assert changed == []


@pytest.mark.usefixtures("vietnamese")
def test_the_most_specific_words_win_and_the_part_named_stays() -> None:
    assert problem_words("script does not compile: invalid syntax (line 2)") == (
        "mã lệnh bị lỗi cú pháp: invalid syntax (line 2)"
    )
    assert problem_words("condition 'x ==' does not compile: bad") == (
        "condition 'x ==' bị lỗi cú pháp: bad"
    )
    assert problem_words("<bpmn:timeDate>: timeDate 'soon' is not an ISO 8601 date") == (
        "<bpmn:timeDate>: timeDate 'soon' không phải date theo ISO 8601"
    )


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


@pytest.mark.usefixtures("vietnamese")
def test_spiffworkflows_own_message_stays_as_it_wrote_it() -> None:
    said = "Multiple outgoing flows are not supported for tasks of type"
    assert problem_words(said) == said
