# SPDX-License-Identifier: Apache-2.0
"""open_reader() backend selection, the admin self-test, and the photo plug-in."""
import ctypes.util
import shutil
import struct
import subprocess

import pytest

from drivers.base import DeviceError, DeviceState
from drivers.id_reader import open_reader
from drivers.id_reader.photo import (BMP_SIZE, TestWltDecoder, VendorLibraryDecoder, decoder_from_config,
                                     make_test_wlt)
from drivers.id_reader.selftest import run_self_test
from drivers.id_reader.sim_cards import demo_card

FAST = dict(poll_interval=0.03, timeouts={"find": 0.2, "select": 0.2, "read": 0.5, "sam": 0.2})


@pytest.mark.parametrize("uri, opts, state, code", [
    ("usb://0483:5750", {}, DeviceState.FAULT, "IDR_UNKNOWN_SCHEME"),
    ("/dev/ttyUSB0", {}, DeviceState.FAULT, "IDR_BAD_URI"),                 # no scheme
    ("serial:///dev/ttyUSB0?bauds=9600", {}, DeviceState.FAULT, "IDR_BAD_URI"),
    ("serial:///dev/ttyUSB0?baud=1234", {}, DeviceState.FAULT, "IDR_BAD_URI"),
    ("sim://", {"pol": False}, DeviceState.FAULT, "IDR_BAD_URI"),              # misspelt option
    ("sim://?card=nobody", {}, DeviceState.FAULT, "IDR_BAD_URI"),
    ("sim://", {"photo_decoder": "magic"}, DeviceState.FAULT, "IDR_BAD_URI"),
    ("serial:///nonexistent/ttyIDR9", {}, DeviceState.ABSENT, "IDR_UNPLUGGED"),
])
def test_misconfiguration_gives_a_device_with_a_clear_reason(uri, opts, state, code):
    """GIVEN a wrong URI/option WHEN open_reader THEN no exception, no fallback: a device saying why."""
    reader = open_reader("id_reader", uri, **{**FAST, **opts})
    try:
        assert reader.state is state and reader.last_error.code == code
        assert reader.kind == "id_reader"
        with pytest.raises(DeviceError):
            reader.read_card(0.1)
    finally:
        reader.close()


def test_sim_uri_runs_the_serial_backend_on_a_pty():
    reader = open_reader("id_reader", "sim://?card=expired&baud=921600", **FAST)
    try:
        assert reader.state is DeviceState.READY and type(reader).__name__ == "SerialIdCardReader"
        assert reader.port.startswith("/") and reader.capabilities()["photo"] == "test-wlt"
        card = reader.read_card(1.0)
        assert card.is_expired() and card.masked_name() == "测**期"
        bmp = reader.decode_photo(card)
        assert bmp[:2] == b"BM" and len(bmp) == BMP_SIZE and struct.unpack_from("<ii", bmp, 18) == (102, 126)
        reader.simulator.remove_card()
    finally:
        reader.close()
    assert reader.state is DeviceState.ABSENT
    with pytest.raises(DeviceError, match="IDR_CLOSED"):
        reader.read_card(0.1)


def test_self_test_prints_masked_fields_only():
    lines = run_self_test("sim://?baud=921600", timeout=2.0)
    text = "\n".join(lines)
    assert lines[-1] == "RESULT: PASS"
    assert "name: 测**例" in text and "number: 1100**********0013" in text
    assert "check digit: valid" in text and "resident ID card" in text and "long-term" in text
    assert "测试样例" not in text and "110000199001010013" not in text and "样例路" not in text


def test_self_test_reports_the_reason_when_the_reader_is_missing():
    lines = run_self_test("serial:///nonexistent/ttyIDR9", timeout=0.2)
    assert lines[-1] == "RESULT: FAIL IDR_UNPLUGGED"


# -- photo plug-in ----------------------------------------------------------------
def test_test_decoder_decodes_only_the_test_payload():
    bmp = TestWltDecoder().decode(make_test_wlt(1))
    assert len(bmp) == BMP_SIZE == 38862
    assert bmp != TestWltDecoder().decode(make_test_wlt(2))          # deterministic, per card
    with pytest.raises(DeviceError) as info:
        TestWltDecoder().decode(bytes(i % 256 for i in range(1024)))  # spec 5.9 photo: not a WLT
    assert info.value.code == "IDR_PHOTO_DECODE"
    assert demo_card("resident").photo_wlt == make_test_wlt(1)


def test_no_decoder_configured_says_so():
    assert decoder_from_config(None) is None
    reader = open_reader("id_reader", "sim://?card=resident&baud=921600", photo_decoder=None, **FAST)
    try:
        with pytest.raises(DeviceError) as info:
            reader.decode_photo(reader.read_card(1.0))
        assert info.value.code == "IDR_PHOTO_UNAVAILABLE"
    finally:
        reader.close()


LIBC = ctypes.util.find_library("c")


@pytest.mark.skipif(not LIBC, reason="no libc to stand in for a crashing vendor library")
def test_vendor_library_crash_does_not_take_the_caller_down():
    """GIVEN a 'vendor library' whose entry point aborts WHEN decoding THEN a coded error, process alive."""
    decoder = VendorLibraryDecoder(LIBC, entry="abort", timeout=10.0)
    try:
        with pytest.raises(DeviceError) as info:
            decoder.decode(make_test_wlt(1))
        assert info.value.code == "IDR_PHOTO_CRASHED"
    finally:
        decoder.close()


@pytest.mark.skipif(not LIBC, reason="no libc")
def test_vendor_library_hang_is_killed_after_the_timeout():
    decoder = VendorLibraryDecoder(LIBC, entry="pause", timeout=0.5)
    try:
        with pytest.raises(DeviceError, match="IDR_PHOTO_CRASHED"):
            decoder.decode(make_test_wlt(1))
    finally:
        decoder.close()


FAKE_VENDOR = r"""
#include <string.h>
int unpack(const char *wlt, char *out, int flag) {
    if (wlt[0] != 'E') return -1;                 /* "rejects" anything but the test payload */
    memset(out, 0, 38862); out[0] = 'B'; out[1] = 'M'; out[2] = (char)flag;
    return 1;
}
"""


@pytest.mark.skipif(not shutil.which("cc"), reason="no C compiler to build a fake vendor library")
def test_vendor_library_is_called_through_ctypes_in_a_worker(tmp_path):
    src, lib = tmp_path / "fake.c", tmp_path / "libfakewlt.so"
    src.write_text(FAKE_VENDOR)
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    decoder = decoder_from_config(f"vendor:{lib}")
    try:
        bmp = decoder.decode(make_test_wlt(1))
        assert bmp[:3] == b"BM\x01" and len(bmp) == 38862
        with pytest.raises(DeviceError) as info:
            decoder.decode(bytes(1024))
        assert info.value.code == "IDR_PHOTO_DECODE" and info.value.native == -1
    finally:
        decoder.close()
