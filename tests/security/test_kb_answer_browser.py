# SPDX-License-Identifier: Apache-2.0
"""补充答案 in headless Chromium under the hub's CSP (issue 10): two kiosks' unanswered questions
wait in 待补充的问题; a helper opens 补充答案, the masked phrasing is offered without its
asterisks, types the answer and 写入知识库; the group leaves the list, and the bundle the hub now
serves makes a kiosk answer that question. Without content_source the page says so and offers
only 已补充; the API refuses a helper who is not logged in."""
from __future__ import annotations

import json
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

_ASSIST = str(Path(__file__).resolve().parents[1] / "assist")
if _ASSIST not in sys.path:
    sys.path.insert(0, _ASSIST)

from assist_testkit import HubThread  # noqa: E402

FAQ = Path(__file__).resolve().parents[2] / "kiosk" / "data" / "faq.csv"
ANSWER = "带上购车发票、合格证和本人身份证，到车管所或指定的登记点办理，当场发牌。"


def _hall(tmp_path):
    from helpdesk import content
    from helpdesk.orders import OrderStore, upgrade
    from helpdesk.questions import take
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    store = OrderStore(url)
    take(store, {"id": "q1", "question": "张*三的电动车上牌要带啥", "reason": "no_answer"}, "EHALL-01")
    take(store, {"id": "q2", "question": "电动车上牌要带啥", "reason": "unsolved"}, "EHALL-02")
    src = tmp_path / "content"
    src.mkdir()
    shutil.copy(FAQ, src / "faq.csv")
    public = content.keygen(tmp_path / "hub.key")
    return store, src, public


def _post(hub, path, body, token=None):
    req = urllib.request.Request(hub.http + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json",
                                          **({"Authorization": f"Bearer {token}"} if token else {})})
    return urllib.request.urlopen(req)


@pytest.mark.slow
def test_a_helper_adds_the_answer_and_the_kiosks_bundle_has_it(tmp_path):
    from browser_rig import console_page, need_browser
    need_browser()
    from playwright.sync_api import expect

    store, src, public = _hall(tmp_path)
    hub = HubThread(tmp_path, content_source=str(src), content_key=str(tmp_path / "hub.key"),
                    content_dir=str(tmp_path / "serve"))
    hub.orders = store
    hub.start()
    hub.accounts.add("wangfang", "password-wangfang", "王芳")
    with pytest.raises(urllib.error.HTTPError) as refused:                # not logged in
        _post(hub, "/api/questions/answer", {"ids": ["q1"], "question": "x", "answer": "y"})
    assert refused.value.code == 401
    try:
        with console_page(tmp_path, hub, "wangfang", "password-wangfang", "王芳") as (page, violations):
            page.click("#link-orders")
            rows = page.locator("#questions tbody tr")
            expect(rows).to_have_count(1, timeout=10_000)                     # the two phrasings, one group
            rows.first.locator("button", has_text="补充答案").click()
            expect(page.locator("#a-question")).to_have_value("电动车上牌要带啥")   # not the masked one
            page.fill("#a-answer", ANSWER)
            page.fill("#a-category", "交通出行")
            page.click("#a-save")
            expect(page.locator("#a-result")).to_contain_text("已写入知识库（HALL-", timeout=10_000)
            expect(rows).to_have_count(0)
            page.screenshot(path=str(tmp_path / "kb-answer.png"))
            assert violations == []
    finally:
        hub.close()
    from kiosk.consult.ask import AskIndex
    from kiosk.consult.faq import load
    from kiosk.ops.content import ContentStore
    kiosk_store = ContentStore(tmp_path / "kiosk-content")
    kiosk_store.install((tmp_path / "serve" / "latest.ehall").read_bytes(), public)
    kb = load(kiosk_store.path("faq.csv"))
    best = AskIndex(kb).ask("电动车上牌要带啥")[0]
    assert best.id.startswith("HALL-") and kb.by_id[best.id].answer == ANSWER
    assert "王芳" not in (src / "faq.csv").read_text("utf-8")           # the bundle is public: no names


def test_without_a_content_source_the_api_says_what_to_set(tmp_path):
    from helpdesk.orders import OrderStore, upgrade
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    hub = HubThread(tmp_path)
    hub.orders = OrderStore(url)
    hub.start()
    try:
        hub.accounts.add("wangfang", "password-wangfang", "王芳")
        token = hub.accounts.login("wangfang", "password-wangfang")
        with pytest.raises(urllib.error.HTTPError) as missing:
            _post(hub, "/api/questions/answer", {"ids": ["q1"], "question": "x", "answer": "y"}, token)
        assert missing.value.code == 404 and "content_source" in json.loads(missing.value.read())["error"]
    finally:
        hub.close()
