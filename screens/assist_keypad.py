# SPDX-License-Identifier: Apache-2.0
"""A digits-only on-screen keypad (callback number, staff PIN, item number).

Three rows: 1–5, 6–0, then 删除 and 清空 (text captions: the CJK font has no ⌫).
``text`` holds what was typed, at most ``max_len`` digits.
"""
from __future__ import annotations

from kivy.factory import Factory
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import N_

ROWS = ("12345", "67890", (N_("删除"), N_("清空")))


class NumPad(BoxLayout):
    text = StringProperty("")
    max_len = NumericProperty(12)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.keys = {}
        for row in ROWS:
            line = Factory.NumRow()
            for caption in row:
                key = Factory.NumKey()
                key.caption = caption          # the kv rule made the property: app._(caption) shows
                key.bind(on_release=self._pressed)
                line.add_widget(key)
                self.keys[caption] = key
            self.add_widget(line)

    def _pressed(self, key) -> None:
        if key.caption == "删除":
            self.text = self.text[:-1]
        elif key.caption == "清空":
            self.text = ""
        elif len(self.text) < self.max_len:
            self.text += key.caption
