"""How requests are read and JSON is written: strictly, so that no input gives a 500.

* An ``<int:…>`` in a route matches only ids the database can hold (:data:`MAX_ID`):
  a larger number is an unknown id, 404, instead of an overflow in the driver.
* A JSON body is refused, as a problem document naming ``body``, when it is larger than
  ``MAX_JSON_BYTES`` (413) or nested deeper than :data:`MAX_JSON_DEPTH` (422), both
  checked on the raw bytes before parsing (a deep body would exhaust the parser's
  recursion), when it holds ``NaN``/``Infinity`` (not JSON, and PostgreSQL refuses them)
  or a NUL character (PostgreSQL cannot store one in text).
* JSON answers never hold ``NaN``/``Infinity``: such a float goes out as ``null``.
* A NUL character in the path, the query or a form is refused (422 naming where).
* Multipart parts without a name are dropped (Flask-WTF's CSRF check trips on them).
"""

from __future__ import annotations

import json
import math
import re
from array import array
from itertools import accumulate
from typing import Any

from flask import Flask, Request, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import MultiDict
from werkzeug.formparser import FormDataParser
from werkzeug.routing import IntegerConverter, Map

from engine.errors import GovflowError, InvalidInput

__all__ = ["MAX_ID", "MAX_JSON_DEPTH", "BodyTooLarge", "init_inputs", "json_body"]

MAX_ID = 2**31 - 1
"""The largest id the database holds: ids are ``Integer`` columns, 32-bit on PostgreSQL."""

MAX_JSON_DEPTH = 64
"""Deeper than any document govflow takes, far below Python's recursion limit."""

_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_NOT_A_BRACKET = re.compile(rb"[^\[\]{}]")


class BodyTooLarge(GovflowError):
    code = "too_large"


def json_body() -> Any:
    """The request's JSON body, checked for size, depth, NaN and NUL before use."""
    if not request.is_json:
        raise InvalidInput(
            "send the body as JSON (Content-Type: application/json)", field="body", rule="json_body"
        )
    limit = int(current_app.config["MAX_JSON_BYTES"])
    if (request.content_length or 0) > limit:
        raise _too_large(limit)
    raw = request.get_data(cache=True)
    if len(raw) > limit:  # a body sent without Content-Length
        raise _too_large(limit)
    if _depth(raw) > MAX_JSON_DEPTH:
        raise InvalidInput(
            f"the body is nested deeper than {MAX_JSON_DEPTH} levels",
            field="body",
            rule="depth",
            limit=MAX_JSON_DEPTH,
        )
    try:
        body = current_app.json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(f"the body is not JSON: {exc}", field="body", rule="json_body") from None
    _refuse_nul(body)
    return body


def _too_large(limit: int) -> BodyTooLarge:
    return BodyTooLarge(f"the body is larger than {limit} bytes", field="body", limit=limit)


def _depth(raw: bytes) -> int:
    """How deep the arrays and objects of ``raw`` nest, counting brackets outside strings.

    Without its escapes, the text between every other pair of quotes is a string; each
    step is linear and runs in C, so a megabyte takes milliseconds.
    """
    outside_strings = b"".join(_ESCAPE.sub(b"", raw).split(b'"')[0::2])
    brackets = _NOT_A_BRACKET.sub(b"", outside_strings)
    steps = array("b", brackets.translate(_BRACKET_STEPS))
    return max(accumulate(steps), default=0)


def _refuse_nul(value: Any, where: str = "body") -> None:
    """PostgreSQL stores no NUL in text or jsonb; refuse it here, naming where it is."""
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidInput(f"{where} holds a NUL character", field=where, rule="nul")
    elif isinstance(value, dict):
        for key, item in value.items():
            name = key if where == "body" else f"{where}.{key}"
            _refuse_nul(key, name)
            _refuse_nul(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, f"{where}[{index}]")


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, without the ``NaN``/``Infinity`` that Python's json allows."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return json.loads(s, parse_constant=_refuse_constant, **kwargs)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        try:
            return super().dumps(obj, allow_nan=False, **kwargs)
        except ValueError:  # a non-finite float: rare, so only then the copy
            return super().dumps(_finite(obj), allow_nan=False, **kwargs)


class _NamedPartsParser(FormDataParser):
    def parse(self, *args: Any, **kwargs: Any) -> Any:
        stream, form, files = super().parse(*args, **kwargs)
        return stream, _named(form), _named(files)


def _named(parts: MultiDict) -> MultiDict:
    if None not in parts:
        return parts
    kept = [(key, value) for key, value in parts.items(multi=True) if key is not None]
    return type(parts)(kept)


class _Request(Request):
    form_data_parser_class = _NamedPartsParser


class _DatabaseIdConverter(IntegerConverter):
    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def _refuse_nul_outside_json() -> None:
    """Path, query and form values go to the database as text, where NUL cannot be."""
    values = [*(request.view_args or {}).items(), *request.args.items(multi=True)]
    if request.mimetype in {"multipart/form-data", "application/x-www-form-urlencoded"}:
        values += request.form.items(multi=True)
        values += [(name, f.filename or "") for name, f in request.files.items(multi=True)]
    for name, value in values:
        if isinstance(value, str) and "\x00" in name + value:
            raise InvalidInput(f"{name} holds a NUL character", field=name, rule="nul")


def init_inputs(app: Flask, max_json_bytes: int) -> None:
    """Before the routes are added: their ``<int:…>`` parts take the bounded converter;
    before the other hooks: the NUL check runs ahead of the CSRF check that reads forms."""
    app.config.setdefault("MAX_JSON_BYTES", max_json_bytes)
    app.json = StrictJSONProvider(app)
    app.request_class = _Request
    app.url_map.converters["int"] = _DatabaseIdConverter
    app.before_request(_refuse_nul_outside_json)
