"""Runs the Python that process designers write: script tasks, conditions, timer expressions.

Why RestrictedPython, and a trace function for the time limit:

* Plain ``exec``/``eval`` cannot be made safe: taking builtins away is not enough, as
  ``().__class__.__bases__[0].__subclasses__()`` reaches every class in the process.
  RestrictedPython rewrites the code at compile time so that attribute access,
  subscripts, iteration and writes go through guards, and refuses names and attributes
  starting with ``_``. :class:`_Policy` adds govflow's rules (no ``import``, no
  classes, ...) and words the refusals for a designer.
* Not a subprocess per script: starting or even messaging one costs milliseconds, and
  the engine evaluates thousands of gateway conditions per second. Compiled code is
  cached, so a condition costs one ``eval``.
* The time limit is a ``sys.settrace`` function, installed for the current thread only
  while sandboxed code runs, and the previous one (coverage, a debugger) put back
  afterwards. It works in any thread, where ``signal.alarm`` works only in the main
  one, and the web server runs requests in threads. It traces only frames of sandboxed
  code; engine and library code pay one cheap check per call.

CPython uninstalls a trace function that raises, so once the time limit has fired no
script code may run again: ``except`` clauses are rewritten to catch nothing from then
on (:func:`_can_catch`), and ``finally`` blocks, which would run anyway, are refused.
Classes are refused too: methods such as ``__eq__`` of an object left in task data
would run outside the sandbox.

Limits that are enforced are in :mod:`engine.script_limits`.

Limits that are not:

* memory: nothing bounds it. ``s += s`` doubles a string per loop turn and reaches
  gigabytes well within a second, so workers need an OS memory limit (container
  limit, ``RLIMIT_AS``);
* other single C calls on big inputs (``'x'.ljust(10**9)``, ``f'{1:>{10**9}}'``,
  ``str()`` of a huge nested list) run to their end before the time limit is noticed.
"""

from __future__ import annotations

import ast
import builtins
import copy
import functools
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from types import CodeType, FrameType
from typing import TYPE_CHECKING, Any, Literal

from RestrictedPython import (
    PrintCollector,
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
    safe_builtins,
)
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr_raise,
)
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

from engine.errors import ScriptError
from engine.jsondata import Unstorable
from engine.script_data import binding_line, write_back
from engine.script_limits import (
    LimitExceeded,
    guarded_lshift,
    guarded_mul,
    guarded_pow,
    inplacevar,
    limited_range,
)

if TYPE_CHECKING:
    from RestrictedPython._types import T_pos_ast

__all__ = ["BUILTIN_NAMES", "DEFAULT_TIMEOUT", "ScriptExit", "check", "evaluate", "execute"]

DEFAULT_TIMEOUT = 1.0
"""Seconds a script or expression may run."""

Mode = Literal["eval", "exec"]

_FILENAME = "<script>"


class _Timeout(BaseException):
    """Raised by the trace function; not an ``Exception``, so library code does not swallow it."""


# --- compiling ------------------------------------------------------------------------


class _Problem(str):
    """A policy error's message that keeps its line apart (RestrictedPython collects strings)."""

    line: int | None = None


_OPERATOR_GUARDS = {ast.Mult: "_mul_", ast.Pow: "_pow_", ast.LShift: "_lshift_"}


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's rules, in a designer's words, plus govflow's additions."""

    def error(self, node: ast.AST, info: str) -> None:
        # Keep the line apart from the message; RestrictedPython only checks that
        # the list of errors is empty and hands it back.
        problem = _Problem(info)
        problem.line = getattr(node, "lineno", None)
        self.errors.append(problem)

    def check_name(
        self, node: T_pos_ast, name: str | None, allow_magic_methods: bool = False
    ) -> None:
        if name is not None and name.startswith("_") and name != "_":
            self.error(node, f"'{name}' is not allowed: names starting with '_' are reserved")
        else:
            super().check_name(node, name, allow_magic_methods)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST | Iterable[ast.AST] | None:
        if node.attr.startswith("_") or node.attr in INSPECT_ATTRIBUTES:
            self.node_contents_visit(node)  # report the leftmost problem first
            self.error(node, f"access to '{node.attr}' is not allowed")
            return node
        return super().visit_Attribute(node)

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> ast.AST:
        self.error(node, "import is not allowed in scripts")
        return node

    visit_ImportFrom = visit_Import

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.error(node, "class definitions are not allowed in scripts")
        return node

    def visit_Try(self, node: ast.Try) -> ast.AST | Iterable[ast.AST] | None:
        if node.finalbody:
            self.error(node, "'finally' is not allowed in scripts")
        return super().visit_Try(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        """``except E:`` becomes ``except (E if _can_catch_() else ()):``.

        The condition comes first so that ``E`` itself is not evaluated once the time
        limit has fired. A bare ``except:`` catches ``Exception``.
        """
        visited = super().visit_ExceptHandler(node)
        assert visited is node  # RestrictedPython checks and changes the node in place
        guarded = ast.IfExp(
            test=ast.Call(func=ast.Name("_can_catch_", ast.Load()), args=[], keywords=[]),
            body=node.type or ast.Name("Exception", ast.Load()),
            orelse=ast.Tuple(elts=[], ctx=ast.Load()),
        )
        node.type = ast.fix_missing_locations(ast.copy_location(guarded, node))
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        """``a * b`` becomes ``_mul_(a, b)`` (likewise ``**`` and ``<<``) to check sizes."""
        visited = super().visit_BinOp(node)
        assert visited is node  # RestrictedPython checks and changes the node in place
        guard = _OPERATOR_GUARDS.get(type(node.op))
        if guard is None:
            return node
        call = ast.Call(func=ast.Name(guard, ast.Load()), args=[node.left, node.right], keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, node))


@functools.lru_cache(maxsize=4096)
def _compile(source: str, mode: Mode) -> CodeType:
    """Compiled once per distinct source: RestrictedPython's compiler is slow."""
    # Expressions come out of XML with the surrounding whitespace; eval() ignores it too.
    text = source.strip() if mode == "eval" else source
    try:
        tree = ast.parse(text, _FILENAME, mode)
    except SyntaxError as exc:
        raise _error(f"syntax error: {exc.msg}", exc.lineno, source) from exc
    assert isinstance(tree, ast.Module | ast.Expression)  # what modes "exec" and "eval" give
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(tree, filename=_FILENAME, policy=_Policy)
    if result.code is None:  # RestrictedPython compiles nothing once it has found an error
        problem = result.errors[0]
        raise _error(problem, problem.line if isinstance(problem, _Problem) else None, source)
    return result.code


def _error(message: str, line: int | None, source: str) -> ScriptError:
    where = "" if line is None else f" (line {line})"
    return ScriptError(f"{message}{where}", line=line, source=source)


# --- running --------------------------------------------------------------------------


def _can_catch() -> bool:
    """Whether an ``except`` clause in a script may catch the exception unwinding now.

    CPython uninstalls a trace function that raises: after the timeout, and also when
    calling the trace function itself hit the recursion limit. A script that caught
    that exception would then run on without a time limit, so it must unwind.
    """
    return sys.gettrace() is not None


def _apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """RestrictedPython compiles ``f(*args, **kwargs)`` to ``_apply_(f, *args, **kwargs)``."""
    return function(*args, **kwargs)


# The interpreter, not a script, raises these: scripts must not stop the process.
_INTERPRETER_EXCEPTIONS = frozenset(
    {"BaseException", "GeneratorExit", "KeyboardInterrupt", "SystemExit"}
)
_CURATED_BUILTINS = (
    "all",
    "any",
    "dict",
    "enumerate",
    "filter",
    "list",
    "map",
    "max",
    "min",
    "reversed",
    "set",
    "sorted",
    "sum",
    "tuple",
    "zip",
)

_BUILTINS: dict[str, Any] = {
    **{
        name: value
        for name, value in safe_builtins.items()
        # "_" names are __build_class__ (classes are refused) and a guard set below
        if not name.startswith("_") and name not in _INTERPRETER_EXCEPTIONS
    },
    **{name: getattr(builtins, name) for name in _CURATED_BUILTINS},
    "range": limited_range,
    "pow": guarded_pow,
    # Designers copy Camunda (JUEL) expressions.
    "true": True,
    "false": False,
    "null": None,
    "date": date,
    "datetime": datetime,
    "timedelta": timedelta,
    "timezone": timezone,
}
BUILTIN_NAMES = frozenset(_BUILTINS)
"""What every script and expression may name besides the task data and the functions."""

_GUARDS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    # The raising variant: safer_getattr answers None for a missing attribute,
    # which would turn a designer's typo into a silently false condition.
    "_getattr_": safer_getattr_raise,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    # Lets scripts write into dicts and lists (task data included), nothing else.
    "_write_": full_write_guard,
    "_inplacevar_": inplacevar,
    "_apply_": _apply,
    # print() is accepted and its output discarded: scripts have no console.
    "_print_": PrintCollector,
    "_can_catch_": _can_catch,
    "_mul_": guarded_mul,
    "_pow_": guarded_pow,
    "_lshift_": guarded_lshift,
}


def _namespace(*scopes: Mapping[str, Any]) -> dict[str, Any]:
    """Globals for one run: the scopes (a later one wins), then builtins and guards.

    Names starting with ``_`` are left out: scripts cannot use them, and nothing a
    caller passes may replace a guard.
    """
    namespace = {
        name: value for scope in scopes for name, value in scope.items() if not name.startswith("_")
    }
    namespace.update(_GUARDS)
    return namespace


@contextmanager
def _time_limit(timeout: float) -> Iterator[None]:
    """Raise :class:`_Timeout` in sandboxed code of this thread once ``timeout`` has passed."""
    deadline = time.monotonic() + timeout

    def trace(frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if frame.f_code.co_filename != _FILENAME:
            return None  # trusted code: no per-line tracing
        if time.monotonic() > deadline:
            raise _Timeout(f"script exceeded its time limit of {timeout} s")
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)


class ScriptExit(BaseException):
    """Raised by a function a script calls, to leave the script on purpose (a BPMN error
    thrown). The sandbox lets it through; a script cannot catch it (it is no Exception,
    and scripts cannot name BaseException)."""


def _run(code: CodeType, namespace: dict[str, Any], source: str, timeout: float) -> Any:
    try:
        with _time_limit(timeout):
            return eval(code, namespace)  # a restricted code object, eval or exec mode
    except (KeyboardInterrupt, SystemExit, ScriptExit):
        raise  # the process is stopping, or a function ends the script on purpose
    except BaseException as exc:
        raise _error(_describe(exc), _script_line(exc), source) from exc


def _describe(exc: BaseException) -> str:
    if isinstance(exc, NameError | _Timeout | LimitExceeded):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _script_line(exc: BaseException) -> int | None:
    """The line of the innermost script frame the exception passed through."""
    lines = [
        line
        for frame, line in traceback.walk_tb(exc.__traceback__)
        if frame.f_code.co_filename == _FILENAME
    ]
    return lines[-1] if lines else None


# --- public API -----------------------------------------------------------------------


def check(source: str, mode: Literal["eval", "exec"]) -> None:
    """Compile ``source`` without running it; deployment validates every script this way.

    Raises :class:`ScriptError` with the line of the first problem.
    """
    _compile(source, mode)


def evaluate(expression: str, names: Mapping[str, Any], *, timeout: float = DEFAULT_TIMEOUT) -> Any:
    """The value of ``expression`` with ``names`` as its variables.

    A function that ends a script on purpose (:class:`ScriptExit`) fails an expression:
    an expression has no task to end.
    """
    try:
        return _run(_compile(expression, "eval"), _namespace(names), expression, timeout)
    except ScriptExit as exc:
        raise _error(f"{exc}: only a script can throw it", None, expression) from None


def execute(
    script: str,
    variables: dict[str, Any],
    *,
    functions: Mapping[str, Any] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> None:
    """Run ``script``; the data names it assigns or deletes at top level update ``variables``.

    ``functions`` are callable from the script but never copied into ``variables``; nor
    is any function, class or module the script binds. The script works on a copy of
    ``variables``, so a failing script leaves them as they were, even objects it
    changed in place (``order['state'] = 'done'``), and a retry starts from the same data.
    Values are converted or refused as :func:`engine.jsondata.json_ready` says, naming
    the variable and the line that bound it.
    """
    functions = functions or {}
    namespace = _namespace(functions, copy.deepcopy(variables))
    _run(_compile(script, "exec"), namespace, script, timeout)
    try:
        write_back(namespace, variables, functions)
    except Unstorable as exc:
        raise _error(str(exc), binding_line(script, exc.variable), script) from None
