# SPDX-License-Identifier: Apache-2.0
"""Voice prompts: time to render with espeak-ng (the time to first sound when a prompt is not
pre-rendered), the real-time factor, and a cached prompt's cost.

Run:  .venv/bin/python bench/bench_voice.py [--rounds R]

Baseline in the same run: the cached prompt (what a pre-rendered prompt costs). Target
(issue 13): screen shown → first audio sample p50 ≤ 300 ms with TTS.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.audio import read_wav  # noqa: E402
from kiosk.voice import Voice  # noqa: E402

PROMPTS = ["欢迎使用政务e厅，请点击屏幕开始办理", "请将身份证放在读卡区", "请正对摄像头，向左转头",
           "请在出纸口取走您的办事指南", "您还需要办理其他事情吗？三十秒后将返回首页", "正在为您接通帮办人员，请稍候"]


def screen_to_sound(rounds: int) -> tuple[float, float]:
    """What a citizen waits for: the screen's prompt asked for → the audio device playing it,
    before and after the fixed prompts are pre-rendered (the kiosk pre-renders them at start)."""
    from drivers import registry
    from kiosk.session import Session
    from kiosk.voice import PROMPTS, VoiceGuide

    audio = registry.create("audio", "audio", "sim://")
    registry.open_device(audio)
    guide = VoiceGuide(Voice(), audio, Session(90, 20), always=True)
    screens = [name for name, prompt in PROMPTS.items() if prompt is not None]

    def once() -> list[float]:
        took = []
        for name in screens:
            count = len(audio.played)
            t = time.perf_counter()
            guide.screen_shown(name)
            audio.wait_played(count + 1, 20)
            took.append((time.perf_counter() - t) * 1000)
        return took
    cold = once()
    guide.warm()
    warm = [v for _ in range(rounds) for v in once()]
    return statistics.median(cold), statistics.median(warm)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    voice = Voice()
    render, rtf, cached = [], [], []
    for _ in range(args.rounds):
        for text in PROMPTS:
            t = time.perf_counter()
            wav = voice.render(text)
            took = time.perf_counter() - t
            render.append(took * 1000)
            rtf.append(took / read_wav(wav).seconds)
    for text in PROMPTS:
        voice.prompt(text[:8], text)
    for _ in range(args.rounds):
        for text in PROMPTS:
            t = time.perf_counter()
            voice.prompt(text[:8], text)
            cached.append((time.perf_counter() - t) * 1000)
    shown_cold, shown_warm = screen_to_sound(args.rounds)
    print(f"screen shown → first sample played (VoiceGuide, simulated speaker): cold p50 {shown_cold:.0f} ms, "
          f"pre-rendered p50 {shown_warm:.0f} ms")
    rss = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS")) // 1024
    print(f"espeak-ng (cmn) render = time to first sound: p50 {statistics.median(render):.0f} ms, "
          f"max {max(render):.0f} ms; real-time factor {statistics.median(rtf):.3f}; "
          f"pre-rendered prompt: p50 {statistics.median(cached):.3f} ms; bench RSS {rss} MB")


if __name__ == "__main__":
    main()
