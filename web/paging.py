"""Paging on the web: a page's ``cursor`` and ``limit`` from the query string, and the
way to the next and previous page (engine/paging.py does the querying).

The API answers a list as a JSON array with the neighbouring pages in a ``Link``
header (RFC 8288, ``rel="next"`` / ``rel="prev"``); the pages show "next" / "previous"
links. Both keep every other query parameter (the filters), so a link goes to the
next page of the same list. A page with two lists names its parameters with a
prefix (``history_cursor``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, jsonify, request, url_for

from engine.paging import DEFAULT_LIMIT, Page, PageRequest

__all__ = ["PageLinks", "json_page", "page_links", "page_request", "url_with"]


@dataclass(frozen=True)
class PageLinks:
    """The URLs of the next and the previous page, None where there is none."""

    next: str | None
    previous: str | None

    def __bool__(self) -> bool:
        return self.next is not None or self.previous is not None


def page_request(prefix: str = "", default_limit: int = DEFAULT_LIMIT) -> PageRequest:
    """The page the request asks for; InvalidInput names a bad ``cursor`` or ``limit``."""
    limit = request.args.get(f"{prefix}limit") or default_limit
    return PageRequest.parse(request.args.get(f"{prefix}cursor"), limit)


def page_links(page: Page[Any], prefix: str = "", *, external: bool = False) -> PageLinks:
    return PageLinks(
        _url_with(f"{prefix}cursor", page.next_cursor, external),
        _url_with(f"{prefix}cursor", page.previous_cursor, external),
    )


def json_page(page: Page[Any], documents: list[Any]) -> Response:
    """The page's ``documents`` as a JSON array, its neighbours in the ``Link`` header."""
    response = jsonify(documents)
    links = page_links(page, external=True)
    pairs = (("next", links.next), ("prev", links.previous))
    header = [f'<{url}>; rel="{rel}"' for rel, url in pairs if url]
    if header:
        response.headers["Link"] = ", ".join(header)
    return response


def _url_with(parameter: str, cursor: str | None, external: bool) -> str | None:
    """This request's URL (path and query) with ``parameter`` set to ``cursor``."""
    if cursor is None:
        return None
    return _this_url({parameter: cursor}, external=external)


def url_with(**changes: str | None) -> str:
    """This request's URL, on the first page, with ``changes`` to its query (None
    removes a parameter): the links that narrow or widen a filtered list."""
    return _this_url({"cursor": None, **changes})


def _this_url(changes: dict[str, str | None], *, external: bool = False) -> str:
    """This request's path and query, with ``changes`` (None drops a parameter). Query
    parameters that ``url_for`` would take for its own (``_external``) or for the
    path's are left out."""
    path_args = request.view_args or {}
    args: dict[str, Any] = {
        name: values
        for name, values in request.args.to_dict(flat=False).items()
        if not name.startswith("_") and name not in path_args
    }
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = [value]
    assert request.endpoint is not None  # a route matched: this is its view
    return url_for(request.endpoint, **path_args, **args, _external=external)
