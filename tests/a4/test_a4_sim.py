# SPDX-License-Identifier: Apache-2.0
"""The A4 simulator, the reason table and the wiring: no cupsd needed."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.a4_printer import KeyJournal, create_a4_printer
from drivers.a4_printer import errors as e
from drivers.a4_printer.interface import A4Printer
from drivers.base import DeviceError, DeviceState
from kiosk import devices
from kiosk.printing.a4_service import KEPT_STAFF, WAITING_STAFF, A4Service

PDF = b"%PDF-1.4 simulated"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sim(tmp_path):
    printer = create_a4_printer(f"sim://?spool={tmp_path}")
    printer.open()
    yield printer
    printer.close()


def test_a4_factories_build_the_a4_printer():
    """GIVEN the config wiring WHEN a4_printer is sim:// or a bad URI THEN a driver / a FAULT with a reason."""
    device = devices.create("a4_printer", {"uri": "sim://"})
    assert device.kind == "a4_printer" and isinstance(device, A4Printer)
    device.close()
    bad = devices.create("a4_printer", {"uri": "tcp://127.0.0.1:9100"})
    assert bad.state is DeviceState.FAULT and "cups://" in bad.last_error.detail
    with pytest.raises(TypeError):
        A4Printer("x")  # type: ignore[abstract]


def test_a4_sim_writes_each_key_once(sim, tmp_path):
    service = A4Service(sim)
    assert service.print_pdf(PDF, "guide", "k-1").printed
    assert service.print_pdf(PDF, "guide", "k-1").duplicate
    assert [p.name for p in tmp_path.glob("*.pdf")] == ["00001-k-1.pdf"]
    assert (tmp_path / "00001-k-1.pdf").read_bytes() == PDF
    sim.close()                                    # a spool named in the URI is the developer's: kept
    assert [p.name for p in tmp_path.glob("*.pdf")] == ["00001-k-1.pdf"]


def test_a4_sim_temp_spool_lives_as_long_as_the_printer():
    """GIVEN sim:// without a spool WHEN it prints THEN the PDF is in an ehall-a4-sim-* temp folder;
    WHEN the printer is closed (twice) THEN the folder is gone; a later print makes a new one."""
    printer = create_a4_printer("sim://")
    printer.open()
    service = A4Service(printer)
    assert service.print_pdf(PDF, "guide", "k-t").printed
    pdf = printer.printed[-1]
    assert pdf.read_bytes() == PDF and pdf.parent.name.startswith("ehall-a4-sim-")
    printer.close()
    printer.close()
    assert not pdf.parent.exists()
    assert service.print_pdf(PDF, "guide", "k-u").printed and printer.printed[-1].parent != pdf.parent
    printer.close()
    assert not printer.printed[-1].parent.exists()


def test_a4_sim_temp_spool_never_closed_is_removed_at_exit(tmp_path):
    """GIVEN a process whose simulated printer printed and was never closed WHEN it exits THEN no folder."""
    code = ("from drivers.a4_printer import create_a4_printer\n"
            "from kiosk.printing.a4_service import A4Service\n"
            "p = create_a4_printer('sim://')\np.open()\n"
            "assert A4Service(p).print_pdf(b'%PDF-1.4', 'guide', 'k').printed\nprint(p.printed[-1])\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=dict(os.environ, TMPDIR=str(tmp_path)),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).parent.parent == tmp_path    # it did print into a folder there
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("mode, code", [("paper_out", "A4_NO_PAPER"), ("offline", "A4_OFFLINE"),
                                        ("jam", "A4_PAPER_JAM"), ("stopped_locked", "A4_QUEUE_STOPPED"),
                                        ("down", "A4_CUPS_DOWN")])
def test_a4_sim_printer_down_keeps_the_job_until_recovered(sim, tmp_path, mode, code):
    """GIVEN the printer down before the job WHEN printing THEN nothing is sent, the job is kept;
    WHEN it recovers THEN printer_recovered and retry_held prints it once."""
    events = []
    sim.subscribe(lambda ev: events.append(ev.kind))
    sim.set_mode(mode)
    service = A4Service(sim)
    out = service.print_pdf(PDF, "guide", "k-2")
    assert (out.printed, out.held, out.queued, out.code) == (False, True, False, code)
    assert out.message_key in (KEPT_STAFF, "print_unavailable")
    assert sim.kept_jobs() == ["k-2"] and not list(tmp_path.glob("*.pdf"))
    sim.set_mode("ready")
    sim.refresh()
    assert "printer_recovered" in events
    assert [o.printed for o in service.retry_held()] == [True]
    assert service.retry_held() == [] and len(list(tmp_path.glob("*.pdf"))) == 1


def test_a4_sim_paper_runs_out_while_queued_and_stuck_printer(sim, tmp_path):
    sim.set_mode("stuck")
    service = A4Service(sim, budget=0.5)
    out = service.print_pdf(PDF, "guide", "k-3")
    assert out.code == "A4_NO_RESPONSE" and out.queued and out.message_key == WAITING_STAFF
    assert out.seconds < 0.6
    sim.set_mode("paper_out")
    assert sim.job("k-3").error is e.A4_NO_PAPER
    sim.set_mode("ready")
    assert service.status("k-3").printed and service.print_pdf(PDF, "guide", "k-3").duplicate


def test_a4_sim_stopped_queue_is_restarted_once(sim):
    sim.set_mode("stopped")
    sim.refresh()
    assert sim.state is DeviceState.READY and len(sim.repairs) == 1


def test_a4_journal_file_survives_a_restart(tmp_path):
    journal = tmp_path / "j.json"
    KeyJournal(journal).record("k", 7)
    assert KeyJournal(journal).get("k") == 7


def test_a4_bad_document_and_unknown_job(sim):
    with pytest.raises(DeviceError) as exc:
        sim.submit(b"not a pdf", "x", "k-4")
    assert exc.value.code == "A4_BAD_DOCUMENT"
    with pytest.raises(DeviceError):
        sim.job("never")
    assert A4Service(sim).status("never").code == "A4_JOB_UNKNOWN"


@pytest.mark.parametrize("reasons, blocking, warning", [
    (["none"], None, None),
    (["media-empty-error"], "A4_NO_PAPER", None),
    (["media-needed"], "A4_NO_PAPER", None),
    (["toner-low-report", "cover-open-error"], "A4_COVER_OPEN", "A4_TONER_LOW"),
    (["marker-supply-empty-error"], "A4_TONER_EMPTY", None),
    (["something-new-error"], "A4_PRINTER_ERROR", None),
    (["something-new-warning", "paused"], None, None),
    (["media-empty-warning"], None, "A4_NO_PAPER"),
])
def test_a4_reasons_table(reasons, blocking, warning):
    got = e.from_reasons(reasons)
    assert (got[0] and got[0].code, got[1] and got[1].code) == (blocking, warning)
    assert len({c.code for c in e.ALL_CODES}) == len(e.ALL_CODES)
