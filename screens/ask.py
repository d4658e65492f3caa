# SPDX-License-Identifier: Apache-2.0
"""问一问: the citizen asks in their own words (typed with the kiosk keyboard: 拼音 or 手写) and
gets the hall's answers, best first: an FAQ answer in plain large text with its source in small
print and the items it relates to, or the matching service items (a tap opens the item).

Then 这个回答解决了您的问题吗？ 解决了 / 没解决; 没解决 offers 呼叫帮办 (or 找工作人员 when
remote assist cannot call) and 留言（工单） (screens/order.py) where work orders can be kept. The ranking is kiosk/consult (BM25 over the FAQ and the catalogue);
its index is built once per knowledge base in the background.
"""
from __future__ import annotations

import logging
import os
import threading
import time

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import BooleanProperty, NumericProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.utils import escape_markup

from kiosk import i18n
from kiosk.catalogue import shown_name
from kiosk.i18n import N_, _

from .search import HIGHLIGHT_MARKUP
from .theme import keyboard_size
from .widgets import KioskScreen

log = logging.getLogger(__name__)
HINT = N_("请用下方键盘输入您的问题（可用拼音或手写），例如“身份证丢了怎么办”，然后点“提问”。")
SHOWN = 5               # answers listed
MAX_CHARS = 200         # what the field takes; longer questions are cut (the ranker reads 500)

_indexes: dict[tuple, object] = {}     # (paths, catalogue, files' stat) → index; None while building
_latest: dict[tuple, object] = {}      # (paths, catalogue) → the newest index that built
_lock = threading.Lock()


def _stat(path: str) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return (st.st_mtime_ns, st.st_size)


def _keys(kiosk) -> tuple[tuple, tuple]:
    """(base, key): base names the knowledge base, the synonym table and the catalogue; key adds
    the files' modification times and sizes, so a knowledge base the admin replaced is a new key."""
    from kiosk.consult.ask import SYNONYMS
    from kiosk.consult.faq import BUNDLED
    cfg = kiosk.config
    faq, syn = cfg["consult.faq_path"] or str(BUNDLED), cfg["consult.synonyms_path"] or str(SYNONYMS)
    base = (faq, syn, kiosk.catalogue.digest)
    return base, base + (_stat(faq), _stat(syn))


def ask_index(kiosk):
    """The ask index for this kiosk's knowledge base and catalogue. A new or replaced knowledge
    base is built in a thread (the screen calls this between sessions, on each show); until it
    is ready the previous index answers (None only before the first one is ready). A knowledge
    base that cannot load keeps the last good one (logged); with none, the catalogue answers."""
    base, key = _keys(kiosk)
    with _lock:
        if _indexes.get(key) is not None:
            _latest[base] = _indexes[key]
            return _indexes[key]
        if key not in _indexes:
            _indexes[key] = None
            threading.Thread(target=_build, args=(kiosk, base, key), name="ask-index", daemon=True).start()
        return _latest.get(base)


def _build(kiosk, base, key) -> None:
    from kiosk.consult import AskIndex, FaqError, build_ask
    try:
        index = build_ask(kiosk.config, kiosk.catalogue.items)
    except FaqError as exc:
        with _lock:
            index = _latest.get(base)
        log.error("问一问 knowledge base unusable, %s: %s",
                  "the last good one answers" if index is not None else "answering from the catalogue only", exc)
        if index is None:
            index = AskIndex(None, kiosk.catalogue.items)
    except Exception:       # noqa: BLE001 - a thread's error must not leave 问一问 waiting forever
        log.exception("问一问 index could not be built")
        index = AskIndex(None, kiosk.catalogue.items)
    with _lock:
        _indexes[key] = index
        _latest[base] = index


def marked(title: str, spans) -> str:
    """The title as markup, the characters the question matched in colour and underlined."""
    out, last = [], 0
    for start, end in spans:
        out.append(escape_markup(title[last:start]))
        out.append(f"[color={HIGHLIGHT_MARKUP}][u]{escape_markup(title[start:end])}[/u][/color]")
        last = end
    out.append(escape_markup(title[last:]))
    return "".join(out)


def source_name(src: str) -> str:
    """One source as a citizen reads it: a law's name and its articles (github:…/名称.md 第十条 →
    名称 第十条), or a web page's site, with the saved copy's title when there is one."""
    import re
    from urllib.parse import urlsplit

    copy = re.search(r"\(copy:\s*([^)]*)\)", src)
    src = re.sub(r"\s*\(copy:[^)]*\)", "", src).strip()
    head, _sep, rest = src.partition(" ")
    if head.startswith(("http://", "https://")):
        host = urlsplit(head).hostname or head
        if copy:
            title = re.sub(r"^\d+_", "", copy.group(1).rsplit("/", 1)[-1].rsplit(".", 1)[0])
            return _("{title}（{host}）").format(title=title, host=host)
        return host
    name = head.rsplit("/", 1)[-1].removesuffix(".md") if "/" in head else head
    return f"{name} {rest}".strip()


def source_line(sources) -> str:
    """来源 in small print, every source of the answer."""
    return _("来源：{sources}").format(sources=_("；").join(source_name(s) for s in sources)) if sources else ""


class AnswerCard(BoxLayout):
    """One FAQ answer: the question (matched words marked), the answer, its related items and
    its sources."""

    question = StringProperty("")
    answer = StringProperty("")
    source = StringProperty("")


class AskScreen(KioskScreen):
    status = StringProperty(HINT)
    keyboard_height = NumericProperty(0)
    feedback = OptionProperty("none", options=["none", "asked", "solved", "unsolved"])
    preparing = BooleanProperty(False)
    last_ms = NumericProperty(0)        # question → answers on the screen, for the bench and the report
    _asked_at = 0.0
    _pending = None
    _question = ""                      # the last question asked, for 没解决 (wiped with the session)
    _offered: list = []
    _recorded = False
    can_order = BooleanProperty(False)  # 留言（工单） can be offered after 没解决

    def show(self, q: str = "", **params) -> None:
        from kivy.core.window import Window

        self.title = N_("问一问 · 用自己的话提问")
        kb_w, kb_h = keyboard_size(self.app.theme.large)
        self.keyboard_height = Window.width * kb_h / kb_w
        from .order import may_order
        self.can_order = may_order(self.kiosk)
        ask_index(self.kiosk)                       # starts building while the citizen types
        if not self._said:
            self.say(HINT)
        if q and q != self.ids.field.text:
            self.ids.field.text = q[:MAX_CHARS]

    def on_enter(self, *args) -> None:
        if self.feedback == "none":
            self.ids.field.focus = True

    def on_pre_leave(self, *args) -> None:
        self.release_keyboard()

    def release_keyboard(self) -> None:
        if "field" in self.ids:
            self.ids.field.focus = False

    def focus_input(self) -> None:
        self.ids.field.focus = True

    # -- asking ------------------------------------------------------------------------
    def ask(self) -> None:
        question = " ".join(self.ids.field.text.split())[:MAX_CHARS]
        if not question:
            self.say(N_("请先输入您的问题，再点“提问”。"))
            self.focus_input()
            return
        index = ask_index(self.kiosk)
        if index is None:                           # still building: answer as soon as it is there
            self.preparing = True
            self.say(N_("正在准备问答，请稍候…"))
            if self._pending is None:
                self._pending = Clock.schedule_interval(lambda _dt: self._retry(), 0.1)
            return
        self._asked_at = time.perf_counter()
        answers = index.ask(question, SHOWN)
        self._show_answers(index, question, answers)
        self.release_keyboard()
        self.last_ms = (time.perf_counter() - self._asked_at) * 1000

    def _retry(self):
        if ask_index(self.kiosk) is None:
            return None
        self._pending.cancel()
        self._pending = None
        self.preparing = False
        self.ask()
        return False

    def _show_answers(self, index, question: str, answers) -> None:
        box = self.ids.answers
        box.clear_widgets()
        self.ids.scroll.scroll_y = 1
        good = index.is_good(question, answers)
        if not answers:
            self.say((N_("没有找到与“{question}”相关的回答。"), {"question": question}))
        elif not good:
            self.say(N_("没有找到很合适的回答，下面是可能相关的内容："))
        else:
            self.say((N_("为您找到 {n} 条回答，最相关的在最前面："), {"n": len(answers)}))
        for answer in answers:
            box.add_widget(self._answer_widget(index, answer))
        self.feedback = "asked" if good else "unsolved"
        self._question, self._offered, self._recorded = question, [a.id for a in answers], False
        if not good:
            self._record("no_answer")

    def _answer_widget(self, index, answer):
        if answer.kind == "faq":
            faq = index.faq[answer.id]
            card = AnswerCard(question=self._faq_title(faq, answer), answer=escape_markup(faq.answer),
                              source=escape_markup(source_line(faq.sources)))
            for item_id in faq.related_items:
                item = self.kiosk.catalogue.by_id.get(item_id)
                if item is not None:
                    card.ids.related.add_widget(self._item_row(item.id, _("查看事项：{name}").format(name=escape_markup(shown_name(item)))))
            return card
        return self._item_row(answer.id, _("事项：{name}").format(name=self._item_name(answer)))

    @staticmethod
    def _faq_title(faq, answer) -> str:
        """An answer's question: in English the knowledge base's ``name_en`` where it has one, else
        the Chinese question marked "(in Chinese)"; in Chinese the question, matched characters marked."""
        title = marked(answer.title, answer.spans)
        if i18n.current() == i18n.SOURCE:
            return title
        return escape_markup(faq.name_en) if faq.name_en else _("{question}（中文）").format(question=title)

    def _item_name(self, answer) -> str:
        """An item answer's name (kiosk/catalogue.py shown_name): in English its name_en, or the
        Chinese name, matched characters marked, followed by "(Chinese name)"."""
        item = self.kiosk.catalogue.by_id.get(answer.id)
        name = marked(answer.title, answer.spans)
        if item is None or i18n.current() == i18n.SOURCE:
            return name
        return escape_markup(item.name_en) if item.name_en else _("{name}（中文名称）").format(name=name)

    def _item_row(self, item_id: str, text: str):
        row = Factory.RowButton(text=text)
        row.bind(on_release=lambda _b: self.session.go("item", id=item_id))
        return row

    # -- 解决了 / 没解决 ------------------------------------------------------------------
    def solved(self) -> None:
        self.feedback = "solved"
        self.say(N_("很高兴帮到您。还有其他问题可以继续提问。"))

    def unsolved(self) -> None:
        self.feedback = "unsolved"
        self.say(N_("抱歉没能帮到您。您可以请工作人员帮忙，或换个说法再问一次。"))
        self._record("unsolved")

    def _record(self, reason: str) -> None:
        """The question goes to the staff's list (masked, through the outbox) once; the status
        says so only when it was kept."""
        from kiosk.consult.unanswered import record

        if self._recorded or not self._question:
            return
        outbox = getattr(self.kiosk, "outbox", None)
        if record(outbox, self._question, self.kiosk.config["hall.terminal_id"], reason, self._offered):
            self._recorded = True
            self.say(*self._said, N_("您的问题已记录，工作人员会补充解答。"))

    def leave_message(self) -> None:
        """留言（工单） after 没解决: the question becomes the description, to be checked."""
        from .order import start
        start(self.kiosk, origin="ask", description=self._question)

    def ask_again(self) -> None:
        self.ids.field.text = ""
        self.ids.answers.clear_widgets()
        self.feedback = "none"
        self.say(HINT)
        self.focus_input()

    def wipe(self) -> None:
        self.release_keyboard()
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        self.preparing = False
        self._question, self._offered, self._recorded = "", [], False
        self.ids.field.text = ""
        self.ids.answers.clear_widgets()
        self.feedback = "none"
        self.say(HINT)

    # -- the status line, in the session's language ----------------------------------
    _said: tuple = ()

    def say(self, *parts) -> None:
        """The status line from msgids (or (msgid, fields) pairs), kept so a language switch
        says it again in the other language (:meth:`relabel`)."""
        self._said = parts
        self.status = "".join(_(p) if isinstance(p, str) else _(p[0]).format(**p[1]) for p in parts)

    def relabel(self) -> None:
        self.say(*(self._said or (HINT,)))
