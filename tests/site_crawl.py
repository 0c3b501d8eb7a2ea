"""Walk a live site as one user by following the links its pages offer.

Every link is fetched (with the user's cookies) and must answer neither 404 nor 5xx,
nor 403: a page must not offer what its reader may not open. The first page of each
shape (its path with the ids left out, so the hundredth task page is not checked
again) is opened in the browser, handed to the caller's checks, and its links read
from the page as the browser built it; the links of the other pages of that shape
are read from their HTML, which is rendered from the same template (the browser
took most of a crawl's minutes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Page

SKIPPED_PATHS = ("/lang/",)
"""Switching the language is no page, and would change the language of the rest."""
_PROCESS = re.compile(r"/processes/\w+/")
_USER = re.compile(r"^/admin/users/(?!new$)[^/]+")
_ID = re.compile(r"/(\d+|[0-9a-f]{8}-[0-9a-f-]{27,})(?=/|$)")


def shape(url: str) -> str:
    """``/instances/{id}/incident`` for ``/instances/7/incident?status=running``: one
    template, whatever the ids, the process, the user and the filters of the list."""
    path = _PROCESS.sub("/processes/{key}/", urlsplit(url).path)
    path = _USER.sub("/admin/users/{username}", path)
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


def walk(page: Page, site: str, start: str, visit: Callable[[Page, str], None] | None) -> Crawl:
    """Follow every link from ``start``; ``visit`` the first page of each shape in the
    browser. Without ``visit`` every page is only fetched, its links read from its HTML."""
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
        if shape(url) in crawl.shapes or visit is None:
            crawl.shapes.setdefault(shape(url), url)
            links = _links(_hrefs_in(answer.text(), site + url), site)
        else:
            crawl.shapes[shape(url)] = url
            page.goto(site + url)
            visit(page, url)
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
            links = _links(hrefs, site)
        for link in links:
            crawl.offered_on.setdefault(link, url)
            queue.append(link)
    return crawl


def _links(hrefs: Iterable[str], site: str) -> Iterator[str]:
    """The site's own links among the absolute ``hrefs``, as paths with their query."""
    for href in hrefs:
        if not href.startswith(site + "/"):
            continue
        path = href[len(site) :].split("#", 1)[0]
        if path and not path.startswith(SKIPPED_PATHS):
            yield path


def _hrefs_in(html: str, base: str) -> list[str]:
    """The ``a[href]`` of an HTML page, made absolute as a browser would."""
    anchors = _Anchors()
    anchors.feed(html)
    return [urljoin(base, href) for href in anchors.hrefs]


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href is not None:
            self.hrefs.append(href)
