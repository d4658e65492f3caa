# SPDX-License-Identifier: Apache-2.0
"""The video call: the helper's frames on screen, the screen source, mute, chat, hang-up."""
import numpy as np
from PIL import Image

from aui_helpers import overflowing

RED = (200, 30, 40)


def _connect(ui):
    ui.kiosk.session.go("item", id="SI-0049")
    ui.frames(2)
    ui.tap(ui.screen.ids.nav.ids.help_btn)     # the one help button, in the top bar
    ui.tap(ui.screen.ids.accept_btn)
    ui.service.set(state="connected", helper_name="王芳")
    ui.frames(3)
    assert ui.app.manager.current == "assist_call"


def _pixel(path, widget):
    x, y = widget.to_window(*widget.center)
    img = Image.open(path).convert("RGB")
    return img.getpixel((int(x), img.height - 1 - int(y)))


def test_call_shows_frames_mute_chat_and_hangup_returns(assist_ui):
    """GIVEN a connected call WHEN the helper's frame arrives THEN it is drawn large and the
    screen source sees it; 静音 toggles; the helper's message shows; 挂断 returns to the guide
    and wipes the call."""
    ui = assist_ui
    _connect(ui)
    scr = ui.screen
    assert "可以看到您的屏幕" in scr.ids.banner.text and "王芳" in scr.ids.banner.text
    frame = np.zeros((240, 320, 3), dtype=np.uint8)
    frame[:] = RED
    frame[:20] = (255, 255, 255)                  # a white top strip: the frame is not upside down
    ui.service.push_frame(frame)
    ui.frames(3)
    assert scr.remote is not None and scr.remote.size == (320, 240)
    ui.service.helper_says("请点右上角的“首页”")
    ui.frames(2)
    assert "首页" in scr.ids.chat.text
    shot = ui.screenshot("assist-call")
    assert _pixel(shot, scr.ids.remote_video) == RED
    video = scr.ids.remote_video
    top_x, top_y = video.to_window(video.center_x, video.center_y + video.norm_image_size[1] / 2 - 3)
    img = Image.open(shot).convert("RGB")
    assert img.getpixel((int(top_x), img.height - 1 - int(top_y))) == (255, 255, 255)
    assert not overflowing(scr)

    source = ui.service.screen_source
    cx, cy = video.to_window(*video.center)
    # the capture reads at most 5 frames a second and catches up on a skipped change
    ui.wait_until(lambda: source() is not None and tuple(source()[800 - 1 - int(cy), int(cx)]) == RED)
    seen = source()
    assert seen.shape == (800, 1280, 3) and seen.dtype == np.uint8

    ui.tap(scr.ids.mute_btn)
    ui.frames(2)
    assert ui.service.calls[-1] == ("set_muted", True) and scr.ids.mute_btn.text == "取消静音"
    ui.tap(scr.ids.mute_btn)
    ui.frames(2)
    assert scr.ids.mute_btn.text == "静音"

    ui.tap(scr.ids.hangup_btn)
    ui.frames(2)
    assert ui.service.calls[-1] == ("hangup",)
    assert ui.app.manager.current == "item" and ui.screen.item_id == "SI-0049"
    assert scr.remote is None and scr.chat_text == "" and scr.helper_name == ""
    assert source() is None and not ui.ctl.capture.running
    assert "通话已结束" in ui.app.root.notice and ui.ctl.banner.parent is None
    ui.service.push_frame(frame)                  # a late frame is not drawn
    ui.frames(2)
    assert scr.remote is None


def test_browse_during_call_and_helper_hangs_up(assist_ui):
    """GIVEN a call WHEN the citizen goes on operating the screen THEN a banner leads back to
    the call; WHEN the helper hangs up THEN the banner goes and the citizen stays where they are."""
    ui = assist_ui
    _connect(ui)
    ui.tap(ui.screen.ids.browse_btn)
    assert ui.app.manager.current == "item"
    banner = ui.ctl.banner
    assert banner.parent is not None and banner.ids.open_btn.text == "返回通话"
    ui.tap(banner.ids.open_btn)
    assert ui.app.manager.current == "assist_call"
    ui.kiosk.session.home()
    ui.frames(2)
    ui.service.set(state="ended")
    ui.frames(3)
    assert ui.app.manager.current == "home" and banner.parent is None
    assert "通话已结束" in ui.app.root.notice


def test_session_end_hangs_up(assist_ui):
    """GIVEN a call WHEN the session ends (结束办理 or the idle countdown) THEN the call is hung up."""
    ui = assist_ui
    _connect(ui)
    ui.kiosk.session.end("finished")
    ui.frames(3)
    assert ("hangup",) in ui.service.calls and ui.app.manager.current == "home"
    assert ui.ctl.banner.parent is None and ui.app.screens["assist_call"].remote is None


def test_hub_lost_during_call(assist_ui):
    ui = assist_ui
    _connect(ui)
    ui.service.set(state="hub_lost")
    ui.frames(3)
    assert ui.app.manager.current == "item" and "网络中断" in ui.app.root.notice


def _solid(colour, size=(240, 320)):
    frame = np.zeros((*size, 3), dtype=np.uint8)
    frame[:] = colour
    return frame


def test_helper_video_and_self_view_move_on_screen(assist_ui):
    """GIVEN a connected call WHEN the helper's video and the kiosk camera send new frames of
    the same size THEN the screen shows each new frame (a texture blitted in place is
    redrawn), not the first one for the whole call."""
    ui = assist_ui
    _connect(ui)
    scr = ui.screen
    colours = [(200, 30, 40), (30, 160, 60), (40, 60, 210)]
    for n, colour in enumerate(colours):
        ui.service.push_frame(_solid(colour))
        ui.service.push_local_frame(_solid(colour[::-1], size=(120, 160)))
        ui.frames(3)
        shot = ui.screenshot(f"assist-call-moving-{n}")
        assert _pixel(shot, scr.ids.remote_video) == colour, f"helper video, frame {n}"
        assert _pixel(shot, scr.ids.self_view) == colour[::-1], f"self-view, frame {n}"


def test_video_draw_rate_follows_the_renderer(assist_ui, monkeypatch):
    """Software GL (llvmpipe here) draws the call's videos at 7.5 redraws a second, a GPU at 15."""
    from kivy.graphics import opengl

    from screens import assist_flow

    assert assist_ui.ctl.video_fps == assist_flow.SOFTWARE_GL_FPS == 7.5     # this machine: llvmpipe
    monkeypatch.setattr(opengl, "glGetString", lambda _name: b"Mesa Intel(R) UHD Graphics 620")
    assert assist_flow.draw_rate() == assist_flow.VIDEO_FPS == 15
    monkeypatch.setattr(opengl, "glGetString", lambda _name: b"llvmpipe (LLVM 15.0.6, 256 bits)")
    assert assist_flow.draw_rate() == 7.5
