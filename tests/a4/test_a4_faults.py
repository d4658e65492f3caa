# SPDX-License-Identifier: Apache-2.0
"""Faults through a real cupsd: paper out, offline, failing and hanging printers, stopped
queues, CUPS down or hung. Each is a coded A4_* error within 3 s; jobs are kept and print once."""
import socket
import threading
import time

import pytest

from drivers.a4_printer import JobState, create_a4_printer
from drivers.base import DeviceState
from kiosk.printing.a4_service import KEPT_STAFF, WAITING_STAFF, A4Service


def _printed(spool, n=1, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(list(spool.glob("job-*.pdf"))) < n:
        time.sleep(0.05)
    time.sleep(0.2)
    return sorted(spool.glob("job-*.pdf"))


@pytest.mark.parametrize("mode, code", [("paper_out", "A4_NO_PAPER"), ("offline", "A4_OFFLINE"),
                                        ("jam", "A4_PAPER_JAM"), ("fail", "A4_TRANSMIT")])
def test_a4_printer_trouble_is_coded_kept_and_printed_once(queue, guide_pdf, mode, code):
    """GIVEN a printer in trouble WHEN the guide is printed THEN a coded error within 3 s, the job waits
    in the queue; WHEN staff fix it THEN it prints by itself, and a retry with the key prints nothing."""
    name, spool, uri = queue
    (spool / "mode").write_text(mode)
    printer = create_a4_printer(uri)
    printer.open()
    service = A4Service(printer)
    out = service.print_pdf(guide_pdf, "guide", f"trouble-{mode}")
    assert out.seconds < 3.0
    assert (out.printed, out.held, out.queued, out.code, out.message_key) == (False, True, True, code, WAITING_STAFF)
    assert printer.state is DeviceState.FAULT and printer.last_error.code == code
    (spool / "mode").write_text("ok")
    if mode != "fail":  # the job was waiting at the printer: it goes on by itself
        assert len(_printed(spool)) == 1
    # (after a failed try CUPS waits JobRetryInterval plus up to ~10 s; a retry releases it now)
    retry = service.print_pdf(guide_pdf, "guide", f"trouble-{mode}")
    assert retry.printed and retry.duplicate, retry
    assert service.status(f"trouble-{mode}").printed
    assert len(_printed(spool)) == 1


def test_a4_printer_that_never_answers_is_reported_within_3_s(queue, guide_pdf):
    """GIVEN a backend that hangs WHEN printing THEN A4_NO_RESPONSE in under 3 s, job kept in the queue."""
    name, spool, uri = queue
    (spool / "mode").write_text("hang")
    printer = create_a4_printer(uri)
    printer.open()
    out = A4Service(printer).print_pdf(guide_pdf, "guide", "hang-1")
    assert out.seconds < 3.0 and out.code == "A4_NO_RESPONSE" and out.queued
    assert printer.job("hang-1").state is JobState.PROCESSING


def test_a4_network_printer_that_is_off(cupsd, guide_pdf):
    """GIVEN a socket:// queue to a port where nothing listens WHEN printing THEN A4_OFFLINE within 3 s."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    cupsd.add_queue("Off", f"socket://127.0.0.1:{port}")
    printer = create_a4_printer(f"cups://Off?server={cupsd.sock}")
    printer.open()
    out = A4Service(printer).print_pdf(guide_pdf, "guide", "off-1")
    cupsd.run("cancel", "-a", "-x", "Off")
    assert out.seconds < 3.0 and out.code in ("A4_OFFLINE", "A4_NO_RESPONSE") and out.queued


def test_a4_disabled_and_rejecting_queue_is_restarted(cupsd, queue, guide_pdf):
    """GIVEN an admin (or CUPS) stopped the queue and made it reject jobs WHEN the driver checks
    THEN it enables and accepts again, says so for the admin, and the job prints."""
    name, spool, uri = queue
    cupsd.run("cupsdisable", "-r", "stopped for the test", name)
    cupsd.run("cupsreject", name)
    printer = create_a4_printer(uri)
    printer.open()
    assert printer.state is DeviceState.READY
    assert len(printer.repairs) == 1 and "was stopped, accepting False" in printer.repairs[0]
    assert "enabled" in cupsd.lpstat("-p", name).stdout
    assert A4Service(printer).print_pdf(guide_pdf, "guide", "restart-1").printed


def test_a4_queue_that_stops_again_is_reported_for_the_admin(queue, guide_pdf):
    """GIVEN a printer whose backend stops the queue WHEN printing THEN the queue is restarted once,
    stops again, and the device is FAULT A4_QUEUE_STOPPED with CUPS' reason; the job stays queued."""
    name, spool, uri = queue
    (spool / "mode").write_text("stop")
    printer = create_a4_printer(uri)
    printer.open()
    out = A4Service(printer).print_pdf(guide_pdf, "guide", "stop-1")
    assert out.seconds < 3.0 and out.queued and out.code == "A4_QUEUE_STOPPED"
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        printer.refresh()
        if printer.state is DeviceState.FAULT and "fatal" in printer.last_error.detail:
            break  # CUPS sets the stop reason a moment after the state
        time.sleep(0.1)
    assert printer.state is DeviceState.FAULT and printer.last_error.code == "A4_QUEUE_STOPPED"
    assert len(printer.repairs) == 1 and "simulated fatal printer error" in printer.last_error.detail
    with pytest.raises(Exception) as exc:
        printer.self_test()
    assert "A4_QUEUE_STOPPED" in str(exc.value)


def test_a4_auto_enable_off_reports_a_stopped_queue(cupsd, queue):
    """GIVEN auto_enable=0 WHEN the queue is disabled THEN FAULT A4_QUEUE_STOPPED and it stays disabled."""
    name, spool, uri = queue
    cupsd.run("cupsdisable", name)
    printer = create_a4_printer(uri + "&auto_enable=0")
    printer.open()
    assert printer.state is DeviceState.FAULT and printer.last_error.code == "A4_QUEUE_STOPPED"
    assert "disabled" in cupsd.lpstat("-p", name).stdout


def test_a4_unknown_queue_and_cups_down(cupsd, tmp_path, guide_pdf):
    """GIVEN a wrong queue name / no scheduler WHEN opened or printed THEN ABSENT with a code, fast."""
    wrong = create_a4_printer(f"cups://NoSuchQueue?server={cupsd.sock}")
    wrong.open()
    assert wrong.state is DeviceState.ABSENT and wrong.last_error.code == "A4_QUEUE_UNKNOWN"
    down = create_a4_printer(f"cups://Q?server={tmp_path / 'no.sock'}")
    down.open()
    assert down.state is DeviceState.ABSENT and down.last_error.code == "A4_CUPS_DOWN"
    out = A4Service(down).print_pdf(guide_pdf, "guide", "down-1")
    assert out.code == "A4_CUPS_DOWN" and out.message_key == "print_unavailable" and out.seconds < 1.0
    assert down.kept_jobs() == ["down-1"]


def test_a4_hung_scheduler_keeps_the_service_responsive(tmp_path, guide_pdf):
    """GIVEN a 'cupsd' that accepts connections and never answers WHEN printing THEN the service answers
    within 3 s (A4_CUPS_TIMEOUT or A4_NO_RESPONSE) and other calls are not blocked meanwhile."""
    path = tmp_path / "hung.sock"
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(str(path))
    srv.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    try:
        printer = create_a4_printer(f"cups://Q?server={path}&timeout=1")
        service = A4Service(printer)
        started = time.monotonic()
        result = {}
        worker = threading.Thread(target=lambda: result.update(out=service.print_pdf(guide_pdf, "g", "hung-1")))
        worker.start()
        time.sleep(0.2)
        t0 = time.monotonic()
        assert service.available is False and time.monotonic() - t0 < 0.05  # UI-side calls do not block
        worker.join(5)
        out = result["out"]
        assert time.monotonic() - started < 3.3
        assert out.code in ("A4_CUPS_TIMEOUT", "A4_NO_RESPONSE") and out.message_key in (KEPT_STAFF,
                                                                                        "print_unavailable")
    finally:
        stop.set()
        for c in held:
            c.close()
        srv.close()
