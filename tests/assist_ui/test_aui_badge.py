# SPDX-License-Identifier: Apache-2.0
"""A helper's staff badge on the PC/SC reader opens assist mode, as the PIN does."""
import logging

from drivers.smartcard import open_smartcard
from kiosk.assist_mode import hash_pin
from screens import assist_flow


def test_staff_badge_elevates_and_a_citizens_card_does_not(make_ui, caplog):
    reader = open_smartcard("smartcard", "sim://", staff_badges=("uid:04A1B2C3D4=W01",))
    ui = make_ui(**{"assist.staff_pins": [f"W01:{hash_pin('13579', log2_n=4)}"]})
    ui.kiosk.devices["smartcard"] = reader
    try:
        ctl = assist_flow.attach(ui.app, service=None)
        caplog.set_level(logging.INFO, logger="ehall.audit")
        reader.simulator.insert_card("ssc")                 # a citizen's social-security card
        ui.wait_until(lambda: reader.current_card is not None, timeout=5)
        ui.frames(5)
        assert not ctl.mode.active
        reader.simulator.remove_card()
        ui.wait_until(lambda: reader.current_card is None, timeout=5)
        reader.simulator.insert_card("badge")
        ui.wait_until(lambda: ctl.mode.active, timeout=5)
        assert ctl.mode.helper_id == "W01"
        assert ctl.toolbar.parent is not None
        assert any("elevated" in r.getMessage() and "W01" in r.getMessage() for r in caplog.records)
        ctl.detach()
    finally:
        reader.close()
