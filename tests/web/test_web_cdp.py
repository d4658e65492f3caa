# SPDX-License-Identifier: Apache-2.0
"""The kiosk's browser talks to Chromium over Chromium's own DevTools pipe: no driver process
(no node.js) runs beside it, and the kiosk's runtime never loads Playwright. The pipe's framing
and its errors, on a pipe pair standing in for Chromium."""
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from portal import browser, portal, wait_for  # noqa: E402,F401 - fixtures

from drivers.browser.cdp import CdpError, Pipe  # noqa: E402
from kiosk.web import Allowlist  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _descendants(pid: int) -> dict[int, str]:
    """The command name of every process under ``pid``, by process id."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    names, todo = {}, list(children.get(pid, []))
    while todo:
        child = todo.pop()
        try:
            names[child] = Path(f"/proc/{child}/comm").read_text().strip()
        except OSError:
            continue
        todo += children.get(child, [])
    return names


def test_a_page_open_runs_chromium_only_and_no_driver_process(browser, portal):
    # the suite's own servers (CUPS, pcscd, PostgreSQL…) may already run under this process
    before = _descendants(os.getpid())
    browser.start_session(Allowlist(["http://127.0.0.1"]).check)
    browser.goto(portal.url)
    now = _descendants(os.getpid())
    browser.end_session()
    names = [name for pid, name in now.items() if before.get(pid) != name]
    assert names and "node" not in names
    assert all(name.startswith("chrom") for name in names), names


def test_a_frame_of_another_site_has_the_kiosks_functions_and_is_checked_by_its_own_address(browser, portal):
    """The frame runs in a renderer of its own (an auto-attached target): it has the kiosk's
    scripts like the page, and its camera ask is put to the allowlist with the frame's address
    (localhost is not on the list), so it gets a no without the citizen being asked; with
    localhost on the list the citizen is asked, naming the frame's host."""
    asks = []
    browser.start_session(Allowlist(["http://127.0.0.1"]).check)
    browser.show(lambda *_a: None, lambda *_a: None, 1280, 724, on_ask=lambda kind, text: asks.append(kind))
    browser.goto(portal.url + "framed")
    said = lambda: browser.evaluate("document.getElementById('said').textContent")  # noqa: E731
    wait_for(lambda: "camera:" in said())
    assert "bridge:function;" in said() and "camera:false;" in said() and asks == []
    assert any(kind == "iframe" for kind in targets(browser))
    browser.end_session()
    # with the frame's site on the list, the citizen is asked (and says no)
    browser.start_session(Allowlist(["http://127.0.0.1", "http://localhost"]).check)
    browser.show(lambda *_a: None, lambda *_a: None, 1280, 724, on_ask=lambda kind, text: asks.append((kind, text)))
    browser.goto(portal.url + "framed")
    wait_for(lambda: asks == [("camera", "localhost")])
    browser.answer(False)
    wait_for(lambda: "camera:false;" in said())
    browser.end_session()


def test_the_kiosks_runtime_never_loads_playwright():
    """The wiring's modules and the browser driver, imported and a session run in a fresh
    interpreter: Playwright is not among its modules."""
    code = ("import sys, drivers.browser.chromium, drivers.browser.view, kiosk.web, kiosk.web.service\n"
            "from drivers import registry\n"
            "d = registry.create('browser', 'b', 'chromium:///usr/bin/chromium'); registry.open_device(d)\n"
            "d.start_session(lambda u: None); d.goto('about:blank'); d.end_session(); d.close()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'playwright'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"


def targets(device) -> list[str]:
    """The types of Chromium's targets (its DevTools HTTP list)."""
    import urllib.request
    port = device.devtools_page().split(":")[2].split("/")[0]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as reply:
        return [t.get("type", "") for t in json.load(reply)]


class FakeChromium:
    """The other end of a pipe pair: reads the kiosk's commands, answers as the test says."""

    def __init__(self):
        self.to_kiosk_r, self.to_kiosk_w = os.pipe()
        self.from_kiosk_r, self.from_kiosk_w = os.pipe()
        self.pipe = Pipe(self.to_kiosk_r, self.from_kiosk_w)

    def command(self) -> dict:
        data = b""
        while not data.endswith(b"\0"):
            data += os.read(self.from_kiosk_r, 1)
        return json.loads(data[:-1])

    def write(self, *messages: dict, split: bool = False) -> None:
        data = b"".join(json.dumps(m).encode() + b"\0" for m in messages)
        for i in range(len(data)) if split else [None]:
            os.write(self.to_kiosk_w, data[i:i + 1] if split else data)


def test_the_pipe_matches_replies_to_commands_and_hands_events_to_their_handlers():
    chromium = FakeChromium()
    seen = []
    got = threading.Event()
    chromium.pipe.on("Page.loadEventFired", lambda params, session: (seen.append((params, session)), got.set()))
    first = chromium.pipe.post("Page.navigate", {"url": "https://a.example/"}, session="S1")
    second = chromium.pipe.post("Runtime.evaluate", {"expression": "1"})
    one, two = chromium.command(), chromium.command()
    assert (one["method"], one["sessionId"], one["params"]) == ("Page.navigate", "S1", {"url": "https://a.example/"})
    assert "sessionId" not in two and two["id"] != one["id"]
    # replies out of order, an event between them, the bytes split anywhere
    chromium.write({"id": two["id"], "result": {"v": 2}}, {"method": "Page.loadEventFired", "params": {"t": 1},
                                                          "sessionId": "S1"},
                   {"id": one["id"], "error": {"code": -32000, "message": "Cannot navigate"}}, split=True)
    assert second.result(5) == {"v": 2}
    with pytest.raises(CdpError, match="Cannot navigate"):
        first.result(5)
    assert got.wait(5) and seen == [({"t": 1}, "S1")]


def test_a_closed_pipe_fails_the_waiting_commands_and_says_so_to_the_handlers():
    chromium = FakeChromium()
    closed = threading.Event()
    chromium.pipe.on("Pipe.closed", lambda _p, _s: closed.set())
    waiting = chromium.pipe.post("Browser.getVersion")
    chromium.command()
    os.close(chromium.to_kiosk_w)                       # Chromium died
    with pytest.raises(CdpError):
        waiting.result(5)
    assert closed.wait(5)
    with pytest.raises(CdpError):
        chromium.pipe.send("Browser.getVersion", timeout=5)


def test_a_chromium_that_does_not_start_is_a_coded_error_and_leaves_no_folder(monkeypatch):
    """A binary that exits at once (no DevTools pipe): start_session raises the device's coded
    WEB_START_FAILED (the kiosk shows its fallback), the RAM profile it made is removed, the device
    stays usable. (The folders it makes are recorded: /dev/shm is shared with the suite's other
    workers, whose sessions come and go meanwhile.)"""
    import tempfile

    from drivers import registry
    from drivers.base import DeviceError, DeviceState
    made: list[str] = []
    mkdtemp = tempfile.mkdtemp

    def recorded(*args, **kwargs):
        made.append(mkdtemp(*args, **kwargs))
        return made[-1]
    monkeypatch.setattr(tempfile, "mkdtemp", recorded)
    dev = registry.create("browser", "browser", "chromium:///bin/false")
    registry.open_device(dev)
    assert dev.state is DeviceState.READY
    with pytest.raises(DeviceError) as raised:
        dev.start_session(lambda _url: None)
    assert raised.value.code == "WEB_START_FAILED" and dev.state is DeviceState.READY and dev.profile is None
    assert [Path(p).name.startswith("ehall-web-") for p in made] == [True]
    assert not [p for p in made if os.path.exists(p)]
    dev.close()
