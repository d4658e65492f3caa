# SPDX-License-Identifier: Apache-2.0
"""Devices unplugged and plugged back are found again without restarting the kiosk."""
import pytest

from drivers.base import DeviceError, DeviceState
from drivers.camera import make_camera
from drivers.receipt_printer import create_printer
from kiosk import devices
from kiosk.device_watch import DeviceWatch, needs_probe


def test_camera_unplugged_then_back():
    camera = make_camera("camera", "sim://")
    camera.open()
    watch = DeviceWatch({"camera": camera})
    camera.unplug()
    with pytest.raises(DeviceError):
        camera.read()
    assert camera.state is DeviceState.FAULT and camera.last_error.code == "CAM_NOT_FOUND"
    assert watch.check_once() == [] and camera.state is not DeviceState.READY   # still away
    camera.replug()
    assert watch.check_once() == ["camera"]
    assert camera.state is DeviceState.READY and camera.read().shape[2] == 3
    camera.close()


def test_receipt_printer_unplugged_then_back():
    printer = create_printer("sim://", name="receipt_printer")
    printer.open()
    printer.set_mode("unplugged")
    printer.refresh()
    assert printer.state in (DeviceState.ABSENT, DeviceState.FAULT)
    watch = DeviceWatch({"receipt_printer": printer})
    printer.set_mode("online")
    assert watch.check_once() == ["receipt_printer"] and printer.state is DeviceState.READY


def test_configuration_faults_and_self_recovering_readers_are_left_alone():
    broken = devices.create("camera", {"uri": "v4l2:///dev/ehall-no-such-camera"})
    bad_uri = devices.create("camera", {"uri": "nonsense://"})
    assert bad_uri.state is DeviceState.FAULT and not needs_probe(bad_uri)
    DeviceWatch({"camera": broken}).check_once()            # a camera not plugged in yet
    assert broken.state is DeviceState.FAULT and broken.last_error.code == "CAM_NOT_FOUND"
    assert needs_probe(broken)                               # staff can plug it in: keep looking
    reader = devices.create("id_reader", {"uri": "serial:///dev/ehall-no-such-port"})
    try:
        assert not needs_probe(reader)          # it polls its own port
    finally:
        reader.close()
