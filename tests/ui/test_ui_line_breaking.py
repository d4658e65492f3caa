# SPDX-License-Identifier: Apache-2.0
"""避头尾 on every screen, in both text sizes: in every wrapping label or button that is drawn
(markup too: the home tiles' two sizes), no line starts with closing punctuation (，。、）…) and
none ends with opening punctuation. The lines checked are the ones Kivy laid out for the
texture, not the text that was set."""
import pytest

from ui_kit import visible_labels

ROUTES = [("home", {}), ("browse", {"by": "theme"}), ("browse", {"by": "department"}),
          ("list", {"by": "audience", "value": "个人", "page": 0}),
          ("search", {}), ("item", {"id": "SI-0049"}), ("item", {"id": "SI-0050"}),
          ("item", {"id": "SI-0001"}), ("qr", {"id": "SI-0001"}), ("consent", {}),
          ("identity_help", {}), ("help", {}), ("ask", {}), ("assist_consent", {})]


def drawn_lines(label):
    """The lines of ``label``'s texture as Kivy laid them out."""
    label.texture_update()
    lines = getattr(label._label, "_cached_lines", None) or []
    return ["".join(word.text for word in line.words) for line in lines]


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_no_drawn_line_breaks_the_chinese_line_rules(ui, large):
    from kiosk.typeset import breaks_rules

    ui.kiosk.session.set_large_text(large)
    checked, bad = 0, []
    for screen, params in ROUTES:
        if screen == "home":
            ui.kiosk.session.home()
        else:
            ui.kiosk.session.go(screen, **params)
        ui.frames(3)
        for label in visible_labels(ui.screen):
            if not label.text_size or not label.text_size[0]:        # labels and buttons that wrap
                continue
            lines = drawn_lines(label)
            if len(lines) > 1:
                checked += 1
                bad += [(screen, params, line) for line in breaks_rules(lines)]
    assert checked >= 4                       # the screens do have wrapping text to check
    assert not bad, bad


def test_the_rule_catches_a_label_kivy_wraps_by_itself(ui):
    """The check can fail: a plain Kivy label, given a width where a comma falls at a line start,
    shows the fault the typeset labels avoid."""
    from kivy.uix.label import Label

    from kiosk.typeset import breaks_rules
    from screens.widgets import BodyLabel

    text = "请正对摄像头，先向左转头，再向右转头、向上抬头，完成后请等待屏幕提示。"
    found = None
    for width in range(200, 700, 7):
        plain = Label(text=text, font_size=32, text_size=(width, None))
        if breaks_rules(drawn_lines(plain)):
            found = width
            break
    assert found is not None
    typeset = BodyLabel(text=text, font_size=32, width=found, text_size=(found, None))
    lines = drawn_lines(typeset)
    assert len(lines) > 1 and not breaks_rules(lines) and "".join(lines) == text
