# SPDX-License-Identifier: Apache-2.0
"""查看我的工单's citizen tag (issue 11): the identity worker makes it from the card it read, with
the hall's tag key; the core gets the tag, never the number. The same card gives the same tag in a
new session (another worker process), another card another one; it neither equals nor contains
the number, and goes with the card at the session's end. Service level on the kiosk's own reader
(the worker's proxy) with the byte-exact simulator, as test_idf_worker.py."""
from __future__ import annotations

import datetime as dt
import os
import stat
import threading

import pytest
from idf_helpers import States, fresh_card

from kiosk import config as config_mod
from kiosk.citizen_tag import citizen_tag, new_tag_key, read_tag_key, write_tag_key
from kiosk.identity import IdentityService
from kiosk.session import Session


def read_once(worker_reader, camera, key: bytes, card):
    """One session: consent, the card placed; the card object the core got with its tag as it came
    (no face engine here: the flow goes on to the helper route and wipes the card), the session."""
    worker_reader.tag_key = key.hex() if key else ""
    session = Session(90, 20)
    svc = IdentityService(worker_reader, camera, None, session, config_mod.load(),
                          today=lambda: dt.date(2026, 11, 27))
    states = States(svc)
    session.go("item", id="x")
    session.go("consent")
    mark = states.mark()
    svc.begin()
    svc.consent_card(True)
    svc.consent_face(True)
    states.wait("waiting_card", 5, since=mark)
    assert worker_reader.wait_fresh_check(10)
    held, got = [], threading.Event()

    def on_event(e):
        if e.kind == "card_inserted":
            held.append((e.data["card"], e.data["card"].citizen_tag))   # before the flow goes on
            got.set()
    worker_reader.subscribe(on_event)
    worker_reader.simulator.place_card(card)
    states.wait("card_read", 10, since=mark)
    assert got.wait(5)
    worker_reader.unsubscribe(on_event)
    return *held[0], svc, session


def finish(svc, session, worker_reader):
    worker_reader.simulator.remove_card()
    session.end("finished")
    assert worker_reader.wait_ended()
    svc.close()


def test_idf_the_worker_tags_the_card_and_the_core_never_gets_the_number(worker_reader, camera):
    key = new_tag_key()
    card, _ = fresh_card(seed=1101)
    other, _ = fresh_card(seed=1102)
    got, tag, svc, session = read_once(worker_reader, camera, key, card)
    assert tag == citizen_tag(card.number, key) and len(tag) == 64
    assert card.number not in tag and card.number.lower() not in tag and tag != card.number
    assert card.number[-6:] not in repr(vars(got))
    finish(svc, session, worker_reader)
    assert got.citizen_tag == ""                                  # wiped with the card
    _again, again, svc, session = read_once(worker_reader, camera, key, card)     # a new worker, same card
    assert again == tag
    finish(svc, session, worker_reader)
    _theirs, theirs, svc, session = read_once(worker_reader, camera, key, other)
    assert theirs not in ("", tag)
    finish(svc, session, worker_reader)
    _without, without, svc, session = read_once(worker_reader, camera, b"", card)   # no key: no tag
    assert without == ""
    finish(svc, session, worker_reader)


def test_idf_the_tag_depends_on_the_halls_key():
    number = "110105194912310021"
    one, two = new_tag_key(), new_tag_key()
    assert citizen_tag(number, one) != citizen_tag(number, two)
    assert citizen_tag(number, one) == citizen_tag(" " + number.lower() + " ", one)
    with pytest.raises(ValueError):
        citizen_tag(number, b"short")


def test_idf_the_tag_key_file_is_checked_like_other_config_keys(tmp_path):
    path = write_tag_key(tmp_path / "citizen.key")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and len(read_tag_key(path)) == 32
    with pytest.raises(FileExistsError):
        write_tag_key(path)                                        # the hall's kiosks share one key
    admin = tmp_path / "kiosk.toml"
    admin.write_text(f'[records]\ncitizen_tag_key_file = "{path}"\n')
    assert config_mod.load(admin)["records.citizen_tag_key_file"] == str(path)
    os.chmod(path, 0o644)
    with pytest.raises(config_mod.ConfigError, match="records.citizen_tag_key_file.*chmod 600"):
        config_mod.load(admin)
    bad = tmp_path / "bad.key"
    bad.write_text("not a key\n")
    os.chmod(bad, 0o600)
    admin.write_text(f'[records]\ncitizen_tag_key_file = "{bad}"\n')
    with pytest.raises(config_mod.ConfigError, match="records.citizen_tag_key_file.*64 hex digits"):
        config_mod.load(admin)
    admin.write_text('[records]\ncitizen_tag_key_file = "relative.key"\n')
    with pytest.raises(config_mod.ConfigError, match="records.citizen_tag_key_file"):
        config_mod.load(admin)
    admin.write_text(f'[records]\ncitizen_tag_key_file = "{tmp_path / "missing.key"}"\n')
    with pytest.raises(config_mod.ConfigError, match="cannot be read"):
        config_mod.load(admin)
