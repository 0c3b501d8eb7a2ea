"""Search by words, accent-insensitive for Vietnamese: "bao cao" finds "Báo cáo".

One query function for both databases. Task names come from the BPMN, so 50,000
tasks carry a few hundred names: both databases keep each name once in
``task_name``, added by a trigger when a task brings a new one (migrations 0014 and
0015), and a task matches when its name is among the names found.

* SQLite: FTS5 tables with the ``unicode61`` tokenizer's ``remove_diacritics 2``:
  ``task_name_search`` over the names, ``instance_search`` over each instance's
  title and business key, filled by triggers. Every word must start a word of the
  text (a prefix query), so "bao" finds "báo" and "báo cáo".
* PostgreSQL: the text folded by ``govflow_fold`` (``lower(unaccent(…))``) into a
  generated column, every word found in it with ``LIKE '%word%'``: over the few
  names, and over the instances with a ``pg_trgm`` GIN index (migration 0009).

Punctuation is not searched for: "FB-7" finds "FB 7" and "fb-7".

A task matches when every word is in its name, or every word is in its instance's
title and business key; an instance when every word is in its title and business key.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    column,
    literal_column,
    or_,
    select,
    table,
    true,
)

from engine.models import HumanTask, ProcessInstance

__all__ = ["fold", "instance_matches", "search_words", "task_matches"]

_MAX_WORDS = 8
_MAX_WORD = 60
_WORD = re.compile(r"[^\W_]")
_BETWEEN_WORDS = re.compile(r"[\W_]+")

_task_name = table("task_name", column("id"), column("name"), column("name_folded"))
_task_name_search = table("task_name_search", column("rowid"))
_instance_search = table("instance_search", column("rowid"))


def search_words(text: str | None) -> list[str]:
    """The words of a search box's text (at most eight; those with a letter or digit)."""
    if not text:
        return []
    words = unicodedata.normalize("NFC", text).split()
    return [w[:_MAX_WORD] for w in words if _WORD.search(w)][:_MAX_WORDS]


def fold(text: str) -> str:
    """``text`` without its marks, in lower case: what the index holds on PostgreSQL."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()


def task_matches(words: list[str], *, sqlite: bool) -> ColumnElement[bool]:
    """The condition on ``human_task`` that its name, or its instance, has every word.

    The names found and the instances found are two small lists, each probed per
    task. The condition is asked ``IS TRUE``, which the planners cannot turn into a
    join, so they walk the list's index in page order, probing the hits hashed once,
    and stop at the page's end, instead of looking up every hit by id and sorting
    them all. Whether anything was found at all is asked first, once: a word found
    nowhere then ends the query instead of walking the whole index.

    With 'bao cao kiem' in 6,221 of 50,000 open tasks, PostgreSQL's first page took
    23 ms in the database when each hit's folded name was rechecked, 3 ms over the
    names; with a word found nowhere, the walk took 50 ms (bench/scale.py).
    """
    names = _names_found(words, sqlite=sqlite)
    instances = select(ProcessInstance.id).where(instance_matches(words, sqlite=sqlite))
    found = or_(HumanTask.name.in_(names), HumanTask.instance_id.in_(instances)).is_(true())
    return and_(or_(names.exists(), instances.exists()), found)


def _names_found(words: list[str], *, sqlite: bool) -> Select[Any]:
    """The task names (``task_name``) that have every word."""
    if sqlite:
        match = literal_column("task_name_search").op("MATCH")(_fts_query(words))
        found = select(_task_name_search.c.rowid).where(match)
        return select(_task_name.c.name).where(_task_name.c.id.in_(found))
    folded = _task_name.c.name_folded
    return select(_task_name.c.name).where(*(_contains(folded, w) for w in words))


def instance_matches(words: list[str], *, sqlite: bool) -> ColumnElement[bool]:
    """The condition on ``process_instance`` that its title and business key have every word."""
    if sqlite:
        match = literal_column("instance_search").op("MATCH")(_fts_query(words))
        return ProcessInstance.id.in_(select(_instance_search.c.rowid).where(match))
    folded: ColumnElement[str] = literal_column("process_instance.search_folded")
    return and_(*(_contains(folded, w) for w in words))


def _fts_query(words: list[str]) -> str:
    """Each word a quoted prefix phrase, all required (FTS5's implicit AND)."""
    folded = (w.replace("đ", "d").replace("Đ", "D").replace('"', '""') for w in words)
    return " ".join(f'"{w}"*' for w in folded)


def _contains(text: Any, word: str) -> ColumnElement[bool]:
    """``word``'s letters and digits in ``text``, in order; what lies between them (a
    hyphen, a space) is not searched for, as the FTS5 tokenizer on SQLite does not."""
    parts = [part for part in _BETWEEN_WORDS.split(fold(word)) if part]  # no % nor _ left
    return text.like(f"%{'%'.join(parts)}%")
