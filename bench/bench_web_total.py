# SPDX-License-Identifier: Apache-2.0
"""网上办 at the terminal: the whole terminal's memory with a form page open (issue 9's target:
the kiosk plus all its Chromium processes ≤ 700 MB).

Run:  xvfb-run -a -s "-screen 0 1280x800x24" env SDL_VIDEODRIVER=x11 \\
        .venv/bin/python bench/bench_web_total.py [--rounds R] [--flags "--extra --chromium --flags"]

The real Kivy app (as bench/bench_soak.py builds it, production GL settings) with the bundled
catalogue and Debian's chromium, against the local test portal (tests/web/portal.py). Each
round taps 网上办事 on the home screen through Kivy's input path, waits for the page to be
drawn on the kiosk, lets it settle, and sums the proportional set size (PSS: shared pages
split between the processes that share them, so the sum is what the terminal holds) of the
kiosk's process and every process under it (Chromium's; a node driver too, were there one). Then 结束办理
ends the session. The first round has a cold Chromium; later ones show whether a session leaves
anything behind. Baseline in the same run: the kiosk alone at its home screen before any page.
"""
from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "web"))
sys.path.insert(0, str(ROOT / "bench"))


from bench_web import descendants  # noqa: E402 - the kiosk's process and every process under it


def pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("Pss:")) / 1024
    except (OSError, StopIteration):
        return 0.0


def kind(pid: int) -> str:
    """kiosk, node (Playwright's driver), or Chromium's process type (browser, renderer, gpu, …)."""
    if pid == os.getpid():
        return "kiosk (Kivy app)"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            raw = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "?"
    if "node" in raw.split(" ", 1)[0]:
        return "node (Playwright's driver)"
    words = raw.split()
    sub = next((w.split("=", 1)[1] for w in words if w.startswith("--utility-sub-type=")), "")
    typ = next((w.split("=", 1)[1] for w in words if w.startswith("--type=")), "browser")
    return f"chromium {typ}" + (f" ({sub.split('.')[-2] if '.' in sub else sub})" if sub else "")


def smaps(pid: int) -> tuple[float, dict[str, float]]:
    """A process's private memory (MB) and its shared memory by mapped file (MB)."""
    private, shared, name = 0.0, collections.Counter(), ""
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                head = line.split(None, 1)[0]
                if "-" in head and not head.endswith(":"):           # a mapping's first line
                    parts = line.split(None, 5)
                    name = parts[5].strip() if len(parts) > 5 else f"[anon {pid}]"
                elif head in ("Private_Clean:", "Private_Dirty:"):
                    private += int(line.split()[1]) / 1024
                elif head in ("Shared_Clean:", "Shared_Dirty:"):
                    shared[name] += int(line.split()[1]) / 1024
    except OSError:
        pass
    return private, shared


def breakdown() -> tuple[float, float, dict[str, float]]:
    """PSS by process kind, and what the terminal holds on its own: each process's private
    memory plus every shared file counted once (its largest resident size in the tree). PSS
    alone depends on the machine: pages shared with unrelated processes (another Chromium, other
    Python programs) are split with them, so a busy machine makes the terminal look smaller."""
    parts: dict[str, float] = collections.Counter()
    private, shared = 0.0, collections.Counter()
    for p in descendants(os.getpid()):
        parts[kind(p)] += pss_mb(p)
        mine, by_file = smaps(p)
        private += mine
        for name, mb in by_file.items():
            shared[name] = max(shared[name], mb)
    return sum(parts.values()), private + sum(shared.values()), dict(parts)


def admin_config(portal_url: str) -> str:
    fd, path = tempfile.mkstemp(prefix="ehall-bench-web-", suffix=".toml")
    with os.fdopen(fd, "w") as f:
        f.write(f'[web]\nallowed_hosts = ["http://127.0.0.1"]\nportal_url = "{portal_url}"\n')
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--flags", default="", help="extra Chromium flags (to try a change)")
    args = ap.parse_args()
    if args.flags:
        import drivers.browser.chromium as chromium
        chromium.FLAGS = chromium.FLAGS + args.flags.split()

    from portal import Portal

    from bench_soak import build
    portal = Portal().start()
    admin = admin_config(portal.url)
    from kiosk import config as config_mod
    from kiosk import wiring

    def terminal(cfg, clock):
        """The core as ehall_kiosk.main wires it: the configured devices, identity, voice, the web."""
        mine = config_mod.load(admin).with_overrides(**{"catalogue.cache_dir": cfg["catalogue.cache_dir"]})
        return wiring.start(mine)[0]

    d = build(tempfile.mkdtemp(prefix="ehall-bench-web-cache-"), make_core=terminal)
    if d.kiosk.web is None:
        raise SystemExit("no web service: is Debian's chromium installed?")
    browser = d.kiosk.devices["browser"]
    d.until(lambda: browser.state.value in ("ready", "fault"), 30)   # opened on the devices' thread
    if browser.state.value != "ready":
        raise SystemExit(f"the browser is not ready: {browser.state} {browser.last_error}")
    d.app._on_route(d.app.ui, d.app.ui.route)        # home again, now offering 网上办事
    d.frames(4)
    _, home_own, _ = breakdown()
    totals, owns, firsts = [], [], []
    web = d.kiosk.web
    for n in range(args.rounds):
        t = time.perf_counter()
        d.tap(d.screen.ids.tile_portal)
        d.until(lambda: web.state.value == "open" and d.current() == "web"
                and d.screen.ids.page.texture is not None, 30)
        firsts.append(time.perf_counter() - t)
        end = time.monotonic() + 2.0                  # the form settled, frames keep coming
        while time.monotonic() < end:
            d.frames(1)
            time.sleep(0.02)
        total, own, parts = breakdown()
        totals.append(total)
        owns.append(own)
        print(f"round {n + 1}: terminal {own:.0f} MB on its own (private + shared once), {total:.0f} MB PSS",
              flush=True)
        for name, mb in sorted(parts.items(), key=lambda kv: -kv[1]):
            print(f"    {name:44s} {mb:7.1f} MB", flush=True)
        d.kiosk.session.end("finished")                # 结束办理's wipe, without the rating
        d.until(lambda: web.state.value != "open" and d.current() == "home", 30)
        d.frames(4)
    portal.stop()
    os.unlink(admin)
    print(f"kiosk alone at home before any page (baseline): {home_own:.0f} MB on its own")
    print(f"terminal with the form open (kiosk + Chromium + driver): p50 {statistics.median(owns):.0f} MB, "
          f"max {max(owns):.0f} MB on its own (target ≤ 700 MB); PSS p50 {statistics.median(totals):.0f} MB")
    print(f"tap 网上办事 → page drawn on the kiosk: p50 {statistics.median(firsts) * 1000:.0f} ms "
          f"(first, Chromium cold: {firsts[0] * 1000:.0f} ms)")
    print(f"rounds {args.rounds}, flags {args.flags or '(as shipped)'}, load average {os.getloadavg()[0]:.1f}")
    d.app.stop()


if __name__ == "__main__":
    try:
        main()
    except BaseException:               # Kivy sends stderr to its silenced log: say why here
        import traceback
        traceback.print_exc(file=sys.__stdout__)
        raise
