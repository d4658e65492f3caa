# SPDX-License-Identifier: Apache-2.0
"""The kiosk's languages: Chinese (the source texts) and English, from gettext message catalogs.

Every text the kiosk itself writes is a Chinese msgid marked for extraction:

- ``_("请选择要办理的事项。")`` translates now, into the session's current language;
- ``N_("…")`` only marks a text kept in a table and translated where it is shown;
- ``N_("还剩 {n} 米", n=…)`` marks a composed text made in the core (a status line) and keeps
  its values: a :class:`Text` that reads as the Chinese text and is translated, values and all,
  where it is shown (``_(text)``). The core makes such lines without knowing who will read them.

In kv the same function is ``app._('…')``: an app property that changes with the language, so
every kv expression that uses it is evaluated again (screens/app.py). The catalogs are
``kiosk/locale/LANG/LC_MESSAGES/messages.po``, extracted and updated with Babel
(docs/i18n.md) and read at run time with Babel's reader, so a checkout needs no compile step.
A missing translation shows the Chinese text (a test checks that every marked text has one).

One citizen at a time: the language is the session's (kiosk/session.py sets it here and puts
it back to the default when the session ends). Nothing is read at import.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ehall_common.po_catalog import PoCatalogs


SOURCE = "zh"                      # the msgids are the Chinese texts
LANGUAGES = ("zh", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

_catalogs = PoCatalogs(LOCALE_DIR, DOMAIN, SOURCE)      # ehall_common/po_catalog.py
_current = SOURCE


class Text(str):
    """A marked text with its values, translated where it is shown (``_(text)`` or ``str(…)`` in
    Chinese). As a ``str`` it is the Chinese text, so the core's checks and the Chinese screen read
    it as before. A value that is itself a :class:`Text` or a marked text (a device's label) is
    translated too; any other value (a number, a code, a host) is shown as it is."""
    msgid: str
    params: dict[str, object]

    def __new__(cls, msgid: str, params: dict[str, object]) -> "Text":
        self = super().__new__(cls, _fill(msgid, params, SOURCE))
        self.msgid, self.params = msgid, params
        return self

    def render(self, language: str) -> str:
        try:
            return _fill(catalog(language).get(self.msgid, self.msgid), self.params, language)
        except (KeyError, IndexError, ValueError):   # a broken translation: the Chinese text, filled
            return str(self)


def _fill(template: str, params: dict[str, object], language: str) -> str:
    if not params:
        return template
    values = {k: (v.render(language) if isinstance(v, Text)
                  else catalog(language).get(v, v) if isinstance(v, str) else v) for k, v in params.items()}
    return template.format(**values)           # a bad template raises: Text.render falls back


def N_(msgid: str, **params: object) -> str:
    """Marks ``msgid`` for extraction; it is translated where it is shown. With ``params``: a
    :class:`Text` holding them (``N_("正在自检：{device}…", device=LABELS[name])``)."""
    return Text(msgid, params) if params else msgid


def po_path(language: str) -> Path:
    return _catalogs.path(language)


def catalog(language: str) -> dict[str, str]:
    """msgid → translation for ``language`` (read once; fuzzy and empty entries left out)."""
    return _catalogs.get(language)


def use(language: str) -> None:
    """Makes ``language`` the current one (the session calls this)."""
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}")
    _current = language


def current() -> str:
    return _current


def gettext(msgid: str, language: str | None = None) -> str:
    """``msgid`` in ``language`` (default: the current one); the Chinese text when untranslated."""
    if not msgid:
        return msgid
    if isinstance(msgid, Text):
        return msgid.render(language or _current)
    return catalog(language or _current).get(msgid, msgid)


_ = gettext


def translator(language: str) -> Callable[[str], str]:
    """A one-language ``_`` (the app's kv property holds the current one)."""
    table = catalog(language)

    def translate(msgid: str) -> str:
        if isinstance(msgid, Text):
            return msgid.render(language)
        return table.get(msgid, msgid) if msgid else msgid
    translate.language = language  # type: ignore[attr-defined]
    return translate
