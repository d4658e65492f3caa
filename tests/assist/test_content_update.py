# SPDX-License-Identifier: Apache-2.0
"""A running kiosk takes the real hub's signed content bundle between sessions: it installs a new
one in the background, keeps the old content while a citizen is using it, switches when the
session ends (a search finds the new item, the hub's 终端 card shows the new version), rolls back
when the new content does not load, and refuses a tampered bundle without changing anything."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
import requests

from assist_testkit import HubThread, kiosk_config, started_services
from helpdesk import content as hub_content
from kiosk import config as kiosk_config_mod
from kiosk.core import Kiosk
from kiosk.ops.content import ContentStore, fetch_changed
from kiosk.ops.content_update import ContentUpdater
from kiosk.ops.status import StatusReporter, versions
from waiting import wait_for

DATA = Path(__file__).resolve().parents[2] / "kiosk" / "data"
BASE = (DATA / "service-items.csv").read_text(encoding="utf-8")
DRONE = 'SI-9001,民用无人机实名登记备案,临沂市公安局,,个人,"网上办,窗口",,,,居民身份证,test,10,\n'
BOAT = 'SI-9002,游艇驾驶证件换发,临沂市海事局,,个人,窗口,,,,居民身份证,test,10,\n'


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")     # search indexes built once per catalogue


@pytest.fixture
def rig(tmp_path, cache_dir):
    key = tmp_path / "hub.key"
    public = hub_content.keygen(key)
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    hub = HubThread(tmp_path, content_dir=str(out)).start()
    cfg = kiosk_config_mod.load().with_overrides(**{"catalogue.cache_dir": str(cache_dir)})
    kiosk = Kiosk.build(cfg)
    fetched: list[bool] = []                   # True: bytes came, False: 304

    def recording_fetch(url, etag):
        data, tag = fetch_changed(url, etag)
        fetched.append(data is not None)
        return data, tag

    store = ContentStore(tmp_path / "kiosk-content")
    url = kiosk_config_mod.content_url({"assist.hub_url": hub.url})
    updater = ContentUpdater(kiosk, url, public, store, check_s=3600, fetch=recording_fetch)
    kiosk.content = updater

    def publish(version, *rows):
        (src / "catalogue.csv").write_text(BASE + "".join(rows), encoding="utf-8")
        (src / "faq.csv").write_bytes((DATA / "faq.csv").read_bytes())
        hub_content.publish(src, key, out, version=version)

    def check(n):
        updater.check_now()
        assert updater.wait_checks(n, 60), "the updater finished its check"

    hub.accounts.add("wangfang", "password-wangfang", "王芳")
    token = hub.accounts.login("wangfang", "password-wangfang")

    def card_versions():
        """What the hub's 终端 page shows for this terminal (its versions line)."""
        r = requests.get(hub.http + "/api/terminals", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        card = next((c for c in r.json()["terminals"] if c["terminal"] == "EHALL-T1"), None)
        return (card or {}).get("versions", {})

    yield {"hub": hub, "kiosk": kiosk, "store": store, "updater": updater, "publish": publish,
           "check": check, "fetched": fetched, "out": out, "tmp": tmp_path, "card_versions": card_versions}
    updater.stop()
    hub.close()


def names(kiosk, text):
    """What the search screen would list for ``text``."""
    return [hit.item.name for hit in kiosk.search(text).hits]


def test_a_new_bundle_waits_for_the_session_to_end_then_search_finds_the_new_item(rig):
    hub, kiosk, store, updater = rig["hub"], rig["kiosk"], rig["store"], rig["updater"]

    rig["publish"]("2026.12.05-1", DRONE)
    assert "民用无人机实名登记备案" not in names(kiosk, "无人机")
    with started_services(backoff_first_s=0.2) as make:
        kiosk.status = StatusReporter(make(kiosk_config(hub.url)), {}, kiosk.session, versions(kiosk))
        kiosk.status.start()
        try:
            kiosk.session.touch()                  # a citizen is using the kiosk
            updater.start()
            assert updater.wait_checks(1, 60)
            assert store.version() == "2026.12.05-1"           # installed in the background...
            assert kiosk.content_version is None                # ...but not switched mid-session
            assert "民用无人机实名登记备案" not in names(kiosk, "无人机")

            kiosk.session.end("finished")
            wait_for(lambda: kiosk.content_version == "2026.12.05-1", 60, "the switch at the session's end")
            assert "民用无人机实名登记备案" in names(kiosk, "无人机")
            assert kiosk.config["catalogue.path"] == str(store.current / "catalogue.csv")
            assert kiosk.config["consult.faq_path"] == str(store.current / "faq.csv")    # 问一问 follows
            wait_for(lambda: rig["card_versions"]().get("content") == "2026.12.05-1", 10,
                     "the hub's 终端 card shows the running content version")

            rig["check"](2)                        # unchanged on the hub: a 304, nothing fetched
            assert rig["fetched"] == [True, False]
        finally:
            kiosk.status.stop()


def test_content_that_fails_to_load_is_rolled_back_and_reported(rig):
    kiosk, store, updater = rig["kiosk"], rig["store"], rig["updater"]
    rig["publish"]("v1", DRONE)
    updater.start()                                # idle on the home screen: switched at once
    wait_for(lambda: kiosk.content_version == "v1", 60, "v1 in use")

    kiosk.session.touch()
    rig["publish"]("v2", DRONE, BOAT)
    rig["check"](2)
    assert store.version() == "v2" and kiosk.content_version == "v1"
    # the installed copy is damaged on disk before the kiosk loads it (a failing disk, a full one)
    (store.current / "catalogue.csv").write_text("id,name\n", encoding="utf-8")
    kiosk.session.end("timeout")
    wait_for(lambda: updater.problem is not None, 60, "the failed load is reported")

    assert updater.problem == "v2 载入失败，已回退"
    assert store.version() == "v1" and kiosk.content_version == "v1"
    assert "民用无人机实名登记备案" in names(kiosk, "无人机")        # the old content still answers
    assert "游艇驾驶证件换发" not in names(kiosk, "游艇")
    # a restarted kiosk (a new updater on the same folder) does not take the broken v2 again
    again = ContentUpdater(kiosk, updater.url, updater.public_key, ContentStore(store.folder), check_s=3600)
    assert again.check() is None and store.version() == "v1" and ContentStore(store.folder).failed() == ["v2"]

    rig["publish"]("v3", DRONE, BOAT)             # the hall fixes it: the next bundle is taken
    rig["check"](3)
    assert kiosk.content_version == "v3" and "游艇驾驶证件换发" in names(kiosk, "游艇")
    assert updater.problem is None


def test_a_tampered_bundle_changes_nothing_and_is_logged(rig, caplog):
    kiosk, store, updater = rig["kiosk"], rig["store"], rig["updater"]
    rig["publish"]("v1", DRONE)
    updater.start()
    wait_for(lambda: kiosk.content_version == "v1", 60, "v1 in use")

    rig["publish"]("v2", DRONE, BOAT)
    latest = rig["out"] / "latest.ehall"
    data = bytearray(latest.read_bytes())
    data[-10] ^= 0x01                              # one bit changed after signing
    latest.write_bytes(bytes(data))
    versions_before = sorted(p.name for p in (store.folder / "versions").iterdir())
    with started_services(backoff_first_s=0.2) as make:
        kiosk.status = StatusReporter(make(kiosk_config(rig["hub"].url)), {}, kiosk.session, versions(kiosk))
        kiosk.status.start()
        try:
            with caplog.at_level(logging.ERROR, logger="kiosk.ops.content_update"):
                rig["check"](2)
            wait_for(lambda: rig["card_versions"]().get("content_problem") == "签名不符，已拒收", 10,
                     "the hub's 终端 card shows the refusal")
            assert rig["card_versions"]()["content"] == "v1"
        finally:
            kiosk.status.stop()
    assert updater.problem == "签名不符，已拒收"
    assert any("refused" in r.getMessage() and "signature" in r.getMessage() for r in caplog.records)
    assert store.version() == "v1" and kiosk.content_version == "v1"
    assert sorted(p.name for p in (store.folder / "versions").iterdir()) == versions_before
    assert "游艇驾驶证件换发" not in names(kiosk, "游艇")


def test_the_wired_kiosk_takes_the_bundle_from_its_assist_hub(rig, tmp_path):
    """wiring.build_content: [content] public_key and the assist hub's URL are all it needs."""
    from kiosk import wiring

    rig["publish"]("2026.12.05-2", DRONE)
    kiosk = rig["kiosk"]
    kiosk.config = kiosk.config.with_overrides(**{
        "assist.hub_url": rig["hub"].url, "content.dir": str(tmp_path / "wired"),
        "content.public_key": hub_content.public_key(tmp_path / "hub.key")})
    kiosk.content = wiring.build_content(kiosk)
    try:
        wait_for(lambda: kiosk.content_version == "2026.12.05-2", 60, "the idle kiosk switches at once")
        assert "民用无人机实名登记备案" in names(kiosk, "无人机")
        assert ContentStore(tmp_path / "wired").version() == "2026.12.05-2"
    finally:
        kiosk.content.stop()
    kiosk.config = kiosk.config.with_overrides(**{"content.public_key": ""})
    assert wiring.build_content(kiosk) is None                 # no pinned key: no updates
