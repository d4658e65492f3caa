# SPDX-License-Identifier: Apache-2.0
"""Cold start to the interactive home screen, and resident memory.

Run:  .venv/bin/python bench/bench_startup.py [--runs 5]

Each run starts ``ehall-kiosk --simulate --windowed`` in a fresh process on
software GL (SDL offscreen, Mesa llvmpipe) with the bundled catalogue and a
warm search cache, and stops it when the home screen's first frame is drawn
(ehall_kiosk/main.py: EHALL_KIOSK_EXIT_WHEN_READY). The baseline in the same run is
a bare Kivy app with one Chinese label: the floor of Kivy's own start-up here.
Targets (issue #2): ≤ 1.5 s to the home screen on 2 cores, RSS ≤ 250 MB.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = """
import os, sys
os.environ['KIVY_NO_ARGS'] = '1'
from kivy.core.text import LabelBase, DEFAULT_FONT
from pylopdf_fonts_zh_cn import sans_path
LabelBase.register(DEFAULT_FONT, str(sans_path()))
from kivy.app import App
from kivy.uix.label import Label
from kivy.core.window import Window
class A(App):
    def build(self):
        def flip(*a):
            Window.unbind(on_flip=flip)
            rss = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmRSS:')][0]
            print(f'ready rss_kb={rss}', flush=True); self.stop()
        Window.bind(on_flip=flip)
        return Label(text='政务e厅', font_size=60)
A().run()
"""


def one(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    for line in proc.stdout:
        if line.startswith("ready"):
            elapsed = time.perf_counter() - start
            rss = int(line.split("rss_kb=")[1])
            proc.wait(timeout=30)
            return elapsed, rss
    proc.wait(timeout=30)
    raise RuntimeError(f"{cmd[:3]} exited with {proc.returncode} before its first frame")


def series(name: str, cmd: list[str], env: dict[str, str], runs: int) -> None:
    one(cmd, env)                                  # warm-up: file cache, search index cache
    samples = [one(cmd, env) for _ in range(runs)]
    times = [t for t, _ in samples]
    rss = [r for _, r in samples]
    print(f"{name:34} median {statistics.median(times):.2f} s  (min {min(times):.2f}, max {max(times):.2f})"
          f"   RSS median {statistics.median(rss) / 1024:.0f} MB   n={runs}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", EHALL_KIOSK_EXIT_WHEN_READY="1",
               XDG_CACHE_HOME=str(Path(tempfile.gettempdir()) / "ehall-bench-startup"))
    env.pop("EHALL_KIOSK_CONFIG", None)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; software GL (SDL offscreen)")
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(BASELINE)
    try:
        series("baseline: bare Kivy, one label", [sys.executable, fh.name], env, args.runs)
    finally:
        os.unlink(fh.name)
    series("ehall-kiosk to the home screen", [sys.executable, "-m", "ehall_kiosk", "--simulate", "--windowed"],
           env, args.runs)


if __name__ == "__main__":
    main()
