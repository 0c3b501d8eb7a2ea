"""Walk a live site as one user by following the links its pages offer.

Every link is fetched (with the user's cookies) and must answer neither 404 nor 5xx,
nor 403: a page must not offer what its reader may not open. Every page found is opened
in the browser for its links; the first page of each shape (its path with the ids
left out, so the hundredth task page is not checked again) is handed to the caller's
checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Page

SKIPPED_PATHS = ("/lang/",)
"""Switching the language is no page, and would change the language of the rest."""
_PROCESS = re.compile(r"/processes/\w+/")
_ID = re.compile(r"/(\d+|[0-9a-f]{8}-[0-9a-f-]{27,})(?=/|$)")


def shape(url: str) -> str:
    """``/instances/{id}/incident`` for ``/instances/7/incident?status=running``: one
    template, whatever the ids, the process and the filters of the list."""
    path = _PROCESS.sub("/processes/{key}/", urlsplit(url).path)
    return _ID.sub("/{id}", path)


@dataclass
class Crawl:
    """What one walk found: each link's answer, and where it was offered."""

    answers: dict[str, int] = field(default_factory=dict)
    offered_on: dict[str, str] = field(default_factory=dict)
    shapes: dict[str, str] = field(default_factory=dict)

    def failures(self) -> list[str]:
        return [
            f"{status} {url} (offered on {self.offered_on.get(url, 'the start')})"
            for url, status in self.answers.items()
            if status in (403, 404) or status >= 500
        ]


def walk(page: Page, site: str, start: str, visit: Callable[[Page, str], None]) -> Crawl:
    """Follow every link from ``start``; ``visit`` the first page of each shape."""
    crawl = Crawl()
    queue = [start]
    while queue:
        url = queue.pop(0)
        if url in crawl.answers:
            continue
        answer = page.request.get(site + url, max_redirects=0, fail_on_status_code=False)
        crawl.answers[url] = answer.status
        is_page = answer.ok and answer.headers.get("content-type", "").startswith("text/html")
        if not is_page:
            continue
        page.goto(site + url)
        if shape(url) not in crawl.shapes:
            crawl.shapes[shape(url)] = url
            visit(page, url)
        for link in _links(page, site):
            crawl.offered_on.setdefault(link, url)
            queue.append(link)
    return crawl


def _links(page: Page, site: str) -> Iterator[str]:
    """The site's own links on the page, as paths with their query."""
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    for href in hrefs:
        if not href.startswith(site + "/"):
            continue
        path = href[len(site) :].split("#", 1)[0]
        if path and not path.startswith(SKIPPED_PATHS):
            yield path
