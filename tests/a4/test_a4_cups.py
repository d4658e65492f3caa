# SPDX-License-Identifier: Apache-2.0
"""A4 printing through a real (private) cupsd: jobs arrive intact, once per key."""
import threading
import time

from a4_pdftools import fonts, pdf_from_pjl, text

from drivers.a4_printer import JobState, create_a4_printer
from drivers.base import DeviceState
from kiosk.printing.a4_service import A4Service


def _files(spool):
    return sorted(spool.glob("job-*.pdf"))


def _wait_files(spool, n, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(_files(spool)) < n:
        time.sleep(0.05)
    return _files(spool)


def test_a4_guide_reaches_a_network_printer_intact(cupsd, sink, guide_pdf, guide_item):
    """GIVEN a socket:// queue to a TCP printer WHEN the service prints the guide
    THEN it completes within 3 s and the printer receives the PDF with the font embedded."""
    cupsd.add_queue("Net", f"socket://127.0.0.1:{sink.port}")
    printer = create_a4_printer(f"cups://Net?server={cupsd.sock}")
    printer.open()
    assert printer.state is DeviceState.READY
    assert printer.capabilities()["error_policy"] == "retry-job"
    outcome = A4Service(printer).print_pdf(guide_pdf, "guide SI-0015", "net-guide-1")
    assert outcome.printed and outcome.message_key == "print_done", outcome
    assert outcome.seconds < 3.0
    assert sink.wait_jobs(1)
    received = pdf_from_pjl(sink.jobs[0])
    assert b"@PJL SET PAPER=A4" in sink.jobs[0][:400]
    assert guide_item.name in text(received)
    assert all(row["emb"] == "yes" for row in fonts(received))


def test_a4_same_key_prints_once_even_with_a_new_driver(queue, guide_pdf, tmp_path):
    """GIVEN a printed key WHEN it is printed again, by the same service, by a driver with the same
    journal file, and by one with no journal at all THEN every retry is a duplicate and one copy exists."""
    name, spool, uri = queue
    journal = tmp_path / "a4-journal.json"
    first = create_a4_printer(uri, journal_path=journal)
    service = A4Service(first)
    assert service.print_pdf(guide_pdf, "guide", "once-1").printed
    again = service.print_pdf(guide_pdf, "guide", "once-1")
    assert again.printed and again.duplicate
    for printer in (create_a4_printer(uri, journal_path=journal), create_a4_printer(uri)):
        printer.open()
        out = A4Service(printer).print_pdf(guide_pdf, "guide", "once-1")
        assert out.printed and out.duplicate, out
    assert len(_wait_files(spool, 1)) == 1
    time.sleep(0.3)
    assert len(_files(spool)) == 1


def test_a4_concurrent_retries_submit_once(queue, guide_pdf):
    """GIVEN a slow printer WHEN four threads print the same key at once THEN one job is submitted."""
    name, spool, uri = queue
    (spool / "mode").write_text("offline")
    printer = create_a4_printer(uri)
    printer.open()
    service = A4Service(printer)
    outs = []
    threads = [threading.Thread(target=lambda: outs.append(service.print_pdf(guide_pdf, "g", "race-1")))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(outs) == 4 and all(not o.printed for o in outs)
    (spool / "mode").write_text("ok")
    assert len(_wait_files(spool, 1)) == 1
    time.sleep(0.3)
    assert len(_files(spool)) == 1


def test_a4_open_sets_the_retry_job_error_policy(cupsd, queue):
    """GIVEN a queue with CUPS' default stop-printer policy WHEN the driver opens it THEN it is retry-job."""
    name, spool, uri = queue
    cupsd.run("lpadmin", "-p", name, "-o", "printer-error-policy=stop-printer")
    import cups

    def policy():
        conn = cups.Connection(host=str(cupsd.sock))
        return conn.getPrinterAttributes(name, requested_attributes=["printer-error-policy"])["printer-error-policy"]

    assert policy() == "stop-printer"
    printer = create_a4_printer(uri)
    printer.open()
    assert policy() == "retry-job" == printer.capabilities()["error_policy"]


def test_a4_cancel_a_waiting_job(queue, guide_pdf):
    """GIVEN a job waiting for paper WHEN the session cancels it THEN CUPS cancels it and nothing prints."""
    name, spool, uri = queue
    (spool / "mode").write_text("paper_out")
    printer = create_a4_printer(uri)
    printer.open()
    service = A4Service(printer)
    assert service.print_pdf(guide_pdf, "g", "cancel-1").code == "A4_NO_PAPER"
    assert service.cancel("cancel-1")
    deadline = time.monotonic() + 5
    while printer.job("cancel-1").state is not JobState.CANCELED and time.monotonic() < deadline:
        time.sleep(0.05)
    assert printer.job("cancel-1").state is JobState.CANCELED
    assert not service.cancel("never-submitted")
