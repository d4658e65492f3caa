# SPDX-License-Identifier: Apache-2.0
"""A bound for every Kivy cache the kiosk fills (issue 18; the budgets and figures: docs/memory.md).

Kivy registers its caches with no limit (kv.image, kv.atlas, kv.resourcefind, textinput.*) or a
large one (kv.texture and kv.shader: 1,000). The kiosk's own use is small and fixed (the counts after
300 sessions of bench/bench_soak.py are in docs/memory.md), so each gets a limit a few times that:
a bug that starts caching something per citizen then stops at the limit instead of growing all day.
Timeouts stay Kivy's (60 s unused, except kv.shader and the atlas/kv rule caches, which hold things
the screens use all the time). :func:`apply` runs once, before the screens are built.

Kivy's SDL2 text also keeps one open font (SDL_ttf, about 1.1 MB for Noto Sans SC) per font id, at
most 64, and the id is the size as written plus the bold and italic flags. SDL_ttf opens the file at
``int(font_size)`` and Kivy never sets a bold style on it, so ``20``, ``20.0`` and ``20.4``, bold or
not, drew with six open copies of the same font. :func:`share_open_fonts` makes the id what the font
is opened with (docs/memory.md has the counts).
"""
from __future__ import annotations

from kivy.cache import Cache

# category: (limit in entries, timeout in seconds or None, what one entry is)
BUDGETS: dict[str, tuple[int, float | None, str]] = {
    "kv.texture": (400, 60, "an image's texture (widgets' images, the keyboard's keys)"),
    "kv.image": (64, 60, "a decoded image file"),
    "kv.atlas": (8, None, "an image atlas (Kivy's default theme)"),
    "kv.resourcefind": (256, 60, "a resolved file path"),
    "kv.shader": (32, 3600, "a compiled shader's source"),
    "kv.graphics.texture": (32, None, "a texture Kivy keeps by name"),
    "kv.lang": (512, None, "a kv rule's class (one per rule name)"),
    "textinput.label": (256, 60, "the search field's rendered line"),
    "textinput.width": (2048, 60, "the width of a typed character at one size"),
}


def apply() -> None:
    """Re-registers each category with its bound (Kivy's own register: what it held is dropped,
    the next use fills it again). The modules that register these categories at import come
    first, so none of them registers again over the bound later."""
    import kivy.core.image  # noqa: F401  (kv.texture, kv.image, kv.atlas)
    import kivy.lang  # noqa: F401  (kv.lang)
    import kivy.resources  # noqa: F401  (kv.resourcefind)
    import kivy.uix.textinput  # noqa: F401  (textinput.*; the window is open by now)

    for category, (limit, timeout, _what) in BUDGETS.items():
        Cache.register(category, limit=limit, timeout=timeout)
    share_open_fonts()


def font_id(label) -> str:
    """The key of the open font a core label draws with: exactly what Kivy's SDL2 text passes to
    SDL_ttf (the file its bold/italic flags resolved to, the size as an int, underline and
    strikethrough, the only styles it sets on the font)."""
    o = label.options
    return f"{int(o['font_size'])}|{o['font_name_r']}|{bool(o['underline'])}|{bool(o['strikethrough'])}"


def share_open_fonts() -> None:
    """One open font per size Kivy's SDL2 text actually opens (nothing else uses the id)."""
    from kivy.core.text import Label as CoreLabel

    if CoreLabel.__name__ == "LabelSDL2":
        CoreLabel._get_font_id = font_id


def unbounded() -> list[str]:
    """Categories Kivy knows that have no limit (the leak test expects none)."""
    return sorted(c for c, spec in Cache._categories.items() if spec.get("limit") is None)
