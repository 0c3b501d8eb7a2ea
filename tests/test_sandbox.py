"""The script sandbox (engine.sandbox): what it refuses, what it stops, what it allows."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from types import FrameType
from typing import Any, Literal

import pytest

from engine import sandbox
from engine.errors import ScriptError

TIMEOUT = 0.3
SLACK = 0.5  # how much later than the time limit a stopped script may end


def _refusal(run: Callable[[], object]) -> ScriptError:
    with pytest.raises(ScriptError) as caught:
        run()
    return caught.value


def _in_thread(run: Callable[[], object], wait: float = TIMEOUT + 2) -> BaseException | None:
    """Run in a daemon thread: a sandbox that fails to stop a script must not hang the tests."""
    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            run()
        except BaseException as exc:
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(wait)
    assert not worker.is_alive(), "the script was not stopped"
    return outcome[0]


def _stops_in_time(run: Callable[[], object]) -> ScriptError:
    started = time.monotonic()
    error = _in_thread(run)
    elapsed = time.monotonic() - started
    assert isinstance(error, ScriptError)
    assert elapsed < TIMEOUT + SLACK
    return error


@pytest.fixture
def outer_tracer() -> Iterator[Callable[..., Any]]:
    """A trace function installed the way coverage or a debugger would install theirs."""

    def tracer(frame: FrameType, event: str, arg: Any) -> None:
        return None

    original = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield tracer
    finally:
        sys.settrace(original)


# --- refused ----------------------------------------------------------------------------


def test_dunder_import_is_refused_before_running() -> None:
    error = _refusal(lambda: sandbox.evaluate("__import__('os')", {}))
    assert (
        error.message
        == "'__import__' is not allowed: names starting with '_' are reserved (line 1)"
    )
    assert error.line == 1


@pytest.mark.parametrize("statement", ["import os", "from os import path", "import os.path as p"])
def test_import_statements_are_refused(statement: str) -> None:
    error = _refusal(lambda: sandbox.execute(f"x = 1\n{statement}\n", {}))
    assert error.message == "import is not allowed in scripts (line 2)"
    assert error.line == 2


def test_open_is_not_a_builtin() -> None:
    error = _refusal(lambda: sandbox.evaluate("open('/etc/passwd').read()", {}))
    assert error.message == "name 'open' is not defined (line 1)"
    assert isinstance(error.__cause__, NameError)


def test_walking_to_subclasses_is_refused() -> None:
    error = _refusal(lambda: sandbox.evaluate("().__class__.__bases__[0].__subclasses__()", {}))
    assert error.message == "access to '__class__' is not allowed (line 1)"


@pytest.mark.parametrize(
    "expression",
    [
        "getattr(x, '__class__')",
        "vars(x)",
        "dir(x)",
        "type(x)",
        "globals()",
        "compile('1', 'f', 'eval')",
        "'{0.__class__}'.format(x)",
        "str.format('{0.__class__}', x)",
        "'{0.__class__}'.format_map({'0': x})",
        "(y for y in [1]).gi_frame",
        "eval('1')",
    ],
)
def test_introspection_bypasses_are_refused(expression: str) -> None:
    error = _refusal(lambda: sandbox.evaluate(expression, {"x": 1}))
    assert error.line == 1


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("class A:\n    pass", "class definitions are not allowed in scripts (line 1)"),
        ("try:\n    x = 1\nfinally:\n    x = 2", "'finally' is not allowed in scripts (line 1)"),
        ("x = 1\nx.__dict__['y'] = 2", "access to '__dict__' is not allowed (line 2)"),
    ],
)
def test_constructs_the_sandbox_cannot_control_are_refused(script: str, message: str) -> None:
    assert _refusal(lambda: sandbox.check(script, "exec")).message == message


# --- stopped ----------------------------------------------------------------------------


def test_endless_loop_is_stopped_at_the_time_limit() -> None:
    error = _stops_in_time(
        lambda: sandbox.execute("x = 1\nwhile True:\n    pass\n", {}, timeout=TIMEOUT)
    )
    assert error.message.startswith("script exceeded its time limit of 0.3 s (line ")
    assert error.line in (2, 3)


def test_endless_loop_in_a_nested_function_is_stopped() -> None:
    script = (
        "def outer():\n"
        "    def inner():\n"
        "        while True:\n"
        "            pass\n"
        "    inner()\n"
        "outer()\n"
    )
    error = _stops_in_time(lambda: sandbox.execute(script, {}, timeout=TIMEOUT))
    assert "time limit" in error.message
    assert error.line in (3, 4)


@pytest.mark.parametrize(
    "handler",
    [
        "except:",
        "except Exception:",
        "except ValueError.mro()[2]:",  # BaseException
        "except endless():",  # the handler's type is not even evaluated
    ],
)
def test_a_script_cannot_catch_the_time_limit(handler: str) -> None:
    script = (
        "def endless():\n"
        "    while True:\n"
        "        pass\n"
        "while True:\n"
        "    try:\n"
        "        endless()\n"
        f"    {handler}\n"
        "        pass\n"
    )
    error = _stops_in_time(lambda: sandbox.execute(script, {}, timeout=TIMEOUT))
    assert "time limit" in error.message


def test_recursion_cannot_disarm_the_time_limit() -> None:
    # At the recursion limit, calling the trace function itself fails and CPython
    # uninstalls it; the script must not be able to catch that and loop on untraced.
    script = (
        "def dive():\n"
        "    try:\n"
        "        dive()\n"
        "    except Exception:\n"
        "        pass\n"
        "    while True:\n"
        "        pass\n"
        "dive()"
    )
    error = _stops_in_time(lambda: sandbox.execute(script, {}, timeout=TIMEOUT))
    assert "RecursionError" in error.message or "time limit" in error.message


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("sum(range(10**12))", "range() of more than 1,000,000 items is not allowed (line 1)"),
        ("'x' * 10**9", "repeating a str beyond 1,000,000 items is not allowed (line 1)"),
        ("10**9 * [0]", "repeating a list beyond 1,000,000 items is not allowed (line 1)"),
        ("2 ** 10**9", "numbers larger than 100,000 bits are not allowed (line 1)"),
        ("pow(10, 10**9)", "numbers larger than 100,000 bits are not allowed (line 1)"),
        ("1 << 10**9", "numbers larger than 100,000 bits are not allowed (line 1)"),
    ],
)
def test_huge_values_built_in_one_c_call_are_refused_at_once(expression: str, message: str) -> None:
    started = time.monotonic()
    error = _refusal(lambda: sandbox.evaluate(expression, {}, timeout=TIMEOUT))
    assert time.monotonic() - started < 0.1
    assert error.message == message


def test_in_place_repetition_is_limited_too() -> None:
    error = _refusal(lambda: sandbox.execute("s = 'ab'\ns *= 10**6\n", {}))
    assert error.message == "repeating a str beyond 1,000,000 items is not allowed (line 2)"


def test_time_limit_works_outside_the_main_thread() -> None:
    expression = "sum(1 for x in range(10**6) for y in range(10**6))"
    error = _stops_in_time(lambda: sandbox.evaluate(expression, {}, timeout=TIMEOUT))
    assert error.message == "script exceeded its time limit of 0.3 s (line 1)"


def test_the_previous_trace_function_is_restored(outer_tracer: Callable[..., Any]) -> None:
    assert sandbox.evaluate("1 + 1", {}) == 2
    assert sys.gettrace() is outer_tracer
    _refusal(lambda: sandbox.execute("while True:\n    pass", {}, timeout=0.05))
    assert sys.gettrace() is outer_tracer
    _refusal(lambda: sandbox.evaluate("1 / 0", {}))
    assert sys.gettrace() is outer_tracer


# --- allowed ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "approved", "expected"), [(11, True, True), (11, False, False), (10, True, False)]
)
def test_expression_over_variables(amount: int, approved: bool, expected: bool) -> None:
    names = {"amount": amount, "approved": approved}
    assert sandbox.evaluate("amount > 10 and approved", names) is expected


def test_juel_literals_and_surrounding_whitespace() -> None:
    assert sandbox.evaluate("\n    true and not false and missing == null\n  ", {"missing": None})


def test_datetime_arithmetic() -> None:
    names = {"submitted": datetime(2021, 1, 4, 8, tzinfo=UTC)}
    due = sandbox.evaluate("submitted + timedelta(days=3, hours=2)", names)
    assert due == datetime(2021, 1, 7, 10, tzinfo=UTC)
    assert sandbox.evaluate("datetime(2021, 1, 4, tzinfo=timezone.utc) < submitted", names)


def test_comprehensions_and_builtins() -> None:
    names = {"units": [{"code": "A", "score": 3}, {"code": "B", "score": 9}]}
    assert sandbox.evaluate("[u['code'] for u in units if u['score'] > 5]", names) == ["B"]
    assert sandbox.evaluate("{u['code']: u['score'] for u in units}", names) == {"A": 3, "B": 9}
    assert sandbox.evaluate("max(*[u['score'] for u in units])", names) == 9
    assert sandbox.evaluate("sorted(zip(range(3), 'cba'), key=lambda p: p[1])[0]", {}) == (2, "a")


def test_missing_attribute_is_an_error_not_none() -> None:
    error = _refusal(lambda: sandbox.evaluate("order.total > 0", {"order": {"total": 1}}))
    assert error.message == "AttributeError: 'dict' object has no attribute 'total' (line 1)"


def test_script_assigns_modifies_and_deletes_variables() -> None:
    variables: dict[str, Any] = {"order": {"state": "new"}, "draft": True, "amount": 2}
    script = (
        "order['state'] = 'approved'\n"
        "del draft\n"
        "total, count = amount * 10, 1\n"
        "count += 1\n"
        "print('debug output goes nowhere')\n"
    )
    sandbox.execute(script, variables)
    assert variables == {"order": {"state": "approved"}, "amount": 2, "total": 20, "count": 2}


def test_helpers_are_callable_but_nothing_callable_is_copied_back() -> None:
    variables: dict[str, Any] = {"days": 2}
    functions = {"deadline": lambda days: f"in {days} days"}
    script = (
        "due = deadline(days)\n"
        "twice = lambda x: x * 2\n"
        "def helper():\n"
        "    return 1\n"
        "kind = datetime\n"
    )
    sandbox.execute(script, variables, functions=functions)
    assert variables == {"days": 2, "due": "in 2 days"}


def test_a_failing_script_leaves_the_variables_unassigned() -> None:
    variables: dict[str, Any] = {"x": 1}
    _refusal(lambda: sandbox.execute("x = 2\ny = 3\nz = 1 / 0\n", variables))
    assert variables == {"x": 1}


def test_compiled_code_is_cached() -> None:
    expression = "amount * 2 > 7  # cached"
    sandbox.evaluate(expression, {"amount": 1})
    hits = sandbox._compile.cache_info().hits
    sandbox.evaluate(expression, {"amount": 5})
    assert sandbox._compile.cache_info().hits == hits + 1


# --- line numbers -----------------------------------------------------------------------


def test_runtime_error_reports_its_line_and_chains_the_cause() -> None:
    error = _refusal(lambda: sandbox.execute("a = 1\nb = 0\nc = a / b\n", {}))
    assert error.message == "ZeroDivisionError: division by zero (line 3)"
    assert error.line == 3
    assert isinstance(error.__cause__, ZeroDivisionError)
    assert error.source == "a = 1\nb = 0\nc = a / b\n"


def test_error_inside_a_function_reports_the_line_where_it_happened() -> None:
    script = "def pick(d):\n    return d['missing']\n\nvalue = pick({})\n"
    error = _refusal(lambda: sandbox.execute(script, {}))
    assert error.message == "KeyError: 'missing' (line 2)"


def test_syntax_error_reports_its_line() -> None:
    error = _refusal(lambda: sandbox.execute("x = 1\ny = (x +\n", {}))
    assert error.line == 2
    assert error.message.startswith("syntax error: ")
    assert isinstance(error.__cause__, SyntaxError)


# --- check() ----------------------------------------------------------------------------


def test_check_accepts_valid_code() -> None:
    assert sandbox.check("amount > 10 and approved", "eval") is None
    assert sandbox.check("x = 1\nfor i in range(3):\n    x += i\n", "exec") is None


@pytest.mark.parametrize(
    ("source", "mode", "line"),
    [
        ("amount >", "eval", 1),
        ("x = 1\nif x\n    y = 2\n", "exec", 2),
        ("x = 1\ny = 2\nimport os\n", "exec", 3),
        ("x.__class__", "eval", 1),
    ],
)
def test_check_refuses_at_compile_time_with_the_line(
    source: str, mode: Literal["eval", "exec"], line: int
) -> None:
    error = _refusal(lambda: sandbox.check(source, mode))
    assert error.line == line
    assert error.message.endswith(f"(line {line})")
