# SPDX-License-Identifier: Apache-2.0
"""sim:// printer: scriptable faults, paper forecast, idempotency across restarts."""
import pytest

from drivers.base import DeviceError, DeviceState
from drivers.receipt_printer import PrintJob, TextLine, create_printer
from drivers.receipt_printer.simulator import SimulatedReceiptPrinter
from prn_escpos_decoder import decode


def _job(job_id, lines=3):
    return PrintJob(job_id, [TextLine(f"第{i}行 办事指南") for i in range(lines)])


def test_simulator_keeps_the_bytes():
    printer = create_printer("sim://")
    assert isinstance(printer, SimulatedReceiptPrinter)
    printer.open()
    assert printer.state is DeviceState.READY
    printer.print_job(_job("a"))
    assert decode(printer.output).lines == ["第0行 办事指南", "第1行 办事指南", "第2行 办事指南"]


@pytest.mark.parametrize("mode,code,state", [
    ("offline", "PRN_OFFLINE", DeviceState.FAULT), ("paper_out", "PRN_NO_PAPER", DeviceState.FAULT),
    ("cover_open", "PRN_COVER_OPEN", DeviceState.FAULT), ("no_answer", "PRN_NO_RESPONSE", DeviceState.FAULT),
    ("unplugged", "PRN_NOT_FOUND", DeviceState.ABSENT)])
def test_scripted_faults_keep_the_job(mode, code, state):
    printer = create_printer(f"sim://?mode={mode}")
    with pytest.raises(DeviceError) as err:
        printer.print_job(_job("a"))
    assert err.value.code == code and printer.state is state
    assert printer.pending_jobs() == ["a"] and printer.output == b""
    printer.set_mode("online")
    assert [r.printed for r in printer.retry_pending()] == [True]
    assert printer.state is DeviceState.READY


def test_transfer_that_breaks_off_keeps_the_job():
    printer = create_printer("sim://")
    printer.fail_next_transmit()
    with pytest.raises(DeviceError, match="PRN_TRANSMIT"):
        printer.print_job(_job("a"))
    assert printer.pending_jobs() == ["a"]
    assert printer.retry("a").printed


def test_forecast_warns_before_the_roll_runs_out():
    """GIVEN a printer without near-end sensor and a 100 mm roll (warn below 60 mm)
    WHEN receipts use up the paper THEN DEGRADED with PRN_PAPER_LOW_FORECAST before it is out."""
    printer = create_printer("sim://?paper_mm=100", "generic-80")
    printer.profile = printer.profile.with_overrides(roll_length_mm=100, warn_remaining_mm=60)
    first = printer.print_job(_job("a", 8))  # 8 lines x 30 dots = 30 mm
    assert first.warning is None and printer.state is DeviceState.READY
    second = printer.print_job(_job("b", 8))
    assert second.warning == "PRN_PAPER_LOW_FORECAST" and printer.state is DeviceState.DEGRADED
    assert printer.paper_left_mm() < 60
    printer.roll_replaced()
    assert printer.state is DeviceState.READY and printer.paper_left_mm() == 100


def test_printed_ids_survive_a_restart(tmp_path):
    journal = tmp_path / "printed.json"
    first = create_printer("sim://", journal_path=journal)
    assert first.print_job(_job("guide-1")).printed
    second = create_printer("sim://", journal_path=journal)
    assert second.print_job(_job("guide-1")).duplicate and second.output == b""
    assert second.journal.used_mm > 0


def test_unknown_pending_job_is_a_coded_error():
    with pytest.raises(DeviceError, match="PRN_JOB_UNKNOWN"):
        create_printer("sim://").retry("nope")


def test_listeners_see_state_changes_and_jobs():
    printer = create_printer("sim://")
    kinds = []
    printer.subscribe(lambda e: kinds.append(e.kind))
    printer.print_job(_job("a"))
    assert "job_printed" in kinds and "state_changed" in kinds


def test_service_holds_then_prints_after_recovery():
    """GIVEN paper out WHEN the kiosk prints a guide THEN the outcome says 'staff called' and
    the job is held; WHEN the poller sees the printer back THEN retry_held prints it once."""
    import threading

    from kiosk.printing import Document, ReceiptService, Text

    printer = create_printer("sim://?mode=paper_out")
    service = ReceiptService(printer)
    outcome = service.print_document(Document([Text("办事指南")], job_id="g-1"))
    assert outcome.held and outcome.code == "PRN_NO_PAPER"
    assert outcome.message_key == "print_unavailable_tell_staff" and not service.available
    recovered = threading.Event()
    printer.subscribe(lambda e: e.kind == "printer_recovered" and recovered.set())
    printer.set_mode("online")
    printer.start_polling(0.01)
    try:
        assert recovered.wait(2)
    finally:
        printer.stop_polling()
    assert [o.printed for o in service.retry_held()] == [True]
    assert service.print_document(Document([Text("办事指南")], job_id="g-1")).duplicate
    assert decode(printer.output).lines == ["办事指南"]
