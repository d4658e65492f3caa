# SPDX-License-Identifier: Apache-2.0
"""The serial:// transport (python-escpos Serial) against a pseudo-terminal printer."""
import os
import select
import threading
import time
import tty

import pytest

from drivers.base import DeviceError
from drivers.receipt_printer import PrintJob, TextLine, create_printer
from drivers.receipt_printer.status import DLE_EOT, STATUS_REPLIES
from prn_escpos_decoder import decode


class PtyPrinter:
    def __init__(self, mode="online"):
        self.mode, self.data, self._stop = mode, bytearray(), False
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while not self._stop:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            self.data += chunk
            for i in range(len(chunk) - 2):
                if chunk[i:i + 2] == DLE_EOT and self.mode in STATUS_REPLIES:
                    os.write(self.master, bytes([STATUS_REPLIES[self.mode][chunk[i + 2]]]))

    def close(self):
        self._stop = True
        self._t.join(1)
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def pty_printer():
    printer = PtyPrinter()
    yield printer
    printer.close()


def test_serial_job_and_status(pty_printer):
    printer = create_printer(f"serial://{pty_printer.path}?baud=115200")
    result = printer.print_job(PrintJob("s1", [TextLine("串口打印 OK")]))
    assert result.printed
    deadline = time.monotonic() + 2
    while b"OK\n" not in pty_printer.data and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "串口打印 OK" in decode(bytes(pty_printer.data)).lines


def test_serial_silent_printer_within_3_s(pty_printer):
    pty_printer.mode = "no_answer"
    printer = create_printer(f"serial://{pty_printer.path}")
    started = time.monotonic()
    with pytest.raises(DeviceError, match="PRN_NO_RESPONSE"):
        printer.print_job(PrintJob("s2", [TextLine("x")]))
    assert time.monotonic() - started < 3.0 and printer.pending_jobs() == ["s2"]


def test_missing_serial_device_is_not_found():
    with pytest.raises(DeviceError, match="PRN_NOT_FOUND"):
        create_printer("serial:///dev/ttyNOPE0").print_job(PrintJob("s3", [TextLine("x")]))


def test_missing_usb_printer_is_not_found():
    from drivers.receipt_printer.escpos_backend import is_available

    assert is_available("usb"), "pyusb and Debian's libusb-1.0-0 come with the README's set-up"
    with pytest.raises(DeviceError, match="PRN_NOT_FOUND"):
        create_printer("usb://0416:5011").print_job(PrintJob("u1", [TextLine("x")]))
