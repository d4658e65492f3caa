# SPDX-License-Identifier: Apache-2.0
"""网上办 at the terminal: 在本机办理 → first frame of the page on the kiosk (Chromium cold),
the memory of the kiosk's Chromium with a form page open, and the wipe at the session's end.

Run:  .venv/bin/python bench/bench_web.py [--rounds R]

Also 拍照上传: a made 1920×1080 document photo → the upload-ready page (target ≤ 1.5 s per page).

Through the kiosk's own service (kiosk/web) on Debian's chromium, against the local test
portal (tests/web/portal.py) on 127.0.0.1. Baseline in the same run: plain Playwright on the
same binary, launch + goto + one screenshot, with none of the kiosk's profile, guard,
screencast or fonts. Targets (issue 9): first paint p50 ≤ 1.5 s cold; kiosk + Chromium
≤ 700 MB with the form open; the wipe ≤ 1 s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "web"))

from portal import Portal  # noqa: E402

from kiosk import config as config_mod  # noqa: E402
from kiosk.devices import create  # noqa: E402
from kiosk.session import Session  # noqa: E402
from kiosk.web import WebService  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
    return total / 1024


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def baseline(url: str) -> float:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        ctx = pw.chromium.launch_persistent_context(folder, executable_path=CHROMIUM, headless=True,
                                                    args=["--no-sandbox", "--disable-gpu"])
        page = ctx.pages[0]
        page.goto(url, wait_until="domcontentloaded")
        page.screenshot()
        took = time.perf_counter() - t
        ctx.close()
    return took


def kiosk_round(web: WebService, session: Session, url: str) -> tuple[float, float, float]:
    got = threading.Event()
    web.frames.subscribe(lambda _w: got.set())
    t = time.perf_counter()
    web.open(url, 1280, 724)
    if not got.wait(30):
        raise SystemExit(f"no frame: {web.state} {web.message}")
    first = time.perf_counter() - t
    time.sleep(1.0)                                  # the form settled
    pss = rss_mb([p for p in descendants(os.getpid()) if p != os.getpid()])   # Chromium
    t = time.perf_counter()
    session.end("finished")                          # the wipe: Chromium ended, profile removed
    wipe = time.perf_counter() - t
    web.frames.unsubscribe(lambda _w: got.set())
    return first, pss, wipe


def capture_figures(rounds: int) -> str:
    """拍照上传: a 1920×1080 desk photo → the flattened, evened-out page as an upload-ready JPEG
    (2 MB limit); baseline: the raw frame straight to JPEG."""
    import io

    from docphoto import CORNERS, desk_photo
    from PIL import Image

    from kiosk.web.capture import document_page, to_jpeg

    frame = desk_photo(CORNERS)
    took, base = [], []
    for _ in range(max(3, rounds)):
        t = time.perf_counter()
        page, _found = document_page(frame)
        to_jpeg(page, 2048 * 1024)
        took.append(time.perf_counter() - t)
        t = time.perf_counter()
        Image.fromarray(frame).save(io.BytesIO(), format="JPEG", quality=88)
        base.append(time.perf_counter() - t)
    return (f"document capture → upload-ready JPEG (1920×1080): p50 {statistics.median(took) * 1000:.0f} ms, "
            f"max {max(took) * 1000:.0f} ms  (baseline, the raw frame to JPEG: {statistics.median(base) * 1000:.0f} ms)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    portal = Portal().start()
    cfg = config_mod.load().with_overrides(**{"web.allowed_hosts": ["http://127.0.0.1"]})
    session = Session(cfg["ui.idle_seconds"], cfg["ui.countdown_seconds"])
    device = create("browser", cfg.devices()["browser"])
    device.open()
    web = WebService(cfg, session, device)
    base, first, pss, wipe = [], [], [], []
    for _ in range(args.rounds):
        base.append(baseline(portal.url))
        f, p, w = kiosk_round(web, session, portal.url)
        first.append(f)
        pss.append(p)
        wipe.append(w)
    web.shutdown()
    device.close()
    portal.stop()
    load = os.getloadavg()[0]
    print(f"tap → first frame on the kiosk (Chromium cold): p50 {statistics.median(first) * 1000:.0f} ms, "
          f"max {max(first) * 1000:.0f} ms  (baseline, plain Playwright launch+goto+screenshot: "
          f"p50 {statistics.median(base) * 1000:.0f} ms)")
    print(f"Chromium (no driver process: the kiosk speaks DevTools on Chromium's pipe) with the form open: PSS p50 {statistics.median(pss):.0f} MB "
          f"(add the kiosk's own RSS, bench_startup.py, for the terminal's total)")
    print(f"wipe at session end (Chromium ended, RAM profile removed): p50 {statistics.median(wipe) * 1000:.0f} ms, "
          f"max {max(wipe) * 1000:.0f} ms")
    print(capture_figures(args.rounds))
    print(f"rounds {args.rounds}, load average {load:.1f}")


if __name__ == "__main__":
    main()
