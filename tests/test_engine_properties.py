"""Properties of the Engine API over generated data, on SQLite and PostgreSQL.

Whatever a script computes and whatever a caller sends, a command either works or
answers a GovflowError; the instance is then ``running`` and able to move, or in
``incident`` and retryable; and what was committed reads back from the database.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from bpmn_text import script_between_tasks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.api import Engine
from engine.clock import ManualClock
from engine.errors import GovflowError, ScriptError

PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_LEAVES = st.one_of(
    st.integers(-(10**6), 10**6).map(repr),
    st.integers(0, 6000).map(lambda digits: f"10 ** {digits}"),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["float('nan')", "float('inf')", "None", "True", "''"]),
    st.text(max_size=8).map(repr),
    st.binary(max_size=4).map(repr),
    st.sampled_from(
        [
            "date(2021, 1, 2)",
            "datetime(2021, 1, 2, 3, 4, tzinfo=timezone.utc)",
            "timedelta(days=1)",
            "(n for n in range(2))",
            "range(3)",
            "timezone.utc",
            "len",
        ]
    ),
)
SCRIPT_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda items: f"[{', '.join(items)}]"),
        st.lists(inner, min_size=1, max_size=3).map(lambda items: f"({', '.join(items)},)"),
        st.lists(inner, min_size=1, max_size=3).map(lambda items: f"{{{', '.join(items)}}}"),
        st.dictionaries(st.sampled_from(["'a'", "'b'", "1", "(1, 2)"]), inner, max_size=2).map(
            lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs.items()) + "}"
        ),
    ),
    max_leaves=6,
)

CALLER_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=6),
        st.binary(max_size=3),
        st.sampled_from([object(), {1, 2}, (1, 2)]),
        st.just(5000).map(lambda digits: 10**digits),  # its repr would fail
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=5,
)
NAMES = st.one_of(st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True), st.text(max_size=4))


@pytest.fixture
def reader(db_url: str, engine: Engine, clock: ManualClock) -> Iterator[Engine]:
    """A second engine on the same database: it sees only what was committed."""
    other = Engine(db_url, clock=clock)
    yield other
    other.close()


def _moves_on(engine: Engine, instance_id: int) -> None:
    """The instance can be taken further: its open task completed, or its incident retried."""
    instance = engine.instance(instance_id)
    assert instance.status in {"running", "incident", "completed"}
    if instance.status == "incident":
        assert instance.incidents
        try:
            engine.retry(instance_id, {}, actor="itc.head")
        except ScriptError:
            assert engine.instance(instance_id).status == "incident"
    elif instance.status == "running":
        (task,) = engine.tasks(instance_id=instance_id)
        engine.complete(task.id, {}, actor="an")


@PROPERTY_SETTINGS
@given(expression=SCRIPT_VALUES)
def test_whatever_a_script_leaves_the_instance_runs_or_has_an_incident(
    engine: Engine, reader: Engine, expression: str
) -> None:
    engine.deploy({"prop.bpmn": script_between_tasks("prop", f"value = {expression}")})
    (first,) = engine.start("prop", actor="an").open_tasks
    try:
        after = engine.complete(first.id, {}, actor="an")
    except GovflowError:  # refused as a whole (nothing changed): the task is still open
        assert reader.task(first.id).status == "open"
        return
    stored = reader.instance(after.id)
    assert stored.status == after.status
    if after.status == "incident":
        (incident,) = stored.incidents
        assert incident.element_id == "compute"
    else:
        assert _same_json(stored.data["value"], after.data["value"])
    _moves_on(reader, after.id)


@PROPERTY_SETTINGS
@given(variables=st.dictionaries(NAMES, CALLER_VALUES, max_size=3))
def test_whatever_a_caller_sends_is_taken_or_refused_as_a_whole(
    engine: Engine, reader: Engine, variables: dict[str, Any]
) -> None:
    engine.deploy({"prop.bpmn": script_between_tasks("prop", "checked = True")})
    try:
        instance = engine.start("prop", variables, actor="an")
    except GovflowError:
        instance = engine.start("prop", actor="an")
    (first,) = instance.open_tasks
    try:
        engine.complete(first.id, variables, actor="an")
    except GovflowError:
        assert reader.task(first.id).status == "open"
        engine.complete(first.id, {}, actor="an")
    assert reader.instance(instance.id).data["checked"] is True
    _moves_on(reader, instance.id)


def _same_json(left: Any, right: Any) -> bool:
    """Equal, counting NaN equal to itself (it never is, but none is stored anyway)."""
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (math.isnan(left) and math.isnan(right))
    return left == right
