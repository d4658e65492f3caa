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


def voice_ui(make_ui, **overrides):
    from drivers import registry
    from kiosk.voice import VoiceGuide

    drv = make_ui(**{"voice.always": True, **overrides})
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


def test_an_item_page_says_the_item_name_then_its_instruction(make_ui, tmp_path):
    """GIVEN a hall catalogue with N1 (an English name) and N2 (none) WHEN an English visitor opens
    each item's page THEN the prompt heard is the item's name (N1's English name in the English
    voice; N2's Chinese name in Mandarin), a pause, then the page's instruction in English; in
    Chinese the Chinese name. The played samples start with the name as the engine renders it."""
    import numpy as np
    from drivers.audio.interface import read_wav, scaled
    from kiosk.voice import Voice

    hall = tmp_path / "hall.csv"
    hall.write_text("id,name,department,name_en\nN1,居民身份证申领,公安局,Resident ID card application\n"
                    "N2,婚姻登记,民政局,\n", encoding="utf-8")
    drv, audio, voice = voice_ui(make_ui, **{"catalogue.path": str(hall)})
    if not drv.kiosk.voice.available:
        pytest.fail("espeak-ng is not installed: the voice cannot be checked (scripts/apt-packages.txt)")
    reference = Voice()

    def expected(name, name_lang, instruction, lang):
        first = scaled(read_wav(reference.render(name, name_lang)), audio.volume)
        then = scaled(read_wav(reference.render(instruction, lang)), audio.volume)
        return np.concatenate([first.samples, np.zeros(int(first.rate * 0.25), np.int16), then.samples])

    def heard(count):
        drv.wait_until(lambda: not drv.app.manager.transition.is_active)   # the page is up (taps reach it)
        assert audio.wait_played(count + 1, 30) and audio.played[-1][0] == "item"
        return audio.last.samples

    english = "This is the service guide. You can print it, or continue on your phone."
    drv.tap(drv.screen.ids.language_btn)
    assert audio.wait_played(1, 20)
    count = len(audio.played)
    drv.kiosk.session.go("item", id="N1")
    assert np.array_equal(heard(count), expected("Resident ID card application", "en", english, "en"))
    count = len(audio.played)
    drv.kiosk.session.go("item", id="N2")
    assert np.array_equal(heard(count), expected("婚姻登记", "zh", english, "en"))
    count = len(audio.played)
    drv.tap(button(drv.screen, "中文"))                   # Chinese: the name, then the Chinese instruction
    assert np.array_equal(heard(count), expected("婚姻登记", "zh", "这是办事指南。可以打印带走，或者用手机继续办理。", "zh"))
