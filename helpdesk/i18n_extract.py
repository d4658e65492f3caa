# SPDX-License-Identifier: Apache-2.0
"""Babel extraction of the staff console's HTML (helpdesk/locale/babel.cfg): every text node and
shown attribute (title, placeholder, aria-label, alt) with hanzi is a msgid, as the console's
static/i18n.js translates them in the page (docs/i18n.md). The console's scripts mark their
texts ``T("…")`` and go through Babel's own JavaScript extractor."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import IO, Any, Iterator

HANZI = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")   # and full-width punctuation: a lone "）"
SHOWN = ("title", "placeholder", "aria-label", "alt")


def texts(source: str) -> list[tuple[int, str]]:
    """(line, text) of each hanzi text node and shown attribute, stripped, in order."""
    found: list[tuple[int, str]] = []

    class Parser(HTMLParser):
        skip = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("script", "style"):
                self.skip += 1
            for name, value in attrs:
                if name in SHOWN and value and HANZI.search(value):
                    found.append((self.getpos()[0], value.strip()))

        def handle_endtag(self, tag: str) -> None:
            if tag in ("script", "style"):
                self.skip = max(0, self.skip - 1)

        def handle_data(self, data: str) -> None:
            if not self.skip and HANZI.search(data):
                found.append((self.getpos()[0], data.strip()))

    parser = Parser(convert_charrefs=True)
    parser.feed(source)
    parser.close()
    return found


def extract_html(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple]:
    for line, text in texts(fileobj.read().decode(options.get("encoding", "utf-8"))):
        yield line, None, text, []
