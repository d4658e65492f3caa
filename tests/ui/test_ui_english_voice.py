# SPDX-License-Identifier: Apache-2.0
"""语音播报 in English: after the visitor taps English, each screen's prompt is rendered from the
English catalog with espeak-ng's en-us voice and played (audible); 中文 brings Mandarin back."""
from __future__ import annotations

import threading

import pytest
from ui_kit import button
from english import CJK_RUN

pytestmark = pytest.mark.ui


class RecordingVoice:
    """The real Voice, with a record of what it was asked to render (text, language)."""

    def __new__(cls):
        from kiosk.voice import Voice

        class _Recording(Voice):
            def __init__(self):
                super().__init__()
                self.rendered: list[tuple[str, str]] = []
                self._seen = threading.Lock()

            def render(self, text, lang="zh"):
                with self._seen:
                    self.rendered.append((text, lang))
                return super().render(text, lang)
        return _Recording()


def voice_ui(make_ui):
    from drivers import registry
    from kiosk.voice import VoiceGuide

    drv = make_ui(**{"voice.always": True})
    audio = registry.create("audio", "audio", "sim://")
    registry.open_device(audio)
    drv.kiosk.devices["audio"] = audio
    voice = RecordingVoice()
    drv.kiosk.voice = VoiceGuide(voice, audio, drv.kiosk.session, always=True)
    drv.app._sync_voice()
    drv.frames(2)
    return drv, audio, voice


def test_english_prompts_in_the_english_voice(make_ui):
    drv, audio, voice = voice_ui(make_ui)
    if not drv.kiosk.voice.available:
        pytest.fail("espeak-ng is not installed: the voice cannot be checked (scripts/apt-packages.txt)")
    drv.tap(drv.screen.ids.language_btn)                  # English: this screen's prompt, in English
    assert audio.wait_played(1, 20) and audio.played[-1][0] == "home"
    drv.tap(drv.screen.ids.tile_search)
    assert audio.wait_played(2, 20)
    key, seconds, peak = audio.played[-1]
    assert key == "search" and seconds > 1.0 and peak > 2000      # a real, audible prompt
    english = [(t, lang) for t, lang in voice.rendered if lang == "en"]
    texts = [t for t, _lang in english]
    assert "Type the name of a service, or its pinyin initials, to find it." in texts
    assert "Welcome to the government service hall. Tap a button on the screen to start." in texts
    assert not any(CJK_RUN.search(t) for t in texts)
    count = len(audio.played)
    drv.tap(button(drv.app.root, "中文"))                  # back: the screen's prompt in Mandarin
    assert audio.wait_played(count + 1, 20) and audio.played[-1][0] == "search"
    assert voice.rendered[-1] == ("请输入事项名称，或者拼音首字母，查找要办的事。", "zh")


def test_an_item_name_in_an_english_sentence_is_spoken_in_mandarin(make_ui):
    """A prompt that carries hanzi (an item's own name) cannot go to the English voice."""
    from kiosk.voice.guide import VoiceGuide
    assert VoiceGuide._voice_language("户口注销", "en") == "zh"
    assert VoiceGuide._voice_language("Please take your guide.", "en") == "en"
