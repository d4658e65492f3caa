# SPDX-License-Identifier: Apache-2.0
"""The on-screen keyboard: dark captions on light keys (≥ 7:1 from the pixels), and in
large-text mode taller keys with captions ≥ 34 px."""
import pytest

from pixels import frame, text_contrast


def _keys(vk):
    layout = vk.available_layouts[vk.layout]
    for line in range(1, layout["rows"] + 1):
        keys = layout[f"{vk.layout_mode}_{line}"]
        for key, (pos, size) in zip(keys, vk.layout_geometry[f"LINE_{line}"]):
            x0, y0 = vk.to_parent(*pos)
            x1, y1 = vk.to_parent(pos[0] + size[0], pos[1] + size[1])
            yield key[0], (int(x0), int(y0), int(x1), int(y1))


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_keys_are_dark_on_light_and_grow_in_large_mode(ui, large):
    ui.kiosk.session.set_large_text(large)
    ui.kiosk.session.go("search")
    ui.frames(3)
    ui.wait_until(lambda: ui.keyboard() is not None and ui.keyboard().parent is not None)
    vk = ui.keyboard()
    ui.wait_until(lambda: vk.large == large)
    ui.frames(2)
    caption_px = vk.font_size * vk.scale
    key_h = min(r[3] - r[1] for _c, r in _keys(vk))
    if large:
        assert caption_px >= 34, caption_px
        assert key_h >= 80, key_h
    img = frame(ui.window)
    worst = min((text_contrast(img, rect, inset=6)[0], caption) for caption, rect in _keys(vk))
    assert worst[0] >= 7.0, f"key {worst[1]!r}: {worst[0]:.2f}:1"
    for key in "hz":
        ui.tap_key(key)
    assert ui.screen.ids.field.text.endswith("hz")
    ui.screenshot("large-search-keyboard" if large else "search-keyboard")


def test_the_enter_key_says_what_it_does_in_each_field(ui):
    """搜索 in the search field, 提问 in 问一问 (and in English: Search / Ask): never 搜索 where
    enter does not search (a page's form field says 确定: tests/ui/test_web_screen.py)."""
    from ui_kit import enter_key_text as _enter_key_text, ready_keyboard
    ui.kiosk.session.go("search")
    vk = ready_keyboard(ui)
    assert _enter_key_text(vk) == "搜索"
    ui.kiosk.session.home()
    ui.frames(2)
    ui.tap(ui.screen.ids.tile_ask)
    vk = ready_keyboard(ui)
    assert _enter_key_text(vk) == "提问"
    ui.screenshot("ask-keyboard-enter")
    ui.kiosk.session.set_language("en")
    ui.frames(2)
    assert _enter_key_text(ready_keyboard(ui)) == "Ask"
