# SPDX-License-Identifier: Apache-2.0
"""语音播报 as the citizen hears it: after real taps, the audio simulator's record holds each
screen's prompt, not silent, cut by the next; the 语音 button in the bar turns it on and, while on,
opens its panel (音量 −/+ for the session, 关闭语音); nothing
is spoken in a helper call or for citizen data."""
from kivy.metrics import dp

from ui_kit import button, overflowing


def _voice_ui(make_ui, **overrides):
    from drivers import registry
    from kiosk.voice import Voice, VoiceGuide

    drv = make_ui(**overrides)
    audio = registry.create("audio", "audio", "sim://")
    registry.open_device(audio)
    drv.kiosk.devices["audio"] = audio
    drv.kiosk.voice = VoiceGuide(Voice(), audio, drv.kiosk.session, always=drv.kiosk.config["voice.always"])
    drv.app._sync_voice()
    drv.frames(2)
    return drv, audio


def test_every_screen_has_a_prompt_key(kivy_window):      # the window first: screens open it
    from kiosk.voice import PROMPTS
    from screens.app import SCREENS
    assert set(SCREENS) <= set(PROMPTS)
    assert "countdown" in PROMPTS


def test_large_text_speaks_each_screen_and_the_bar_turns_it_off(make_ui):
    drv, audio = _voice_ui(make_ui)
    home = drv.screen
    assert not drv.app.voice_on                              # normal text: quiet by default
    drv.tap(home.ids.tile_large)                             # large text turns the voice on
    assert drv.app.voice_on
    drv.tap(home.ids.tile_search)
    assert audio.wait_played(1, 20)
    key, seconds, peak = audio.played[-1]
    assert key == "search" and seconds > 1.0 and peak > 2000  # a real, audible prompt
    voice_btn = button(drv.screen, "语音 开")
    drv.screenshot("voice-on-in-bar")
    drv.tap(voice_btn)                                       # the panel: 音量 −/+, 关闭语音
    panel = drv.app.voice_panel
    drv.frames(2)
    assert panel.parent is not None and panel.level.text == "音量 80%"
    for btn in panel.buttons.values():                        # large targets, inside the panel
        assert btn.height >= dp(60) and btn.width >= dp(60)
    assert not overflowing(panel)
    drv.screenshot("voice-panel-large")
    count = len(audio.played)
    drv.tap(panel.buttons["up"])                              # louder: the prompt again, louder
    assert audio.wait_played(count + 1, 20) and panel.level.text == "音量 95%"
    louder = audio.played[-1]
    drv.tap(panel.buttons["down"])
    drv.tap(panel.buttons["down"])
    assert audio.wait_played(count + 3, 20) and panel.level.text == "音量 65%"
    softer = audio.played[-1]
    assert louder[0] == softer[0] == "search" and louder[2] > softer[2] * 1.3   # heard louder, then softer
    drv.tap(panel.buttons["off"])                             # off for this session
    drv.frames(2)
    assert panel.parent is None
    assert not drv.app.voice_on and audio.stopped >= 1
    count = len(audio.played)
    drv.kiosk.session.go("help")
    drv.frames(2)
    assert len(audio.played) == count                        # nothing more
    drv.kiosk.session.end("finished")                        # the next citizen: the default again
    drv.frames(2)
    assert not drv.app.voice_on and drv.kiosk.voice.choice is None
    assert drv.kiosk.voice.volume_percent == 80                # and the hall's level again


def test_always_on_speaks_home_and_a_call_is_quiet(make_ui):
    drv, audio = _voice_ui(make_ui, **{"voice.always": True})
    drv.kiosk.session.go("idcard")
    drv.frames(2)
    assert audio.wait_played(1, 20) and audio.played[-1][0] == "idcard"
    count = len(audio.played)
    drv.kiosk.voice.screen_shown("assist_call")
    drv.kiosk.voice.say("queue", "您前面还有两位")              # a changing prompt during the call: quiet
    assert len(audio.played) == count


def test_citizen_data_is_never_spoken(make_ui):
    import pytest

    from kiosk.voice import VoiceError
    drv, audio = _voice_ui(make_ui, **{"voice.always": True})
    for text in ("张*三，您好", "证件号码 370102199001011234", "电话 13800138000"):
        with pytest.raises(VoiceError):
            drv.kiosk.voice.voice.render(text)


def test_changing_prompts_are_spoken(make_ui):
    """The changing prompts (issue 13): a print's outcome (here no printer: the kiosk moves on to
    the QR code and says the outcome first, so the QR's instruction does not cut it), and each
    head turn the face check asks for (请向左转头), spoken as they change, audibly."""
    import numpy as np
    from drivers.audio.interface import read_wav, scaled
    from kiosk.voice import Voice

    drv, audio = _voice_ui(make_ui, **{"voice.always": True})
    item = next(i for i in drv.kiosk.catalogue.items if i.has_guide)
    drv.kiosk.session.go("item", id=item.id)
    drv.wait_until(lambda: not drv.app.manager.transition.is_active)
    assert audio.wait_played(1, 20) and audio.played[-1][0] == "item"
    count = len(audio.played)
    drv.tap(drv.screen.ids.print_btn)
    drv.wait_until(lambda: drv.app.manager.current == "qr" and bool(drv.app.root.notice), timeout=30)
    assert audio.wait_played(count + 1, 20) and audio.played[-1][0] == "qr"
    outcome = scaled(read_wav(Voice().render(drv.app.root.notice)), audio.volume).samples
    assert "打印" in drv.app.root.notice
    assert np.array_equal(audio.last.samples[:len(outcome)], outcome)    # the outcome, then the QR's words
    assert len(audio.last.samples) > len(outcome) + 20_000
    count = len(audio.played)
    drv.kiosk.session.go("face")
    drv.wait_until(lambda: not drv.app.manager.transition.is_active)
    assert audio.wait_played(count + 1, 20) and audio.played[-1][0] == "face"
    drv.screen.ib.turn = "left"                                 # the challenge asks for a turn
    assert audio.wait_played(count + 2, 20) and audio.played[-1][0] == "face_turn_left"
    drv.screen.ib.turn = "right"
    assert audio.wait_played(count + 3, 20) and audio.played[-1][0] == "face_turn_right"
    assert audio.played[-1][1] > 0.5 and audio.played[-1][2] > 2000
