# SPDX-License-Identifier: Apache-2.0
"""The memory test of issue 16: after a session, no kiosk process holds the citizen's card in memory.

The kiosk's core runs as a process of its own (memscan_kiosk.py: session, identity service on a
serial:// reader, the real face engine); the SAM simulator with a fictitious card runs HERE, as a real
reader is outside the kiosk. The scan reads the child's /proc/PID/maps + /proc/PID/mem for the card's
name, number, address (UTF-8, UTF-16LE, GB18030, UCS-4) and a slice of its photo bytes:

* during the session (identified) it must find them: the control, so the scan cannot pass by
  looking at the wrong process;
* 5 s after the session ended (by 结束办理, 首页 → 结束并清除, the idle timeout, taking the card) it must
  find none. Run with ``-s`` to see the counts. (Until the reader read into one preallocated buffer,
  the wire bytes stayed in pyserial's and the deframer's freed blocks; now zero is required.)
"""
from __future__ import annotations

import dataclasses
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from idf_helpers import fresh_card
from memscan import forms, scan

from drivers.id_reader.photo import make_test_wlt
from drivers.id_reader.simulator import SimulatedIdReader

HERE = Path(__file__).resolve().parent
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="reading a non-dumpable process's memory needs root")


class Kiosk:
    def __init__(self, port: str):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, str(HERE / "memscan_kiosk.py"), port], cwd=HERE.parents[1],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        self.expect("ready")

    def expect(self, word: str) -> None:
        line = self.proc.stdout.readline().strip()    # blocks until the child answers (or dies)
        assert line == word, f"kiosk core said {line!r}, expected {word!r} (exit {self.proc.poll()})"

    def ask(self, cmd: str, word: str) -> None:
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        self.expect(word)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="module")
def rig():
    if not (HERE.parent / "fixtures" / "faces").is_dir():
        pytest.fail("the face fixtures are needed (tests/fixtures/faces)")
    with SimulatedIdReader(baud=115200) as sim:
        kiosk = Kiosk(sim.path)
        yield sim, kiosk
        kiosk.close()


ENCODINGS = ("utf8", "utf16le", "gb18030", "ucs4")


def card_needles(card) -> dict[str, list[bytes]]:
    """One needle per value and encoding ("number:utf16le"), so the counts say where copies are."""
    wlt = bytes(card.photo_wlt)
    out = {"photo:raw": [wlt[16:80]]}
    for field in ("name", "number", "address"):
        for enc, form in zip(ENCODINGS, forms(getattr(card, field))):
            out[f"{field}:{enc}"] = [form]
    return out


def by_value(hits: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, n in hits.items():
        out[key.split(":")[0]] = out.get(key.split(":")[0], 0) + n
    return out


@pytest.mark.parametrize("ending", ["end", "home_clear", "timeout", "removed"])
def test_idf_memory_holds_the_card_during_the_session_and_nothing_5_s_after(rig, ending):
    sim, kiosk = rig
    card, _digests = fresh_card(seed=random.randrange(1 << 30))
    # an address and photo of this session only (fresh_card's are constants the child imports too)
    card = dataclasses.replace(card, address="测试省" + "".join(random.choice("东南西北中") for _ in range(6)) + "路9号",
                               photo_wlt=make_test_wlt(random.randrange(1000, 1 << 30)))
    needles = card_needles(card)
    kiosk.ask("consent", "armed")
    sim.place_card(card)
    kiosk.ask("wait_identified", "identified")
    during_detail = scan(kiosk.proc.pid, needles)
    during = by_value(during_detail)
    if ending == "removed":
        sim.remove_card()
    kiosk.ask(ending, "ended")
    if ending != "removed":
        sim.remove_card()
    time.sleep(5)                    # the "5 s after the session ends", counted from its end
    after_detail = scan(kiosk.proc.pid, needles)
    after = by_value(after_detail)
    print(f"\n{ending}: during {during} after {after}\n  after, by encoding: "
          f"{ {k: n for k, n in after_detail.items() if n} }")
    assert all(during[k] > 0 for k in ("name", "number", "address")), f"control: {during}"
    assert sum(after.values()) == 0, f"after the session ({ending}): {after}"
