# SPDX-License-Identifier: Apache-2.0
"""The item screen: only the fields the data has; plain words when there is no guide."""
from kivy.uix.checkbox import CheckBox

from conftest import overflowing


def _texts(screen):
    return [w.text for w in screen.ids.content.walk(restrict=True) if getattr(w, "text", "")]


def test_item_with_guide(ui):
    """GIVEN an item with limits, fee and materials WHEN it opens THEN each shows,
    the materials are a checklist and the source is named."""
    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    item = ui.screen
    texts = _texts(item)
    assert texts[0] == "普通护照签发（首次申请）"
    for expected in ("办理部门", "临沂市公安局（出入境管理）", "服务对象", "个人", "办理渠道", "窗口",
                     "办理时限", "承诺时限：7 个工作日；法定时限：7 个工作日", "收费", "首次申请160元/本"):
        assert expected in texts
    assert "事项类型" not in texts and "咨询电话" not in texts     # the data lacks them
    assert not any(t.startswith("本事项暂无") for t in texts)
    boxes = [w for w in item.ids.content.walk(restrict=True) if isinstance(w, CheckBox)]
    assert len(boxes) == 5
    ui.tap(boxes[0])
    assert boxes[0].active
    assert any(t.startswith("信息来源：GitHub dreamLXD") for t in texts)
    ui.screenshot("item")
    assert not overflowing(item)


def test_item_without_guide(ui):
    """GIVEN an item with no guide WHEN it opens THEN it says so plainly, offers the QR
    and the helper, and shows no empty field rows."""
    ui.kiosk.session.go("item", id="SI-0050")
    ui.frames(2)
    item = ui.screen
    assert not item.has_guide
    texts = _texts(item)
    assert any(t.startswith("本事项暂无详细办事指南") for t in texts)
    assert "申请材料" not in " ".join(texts) and "办理时限" not in texts
    from screens.item import FieldRow
    rows = [w for w in item.ids.content.children if isinstance(w, FieldRow)]
    assert rows and all(r.value.strip() for r in rows)
    assert item.ids.qr_btn.text.startswith("手机继续办理")
    assert "呼叫帮办" in item.ids.assist_btn.text
    ui.screenshot("item-no-guide")
    ui.tap(item.ids.assist_btn)
    assert "暂未开通" in ui.app.root.notice
