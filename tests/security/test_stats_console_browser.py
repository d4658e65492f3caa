# SPDX-License-Identifier: Apache-2.0
"""The console's 统计 page in headless Chromium under the hub's CSP: log in, open 统计 from the
desk, the totals, the per-terminal table and the zero-result queries show what the kiosks sent,
the charts are drawn by the hub's own Chart.js (the sessions chart's bars are on its canvas),
one terminal can be picked, and the CSV downloads with the same numbers."""
from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import pytest

_ASSIST = str(Path(__file__).resolve().parents[1] / "assist")
if _ASSIST not in sys.path:
    sys.path.insert(0, _ASSIST)

from assist_testkit import HubThread  # noqa: E402

SESSIONS_BLUE = (0x15, 0x65, 0xc0)          # stats.js: the 办理人次 bars


def day(on: dt.date, sessions: int, **more):
    return {"day": on.isoformat(), "rev": 1, "sessions": sessions, "searches": 2 * sessions,
            "zero_searches": 1, "items_viewed": sessions, "guides_printed": 1, "calls": 2, "calls_answered": 1,
            "call_wait_s": 80, "call_wait_max_s": 60, "call_talk_s": 200,
            "call_outcomes": {"answered": 1, "no_helper": 1}, "identity": {"started": 2, "identified": 1},
            "ratings": {"5": 3, "2": 1}, "queries": [["低保", sessions], ["社保卡", 2]],
            "zero_queries": [["电子社保卡挂失", 1]], **more}


@pytest.mark.slow
def test_the_stats_page_shows_the_numbers_and_draws_the_charts(tmp_path):
    from browser_rig import console_page, need_browser
    need_browser()
    import numpy as np
    from PIL import Image
    from playwright.sync_api import expect

    from helpdesk.orders import OrderStore, upgrade
    from helpdesk.stats import StatsStore, parse_days
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    store = OrderStore(url)
    today = dt.date.today()
    stats = StatsStore(store.engine)
    stats.put("EHALL-01", parse_days({"days": [day(today - dt.timedelta(days=1), 12), day(today, 30)]}, today))
    stats.put("EHALL-02", parse_days({"days": [day(today, 5, zero_queries=[["公积金提取", 4]])]}, today))
    hub = HubThread(tmp_path)
    hub.orders = store
    hub.start()
    hub.accounts.add("wangfang", "password-wangfang", "王芳")
    try:
        with console_page(tmp_path, hub, "wangfang", "password-wangfang", "王芳", strict=True,
                          accept_downloads=True, viewport={"width": 1280, "height": 1400}) as (page, violations):
            page.click("#link-stats")
            expect(page.locator("#totals [data-key=办理人次] dd")).to_have_text("47", timeout=10_000)
            expect(page.locator("#totals [data-key=呼叫帮办] dd")).to_have_text("6")
            expect(page.locator("#totals [data-key=平均等待] dd")).to_have_text("40 秒")
            expect(page.locator("#totals [data-key=未接通] dd")).to_have_text("3")
            expect(page.locator("#totals [data-key=平均通话] dd")).to_have_text("3.3 分钟")
            expect(page.locator("#totals [data-key=满意率] dd")).to_have_text("75%")
            expect(page.locator("#zero-queries tbody tr")).to_have_text(["公积金提取4", "电子社保卡挂失2"])
            expect(page.locator("#per-terminal tbody tr")).to_have_count(2)
            expect(page.locator("#per-terminal tr[data-terminal=EHALL-01] td").nth(1)).to_have_text("42")

            def blue_pixels() -> int:
                png = page.locator("#chart-sessions").screenshot()
                rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
                return int((np.abs(rgb - SESSIONS_BLUE).sum(axis=2) < 30).sum())
            assert blue_pixels() > 500                    # the bars are drawn, not only the axes
            page.screenshot(path=str(tmp_path / "stats.png"), full_page=True)

            page.select_option("#terminal", "EHALL-02")
            page.click("#range button[type=submit]")
            expect(page.locator("#totals [data-key=办理人次] dd")).to_have_text("5")
            with page.expect_download() as got:
                page.click("#csv-days")
            text = Path(got.value.path()).read_bytes().decode("utf-8-sig")
            assert text.splitlines()[0].startswith("terminal,day,sessions,searches")
            assert text.splitlines()[1].startswith(f"EHALL-02,{today},5,10,1,5,1,2,1,80,60,200,")
            assert violations == []
    finally:
        hub.close()
        store.engine.dispose()
