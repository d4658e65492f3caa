# SPDX-License-Identifier: Apache-2.0
"""Soak: memory over a day of citizens (issue 18).

Run:  nice .venv/bin/python bench/bench_soak.py [--sessions 300] [--every 50] [--tracemalloc]
          [--identity-every 4] [--print-every 3] [--qr-every 4] [--web-every 4] [--call-every 4]

One kiosk process (this one), the real UI on software GL (SDL offscreen), the bundled catalogue,
taps through Kivy's input path (the UI tests' way). Each session is a citizen's mixed journey:
  - search: 办事指南 → types h, x → the first result → 首页
  - browse by theme or by department → the first group → 下一页 (where there is one) → the first item → 首页
  - large text on at the start and off at the end of every 5th session
  - 问一问 opened and left (a screen built for the session and dropped after it) in every 4th
  - with --qr-every N: 手机继续办理 (the item's QR code) and 返回, where the item has one
  - with --web-every N: 网上办事 instead of the item, the local portal's page in Chromium (helper
    processes: their PSS is printed apart, never in the RSS); the core is then the terminal's wiring
  - with --call-every N: 呼叫帮办 instead of the item, a video call with a helper on a local hub
    (the hub and the helper's Chromium in a process of their own), then 挂断
  - with --identity-every / --print-every: see bench/soak_rig.py
and every session ends as it does in the hall: the citizen walks away, the countdown shows, and
either it runs out (even sessions) or they tap 结束办理 (odd ones): the session's wipe runs each time.

Baseline in the same run: the same app on its home screen pumping as many frames (and idle ticks)
as a session does, with no taps, before the sessions. The difference is what citizens cost.

Columns, every --every sessions:
  RSS          VmRSS of this process (read before anything else the sample does)
  trimmed      VmRSS less what malloc_trim(0) (glibc) would return: free memory malloc holds
               (measured in a forked twin, so the run itself is never trimmed)
  in use/free  glibc mallinfo2: bytes malloc has handed out / holds free in its heap
  py heap      tracemalloc's traced bytes (with --tracemalloc; it slows the run and adds to malloc)
  py blocks    sys.getallocatedblocks(): live pymalloc blocks (cheap, always)
  tex/wid      live Kivy Texture objects / widgets the collector sees (start-up's are frozen as in
               the kiosk, so these are the ones made since, unless --no-freeze)
  caches       entries in each Kivy Cache category (kv.texture, kv.image, ...)
The figures for the table are RSS and the growth per 1,000 sessions after warm-up (the first
--warmup sessions). The issue's goals: ≤ 5 MB per 1,000 sessions, warm RSS ≤ 250 MB.
"""
from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import gc
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from soak_rig import Devices

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]     # also when loaded by path (tests/unit/test_bench_imports.py)

from soak_driver import Driver  # noqa: E402
W, H = 1280, 800

def production_config():
    """The kiosk's default config: the tests draw with the same GL settings as a hall's kiosk."""
    from kiosk import config as config_mod
    return config_mod.load()



class _MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
                 "uordblks", "fordblks", "keepcost")]


def _libc():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


LIBC = _libc()


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def mallinfo() -> tuple[float, float]:
    """(in use, free) in MB from glibc's mallinfo2; (nan, nan) elsewhere."""
    fn = getattr(LIBC, "mallinfo2", None)
    if fn is None:
        return float("nan"), float("nan")
    fn.restype = _MallInfo2
    mi = fn()
    return (mi.uordblks + mi.hblkhd) / 2**20, mi.fordblks / 2**20


def trimmed_rss() -> float:
    """RSS as a malloc_trim(0) would leave it, measured without trimming this process: a forked
    child (a copy-on-write twin) trims its copy and reports how much its RSS fell. Trimming here
    would change what the next sessions measure."""
    if LIBC is None or not hasattr(LIBC, "malloc_trim"):
        return float("nan")
    rss = rss_mb()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:                                  # the child: no threads, no Kivy calls
        try:
            before = rss_mb()
            LIBC.malloc_trim(0)
            os.write(write, f"{before - rss_mb():.3f}".encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as fh:
        released = float(fh.read() or "nan")
    os.waitpid(pid, 0)
    return rss - released


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def build(cache_dir: str, freeze: bool = True, make_core=None) -> Driver:
    """The app on the core ``make_core(config, clock)`` makes (default: the catalogue alone)."""
    from ehall_kiosk.main import kivy_environment
    kivy_environment()                  # as the kiosk starts: its Kivy settings (image providers)
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ["KIVY_NO_FILELOG"] = "1"
    os.environ["KIVY_USE_DEFAULTCONFIG"] = "1"
    os.environ.setdefault("KIVY_METRICS_DENSITY", "1")
    os.environ.setdefault("KIVY_DPI", "96")
    os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
    if "KIVY_HOME" not in os.environ:       # (setdefault would make the folder even when set)
        os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="ehall-soak-kivy-")
    from kivy.config import Config
    for k, v in {"width": W, "height": H, "borderless": 1, "position": "custom",
                 "left": 0, "top": 0, "maxfps": 0,
                 "multisamples": production_config()["ui.multisamples"]}.items():
        Config.set("graphics", k, str(v))
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "keyboard_mode", "systemanddock")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    from kivy.base import EventLoop
    from kivy.core.window import Window

    from kiosk import config as config_mod
    from kiosk.core import Kiosk
    from screens.app import KioskApp

    EventLoop.ensure_window()
    cfg = config_mod.load().with_overrides(**{"catalogue.cache_dir": cache_dir})
    clock = FakeClock()
    kiosk = (make_core or Kiosk.build)(cfg, clock=clock)
    app = KioskApp(kiosk, kiosk_mode=True)
    app._run_prepare()
    EventLoop.start()
    drv = Driver(app, Window, kiosk, clock)
    drv.frames(2)
    if freeze:                      # as ehall_kiosk/main.py does at the first frame
        from kiosk import memory
        memory.freeze_startup()
    return drv


def _first_item_from_browse(d: Driver, tile: str) -> None:
    d.tap(d.screen.ids[tile])
    assert d.current() == "browse", d.current()
    groups = list(reversed(d.screen.ids.groups.children))
    d.tap(groups[0])
    assert d.current() == "list", d.current()
    lst = d.screen
    if not lst.ids.next_btn.disabled:
        d.tap(lst.ids.next_btn)
    d.tap(list(reversed(lst.ids.rows.children))[0])


QR_SHOWN = [0]


def _item_journey(d: Driver, n: int, home, print_every: int, qr_every: int) -> None:
    """To an item's page (search or browse), its QR code (every --qr-every) and its printed guide
    (every --print-every)."""
    kind = n % 3
    if kind == 0:
        d.tap(home.ids.tile_search)
        for key in "hx":
            d.tap_key(key)
        d.tap(list(reversed(d.screen.ids.results.children))[0])
    else:
        _first_item_from_browse(d, "tile_theme" if kind == 1 else "tile_department")
    assert d.current() == "item", d.current()
    if qr_every and n % qr_every == 2 and d.screen.ids.qr_btn.get_root_window() is not None:
        d.tap(d.screen.ids.qr_btn)       # 手机继续办理: the item's QR code, then 返回 to the item
        assert d.current() == "qr", d.current()
        QR_SHOWN[0] += 1
        d.frames(2)
        d.tap(d.button(d.screen, "返回"))
        assert d.current() == "item", d.current()
    if print_every and n % print_every == 1 and "receipt_printer" in d.kiosk.devices:
        notice = d.app.root.notice
        d.tap(d.screen.ids.print_btn)    # 打印办事指南: to the TCP printer; the outcome on the screen
        d.until(lambda: d.app.root.notice != notice or d.current() != "item", 15)
        if d.current() != "item":
            d.kiosk.session.go("home")
            d.frames(3)
            assert d.current() == "home", d.current()


def session(d: Driver, n: int, rig: "Devices | None" = None, identity_every: int = 0,
            print_every: int = 0, qr_every: int = 0, web_every: int = 0, call_every: int = 0) -> None:
    """One citizen (see the module's docstring); every session ends with the wipe."""
    if rig is not None and identity_every and n % identity_every == 2:
        rig.identify(d)                  # identified first; 继续办理 leads back home, the banner shows
    home = d.screen
    assert d.current() == "home", d.current()
    ended_before = d.kiosk.session.ended_count
    large = n % 5 == 0
    if large:
        d.tap(home.ids.tile_large)
    if n % 4 == 1:                       # 问一问: a screen built for this session, dropped after it
        d.tap(home.ids.tile_ask)
        assert d.current() == "ask", d.current()
        d.tap(d.button(d.screen, "返回"))
        assert d.current() == "home", d.current()
        home = d.screen
    web_visit = rig is not None and rig.web is not None and web_every and n % web_every == 3
    call = rig is not None and rig.assist is not None and call_every and n % call_every == 1
    if web_visit:
        rig.web.visit(d)                 # 网上办事: the portal's page in Chromium, drawn on the kiosk
    elif call:
        rig.assist.call(d)               # 呼叫帮办: a video call with the helper, then 挂断
    else:
        _item_journey(d, n, home, print_every, qr_every)
        if d.current() == "item":
            d.tap(d.button(d.screen, "首页"))
    if d.kiosk.session.confirm_home:     # 首页 with an identity asks first: 继续办理 / 结束并清除
        d.kiosk.session.end("finished")
        d.frames(3)
    away = web_visit or call             # not back home by a tap: the session's end brings it there
    assert away or d.current() == "home", d.current()
    if large and not away and d.kiosk.session.ended_count == ended_before:
        d.tap(d.screen.ids.tile_large)
    if d.kiosk.session.ended_count > ended_before:
        return                           # 结束并清除 ended it already
    ended = d.kiosk.session.ended_count
    d.idle_for(d.kiosk.config["ui.idle_seconds"])                   # walks away: the countdown shows
    if n % 2:
        d.tap(d.button(d.app.overlay, "结束办理"))
    else:
        d.idle_for(d.kiosk.config["ui.countdown_seconds"] + 1)      # and runs out
    assert d.kiosk.session.ended_count == ended + 1, "the session did not end"
    assert d.current() == "home", d.current()


def idle_session(d: Driver) -> None:
    """The baseline's 'session': the frames and ticks a session pumps, on the home screen, no taps."""
    d.frames(40)
    d.app._tick(0)


def counts() -> dict[str, int]:
    from kivy.cache import Cache
    from kivy.graphics.texture import Texture
    from kivy.uix.widget import Widget

    gc.collect()
    tex = wid = 0
    for obj in gc.get_objects():
        try:
            if isinstance(obj, Texture):
                tex += 1
            elif isinstance(obj, Widget):
                wid += 1
        except ReferenceError:
            continue
    out = {"tex": tex, "wid": wid}
    for cat, objs in sorted(Cache._objects.items()):
        out[cat] = len(objs)
    return out


HEAD = (f"{'':10} {'sessions':>8} {'RSS':>7} {'trimmed':>8} {'in use':>7} {'free':>6} {'py heap':>8} "
        f"{'py blk':>8} {'tex':>5} {'wid':>5}  caches   (MB; load)")


def settle(d: Driver | None, seconds: float = 1.5) -> None:
    """Lets Kivy's pending real-time events run before a sample: the clock counts real time, and
    a tap leaves some for later. The results' ScrollView replays a tap to its rows and ends it
    0.2 s later (kivy/uix/scrollview.py _do_touch_up), holding the last tapped row until then; a
    ScrollView that scrolled or was laid out fades its bar 0.5 s later by an Animation of 0.5 s,
    and Kivy's running animations hold their widget, so a dropped screen (问一问's, with its
    question index) stays alive until it ends. A second's wait and five frames started that fade
    and counted it running; frames over 1.5 s of real time let it end, as it does in the hall."""
    if d is None:
        return
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        d.frames(1)
        time.sleep(0.02)
    d.frames(2)


def sample(label: str, n: int, traced: bool, d: Driver | None = None) -> tuple[float, float]:
    import tracemalloc
    settle(d)
    rss = rss_mb()                  # before the counting: its list of every object (~4 MB) stays in
    used, free = mallinfo()         # malloc's heap after it and added 1.3-2.9 MB to the RSS read
    trimmed = trimmed_rss()
    c = counts()
    heap = f"{tracemalloc.get_traced_memory()[0] / 2**20:8.1f}" if traced else f"{'-':>8}"
    caches = " ".join(f"{k}={v}" for k, v in c.items() if k not in ("tex", "wid"))
    print(f"{label:10} {n:8d} {rss:7.1f} {trimmed:8.1f} {used:7.1f} {free:6.1f} {heap} "
          f"{sys.getallocatedblocks():8d} {c['tex']:5d} {c['wid']:5d}  {caches}   "
          f"(load {os.getloadavg()[0]:.2f})", flush=True)
    return rss, trimmed


def per_thousand(points: list[tuple[int, float]]) -> str:
    """The least-squares slope of RSS over sessions, per 1,000 (one sample is noisy: the heap's
    live bytes swing by tens of MB from one session's end to the next)."""
    if len(points) < 2:
        return "n/a"
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if not sxx:
        return "n/a"
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx
    return f"{slope * 1000:+.1f} MB"


HEAVY = ("cv2", "escpos", "PIL", "qrcode", "pytest", "unittest")   # what the last line says was imported


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=300)
    ap.add_argument("--every", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=50, help="sessions before growth is counted")
    ap.add_argument("--baseline", type=int, default=100, help="idle 'sessions' before the citizens")
    ap.add_argument("--tracemalloc", action="store_true")
    ap.add_argument("--no-freeze", action="store_true",
                    help="leave start-up's objects to the collector (the kiosk freezes them)")
    ap.add_argument("--identity-every", type=int, default=0,
                    help="every Nth session starts with 身份核验 (card + face, the identity worker; 0: none)")
    ap.add_argument("--print-every", type=int, default=0,
                    help="every Nth session prints the item's guide on a TCP receipt printer (0: none)")
    ap.add_argument("--qr-every", type=int, default=0,
                    help="every Nth session shows the item's QR code (手机继续办理) where it has one (0: none)")
    ap.add_argument("--call-every", type=int, default=0,
                    help="every Nth session is a video call (呼叫帮办) with a helper on a local hub (0: none)")
    ap.add_argument("--web-every", type=int, default=0,
                    help="every Nth session is 网上办事: the local portal in Chromium (the terminal's wiring; 0: none)")
    args = ap.parse_args()
    if args.tracemalloc:
        import tracemalloc
        tracemalloc.start()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; software GL (SDL "
          f"{os.environ.get('SDL_VIDEODRIVER', 'offscreen')}); "
          f"MALLOC_ARENA_MAX={os.environ.get('MALLOC_ARENA_MAX', 'unset')}; "
          f"start-up objects {'left to the collector' if args.no_freeze else 'frozen (gc.freeze)'}")
    cache = tempfile.mkdtemp(prefix="ehall-soak-cache-")
    started = time.perf_counter()
    try:
        from soak_rig import Assist, Devices, Web, children, rss_of
        web = Web(ROOT) if args.web_every else None
        d = build(cache, freeze=not args.no_freeze, make_core=web.make_core if web else None)
        if web is not None:
            web.ready(d)
        assist = Assist(d, cache) if args.call_every else None
        rig = Devices(d, cache, bool(args.identity_every), bool(args.print_every), web, assist) \
            if args.identity_every or args.print_every or web or assist else None
        if rig is not None:
            import atexit
            atexit.register(rig.close)       # the printer's process goes with the soak, whatever happens
        print(HEAD)
        sample("start", 0, args.tracemalloc, d)
        for _ in range(args.baseline):
            idle_session(d)
        base = sample("baseline", args.baseline, args.tracemalloc, d)
        points: list[tuple[int, float]] = []
        trims: list[tuple[int, float]] = []
        for n in range(args.sessions):
            try:
                session(d, n, rig, args.identity_every, args.print_every, args.qr_every, args.web_every,
                        args.call_every)
            except BaseException:            # Kivy sends stderr to its (silenced) log: say it here
                import traceback
                traceback.print_exc(file=sys.__stdout__)
                print(f"soak: session {n} stopped on the {d.current()} screen", file=sys.__stdout__)
                raise
            done = n + 1
            if done % args.every == 0 or done == args.sessions:
                rss, trimmed = sample("sessions", done, args.tracemalloc, d)
                if done >= args.warmup:
                    points.append((done, rss))
                    trims.append((done, trimmed))
        if web is not None:
            n_helpers, helper_pss = web.helpers(exclude=rig.procs if rig else ())
            most = max(web.open_helpers, key=lambda h: h[1], default=(0, 0.0))
            print(f"网上办事 in {web.visits} sessions; the kiosk's helper processes (Chromium's; "
                  f"not in the RSS above): with a page open at most {most[0]} processes, PSS {most[1]:.1f} MB; "
                  f"now {n_helpers}, PSS {helper_pss:.1f} MB")
        if assist is not None:
            print(f"video calls (呼叫帮办) in {assist.calls} sessions; the hub and the helper's console ran in a "
                  f"process of their own")
            media = assist.service._media
            print(f"the call's media child (aiortc, PyAV; not in the RSS above): RSS in a call "
                  f"{max(assist.in_call, default=0.0):.1f} MB at most (last {assist.in_call[-1] if assist.in_call else 0:.1f}); "
                  f"the warm one waiting for the next call: {rss_of(media.child_pid):.1f} MB; "
                  f"{media.children} started (one per call, and one at start-up)")
        if args.qr_every:
            print(f"QR codes shown in {QR_SHOWN[0]} sessions (items with one)")
        if rig is not None:
            print(f"mix: 身份核验 every {args.identity_every or '-'}, printing every {args.print_every or '-'}; "
                  f"child processes alive now: {children(exclude=rig.procs)} (identity workers end with "
                  f"their session)")
            rig.close()
        print(f"warm RSS {points[-1][1] if points else float('nan'):.1f} MB (baseline, idle home: {base[0]:.1f} MB); "
              f"growth after {args.warmup} sessions: {per_thousand(points)} per 1,000 sessions "
              f"(after trims: {per_thousand(trims)}); {args.sessions} sessions in "
              f"{time.perf_counter() - started:.0f} s, load average {os.getloadavg()[0]:.2f}")
        heavy = [m for m in HEAVY if m in sys.modules]
        print(f"loaded in this process: {', '.join(heavy) or 'none'} of {', '.join(HEAVY)}")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
