# SPDX-License-Identifier: Apache-2.0
"""The real kiosk process, full screen on simulated devices: however it stops (systemd's
SIGTERM, Ctrl-C, the ready hook) it closes its devices and leaves no temp files behind."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def ours(folder: Path) -> list[str]:
    """Temp entries our code makes (idr-sim-*, ehall-*), bar python-escpos' per-user cache."""
    return sorted(n for n in os.listdir(folder)
                  if n.startswith(("idr-sim-", "ehall-")) and not n.startswith("ehall-escpos-"))


def start_kiosk(tmp_path: Path, **env_extra: str) -> tuple[subprocess.Popen, Path, Path]:
    temp, log = tmp_path / "tmp", tmp_path / "kiosk.log"
    temp.mkdir()
    config = tmp_path / "kiosk.toml"
    config.write_text('[logging]\nlevel = "INFO"\n', encoding="utf-8")   # Kivy logs its main loop start
    env = {k: v for k, v in os.environ.items() if k not in ("KIVY_HOME", "EHALL_KIOSK_CONFIG")}
    env.update(TMPDIR=str(temp), SDL_VIDEODRIVER="offscreen", XDG_CACHE_HOME=str(tmp_path / "cache"), **env_extra)
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ehall_kiosk", "--config", str(config), "--simulate"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return proc, temp, log


def wait_for_main_loop(proc: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while "Start application main loop" not in log.read_text(errors="replace"):
        assert proc.poll() is None, "the kiosk exited early:\n" + log.read_text(errors="replace")
        assert time.monotonic() < end, "the kiosk did not start:\n" + log.read_text(errors="replace")
        time.sleep(0.1)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_in_kiosk_mode_closes_the_devices(tmp_path, sig):
    """GIVEN the kiosk full screen (it refuses window close requests) on simulated devices
    WHEN it gets SIGTERM (systemd's stop) or SIGINT THEN it exits 0 within seconds, and its
    ID-reader simulator folder and Kivy home are gone."""
    proc, temp, log = start_kiosk(tmp_path)
    try:
        wait_for_main_loop(proc, log)
        made = ours(temp)
        assert [n for n in made if n.startswith("idr-sim-")] and [n for n in made if n.startswith("ehall-kivy-")]
        proc.send_signal(sig)
        assert proc.wait(timeout=20) == 0, log.read_text(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert ours(temp) == []
    assert "Traceback" not in log.read_text(errors="replace")


def test_the_ready_hook_exit_closes_the_devices(tmp_path):
    """GIVEN EHALL_KIOSK_EXIT_WHEN_READY (bench/bench_startup.py) WHEN the kiosk stops by itself
    after its first frame THEN exit 0 and no temp files left."""
    proc, temp, log = start_kiosk(tmp_path, EHALL_KIOSK_EXIT_WHEN_READY="1")
    try:
        assert proc.wait(timeout=60) == 0, log.read_text(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "ready rss_kb=" in log.read_text(errors="replace")
    assert ours(temp) == []


def test_a_stop_signal_while_starting_exits_cleanly(tmp_path):
    """GIVEN the kiosk still starting (devices made, no window yet) WHEN SIGTERM comes
    THEN it exits 0 without a traceback and leaves no temp files."""
    proc, temp, log = start_kiosk(tmp_path)
    try:
        end = time.monotonic() + 60
        while not [n for n in ours(temp) if n.startswith("idr-sim-")]:
            assert proc.poll() is None and time.monotonic() < end, log.read_text(errors="replace")
            time.sleep(0.005)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0, log.read_text(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text(errors="replace")
    assert "Traceback" not in text
    assert ours(temp) == []


def test_systemd_hears_ready_then_watchdog_pings_from_the_main_loop(tmp_path):
    """The notify protocol against a socket of the test's own (as systemd would listen): READY=1 once
    the home screen is drawn, then WATCHDOG=1 at half of WATCHDOG_USEC, STOPPING=1 on the way out."""
    import socket
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(60)
    proc, _temp, log = start_kiosk(tmp_path, NOTIFY_SOCKET=path, WATCHDOG_USEC="400000")
    heard: list[str] = []
    try:
        while heard.count("WATCHDOG=1") < 3:
            heard.append(sock.recv(256).decode())
        assert heard[0] == "READY=1" and set(heard) == {"READY=1", "WATCHDOG=1"}, heard
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0, log.read_text(errors="replace")
        sock.settimeout(10)
        rest = [sock.recv(256).decode()]
        while rest[-1] == "WATCHDOG=1":            # pings sent before the stop, then STOPPING
            rest.append(sock.recv(256).decode())
        assert rest[-1] == "STOPPING=1", rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        sock.close()


def test_the_stop_waits_for_the_start_up_work(tmp_path):
    """GIVEN the core just started, its search warming up and its voice prompts rendering on threads
    of their own WHEN it stops at once THEN that work has ended by the time the stop returns (a thread
    still inside numpy's C++ code as the interpreter ends aborted the kiosk: std::terminate, exit -6,
    on a SIGTERM during start-up)."""
    from kiosk import config as config_mod
    from kiosk import wiring

    cfg = config_mod.load().with_overrides("(test)", **{"catalogue.cache_dir": str(tmp_path / "cache")})
    kiosk, watch = wiring.start(cfg)
    started = time.monotonic()
    wiring.stop(kiosk, watch)
    assert sorted(t.name for t in kiosk.background) == ["search-warm", "voice-warm"]
    assert [t.name for t in kiosk.background if t.is_alive()] == []
    voice = list((tmp_path / "cache" / "voice").glob("*"))
    assert len(voice) < 48, "the voice prompts were all rendered: the stop did not cut the warm-up short"
    print(f"stopped in {time.monotonic() - started:.2f} s with {len(voice)} prompts rendered")
