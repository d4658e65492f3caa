# SPDX-License-Identifier: Apache-2.0
"""网上办事 and the kiosk's memory (issue 18, seventh round), in a fresh process each: the terminal's
wiring (``kiosk.wiring.start``) with Debian's chromium on the local test portal, driven by the
soak's taps (bench/soak_rig.py): 网上办事 on home → the page drawn on the kiosk → the citizen walks
away and the session's end wipes it.

- the page's frames are decoded without PIL (Kivy's SDL2_image loader): PIL is never imported;
- a web session leaves nothing behind: its screen is gone as soon as the session has ended (Kivy
  kept the page's text field, and the screen with it, until another field took the keyboard:
  screens/screen_set.py), and after several the live widgets and textures are no more than after
  the first (counts, not bytes)."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import gc, json, os, shutil, sys, tempfile, time, traceback
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/bench"]
import bench_soak as soak
from soak_rig import Devices, Web

def live():
    import screens.web
    c = soak.counts()
    c["web_screens"] = sum(type(o) is screens.web.WebScreen for o in gc.get_objects())
    return c

cache = tempfile.mkdtemp(prefix="ehall-test-web-mem-")
os.environ["KIVY_HOME"] = os.path.join(cache, "kivy")
web = Web(soak.ROOT)
rig = d = None
try:
    d = soak.build(cache, make_core=web.make_core)
    rig = Devices(d, cache, False, False, web, None)
    web.ready(d)
    out = {"pil_at_start": "PIL" in sys.modules, "after_web": [], "after": []}
    def settled():
        # Kivy's clock counts real time: a tap's pending events hold the last tapped row until
        # they run (the results' ScrollView replays a tap to its rows and ends it 0.2 s later:
        # kivy/uix/scrollview.py _do_touch_up), sooner or later with the machine's load; the
        # CI run once sampled before (194 widgets), once after (197). A second's wait lets every
        # one of them run first.
        time.sleep(1.0)
        d.frames(5)
        return live()
    for k in range(int(sys.argv[2])):
        # every round the same three citizens (the soak's journey depends on n mod 3, 4, 5 and 2):
        soak.session(d, 60 * k + 3, rig, web_every=4)    # 网上办事, ended by 结束办理
        out["after_web"].append(settled())               # no other text field has taken the keyboard yet
        soak.session(d, 60 * k + 4, rig)                 # browsing after it (no 问一问: n mod 4 != 1)
        soak.session(d, 60 * k + 6, rig)
        out["after"].append(settled())
    out["visits"] = web.visits
    out["pil"] = sorted(m for m in sys.modules if m == "PIL" or m.startswith("PIL."))
    print("RESULT " + json.dumps(out), file=sys.__stdout__, flush=True)
except BaseException:                  # Kivy sends stderr to its log: say it on stdout
    traceback.print_exc(file=sys.__stdout__)
    raise
finally:
    if d is not None and d.kiosk.devices.get("browser") is not None:
        d.kiosk.devices["browser"].close()          # Chromium and Playwright's driver end with it
    (rig or web).close()
    shutil.rmtree(cache, ignore_errors=True)
"""


def _run(sessions: int) -> dict:
    env = {**os.environ, "SDL_VIDEODRIVER": os.environ.get("SDL_VIDEODRIVER", "offscreen")}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT), str(sessions)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, (proc.stdout[-3000:], proc.stderr[-3000:])
    return json.loads(lines[-1][len("RESULT "):])


def test_web_sessions_load_no_pil_and_leave_nothing_behind():
    out = _run(4)
    assert out["visits"] == 4                    # the page was open and drawn each time
    assert not out["pil_at_start"]
    assert out["pil"] == []                      # frames decoded by Kivy's own loader
    for counts in out["after_web"]:
        assert counts["web_screens"] == 0, out["after_web"]     # dropped at the session's end
    # from the first browse sessions on, what is alive is what browsing built (the first web
    # session comes before them: only the start-up's screens, frozen, were there)
    first = out["after"][0]
    for counts in out["after_web"][1:] + out["after"][1:]:
        assert counts["web_screens"] == 0, out
        assert counts["wid"] <= first["wid"], out
        assert counts["tex"] <= first["tex"], out
