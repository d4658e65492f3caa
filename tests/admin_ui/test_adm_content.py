# SPDX-License-Identifier: Apache-2.0
"""内容与网络 on the admin screen: versions, 重新加载 (a changed catalogue is swapped in), hub and network."""
import shutil

import pytest

from adm_helpers import PIN_ADMIN, login, shown_texts, tap_action, tap_section

from kiosk.catalogue import BUNDLED


def test_versions_and_reload_swap_in_a_changed_catalogue(admin_ui, tmp_path):
    path = tmp_path / "items.csv"
    shutil.copy(BUNDLED, path)
    ui = admin_ui(**{"catalogue.path": str(path)})
    login(ui, PIN_ADMIN)
    tap_section(ui, "content")
    texts = shown_texts(ui)
    before = ui.kiosk.catalogue
    assert f"事项目录 版本 {before.digest[:12]}，{len(before)} 项" in texts
    assert any(t.startswith("知识库 版本 ") for t in texts)
    assert "服务台连接：未配置（assist.hub_url 为空）" in texts
    ui.screenshot("admin-content")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")          # the hall's file changed: one item less
    tap_action(ui, "reload:catalogue")
    ui.wait_until(lambda: "已重新加载" in ui.screen.status, timeout=30)
    after = ui.kiosk.catalogue
    assert len(after) == len(before) - 1 and after.digest != before.digest
    assert f"已重新加载：事项目录 版本 {after.digest[:12]}，{len(after)} 项" == ui.screen.status
    assert ui.kiosk.search("护照").hits                             # the new index answers
    assert "action=reload" in ui.audit_path.read_text(encoding="utf-8")


def test_a_broken_catalogue_keeps_the_loaded_one(admin_ui, tmp_path):
    path = tmp_path / "items.csv"
    shutil.copy(BUNDLED, path)
    ui = admin_ui(**{"catalogue.path": str(path)})
    before = ui.kiosk.catalogue
    login(ui, PIN_ADMIN)
    tap_section(ui, "content")
    path.write_bytes(b"\x00not a catalogue")
    tap_action(ui, "reload:catalogue")
    ui.wait_until(lambda: ui.screen.status.startswith("没有加载"), timeout=30)
    assert ui.kiosk.catalogue is before


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_every_section_fits_in_both_text_sizes(admin_ui, large):
    """Nothing on the admin screen is cut off, in normal and in large text (ui.large_text)."""
    from aui_helpers import overflowing

    ui = admin_ui(**{"ui.large_text": large})
    login(ui, PIN_ADMIN)
    assert ui.app.theme.large is large
    for section in ("devices", "print", "content", "logs", "settings", "power"):
        tap_section(ui, section)
        assert not overflowing(ui.screen), (section, overflowing(ui.screen))
    bar, first, last = ui.screen.ids.bar, ui.screen.ids.sec_devices, ui.screen.ids.sec_power
    assert first.top <= bar.y and last.y >= 0                      # the menu stays under the bar
    assert last.height >= ui.app.theme.button_h                    # and each entry is a full button
    ui.screenshot(f"admin-power-{'large' if large else 'normal'}")


def test_reload_reads_a_changed_knowledge_base(admin_ui, tmp_path):
    from kiosk.consult.faq import BUNDLED as FAQ

    path = tmp_path / "faq.csv"
    shutil.copy(FAQ, path)
    ui = admin_ui(**{"consult.faq_path": str(path)})
    login(ui, PIN_ADMIN)
    tap_section(ui, "content")
    before = next(t for t in shown_texts(ui) if t.startswith("知识库 版本 "))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    tap_action(ui, "reload:knowledge")
    ui.wait_until(lambda: ui.screen.status.startswith("已重新加载：知识库 版本 "), timeout=30)
    after = next(t for t in shown_texts(ui) if t.startswith("知识库 版本 "))
    assert after != before and ui.screen.status == "已重新加载：" + after
