# SPDX-License-Identifier: Apache-2.0
"""Gettext catalogs read at run time with Babel's .po reader (no compile step), for the kiosk
(kiosk/i18n.py) and the hub (helpdesk/i18n.py), each with its own folder and domain.

``catalogs.get(language)`` is msgid → translation, read once per language (thread-safe); fuzzy
and empty entries are left out, so an untranslated text shows its Chinese msgid. A catalog that
cannot be read is logged and taken as empty: the texts stay Chinese, nothing fails.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class PoCatalogs:
    def __init__(self, locale_dir: Path, domain: str, source: str = "zh") -> None:
        self.locale_dir, self.domain, self.source = locale_dir, domain, source
        self._lock = threading.Lock()
        self.loaded: dict[str, dict[str, str]] = {}

    def path(self, language: str) -> Path:
        return self.locale_dir / language / "LC_MESSAGES" / f"{self.domain}.po"

    def get(self, language: str) -> dict[str, str]:
        if language == self.source:
            return {}
        with self._lock:
            found = self.loaded.get(language)
            if found is None:
                found = self.loaded[language] = self._read(language)
            return found

    def _read(self, language: str) -> dict[str, str]:
        from babel.messages.pofile import read_po

        path = self.path(language)
        try:
            with path.open("rb") as f:
                po = read_po(f, locale=language, domain=self.domain)
        except (OSError, ValueError) as exc:
            log.error("language %s: catalog %s cannot be read (%s); texts stay Chinese", language, path, exc)
            return {}
        return {m.id: m.string for m in po
                if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy}
