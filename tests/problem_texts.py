"""Every message and hint the engine's validation can write, read from its source.

The checks in engine/definitions report through ``Findings.add``/``warn``/
``add_at_line``, ``xmlsafe._refuse`` or ``DefinitionProblem(...)``; each text is a
literal, an f-string, a concatenation of those, or a module-level constant. This
module reads those calls with :mod:`ast` and gives each text as a template, with
``{}`` for every part computed at run time, so that a test can require words for
each one, including those of a rule added later.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import engine.definitions

__all__ = ["ProblemText", "problem_texts"]

DEFINITIONS = Path(engine.definitions.__file__).parent
_REPORTERS = {"add": 1, "warn": 1, "add_at_line": 2, "_refuse": 2}
"""Reporting call → the position of its message (the hint follows it)."""
_PASSING_ON = {*_REPORTERS, "_report"}
_PROBLEM_FIELDS = ("file", "line", "element_id", "element_name", "message", "hint")


@dataclass(frozen=True)
class ProblemText:
    where: str
    template: str
    """The text with ``{}`` for each computed part."""


def problem_texts() -> list[ProblemText]:
    """Every message and hint in engine/definitions, in source order."""
    found = []
    for path in sorted(DEFINITIONS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _assigned(tree.body)
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef) or function.name in _PASSING_ON:
                continue  # a reporter passes its caller's texts on
            names = {**constants, **_assigned(list(ast.walk(function)))}
            for call in ast.walk(function):
                if isinstance(call, ast.Call) and _owner(call, function):
                    for node in _text_arguments(call):
                        where = f"{path.name}:{function.name}"
                        found.extend(ProblemText(where, t) for t in _templates(node, names))
    return found


def _owner(call: ast.Call, function: ast.FunctionDef) -> bool:
    """Whether ``call`` is ``function``'s own, not that of a function nested in it."""
    nested = [f for f in ast.walk(function) if isinstance(f, ast.FunctionDef) and f is not function]
    return not any(call in ast.walk(inner) for inner in nested)


def _text_arguments(call: ast.Call) -> list[ast.expr]:
    """The message and hint nodes of a reporting call; [] for any other call."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name == "DefinitionProblem":
        by_name = {k.arg: k.value for k in call.keywords}
        by_name.update(zip(_PROBLEM_FIELDS, call.args, strict=False))
        return [by_name[f] for f in ("message", "hint") if f in by_name]
    if name not in _REPORTERS or (name != "_refuse" and not _is_findings(func)):
        return []
    position = _REPORTERS[name]
    return call.args[position : position + 2]


def _is_findings(func: ast.expr) -> bool:
    return isinstance(func, ast.Attribute) and "findings" in ast.unparse(func.value)


def _assigned(nodes: list[ast.AST]) -> dict[str, list[ast.expr]]:
    """Each name assigned among ``nodes`` → the values it is given."""
    values: dict[str, list[ast.expr]] = {}
    for node in nodes:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    values.setdefault(target.id, []).append(node.value)
    return values


def _templates(node: ast.expr, names: dict[str, list[ast.expr]]) -> list[str]:
    """The texts ``node`` can be, as templates; ``{}`` alone for one computed elsewhere
    (a parameter, an exception's own words)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        lefts, rights = _templates(node.left, names), _templates(node.right, names)
        return [left + right for left in lefts for right in rights]
    if isinstance(node, ast.Name) and node.id in names:
        return [t for value in names[node.id] for t in _templates(value, names)]
    return ["{}"]
