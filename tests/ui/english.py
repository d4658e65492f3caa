# SPDX-License-Identifier: Apache-2.0
"""What an English session shows: every kiosk-made text without hanzi.

``leftover_chinese(ui, allowed)`` reads every shown label on the window (the screen, its bar,
the banners and the on-screen keyboard) and returns the runs of Chinese characters that are
not content: the catalogue's own texts, the hall's configured words, the citizen's masked
identity and the language switch's 中文 are allowed, and only because the caller names them.
"""
from __future__ import annotations

import re

CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
MARKUP = re.compile(r"\[/?[a-z]+(=[^\]]*)?\]")
SWITCH = "中文"          # the language button names Chinese in Chinese, in any language


def item_content(item) -> list[str]:
    """Every text of a catalogue item (its guide is the hall's content, kept in Chinese)."""
    out = [item.name, item.department, item.category, item.fee, item.phone, item.source,
           getattr(item, "location", ""), getattr(item, "legal_basis", "")]
    for many in (item.audience, item.channels, item.materials, item.steps, item.keywords, item.themes):
        out.extend(many)
    return [s for s in out if s]


def hall_words(config) -> list[str]:
    return [str(config[k]) for k in ("hall.name", "hall.opening_hours", "hall.desk_location", "hall.desk_hours")]


def shown_texts(root) -> list[str]:
    from kivy.core.window import Window
    from kivy.uix.label import Label

    out = []
    for top in [root] + [w for w in Window.children if w is not root]:
        for w in top.walk(restrict=True):
            if isinstance(w, Label) and w.text and w.opacity > 0 and w.width > 1 and w.height > 1 \
                    and not _hidden(w):
                out.append(w.text)
    return out


def _hidden(widget) -> bool:
    """A parent made invisible (opacity 0) or squeezed to nothing hides its labels too."""
    w = widget.parent
    while w is not None and w is not w.parent:
        if getattr(w, "opacity", 1) == 0 or getattr(w, "width", 1) <= 1 or getattr(w, "height", 1) <= 1:
            return True
        w = w.parent
    return False


def leftover_chinese(root, allowed: list[str]) -> list[tuple[str, str]]:
    """(run, label text) for each Chinese run that is not in one of the ``allowed`` texts."""
    corpus = "\n".join(list(allowed) + [SWITCH])
    bad = []
    for text in shown_texts(root):
        plain = MARKUP.sub("", text)
        for run in CJK_RUN.findall(plain):
            stripped = run.strip("\u3000（）【】“”、，。：；")
            if stripped and stripped not in corpus:
                bad.append((run, text[:80]))
    return bad


SMALLER = re.compile(r"\[size=\d+\].*?\[/size\]", re.S)


def cut_words(root) -> list[tuple[str, str]]:
    """(word, label text) for each word wider than its label's wrapping width: Kivy would cut
    it in the middle ("Departm / ents"). Smaller [size] runs are left out (measured too big)."""
    from kivy.core.window import Window
    from kivy.uix.label import Label

    bad = []
    for top in [root] + [w for w in Window.children if w is not root]:
        for w in top.walk(restrict=True):
            if not (isinstance(w, Label) and w.text and w.opacity > 0 and w.text_size and w.text_size[0]):
                continue
            if _hidden(w) or w.shorten or CJK_RUN.search(w.text):
                continue
            plain = MARKUP.sub("", SMALLER.sub("", w.text)) if w.markup else w.text
            core = w._label
            room = w.text_size[0] - (w.padding[0] + w.padding[2] if len(w.padding) == 4 else 2 * w.padding[0])
            for word in plain.split():
                if core.get_extents(word)[0] > room + 1:
                    bad.append((word, w.text[:60]))
    return bad
