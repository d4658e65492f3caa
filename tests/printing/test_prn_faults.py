# SPDX-License-Identifier: Apache-2.0
"""Faults over TCP: offline, paper out before/after, silent printer, retries print once."""
import time

import pytest

from drivers.base import DeviceError, DeviceState
from drivers.receipt_printer import PrintJob, TextLine, create_printer
from prn_escpos_decoder import decode


def _job(job_id="job-1"):
    return PrintJob(job_id, [TextLine("受理回执"), TextLine("A012")])


@pytest.mark.parametrize("mode,code", [("offline", "PRN_OFFLINE"), ("paper_out", "PRN_NO_PAPER"),
                                       ("cover_open", "PRN_COVER_OPEN")])
def test_printer_not_ready_before_job(capture_printer, mode, code):
    """GIVEN a printer reporting MODE WHEN a job is sent THEN a coded error, nothing printed,
    job kept, state FAULT."""
    capture_printer.set_mode(mode)
    printer = create_printer(capture_printer.uri)
    with pytest.raises(DeviceError) as err:
        printer.print_job(_job())
    assert err.value.code == code and err.value.error.action.value == "staff"
    assert printer.pending_jobs() == ["job-1"] and printer.state is DeviceState.FAULT
    capture_printer.wait_captures(1)
    assert capture_printer.jobs() == []


def test_silent_printer_is_reported_within_3_s_and_retry_prints_once(capture_printer):
    """GIVEN a printer that accepts the connection and never answers
    WHEN a job is sent THEN PRN_NO_RESPONSE within 3 s and the job is kept;
    WHEN the printer comes back and the same job id is retried twice THEN it prints exactly once."""
    capture_printer.set_mode("no_answer")
    printer = create_printer(capture_printer.uri)
    events = []
    printer.subscribe(events.append)
    started = time.monotonic()
    with pytest.raises(DeviceError) as err:
        printer.print_job(_job())
    assert time.monotonic() - started < 3.0
    assert err.value.code == "PRN_NO_RESPONSE" and printer.pending_jobs() == ["job-1"]
    capture_printer.set_mode("online")
    printer.refresh()
    assert printer.state is DeviceState.READY
    assert any(e.kind == "printer_recovered" for e in events)
    [first] = printer.retry_pending()
    again = printer.print_job(_job())
    assert first.printed and again.duplicate and not again.printed
    assert printer.pending_jobs() == []
    assert capture_printer.wait_jobs(1)
    jobs = capture_printer.jobs()
    printed = [j for j in jobs if "受理回执" in decode(j).lines]
    assert len(printed) == 1


def test_paper_runs_out_during_job(capture_printer):
    """GIVEN paper that runs out while printing WHEN the job was sent THEN it counts as printed
    (no reprint on retry) but the printer is FAULT with PRN_NO_PAPER."""
    capture_printer.mode_after_job = "paper_out"
    printer = create_printer(capture_printer.uri)
    result = printer.print_job(_job())
    assert result.printed and result.warning == "PRN_NO_PAPER"
    assert printer.state is DeviceState.FAULT and printer.last_error.code == "PRN_NO_PAPER"
    assert printer.print_job(_job()).duplicate


def test_near_end_sensor_degrades(capture_printer):
    capture_printer.set_mode("near_end")
    printer = create_printer(capture_printer.uri, "kiosk-80-sensor")
    result = printer.print_job(_job())
    assert result.printed and result.warning == "PRN_PAPER_NEAR_END"
    assert printer.state is DeviceState.DEGRADED


def test_nothing_listening_is_not_found_fast(capture_printer):
    uri = capture_printer.uri
    capture_printer.close()
    printer = create_printer(uri)
    started = time.monotonic()
    with pytest.raises(DeviceError) as err:
        printer.print_job(_job())
    assert time.monotonic() - started < 3.0
    assert err.value.code == "PRN_NOT_FOUND" and printer.state is DeviceState.ABSENT
    assert printer.pending_jobs() == ["job-1"]


def test_open_reports_state_without_raising(capture_printer):
    capture_printer.set_mode("paper_out")
    printer = create_printer(capture_printer.uri)
    status = printer.open()
    assert status.paper_out and printer.state is DeviceState.FAULT
    with pytest.raises(DeviceError, match="PRN_NO_PAPER"):
        printer.self_test()
