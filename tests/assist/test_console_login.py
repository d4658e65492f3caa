# SPDX-License-Identifier: Apache-2.0
"""The real helper console in headless Chromium: what a helper reads after wrong passwords."""
import os

import pytest
from assist_testkit import HubThread


@pytest.mark.slow
def test_console_says_wrong_password_then_wait(tmp_path):
    """GIVEN the console WHEN a helper mistypes the password THEN 账号或密码错误; WHEN the
    limit of failed logins is reached THEN 登录失败次数过多，请 N 分钟后再试, even with the right
    password, and the desk stays hidden."""
    from browser_rig import CHROMIUM, FLAGS, need_browser
    need_browser()
    from playwright.sync_api import sync_playwright

    hub = HubThread(tmp_path, login_failures_before_throttle=2, login_throttle_seconds=120).start()
    hub.accounts.add("wangfang", "password-wangfang", "王芳")
    home, runtime = tmp_path / "home", tmp_path / "run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    env = {**{k: v for k, v in os.environ.items() if k != "HOME"}, "HOME": str(home),
           "XDG_RUNTIME_DIR": str(runtime)}
    pw = sync_playwright().start()
    try:
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, bypass_csp=True, args=FLAGS, env=env)
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        page.goto(hub.http + "/")

        def try_login(password: str) -> str:
            page.fill("#login-name", "wangfang")
            page.fill("#login-password", password)
            page.evaluate("document.getElementById('login-error').textContent = ''")
            page.click("#login-form button[type=submit]")
            page.wait_for_function("document.getElementById('login-error').textContent !== ''",
                                   timeout=5_000)
            return page.text_content("#login-error")

        assert try_login("wrong-1") == "账号或密码错误，或账号已停用"
        assert try_login("wrong-2") == "账号或密码错误，或账号已停用"
        assert try_login("password-wangfang") == "登录失败次数过多，请 2 分钟后再试"
        assert not page.is_visible("#desk-view")
        ctx.close()
    finally:
        pw.stop()
        hub.close()
