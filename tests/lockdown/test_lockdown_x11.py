# SPDX-License-Identifier: Apache-2.0
"""The real kiosk process on a real X server with the kiosk window manager:
it fills the screen without decorations, and Escape, Alt+F4 and a close
request do not end it (xdotool sends them the way a keyboard would)."""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("Xvfb", "xdotool", "matchbox-window-manager", "xwininfo", "wmctrl")
pytestmark = pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS),
                                reason="needs " + ", ".join(TOOLS) + " (scripts/apt-packages.txt)")
W, H = 1280, 800


def _free_display() -> int:
    """A display number no X server uses (``-displayfd`` failed now and then under load)."""
    for number in range(140, 400):
        if not (Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists()):
            return number
    raise RuntimeError("no free X display number")


@pytest.fixture
def x_session(tmp_path):
    number = _free_display()
    xvfb = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", f"{W}x{H}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    display = f":{number}"
    env = dict(os.environ, DISPLAY=display, XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("SDL_VIDEODRIVER", None)
    end = time.monotonic() + 20
    while subprocess.run(["xwininfo", "-root"], env=env, capture_output=True).returncode != 0:
        assert time.monotonic() < end, "Xvfb did not accept connections"
        time.sleep(0.2)
    env.pop("EHALL_KIOSK_CONFIG", None)
    wm = subprocess.Popen(["matchbox-window-manager", "-use_titlebar", "no", "-use_cursor", "no"], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = [wm, xvfb]
    yield env, procs
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _kiosk_window(env, log, timeout=60.0):
    end = time.monotonic() + timeout
    tree = ""
    while time.monotonic() < end:
        out = subprocess.run(["xwininfo", "-root", "-tree"], env=env, capture_output=True, text=True)
        tree = out.stdout + out.stderr
        for line in tree.splitlines():          # SDL names the window in UTF-8 (_NET_WM_NAME)
            if '"政务e厅"' in line:
                return line.split()[0]
        time.sleep(0.3)
    raise AssertionError("the kiosk window did not appear:\n" + tree + "\n" + log.read_text())


def test_full_screen_and_no_way_out_by_keyboard(x_session, tmp_path):
    env, procs = x_session
    kiosk = subprocess.Popen([sys.executable, "-m", "ehall_kiosk", "--simulate"], env=env, cwd=ROOT,
                             stdout=open(tmp_path / "kiosk.log", "w"), stderr=subprocess.STDOUT)
    procs.insert(0, kiosk)
    window = _kiosk_window(env, tmp_path / "kiosk.log")
    time.sleep(1.5)                                    # first frames
    info = subprocess.run(["xwininfo", "-id", window], env=env, capture_output=True, text=True).stdout
    geometry = {k.strip(): v.strip() for k, v in
                (line.split(":", 1) for line in info.splitlines() if ":" in line)}
    assert geometry["Absolute upper-left X"] == "0" and geometry["Absolute upper-left Y"] == "0"
    assert (geometry["Width"], geometry["Height"]) == (str(W), str(H))
    attempts = [["xdotool", "key", "--window", window, key] for key in ("Escape", "alt+F4", "ctrl+q")]
    attempts.append(["wmctrl", "-i", "-c", window])    # the window manager's close request
    for attempt in attempts:
        subprocess.run(attempt, env=env, check=False, timeout=10)
        time.sleep(1.0)
        assert kiosk.poll() is None, f"the kiosk exited after {attempt}: " + (tmp_path / "kiosk.log").read_text()
    log = (tmp_path / "kiosk.log").read_text()
    assert "Traceback" not in log
