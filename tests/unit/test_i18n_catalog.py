# SPDX-License-Identifier: Apache-2.0
"""The English catalog: every text marked in kiosk/ and screens/ (Python and kv) has a translation.

The texts are extracted here the way scripts/i18n-update does (Babel, kiosk/locale/babel.cfg), so a
text marked but not translated, or translated with its placeholders changed, fails.
"""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from kiosk import i18n
from kiosk.session import Session

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def marked() -> dict[str, str]:
    """msgid → where it is marked."""
    with open(ROOT / "kiosk" / "locale" / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    out = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords={"_": None, "N_": None, "tr": None}):
        if isinstance(message, str) and message:
            out.setdefault(message, f"{filename}:{lineno}")      # kv's app._ is found as _
    return out


@pytest.fixture(scope="module")
def texts():
    found = marked()
    assert len(found) > 250, "extraction found too few texts: is the map (babel.cfg) still right?"
    return found


def placeholders(text: str) -> tuple[list[str], list[str]]:
    braces = sorted(name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None)
    percents = re.findall(r"%[ds]", text)
    return braces, percents


def test_every_marked_text_has_an_english_translation(texts):
    english = i18n.catalog("en")
    missing = [f"{where}: {msgid!r}" for msgid, where in texts.items() if not english.get(msgid)]
    assert not missing, "untranslated (run scripts/i18n-update, then translate):\n" + "\n".join(missing)


def test_translations_keep_placeholders_and_have_no_hanzi(texts):
    english = i18n.catalog("en")
    bad = []
    for msgid in texts:
        text = english.get(msgid, "")
        if placeholders(text) != placeholders(msgid):
            bad.append(f"placeholders differ: {msgid!r} → {text!r}")
        if CJK.search(text):
            bad.append(f"hanzi in the English text: {msgid!r} → {text!r}")
    assert not bad, "\n".join(bad)


def test_the_catalog_has_no_stale_entries(texts):
    """Texts no longer marked anywhere are dropped (scripts/i18n-update does it)."""
    stale = sorted(set(i18n.catalog("en")) - set(texts))
    assert not stale, f"in the .po but marked nowhere: {stale}"


def test_gettext_follows_the_session_and_its_end():
    session = Session(60, 10, clock=lambda: 0.0)
    assert i18n.current() == "zh" and i18n.gettext("首页") == "首页"
    session.set_language("en")
    assert i18n.current() == "en" and i18n._("首页") == "Home"
    assert i18n.gettext("首页", "zh") == "首页"
    assert i18n.gettext("不在目录里的话") == "不在目录里的话"      # untranslated: the Chinese text
    session.end("timeout")
    assert session.language == "zh" and i18n.current() == "zh" and i18n._("首页") == "首页"


def test_the_configured_language_starts_each_session():
    session = Session(60, 10, clock=lambda: 0.0, language_default="en")
    assert i18n._("首页") == "Home"
    session.set_language("zh")
    session.end("finished")
    assert session.language == "en" and i18n.current() == "en"
    Session(60, 10, clock=lambda: 0.0)           # back to the default for the other tests
    with pytest.raises(ValueError):
        session.set_language("fr")


# Chinese literals in screens/ that are not shown as they are: route and mode keys, catalogue
# values compared against, log lines (for staff, in the journal).
NOT_SHOWN = {"个人", "法人", "拼音", "手写",
             "中文"}            # the language switch names Chinese in Chinese, in both languages


def chinese_literals(path: Path):
    """(line, value) of each string literal with hanzi that is neither a docstring nor a log line."""
    import ast
    import io
    import tokenize

    toks = [t for t in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
            if t.type not in (tokenize.COMMENT, tokenize.NL)]
    for n, tok in enumerate(toks):
        if tok.type != tokenize.STRING or not CJK.search(tok.string):
            continue
        before = toks[n - 1] if n else None
        after = toks[n + 1] if n + 1 < len(toks) else None
        if (before is None or before.type in (tokenize.INDENT, tokenize.DEDENT, tokenize.NEWLINE)) \
                and after is not None and after.type == tokenize.NEWLINE:
            continue                                           # a docstring
        if n >= 4 and toks[n - 4].string in ("log", "logger") and toks[n - 1].string == "(":
            continue                                           # log.error("…", …)
        try:
            value = ast.literal_eval(tok.string)
        except (ValueError, SyntaxError):
            value = tok.string                                 # an f-string: never a msgid
        yield tok.start[0], value


def test_no_unmarked_chinese_in_the_screens(texts):
    """Every Chinese text in screens/*.py and *.kv is marked for translation (or is a key that is
    never shown): a new literal that a screen would show untranslated fails here."""
    joined = "\n".join(texts)
    bad = []
    for path in sorted((ROOT / "screens").glob("*.py")) + sorted((ROOT / "screens").glob("*.kv")):
        for line, value in chinese_literals(path):
            if value in NOT_SHOWN or value in joined:        # a msgid, or a piece of one (implicit "a" "b")
                continue
            bad.append(f"{path.relative_to(ROOT)}:{line}: {value!r}")
    assert not bad, "mark these with _() / N_() / app._() (docs/i18n.md):\n" + "\n".join(bad)


def test_a_core_status_line_is_translated_where_it_is_shown():
    """N_(template, values) (kiosk/i18n.py): the core makes a line without knowing the reader's
    language; it reads as Chinese, and _() shows it in the current language, marked values too."""
    from kiosk.ops.admin import LABELS

    line = i18n.N_("{device}测试页没有打印出来（{code}）", device=LABELS["receipt_printer"], code="PRN_NO_PAPER")
    assert line == "小票打印机测试页没有打印出来（PRN_NO_PAPER）" and isinstance(line, str)
    assert i18n.gettext(line, "en") == "Receipt printer: the test page was not printed (PRN_NO_PAPER)"
    outer = i18n.N_("已重新加载：{what}", what=i18n.N_("事项目录 版本 {version}，{n} 项", version="abc", n=3))
    assert i18n.gettext(outer, "en") == "Reloaded: Item catalogue version abc, 3 items"
    assert i18n.translator("en")(outer) == i18n.gettext(outer, "en")
    assert i18n.gettext(outer, "zh") == "已重新加载：事项目录 版本 abc，3 项"
    assert i18n.N_("首页") == "首页" and type(i18n.N_("首页")) is str       # no values: the msgid itself


def test_a_broken_translation_of_a_status_line_shows_the_chinese_line_filled(monkeypatch):
    """A translation that names a value the line does not have must not show "{n}" or fail: the
    reader gets the Chinese line with its values."""
    line = i18n.N_("已重新加载：{what}", what="x")
    broken = dict(i18n.catalog("en"))
    broken["已重新加载：{what}"] = "Reloaded: {nothing}"
    monkeypatch.setitem(i18n._catalogs.loaded, "en", broken)
    assert i18n.gettext(line, "en") == "已重新加载：x"
