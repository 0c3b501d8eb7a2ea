"""Server-side validation of what a unit submits for a human task.

The form comes from the task's ``camunda:formData``. Values arrive as JSON or as
strings from an HTML form; they leave as the Python types the process's conditions
and scripts expect (``long`` → int, ``boolean`` → bool, ``date`` → ISO date text,
``datetime`` → ISO date-time text on the Hà Nội clock).

Every problem of a submission is reported at once (:class:`InvalidInput` with its
``problems``), each naming its field, so that a page shows each beside its field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from engine.calendar import END_OF_WORKING_DAY, TIMEZONE
from engine.errors import InvalidInput
from engine.form_rules import rule_problems
from engine.jsondata import Unstorable, json_ready_variables

__all__ = [
    "FIELD_TYPES",
    "PICKER_TYPES",
    "VARIABLE_NAME",
    "clean_submission",
    "is_variable_name",
    "with_choices",
]

VARIABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
"""What a process variable or form field may be called: a letter, then letters, digits
and ``_``. The API documents this pattern; match it whole (:func:`is_variable_name`),
as ``$`` alone would let a trailing newline through."""


def is_variable_name(name: object) -> bool:
    return isinstance(name, str) and VARIABLE_NAME.fullmatch(name) is not None


def _to_long(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("a whole number is expected")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError("a whole number is expected")
    return int(text)


def _to_double(value: Any) -> float:
    """A finite number: ``float("nan")`` and ``float("1e999")`` are no JSON number."""
    if isinstance(value, bool):
        raise ValueError("a number is expected")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError("a number is expected") from None
    if not math.isfinite(number):  # float("nan"), float("1e999"): JSON has neither
        raise ValueError("a finite number is expected")
    return number


def _to_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "on", "yes"}:
        return True
    if text in {"false", "0", "off", "no", ""}:
        return False
    raise ValueError("true or false is expected")


_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _parse_day(text: str) -> date:
    """``2026-12-31`` (what a date picker sends) or ``31/12/2026`` (what people type)."""
    typed = _DAY_MONTH_YEAR.fullmatch(text)
    if typed:
        day, month, year = (int(part) for part in typed.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


def _to_date(value: Any) -> str:
    try:
        return _parse_day(str(value).strip()).isoformat()
    except ValueError:
        raise ValueError("a date as DD/MM/YYYY is expected") from None


def _to_datetime(value: Any, time_of_day: time = END_OF_WORKING_DAY) -> str:
    """A moment as ISO text with the Hà Nội offset. A date alone means ``time_of_day``
    of that day (17:00, the end of the working day, unless the form says otherwise);
    a moment without offset (what ``datetime-local`` sends) is Hà Nội wall-clock time."""
    text = str(value).strip()
    day_and_time = re.fullmatch(r"(\S+)(?:[ T](\d{1,2}:\d{2}(?::\d{2})?))?", text)
    try:
        if day_and_time and "/" in day_and_time.group(1):
            day, clock = _parse_day(day_and_time.group(1)), day_and_time.group(2)
            moment = datetime.combine(day, time.fromisoformat(clock) if clock else time_of_day)
        elif len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time_of_day)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("a date and time as DD/MM/YYYY HH:MM is expected") from None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=TIMEZONE)
    return aware.astimezone(TIMEZONE).isoformat()


def _to_string(value: Any) -> str:
    if isinstance(value, dict | list):
        raise ValueError("text is expected")
    return str(value)


def _to_attachment_id(value: Any) -> str:
    try:
        return str(UUID(str(value).strip()))
    except ValueError:
        raise ValueError("the id of a file uploaded to this task is expected") from None


_UNIT_CODE = re.compile(r"^[A-Z][A-Z0-9_:*-]*$")


def _to_unit_codes(value: Any) -> list[str]:
    codes = value if isinstance(value, list) else re.split(r"[,\s]+", str(value))
    cleaned = [str(code).strip() for code in codes if str(code).strip()]
    if not cleaned or not all(_UNIT_CODE.match(code) for code in cleaned):
        raise ValueError("unit codes such as DBO, LEGAL are expected")
    return cleaned


def _to_code(value: Any) -> str:
    code = str(value).strip() if not isinstance(value, dict | list) else ""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_:.-]*", code):
        raise ValueError("a code of processes/units.yaml is expected")
    return code


FIELD_TYPES: dict[str, Callable[[Any], Any]] = {
    "string": _to_string,
    "long": _to_long,
    "double": _to_double,
    "boolean": _to_boolean,
    "date": _to_date,
    "datetime": _to_datetime,
    "enum": _to_string,
    "file": _to_attachment_id,
    "units": _to_unit_codes,
    "unit": _to_code,
    "database": _to_code,
}
"""Camunda's form field types, plus custom ones (type "custom" in the modeler):
``double``, ``datetime`` (a moment; a date alone is 17:00 Hà Nội that day, or the
field's ``time_of_day`` property), ``file`` (a document uploaded to the task, see
:mod:`engine.attachments`), ``units`` (unit or set codes of units.yaml, a list or
"LEGAL, DBO"), and the pickers ``unit`` (one unit code) and ``database`` (one
database code of units.yaml); a definition may use only these."""

PICKER_TYPES = ("unit", "database")
"""Field types whose choices are the organisation's (see :func:`with_choices`)."""


def with_choices(
    form: Sequence[Mapping[str, Any]], choices: Mapping[str, list[dict[str, str]]]
) -> list[dict[str, Any]]:
    """The form with the options of its picker fields filled from ``choices`` (by type):
    the page offers them as a list, and :func:`clean_submission` then refuses any other
    code, so that a process never starts on a unit or database that does not exist."""
    return [
        {**field, "options": choices.get(field["type"], [])}
        if field["type"] in PICKER_TYPES
        else dict(field)
        for field in form
    ]


def clean_submission(
    form: Sequence[Mapping[str, Any]],
    data: Mapping[str, Any],
    *,
    extra: bool = False,
    rules: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Check ``data`` against ``form`` and its cross-field ``rules`` (see
    :mod:`engine.form_rules`) and return it converted; with ``extra``, variables the
    form does not name pass as they are (a start form names only what it checks).

    Every problem is found before any is reported: the InvalidInput's ``problems``
    lists each as its ``field``, the ``rule`` it broke (``required``, ``type:long``,
    ``max``, ``choice``, ``rule``, …), the field's ``label``, the ``limit`` and the
    English ``message``, so that the pages can say each in the user's language beside
    its field. The first problem's details are also the error's own.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput("variables are expected as an object", field="data", rule="type:object")
    problems = [
        _problem(f"'{key}' is not a valid variable name", field=str(key), rule="variable_name")
        for key in data
        if not is_variable_name(key)
    ]
    fields = {f["id"]: f for f in form}
    unknown = sorted(set(data) - set(fields)) if form else []
    if unknown and not extra:
        message = f"'{unknown[0]}' is not a field of this form"
        problems.append(_problem(message, field=unknown[0], rule="unknown_field"))
    cleaned: dict[str, Any] = {name: data[name] for name in unknown} if form else dict(data)
    failed: set[str] = set()
    for field in form:
        try:
            value = _clean_field(field, data.get(field["id"]))
        except InvalidInput as exc:
            problems.append(_problem(exc.message, **exc.details))
            failed.add(field["id"])
            continue
        if value is not None:
            cleaned[field["id"]] = value
    problems += rule_problems(rules, fields, cleaned, failed)
    if problems:
        raise invalid_submission(problems)
    return _json_values(cleaned)


def _problem(message: str, **details: Any) -> dict[str, Any]:
    return {**details, "message": message}


def invalid_submission(problems: Sequence[Mapping[str, Any]]) -> InvalidInput:
    """One InvalidInput for every problem of a submission, the first's details its own."""
    first = {key: value for key, value in problems[0].items() if key != "message"}
    message = "; ".join(str(problem["message"]) for problem in problems)
    return InvalidInput(message, **first, problems=[dict(problem) for problem in problems])


def _json_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The values as task data keeps them (see :mod:`engine.jsondata`), or InvalidInput."""
    try:
        return json_ready_variables(data)
    except Unstorable as exc:
        raise InvalidInput(str(exc), field=exc.variable, rule="json") from None


def _clean_field(field: Mapping[str, Any], raw: Any) -> Any:
    name = field["id"]
    if raw is None or (isinstance(raw, str) and raw.strip() == "" and field["type"] != "boolean"):
        if field.get("required"):
            raise InvalidInput(
                f"{field['label']} is required", field=name, rule="required", label=field["label"]
            )
        return None
    try:
        value = _converter(field)(raw)
    except ValueError as exc:
        raise InvalidInput(
            f"{field['label']}: {exc}",
            field=name,
            rule=f"type:{field['type']}",
            label=field["label"],
        ) from None
    _check_options(field, value)
    _check_constraints(field, value)
    return value


def _converter(field: Mapping[str, Any]) -> Callable[[Any], Any]:
    """The field type's conversion; a ``datetime`` field's ``time_of_day`` (``08:00``)
    is the time a date alone stands for."""
    time_of_day = field.get("time_of_day")
    if field["type"] == "datetime" and time_of_day:
        return lambda raw: _to_datetime(raw, time.fromisoformat(time_of_day))
    return FIELD_TYPES[field["type"]]


def _check_options(field: Mapping[str, Any], value: Any) -> None:
    options = [o["id"] for o in field.get("options", [])]
    picked = field["type"] in PICKER_TYPES and options
    if (field["type"] == "enum" or picked) and value not in options:
        raise InvalidInput(
            f"{field['label']}: choose one of {', '.join(options)}",
            field=field["id"],
            rule="choice",
            label=field["label"],
            limit=", ".join(options),
        )


def _check_constraints(field: Mapping[str, Any], value: Any) -> None:
    constraints = field.get("constraints", {})
    for name, (compare, words) in _LIMITS.items():
        if name not in constraints:
            continue
        limit = _limit_value(field, name, constraints[name])
        subject = len(value) if name.endswith("length") else value
        if not compare(subject, limit):
            raise InvalidInput(
                f"{field['label']} {words} {limit}",
                field=field["id"],
                rule=name,
                label=field["label"],
                limit=limit,
            )


def _limit_value(field: Mapping[str, Any], name: str, config: Any) -> Any:
    if name.endswith("length"):
        return int(config)
    if field["type"] == "date":
        return date.fromisoformat(str(config)).isoformat()
    return float(config)


_LIMITS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "min": (lambda v, limit: v >= limit, "must be at least"),
    "max": (lambda v, limit: v <= limit, "must be at most"),
    "minlength": (lambda v, limit: v >= limit, "must have at least this many characters:"),
    "maxlength": (lambda v, limit: v <= limit, "must have at most this many characters:"),
}
