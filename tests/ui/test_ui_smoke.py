# SPDX-License-Identifier: Apache-2.0
def test_home_shows_hall_and_terminal(ui):
    """GIVEN a fresh kiosk WHEN it starts THEN the home screen names the hall and terminal."""
    assert ui.app.manager.current == "home"
    home = ui.screen
    assert home.hall_name.startswith("威海经济技术开发区")
    assert home.terminal_id == "EHALL-01"
    ui.screenshot("home")
