# SPDX-License-Identifier: Apache-2.0
"""A citizen's search shows the hub's new content only after the session (issue 12 part 4): the
real Kivy app, the real hub serving a signed bundle with one new item, the kiosk's content
updater; taps through Kivy's input path on the on-screen keyboard."""
from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "assist"))

from assist_testkit import HubThread  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "kiosk" / "data"
NEW = "民用无人机实名登记备案"
ROW = f'SI-9001,{NEW},临沂市公安局,,个人,"网上办,窗口",,,,居民身份证,test,10,\n'


def listed(ui) -> list[str]:
    """The result rows' text as the citizen reads it (markup removed)."""
    return [re.sub(r"\[/?[a-z]+(=[^\]]*)?\]", "", row.text) for row in ui.screen.ids.results.children[::-1]]


def search_for(ui, keys: str) -> list[str]:
    ui.tap(ui.screen.ids.tile_search)
    assert ui.app.manager.current == "search"
    ui.frames(2)
    for key in keys:
        ui.tap_key(key)
    return listed(ui)


def test_search_shows_the_new_item_only_after_the_session(make_ui, tmp_path):
    from helpdesk import content as hub_content
    from kiosk.config import content_url
    from kiosk.ops.content import ContentStore
    from kiosk.ops.content_update import ContentUpdater

    key, src, out = tmp_path / "hub.key", tmp_path / "src", tmp_path / "out"
    public = hub_content.keygen(key)
    src.mkdir()
    (src / "catalogue.csv").write_text((DATA / "service-items.csv").read_text(encoding="utf-8") + ROW,
                                       encoding="utf-8")
    hub_content.publish(src, key, out, version="2026.12.05-1")
    hub = HubThread(tmp_path, content_dir=str(out)).start()
    ui = make_ui()
    updater = ContentUpdater(ui.kiosk, content_url({"assist.hub_url": hub.url}), public,
                             ContentStore(tmp_path / "content"), check_s=3600)
    try:
        before = search_for(ui, "mywrj")               # 民用无人机: a citizen is searching
        assert ui.kiosk.session.phase.value == "active"
        updater.start()
        assert updater.wait_checks(1, 60)
        assert updater.store.version() == "2026.12.05-1" and ui.kiosk.content_version is None
        ui.tap_key("删除")
        ui.tap_key("j")                                  # the same search again, mid-session
        assert listed(ui) == before and not any(NEW in row for row in before)

        ui.idle_for(ui.kiosk.config["ui.idle_seconds"])  # the citizen walks away: countdown, then end
        ui.idle_for(ui.kiosk.config["ui.countdown_seconds"] + 1)
        assert ui.kiosk.session.phase.value == "idle" and ui.app.manager.current == "home"
        ui.wait_until(lambda: ui.kiosk.content_version == "2026.12.05-1", timeout=60)

        after = search_for(ui, "mywrj")
        assert after and after[0].startswith(NEW)
        ui.screenshot("content-update-new-item")
    finally:
        updater.stop()
        hub.close()
