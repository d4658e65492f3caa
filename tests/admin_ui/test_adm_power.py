# SPDX-License-Identifier: Apache-2.0
"""关机/重启终端 through systemd-logind, tested up to the call: a fake logind on a private bus."""
import pytest
from jeepney.wrappers import DBusErrorResponse

from kiosk.ops.admin_system import Logind


def test_poweroff_and_reboot_call_logind_manager_without_interaction(logind):
    Logind(bus=logind.address).power("poweroff")
    Logind(bus=logind.address).power("reboot")
    assert [(c[0], c[1], c[2], c[3]) for c in logind.calls if c[1] in ("PowerOff", "Reboot")] == [
        ("org.freedesktop.login1.Manager", "PowerOff", "b", (False,)),
        ("org.freedesktop.login1.Manager", "Reboot", "b", (False,))]


def test_a_refusal_is_raised_not_swallowed(logind):
    logind.deny = True
    with pytest.raises(DBusErrorResponse) as info:
        Logind(bus=logind.address).power("reboot")
    assert info.value.name == "org.freedesktop.DBus.Error.AccessDenied"


def test_an_unknown_action_is_refused_before_the_bus():
    with pytest.raises(ValueError):
        Logind(bus="unix:path=/nonexistent").power("hibernate")
