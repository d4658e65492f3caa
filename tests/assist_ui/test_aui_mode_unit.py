# SPDX-License-Identifier: Apache-2.0
"""kiosk.assist_mode without Kivy: PIN hashes, lockout, inactivity, the audit lines."""
import logging

import pytest

from kiosk import assist_mode as am
from kiosk import config as config_mod
from kiosk.session import Session


class Clock:
    def __init__(self):
        self.now = 500.0

    def __call__(self):
        return self.now


def _entries():
    return [f"W01:{am.hash_pin('135790', log2_n=4)}", f"W02:{am.hash_pin('2468', log2_n=4)}"]


@pytest.fixture
def mode(tmp_path):
    clock = Clock()
    cfg = config_mod.load().with_overrides(**{"assist.staff_pins": _entries(),
                                              "assist.audit_log": str(tmp_path / "audit.log")})
    session = Session(90, 20, clock=clock)
    m = am.AssistMode(cfg, session, clock)
    m.test_clock, m.test_audit = clock, tmp_path / "audit.log"
    return m


def test_hash_is_salted_and_verifies():
    """GIVEN a PIN hashed twice THEN the hashes differ, both verify, and other PINs do not."""
    a, b = am.hash_pin("2468", log2_n=4), am.hash_pin("2468", log2_n=4)
    assert a != b and a.startswith("scrypt$4$8$1$") and "2468" not in a
    assert am.verify_pin("2468", a) and am.verify_pin("2468", b)
    assert not am.verify_pin("2469", a) and not am.verify_pin("", a)


def test_pbkdf2_and_malformed_hashes():
    """GIVEN a pbkdf2 hash made by a plain Python one-liner THEN it verifies; junk never matches."""
    import base64
    import hashlib
    salt = b"0123456789abcdef"
    digest = hashlib.pbkdf2_hmac("sha256", b"8642", salt, 1000)
    stored = f"pbkdf2_sha256$1000${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    assert am.verify_pin("8642", stored) and not am.verify_pin("8641", stored)
    for junk in ("8642", "scrypt$x", "md5$aa$bb", "pbkdf2_sha256$1$!!$??"):
        assert not am.verify_pin("8642", junk)


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "１２３４"])
def test_bad_pins_are_refused_by_hash_pin(pin):
    with pytest.raises(ValueError):
        am.hash_pin(pin, log2_n=4)


def test_config_refuses_clear_pins(tmp_path):
    """GIVEN an admin file with a clear PIN THEN loading names the key and scripts/hash-pin."""
    f = tmp_path / "kiosk.toml"
    f.write_text('[assist]\nstaff_pins = ["W01:1234"]\n', encoding="utf-8")
    with pytest.raises(config_mod.ConfigError, match="assist.staff_pins.*hash-pin"):
        config_mod.load(f)
    f.write_text(f'[assist]\nstaff_pins = ["{_entries()[0]}"]\nmode_timeout_seconds = 60\n',
                 encoding="utf-8")
    assert config_mod.load(f)["assist.mode_timeout_seconds"] == 60


def test_elevate_returns_the_helper(mode):
    """GIVEN two helpers WHEN W02's PIN is entered THEN the mode is active for W02."""
    assert mode.elevate("0000") is None and not mode.active
    assert mode.elevate("2468") == "W02" and mode.active and mode.helper_id == "W02"
    mode.end()
    assert not mode.active


def test_lockout_after_five_wrong(mode):
    """GIVEN 5 wrong PINs THEN even the right PIN is refused for 5 minutes, then accepted."""
    for n in range(1, 5):
        assert mode.elevate("1111") is None and mode.tries_left == 5 - n
    assert mode.elevate("1111") is None
    assert mode.lock_seconds_left() == am.LOCK_SECONDS
    assert mode.elevate("135790") is None and not mode.active
    mode.test_clock.now += am.LOCK_SECONDS - 1
    assert mode.elevate("135790") is None
    mode.test_clock.now += 1
    assert mode.elevate("135790") == "W01"


def test_inactivity_and_session_end(mode):
    """GIVEN an active mode WHEN no helper action for the timeout THEN it ends; a new
    elevation ends with the citizen's session."""
    mode.elevate("135790")
    mode.test_clock.now += 119
    mode.log("large_text", on=True)              # an action restarts the timer
    mode.test_clock.now += 119
    mode.tick()
    assert mode.active
    mode.test_clock.now += 1
    mode.tick()
    assert not mode.active
    mode.elevate("135790")
    mode.session.end("finished")
    assert not mode.active


def test_badge_elevation(mode):
    assert mode.elevate_by_badge("W09") is None
    assert mode.elevate_by_badge("W01") == "W01" and mode.active


def test_audit_lines_have_helper_and_no_citizen_data(mode, caplog):
    """GIVEN a citizen's session data WHEN the helper acts THEN every audit line names the
    helper, goes to the file too, and no citizen data can be passed in."""
    mode.session.search_text = "张三 370102199001011234"
    caplog.set_level(logging.INFO, logger="ehall.audit")
    mode.elevate("135790")
    mode.log("open_item", item="SI-0049")
    mode.end()
    lines = [r.getMessage() for r in caplog.records if r.name == "ehall.audit"]
    assert len(lines) == 3 and all("helper=W01" in line for line in lines)
    assert "action=open_item item=SI-0049" in lines[1] and "reason=exit" in lines[2]
    text = mode.test_audit.read_text(encoding="utf-8")
    assert text.count("helper=W01") == 3 and "370102" not in text and "张三" not in text
    with pytest.raises(ValueError):
        mode.log("open_item", name="张三")
    assert "x_y" in am._clean("x y") and "\n" not in am._clean("a\nhelper=W02")


class _Reader:
    """The smart-card driver's subscribe/unsubscribe surface, events pushed by the test."""
    def __init__(self):
        self.listeners = []

    def subscribe(self, fn):
        self.listeners.append(fn)

    def unsubscribe(self, fn):
        self.listeners.remove(fn)

    def emit(self, kind, **data):
        event = type("Event", (), {"kind": kind, "data": data})()
        for fn in list(self.listeners):
            fn(event)


def test_the_core_elevates_on_a_staff_badge_through_the_posted_hop(mode):
    """GIVEN the mode watches the card reader WHEN a badge of a listed helper is placed
    THEN the elevation waits for the posted hop (the UI thread) and then the mode is active;
    an unknown badge, an ordinary card or a removal elevates nobody; after stop nothing is heard."""
    reader, queued = _Reader(), []
    mode.watch_badges(reader, post=queued.append)
    card = type("Card", (), {"staff_id": "W02"})()
    reader.emit("card_inserted", card=card)
    assert not mode.active and len(queued) == 1      # nothing decided on the driver's thread
    queued.pop()()
    assert mode.active and mode.helper_id == "W02"
    mode.end("exit")
    reader.emit("card_inserted", card=type("Card", (), {"staff_id": "W09"})())
    reader.emit("card_inserted", card=type("Card", (), {})())
    reader.emit("card_removed", card=card)
    for fn in queued:
        fn()
    assert not mode.active
    mode.stop_watching_badges()
    assert reader.listeners == []
    reader.emit("card_inserted", card=card)
    assert not mode.active


def test_watch_badges_without_a_reader_is_quiet(mode):
    mode.watch_badges(None, post=lambda fn: fn())
    mode.stop_watching_badges()
    assert not mode.active
