# SPDX-License-Identifier: Apache-2.0
"""语音播报 building blocks: espeak-ng renders prompts that are not silent, the hall's prompt pack
wins, citizen data is refused, and the audio device plays without blocking (sim) or says it is
silent (no sound card)."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from drivers import registry
from drivers.audio import read_wav, write_wav
from drivers.audio.interface import Sound
from drivers.base import DeviceState
from kiosk.voice import Voice, VoiceError

ROOT = Path(__file__).resolve().parents[2]


def _rms(wav: bytes) -> float:
    s = read_wav(wav).samples.astype(np.float64)
    return float(np.sqrt(np.mean(s ** 2))) if len(s) else 0.0


def test_a_prompt_is_rendered_and_audible():
    wav = Voice().render("请将身份证放在读卡区")
    sound = read_wav(wav)
    assert 1.0 < sound.seconds < 10.0 and _rms(wav) > 500        # speech, not silence (int16 RMS)


def test_english_prompts_too():
    assert _rms(Voice().render("Please place your ID card on the reader", "en")) > 500


@pytest.mark.parametrize("text", ["您的号码是370102199001011234", "张*三您好", "电话13912345678"])
def test_citizen_data_is_never_spoken(text):
    with pytest.raises(VoiceError):
        Voice().render(text)


def test_the_halls_recorded_prompt_wins_and_renders_are_cached(tmp_path):
    recorded = write_wav(Sound(16000, (np.sin(np.arange(16000) / 5) * 8000).astype(np.int16)))
    (tmp_path / "home.wav").write_bytes(recorded)
    voice = Voice(pack=tmp_path)
    assert voice.prompt("home", "欢迎使用") == recorded
    first = voice.prompt("consent", "请阅读并同意")
    assert voice.prompt("consent", "请阅读并同意") is first


def test_a_missing_engine_is_said():
    with pytest.raises(VoiceError) as info:
        Voice(engine="espeak-ng-missing").render("你好")
    assert "espeak-ng" in str(info.value)


def test_the_simulated_speaker_records_what_played_and_never_blocks():
    audio = registry.create("audio", "audio", "sim://")
    registry.open_device(audio)
    wav = Voice().render("欢迎使用政务e厅")
    audio.play(wav, "home")
    audio.volume = 0.0
    audio.play(wav, "home")
    assert audio.wait_played(2, 5)
    (key, seconds, peak), (_k, _s, quiet) = audio.played
    assert key == "home" and seconds > 1 and peak > 1000 and quiet == 0


def test_no_sound_card_is_absent_and_silent(tmp_path):
    from drivers.audio.alsa_backend import AlsaAudio
    from drivers.base import DeviceUri
    cards = tmp_path / "cards"
    cards.write_text("--- no soundcards ---\n")
    audio = AlsaAudio("audio", DeviceUri.parse("alsa://default"), cards=cards)
    audio.open()
    assert audio.state in (DeviceState.ABSENT, DeviceState.FAULT)      # FAULT when aplay itself is missing
    audio.play(Voice().render("你好"), "x")                          # silent, no error
    assert registry.create("audio", "audio", "bogus://").last_error.code == "AUD_BAD_URI"


def test_cli_say_writes_a_wav(tmp_path):
    out = tmp_path / "p.wav"
    run = subprocess.run([sys.executable, "-m", "ehall_kiosk", "say", "请取走您的办事指南", "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 0, run.stderr
    assert _rms(out.read_bytes()) > 500
    bad = subprocess.run([sys.executable, "-m", "ehall_kiosk", "say", "370102199001011234", "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert bad.returncode != 0 and "citizen data" in bad.stderr and "Traceback" not in bad.stderr


def test_rendered_prompts_are_kept_within_a_bound(monkeypatch):
    from kiosk.voice import tts
    voice = Voice()
    monkeypatch.setattr(voice, "render", lambda text, lang="zh": text.encode())
    for n in range(tts.MAX_CACHED_PROMPTS + 10):
        voice.prompt(f"p{n}", f"第{n}条")
    voice.prompt("p10", "第10条")                        # used again: kept as the newest
    assert len(voice._cache) == tts.MAX_CACHED_PROMPTS
    assert ("p10", "第10条") in voice._cache and ("p0", "第0条") not in voice._cache


def test_rendered_prompts_are_kept_as_files_in_the_store_not_in_memory(tmp_path, monkeypatch):
    """The kiosk's voice keeps its renders in its cache folder (issue 18: 48 WAVs were 12 MB of the
    kiosk's resident size); a restart finds them again; the folder keeps the same bound."""
    from kiosk.voice import tts
    rendered = []

    def render(text, lang="zh"):
        rendered.append(text)
        return f"RIFF{text}".encode()

    store = tmp_path / "voice"
    voice = Voice(store=store)
    monkeypatch.setattr(voice, "render", render)
    assert voice.prompt("home", "欢迎使用") == "RIFF欢迎使用".encode()
    assert voice.prompt("home", "欢迎使用") == "RIFF欢迎使用".encode()
    assert rendered == ["欢迎使用"]                                  # rendered once
    assert [f.read_bytes() for f in store.glob("*.wav")] == ["RIFF欢迎使用".encode()]
    assert not any(isinstance(kept, bytes) for kept in voice._cache.values())   # no WAV in memory

    again = Voice(store=store)                                        # the next start of the kiosk
    monkeypatch.setattr(again, "render", render)
    assert again.prompt("home", "欢迎使用") == "RIFF欢迎使用".encode()
    assert rendered == ["欢迎使用"]                                  # not rendered again
    english = Voice(store=store)
    monkeypatch.setattr(english, "render", render)
    english.prompt("home", "Welcome", "en")
    assert rendered == ["欢迎使用", "Welcome"]

    for n in range(tts.MAX_CACHED_PROMPTS + 10):
        voice.prompt(f"p{n}", f"第{n}条")
    assert len(voice._cache) == tts.MAX_CACHED_PROMPTS
    assert len(list(store.glob("*.wav"))) <= tts.MAX_CACHED_PROMPTS + 2    # + the other two voices' own
    Voice(store=store)                                                # a start prunes to the bound
    assert len(list(store.glob("*.wav"))) <= tts.MAX_CACHED_PROMPTS


def test_what_a_citizen_looked_at_never_reaches_the_store(tmp_path, monkeypatch):
    """A subject said with a screen's prompt (an item's name: what a citizen looked at) is rendered
    and played but never written to the disk; the fixed prompt beside it is."""
    store = tmp_path / "voice"
    voice = Voice(store=store)
    monkeypatch.setattr(voice, "render", lambda text, lang="zh": f"RIFF{text}".encode())
    assert voice.prompt("item:subject", "居住证办理") == "RIFF居住证办理".encode()
    assert voice.prompt("item", "这是办事指南") == "RIFF这是办事指南".encode()
    assert [f.read_bytes() for f in store.iterdir()] == ["RIFF这是办事指南".encode()]
    assert voice.prompt("item:subject", "居住证办理") == "RIFF居住证办理".encode()   # kept, in memory


def test_a_store_that_cannot_be_made_keeps_prompts_in_memory(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    voice = Voice(store=tmp_path / "file" / "voice")                   # under a file: cannot be made
    monkeypatch.setattr(voice, "render", lambda text, lang="zh": text.encode())
    assert voice.store is None and voice.prompt("home", "欢迎") == "欢迎".encode()
