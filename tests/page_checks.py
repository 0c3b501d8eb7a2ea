"""Checks run on each page of the crawl: axe-core's accessibility rules, the width of
the page on a phone, English left on a Vietnamese page; and its screenshots."""

from __future__ import annotations

import re
import time
from contextlib import suppress
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from playwright.sync_api import Page

ROOT = Path(__file__).parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "screenshots"
_STARTED = time.time()
"""When this worker began: every worker of a run imports this before its first test."""
"""Where the browser tests write every page's screenshots (git-ignored)."""
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
_NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => setTimeout(done)))"
_VI_CATALOGUE = ROOT / "web" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"


def axe_violations(page: Page) -> list[str]:
    """axe-core's violations on the page: rule, impact and the elements concerned.

    axe is evaluated through the DevTools protocol, which the page's
    Content-Security-Policy does not govern (an injected ``<script>`` would be blocked).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;0")
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => `${v.id} (${v.impact}): ` + v.nodes.map(n => n.target.join(' ')))"""
    )
    return list(found)


def wider_than_a_phone(page: Page) -> int | None:
    """The page's width at 390 px when it is wider than the screen, else None."""
    page.set_viewport_size(PHONE)
    page.evaluate(_NEXT_FRAME)  # the page's resize handlers have run
    width = int(page.evaluate("() => document.scrollingElement.scrollWidth"))
    return width if width > PHONE["width"] else None


def screenshot(page: Page, name: str) -> None:
    """The whole page at the current width, as ``screenshots/NAME.png``."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def clear_screenshots() -> None:
    """The crawl's screenshots of an earlier run go (``ROLE_PAGE@WIDTH.png``): the folder
    shows the pages as they are now. Other tests' own screenshots stay, and so do those
    this run's other workers took already (each worker clears as its crawl begins)."""
    for old in SCREENSHOTS.glob("*@*.png"):
        with suppress(FileNotFoundError):  # another worker took it meanwhile
            if old.stat().st_mtime < _STARTED:
                old.unlink()


def english_left(page: Page) -> list[str]:
    """Texts of the catalogue shown in English on a page meant to be in Vietnamese."""
    shown = re.sub(r"\s+", " ", page.locator("body").inner_text())
    return [text for text in _english_texts() if text in shown]


@cache
def _english_texts() -> tuple[str, ...]:
    """The catalogue's English texts of several words, without their placeholders'
    surroundings, whose Vietnamese differs (a text shown as is was not translated)."""
    with _VI_CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    texts = set()
    for message in catalogue:
        if not message.id or not isinstance(message.id, str) or message.id == message.string:
            continue
        for part in re.split(r"%\(\w+\)\w|[“”\"]", message.id):
            if len(part.split()) >= 3:
                texts.add(part.strip())
    return tuple(sorted(texts))
