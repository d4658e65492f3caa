# SPDX-License-Identifier: Apache-2.0
"""Helpers for the identity tests (imported by file name): state recorder, fresh cards, leak scans."""
from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import random
import stat
import threading
from pathlib import Path

from drivers.id_reader.card import CardType, IdCard
from drivers.id_reader.photo import make_test_wlt
from drivers.id_reader.textblock import id_check_char

from waiting import wait_recorded

CARD_PHOTO = "obama_2012_portrait_small.jpg"   # the "chip photo"; live frames are other photos of him
FRONTAL = "obama_2010_blue_room.jpg"
TURNED = "obama_2009_joint_session.jpg"
OTHER = "biden_2010_blue_room.jpg"


class States:
    """Records IdentityState snapshots; ``wait(pred)`` blocks until one matches."""

    def __init__(self, service):
        self.seen = []
        self._cond = threading.Condition()
        service.subscribe(self)
        self.seen.append(service.state)

    def __call__(self, state):
        with self._cond:
            self.seen.append(state)
            self._cond.notify_all()

    def steps(self):
        return [s.step.value for s in self.seen]

    def mark(self):
        return len(self.seen)

    def wait(self, predicate, timeout=10.0, since=0):
        if isinstance(predicate, str):
            value = predicate
            predicate = lambda s: s.step.value == value  # noqa: E731
        return wait_recorded(self._cond, lambda: self.seen[since:], predicate, timeout,
                             lambda: f"{self.steps()}; last {self.seen[-1]}")


def fresh_card(valid_until=None, seed=None) -> tuple[IdCard, dict[str, str]]:
    """A fictitious resident card whose name and number exist nowhere as code constants.

    Returns the card and the sha256 digests of its clear name and number: tests
    keep only the digests, so their own frames hold no clear value to find.
    """
    rng = random.Random(seed)
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
    first17 = "110000" + birth.strftime("%Y%m%d") + "".join(rng.choice("0123456789") for _ in range(3))
    number = first17 + id_check_char(first17)
    name = "测试" + "".join(rng.choice("甲乙丙丁戊己庚辛壬癸") for _ in range(2))
    card = IdCard(CardType.RESIDENT, name, "1", birth, number, dt.date(2020, 1, 1), valid_until,
                  nation_code="01", address="测试省测试市测试区样例路8号", authority="测试市公安局测试分局",
                  photo_wlt=make_test_wlt(7))
    digests = {"name": _digest(name), "number": _digest(number)}
    return card, digests


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def needles(card: IdCard) -> list[bytes]:
    """Byte forms of the clear name and number as they could land in a file."""
    out = []
    for text in (card.name, card.number):
        out += [text.encode("utf-8"), text.encode("utf-16-le")]
    return out


def live_strings_matching(digests: dict[str, str]) -> list[str]:
    """Which clear values (by digest) are still reachable from any gc-tracked object."""
    gc.collect()
    wanted = set(digests.values())
    lengths = {4, 18}
    found = set()
    for obj in gc.get_objects():
        try:
            refs = gc.get_referents(obj)
        except Exception:
            continue
        for ref in refs:
            if type(ref) is str and len(ref) in lengths and _digest(ref) in wanted:
                found.add(next(k for k, v in digests.items() if v == _digest(ref)))
    return sorted(found)


def files_containing(needle_bytes: list[bytes], roots: list[Path], since: float) -> list[str]:
    """Files under ``roots`` changed since ``since`` that contain any of the needles."""
    hits = []
    for root in roots:
        if not root.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                path = Path(dirpath) / name
                try:
                    st = os.lstat(path)      # regular files only: a FIFO or device node would block a read
                    if not stat.S_ISREG(st.st_mode) or st.st_mtime < since or st.st_size > 50_000_000:
                        continue
                    data = path.read_bytes()
                except OSError:
                    continue
                if any(n in data for n in needle_bytes):
                    hits.append(str(path))
    return hits


def live_bytes_containing(needle_list: list[bytes]) -> list[str]:
    """gc-tracked objects holding bytes/bytearray that contain a needle (the needle list itself excluded)."""
    gc.collect()
    mine = {id(needle_list)} | {id(n) for n in needle_list}
    found = []
    for obj in gc.get_objects():
        if id(obj) in mine:
            continue
        if type(obj) is bytearray and any(n in obj for n in needle_list):   # type(): a dead weakproxy
            found.append(f"bytearray({len(obj)})")                         # raises on isinstance()
        try:
            refs = gc.get_referents(obj)
        except Exception:
            continue
        for ref in refs:
            if type(ref) is bytes and id(ref) not in mine and len(ref) >= 8 and any(n in ref for n in needle_list):
                found.append(f"{type(obj).__name__} -> bytes({len(ref)})")
    return found


def load_by_path(name: str, path: Path):
    """The module at ``path`` under its own ``name`` (once): another folder's conftest or helper,
    which a plain import would confuse with this folder's."""
    import importlib.util
    import sys

    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
