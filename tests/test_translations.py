"""Every text of the pages' code and templates has its Vietnamese translation, so a
Vietnamese reader never meets an English text the catalogue forgot."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).parent.parent
WEB = ROOT / "web"
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None}


def _texts_of_the_code() -> set[str]:
    with (WEB / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=_only_web
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _only_web(path: str) -> bool:
    """The mapping's patterns are relative to the repository; walk only ``web``."""
    relative = Path(path).relative_to(ROOT)
    return relative == Path(".") or relative.parts[0] == "web"


def test_every_text_of_the_pages_is_translated_to_vietnamese() -> None:
    with (WEB / "translations" / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.string}
    assert sorted(_texts_of_the_code() - translated) == []
