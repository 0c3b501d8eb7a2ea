"""What a script leaves behind: the data names of its namespace, written back as task data.

A script runs on a copy of the task's variables (see :func:`engine.sandbox.execute`);
afterwards the names it bound that are data, not tools, become the variables, in the
form JSON keeps them (:mod:`engine.jsondata`). A value JSON cannot hold fails the
script before anything is written, and :func:`binding_line` finds the line to blame.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from engine.jsondata import json_ready_variables

__all__ = ["binding_line", "write_back"]


def write_back(
    namespace: Mapping[str, Any], variables: dict[str, Any], functions: Mapping[str, Any]
) -> None:
    """Copy the data names the script bound into ``variables``, as JSON keeps them, and
    drop those it deleted; :class:`~engine.jsondata.Unstorable` changes nothing."""
    bound = {
        name: value
        for name, value in namespace.items()
        if not (name.startswith("_") or (name in functions and functions[name] is value))
        and _is_data(value)
    }
    converted = json_ready_variables(bound)
    # "_" names never reach the namespace (see sandbox._namespace) but were not deleted.
    for name in [name for name in variables if not name.startswith("_")]:
        if name not in namespace:
            del variables[name]
    variables.update(converted)


def _is_data(value: Any) -> bool:
    """Functions, classes and modules are tools, not task data (and do not serialize)."""
    return not (callable(value) or isinstance(value, ModuleType))


@functools.lru_cache(maxsize=1024)
def binding_line(source: str, name: str) -> int | None:
    """The last line of ``source`` that binds ``name`` or stores into it (``name[...] =``)."""
    lines = [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Name | ast.Subscript | ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and _root_name(node) == name
    ]
    return max(lines, default=None)


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Subscript | ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
