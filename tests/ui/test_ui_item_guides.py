# SPDX-License-Identifier: Apache-2.0
"""The guide sections of the item screen (办理流程, 办理时限, 收费, 办理地点, 设定依据), in both
text sizes, and the lead from a guide-less item to its same-name twin that has the guide."""
import json

import pytest
from kivy.uix.checkbox import CheckBox

from ui_kit import button, overflowing, visible_labels

GUIDE = {
    "id": "T-1", "name": "居民身份证换领", "department": "公安分局", "audience": "个人",
    "materials": ["居民户口簿", "原居民身份证"], "steps": ["取号", "窗口受理、采集人像指纹", "领取证件"],
    "promised_days": 20, "legal_days": 60, "fee": "20元/证",
    "location": "政务服务中心一楼 公安窗口 3 号",
    "legal_basis": "《中华人民共和国居民身份证法》第十一条",
    "source": "test fixture",
}


def _labels(screen):
    return [w.text for w in visible_labels(screen.ids.content)]


@pytest.fixture
def guide_ui(make_ui, tmp_path):
    path = tmp_path / "items.json"
    path.write_text(json.dumps([GUIDE, {"id": "T-2", "name": "居民身份证换领", "department": "便民服务中心"}],
                               ensure_ascii=False), encoding="utf-8")
    return make_ui(**{"catalogue.path": str(path)})


def _section_after(texts, heading):
    assert heading in texts, f"no section {heading!r} in {texts}"
    return texts[texts.index(heading) + 1]


@pytest.mark.parametrize("large", [False, True])
def test_every_guide_section_is_on_screen(guide_ui, large):
    """GIVEN an item with all guide fields WHEN it opens (normal and large text) THEN each
    section is shown with its text, nothing overflows, and large mode uses the large font."""
    ui = guide_ui
    if large:
        ui.kiosk.session.set_large_text(True)
        ui.frames(2)
        assert ui.app.theme.large
    ui.kiosk.session.go("item", id="T-1")
    ui.frames(3)
    item = ui.screen
    texts = _labels(item)
    assert texts[0] == "居民身份证换领"
    assert "1．取号" in texts and "3．领取证件" in texts
    assert _section_after(texts, "办理流程") == "1．取号"
    assert _section_after(texts, "办理时限") == "承诺时限：20 个工作日；法定时限：60 个工作日"
    assert _section_after(texts, "收费") == "20元/证"
    assert _section_after(texts, "办理地点") == "政务服务中心一楼 公安窗口 3 号"
    assert _section_after(texts, "设定依据") == "《中华人民共和国居民身份证法》第十一条"
    boxes = [w for w in item.ids.content.walk(restrict=True) if isinstance(w, CheckBox)]
    assert len(boxes) == 2                          # the materials checklist stays
    body = [w for w in visible_labels(item.ids.content) if w.text == "20元/证"][0]
    assert body.font_size == ui.app.theme.body
    if large:
        assert ui.app.theme.body >= 30, ui.app.theme.body
    assert not overflowing(item)
    item.ids.scroll.scroll_y = 0                    # the last sections, scrolled into view
    ui.frames(3)
    ui.screenshot(f"item-guide-sections{'-large' if large else ''}")


def test_a_guide_less_twin_leads_to_the_guide(guide_ui):
    """GIVEN the same item in two departments, only one with a guide WHEN the citizen opens
    the one without THEN it offers the other by name and department, and one tap opens it."""
    ui = guide_ui
    ui.kiosk.session.go("item", id="T-2")
    ui.frames(3)
    texts = _labels(ui.screen)
    assert any(t.startswith("本事项暂无详细办事指南") for t in texts)
    assert "同一事项的办事指南" in texts
    ui.tap(button(ui.screen.ids.content, "居民身份证换领（公安分局）"))
    ui.frames(3)
    assert ui.screen.item_id == "T-1"
    assert "办理流程" in _labels(ui.screen)


@pytest.mark.parametrize("large", [False, True])
def test_bundled_guide_less_copy_leads_to_its_twin(ui, large):
    """The bundled 道路旅客运输经营许可（换发） has no guide; it leads to 道路旅客运输经营许可（新增）,
    in both text sizes, with the button's text inside the button. (户口注销, the example before,
    now has its own guide from 公安部's 户口居民身份证管理工作规范.)"""
    if large:
        ui.kiosk.session.set_large_text(True)
        ui.frames(2)
    ui.kiosk.session.go("item", id="SI-0308")
    ui.frames(3)
    assert not overflowing(ui.screen)
    ui.screenshot(f"item-twin{'-large' if large else ''}")
    ui.tap(button(ui.screen.ids.content, "道路旅客运输经营许可（新增）（交通运输局）"))
    ui.frames(3)
    assert ui.screen.item_id == "SI-0310"
    assert any("《道路旅客运输经营申请表》" in t for t in _labels(ui.screen))


def test_bundled_deregistration_shows_its_national_guide(ui):
    """The bundled 公安分局 户口注销 shows the materials of the 公安部 rule, with no twin offer."""
    ui.kiosk.session.go("item", id="SI-0150")
    ui.frames(3)
    texts = _labels(ui.screen)
    assert "办理流程" in texts and any("应征公民入伍通知书" in t for t in texts)
    assert not any(t.startswith("本事项暂无详细办事指南") for t in texts)
    assert "同一事项的办事指南" not in texts
    assert not overflowing(ui.screen)


def test_bundled_passport_copy_shows_the_hunan_guide(ui):
    """The bundled 公安分局 普通护照签发 shows the 湖南政务服务网 guide (fee from its charge list)."""
    ui.kiosk.session.go("item", id="SI-0123")
    ui.frames(3)
    texts = _labels(ui.screen)
    assert "护照 120元/证" in texts and "办理流程" in texts
    assert not any(t.startswith("本事项暂无详细办事指南") for t in texts)
    assert not overflowing(ui.screen)


def test_bundled_household_guide_shows_its_steps(ui):
    """A bundled 临沂 household item shows the published 办理流程及时限 under 办理流程."""
    ui.kiosk.session.go("item", id="SI-0031")
    ui.frames(3)
    texts = _labels(ui.screen)
    step = _section_after(texts, "办理流程")
    assert step.startswith("申请人通过互联网提交申请材料") and "3个工作日内预审" in step   # one step: no number
    assert not any(t.startswith("信息来源") for t in texts)      # provenance is for staff (assist mode)
    assert not overflowing(ui.screen)
    ui.screen.ids.scroll.scroll_y = 0
    ui.frames(3)
    ui.screenshot("item-household-guide")
