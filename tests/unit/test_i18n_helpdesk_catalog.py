# SPDX-License-Identifier: Apache-2.0
"""The hub's English catalog (helpdesk/i18n.py): every text marked in helpdesk/ has an English
translation with the same placeholders and no hanzi, nothing stale; the citizen pages (工单查询,
手机上传) have no Chinese literal outside the catalog; a page's language follows ``lang``, then
Accept-Language, then Chinese."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from helpdesk import i18n
from test_i18n_catalog import CJK, chinese_literals, placeholders

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("helpdesk/status_page.py", "helpdesk/phone_upload.py")
# Chinese literals on those pages that are not shown as they are: the order categories the store
# keeps (keys of the page's table), the file names the kiosk gets
NOT_SHOWN = {"咨询", "求助", "投诉", "建议", "手机上传.pdf", "手机上传.jpg"}


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    with open(ROOT / "helpdesk" / "locale" / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    out: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords={"_": None, "N_": None, "T": None}):
        if isinstance(message, str) and message:
            out.setdefault(message, f"{filename}:{lineno}")
    assert len(out) > 40, "extraction found too few texts: is helpdesk/locale/babel.cfg still right?"
    return out


def test_every_marked_hub_text_has_an_english_translation(texts):
    english = i18n.catalog("en")
    missing = [f"{where}: {msgid!r}" for msgid, where in texts.items() if not english.get(msgid)]
    assert not missing, "untranslated (run scripts/i18n-update, then translate):\n" + "\n".join(missing)


def test_hub_translations_keep_placeholders_have_no_hanzi_and_none_is_stale(texts):
    english = i18n.catalog("en")
    bad = [f"placeholders differ: {m!r}" for m in texts if placeholders(english.get(m, "")) != placeholders(m)]
    bad += [f"hanzi: {m!r} → {english[m]!r}" for m in texts if CJK.search(english.get(m, ""))]
    bad += [f"stale: {m!r}" for m in sorted(set(english) - set(texts))]
    assert not bad, "\n".join(bad)


def test_no_unmarked_chinese_on_the_citizen_pages(texts):
    joined = "\n".join(texts)
    bad = [f"{page}:{line}: {value!r}" for page in PAGES for line, value in chinese_literals(ROOT / page)
           if value not in NOT_SHOWN and value not in joined]
    assert not bad, "mark these with _() / N_() (docs/i18n.md):\n" + "\n".join(bad)


class Request:
    def __init__(self, query=None, accept=None):
        self.query = query or {}
        self.headers = {"Accept-Language": accept} if accept is not None else {}


@pytest.mark.parametrize("query, accept, expected", [
    ({"lang": "en"}, "zh-CN,zh;q=0.9", "en"),
    ({"lang": "zh"}, "en-US", "zh"),
    ({"lang": "fr"}, "en-US,en;q=0.9", "en"),            # an unknown lang: the phone's language
    ({}, "en-US", "en"),
    ({}, "fr-FR,fr;q=0.9,en;q=0.8,zh;q=0.7", "en"),
    ({}, "zh-TW,en;q=0.5", "zh"),
    ({}, "en;q=0.3,zh-CN;q=0.8", "zh"),
    ({}, "de, en;q=0", "zh"),                           # q=0: not wanted
    ({}, "", "zh"), ({}, None, "zh"), ({}, "garbage;q=x,,", "zh"),
])
def test_a_pages_language(query, accept, expected):
    assert i18n.language(Request(query, accept)) == expected


def test_dates_read_naturally():
    import datetime as dt
    assert i18n.long_date(dt.date(2026, 12, 11), "en") == "11 December 2026"
    assert i18n.long_date(dt.date(2026, 12, 1), "zh") == "2026年12月01日"


# data the console sends, never shown from this literal: a callback's default note (the staff read it)
JS_DATA = {"已回电"}


JS_TOKENS = re.compile(r"""(?P<comment>//[^\n]*|/\*.*?\*/)|(?P<marked>\bT\(\s*)?(?P<literal>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)""", re.S)


def js_chinese_outside_t(source: str) -> list[tuple[int, str]]:
    """(line, literal) of each string or template literal with hanzi that is not T("…")'s msgid
    (comments skipped; the console's scripts have no regular expression literal with quotes)."""
    bad = []
    for m in JS_TOKENS.finditer(source):
        literal = m.group("literal")
        if literal and CJK.search(literal) and not (m.group("marked") and literal[0] != "`"):
            bad.append((source.count("\n", 0, m.start()) + 1, literal))
    return bad


def test_no_unmarked_chinese_in_the_console_scripts():
    """The console's scripts show Chinese only through T("…") (static/i18n.js): a new literal that
    would stay Chinese in English fails here."""
    bad = []
    for path in sorted((ROOT / "helpdesk" / "static").glob("*.js")):
        if path.name == "i18n.js":          # names the languages in themselves: 中文 / EN
            continue
        for line, value in js_chinese_outside_t(path.read_text(encoding="utf-8")):
            if value.strip("\"'") not in JS_DATA:
                bad.append(f"{path.relative_to(ROOT)}:{line}: {value}")
    assert not bad, "wrap these in T(\"…\") (docs/i18n.md):\n" + "\n".join(bad)
