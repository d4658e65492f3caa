# SPDX-License-Identifier: Apache-2.0
"""The hub's citizen pages in Chinese or English (issue 13): the 工单查询 status page and the
手机上传 page a citizen opens on their own phone.

The same scheme as the kiosk (kiosk/i18n.py, docs/i18n.md), with the hub's own catalog: the
msgids are the Chinese texts, marked ``_("…")`` / ``N_("…")`` in helpdesk/, extracted with Babel
(helpdesk/locale/babel.cfg, scripts/i18n-update) into ``helpdesk/locale/en/LC_MESSAGES/helpdesk.po``
and read at run time with Babel's reader (no compile step). The hub imports nothing of the kiosk.

A page's language (:func:`language`): ``lang=zh|en`` in the address (the kiosk puts ``lang=en``
in the links an English session gives; the pages' 中文 / English switch sets it), else the
phone's ``Accept-Language`` (the first of zh / en it names by preference), else Chinese.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

from ehall_common.po_catalog import PoCatalogs


SOURCE = "zh"
LANGUAGES = ("zh", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "helpdesk"
HTML_LANG = {"zh": "zh-CN", "en": "en"}
SWITCH = {"zh": "中文", "en": "English"}        # each language named in itself, in both languages

_catalogs = PoCatalogs(LOCALE_DIR, DOMAIN, SOURCE)      # ehall_common/po_catalog.py


def N_(msgid: str) -> str:
    """Marks a text kept in a table; it is translated where it is shown."""
    return msgid


def po_path(language: str) -> Path:
    return _catalogs.path(language)


def catalog(language: str) -> dict[str, str]:
    """msgid → translation for ``language`` (read once; fuzzy and empty entries left out)."""
    return _catalogs.get(language)


def translator(language: str) -> Callable[[str], str]:
    """``_`` for one page in ``language``: the Chinese text when there is no translation."""
    table = catalog(language)

    def translate(msgid: str) -> str:
        return table.get(msgid, msgid) if msgid else msgid
    return translate


def language(request: Any) -> str:
    """The page's language: ``lang`` in the address, else Accept-Language, else Chinese."""
    asked = request.query.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return accepted(request.headers.get("Accept-Language", ""))


def accepted(header: str) -> str:
    """The first of zh / en an Accept-Language header prefers (``en-US,en;q=0.9`` → en)."""
    ranked = []
    for n, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and q > 0:
            ranked.append((-q, n, primary))
    return min(ranked)[2] if ranked else SOURCE


def long_date(day: dt.date, language: str) -> str:
    """A date as a reader of ``language`` writes it: 2026年12月11日, 11 December 2026."""
    if language == "en":
        from babel.dates import format_date
        return format_date(day, "d MMMM y", locale="en")
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


async def console_catalog(request: Any) -> Any:
    """``/console/en.js``: the English catalog for the staff console's pages, as a script
    (``window.EHALL_EN``, read by static/i18n.js before the page's own scripts run; a script from
    'self' passes the console's CSP, and no fetch has to finish before the first text is shown)."""
    import json

    from aiohttp import web
    body = "window.EHALL_EN = " + json.dumps(catalog("en"), sort_keys=True) + ";\n"
    return web.Response(text=body, content_type="application/javascript", charset="utf-8")
