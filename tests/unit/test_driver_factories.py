# SPDX-License-Identifier: Apache-2.0
"""The one driver factory contract (drivers/registry.py), for every device class the kiosk knows.

A factory returns a device, never raises, and does no device I/O: a configuration or
start-up failure is a FAULT device with the driver's own coded error.
"""
import os
import threading

import pytest

from drivers import registry
from drivers.base import DeviceState, FaultedDevice
from kiosk import devices

BAD = {   # kind → [(uri, opts, expected code)]
    "id_reader": [("zz://x", {}, "IDR_UNKNOWN_SCHEME"), ("sim://?nope=1", {}, "IDR_BAD_URI"),
                  ("serial://", {}, "IDR_BAD_URI"), ("no scheme", {}, "IDR_BAD_URI"),
                  ("sim://", {"no_such_option": 1}, "IDR_BAD_URI")],
    "smartcard": [("zz://", {}, "SC_UNKNOWN_SCHEME"), ("sim://?card=nope", {}, "SC_BAD_URI"),
                  ("sim://", {"staff_badges": ["zz"]}, "SC_BAD_STAFF_BADGE"), ("sim://", {"nope": 1}, "SC_BAD_URI")],
    "camera": [("rtsp://cam/stream", {}, "CAM_BAD_URI"), ("v4l2:///dev/video0?width=abc", {}, "CAM_BAD_URI")],
    "receipt_printer": [("zz://", {}, "PRN_CONFIG"), ("sim://", {"profile": "no-such-profile"}, "PRN_CONFIG")],
    "a4_printer": [("tcp://127.0.0.1:9100", {}, "A4_CONFIG"), ("", {}, "A4_CONFIG")],
    "no_such_kind": [("sim://", {}, "DEV_UNKNOWN_KIND")],
}


@pytest.mark.parametrize("kind,uri,opts,code", [(k, *case) for k, cases in BAD.items() for case in cases])
def test_a_bad_configuration_is_a_fault_device_with_its_code(kind, uri, opts, code):
    device = registry.create(kind, kind, uri, **opts)
    assert device.state is DeviceState.FAULT and device.last_error.code == code
    assert isinstance(device, FaultedDevice) and device.name == kind
    with pytest.raises(Exception) as caught:      # every operation says why
        device.open()
    assert getattr(caught.value, "code", None) == code


def test_every_kind_the_kiosk_configures_has_a_driver():
    assert set(devices.KINDS) <= set(registry.KINDS)
    assert set(registry.KINDS) == set(devices.KINDS)


def test_a_faulted_reader_keeps_its_interface():
    from drivers.id_reader import IdCardReader
    from drivers.smartcard import SmartCardReader
    assert isinstance(registry.create("id_reader", "r", "zz://"), IdCardReader)
    assert isinstance(registry.create("smartcard", "s", "zz://"), SmartCardReader)


def test_building_does_no_device_io(tmp_path):
    """A reader on a port that never answers is built at once: no probe, no thread, no bytes sent.

    The kiosk opens it later on its devices thread, so the home screen never waits for it."""
    master, slave = os.openpty()
    try:
        before = set(threading.enumerate())
        reader = devices.create("id_reader", {"uri": f"serial://{os.ttyname(slave)}"})
        card = devices.create("smartcard", {"uri": "sim://?card=badge", "staff_badges": []})
        assert reader.state is DeviceState.ABSENT and reader.last_error is None
        assert card.state is DeviceState.ABSENT and card.last_error is None
        assert set(threading.enumerate()) == before
        os.set_blocking(master, False)
        with pytest.raises(BlockingIOError):
            os.read(master, 64)                    # nothing was written to the port
        reader.close()
        card.close()
    finally:
        os.close(master)
        os.close(slave)


def test_a_contract_breach_is_still_a_fault_device(monkeypatch):
    import drivers.camera as camera

    def broken(name, uri, **opts):
        raise RuntimeError("bug in a backend")
    monkeypatch.setattr(camera, "build", broken)
    device = registry.create("camera", "camera", "sim://")
    assert device.state is DeviceState.FAULT and device.last_error.code == "DEV_BACKEND_FAILED"
    assert "bug in a backend" in device.last_error.detail
