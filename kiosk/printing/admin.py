# SPDX-License-Identifier: Apache-2.0
"""Admin commands: ``ehall-kiosk print test`` and ``ehall-kiosk print guide ITEM_ID``.

Both return lines for the admin's terminal and raise ``DeviceError`` (whose
message carries those lines) when the printer could not print.
"""
from __future__ import annotations

from typing import Any

from drivers.base import DeviceError
from drivers.receipt_printer import create_printer
from kiosk.printing.document import Document
from kiosk.printing.layout import render
from kiosk.printing.templates import guide_receipt, test_slip

DEFAULT_HALL = {"name": "政务服务大厅", "hours": "", "phone": ""}


def _print(doc: Document, uri: str, profile_name: str | None) -> list[str]:
    printer = create_printer(uri, profile_name)
    p = printer.profile
    lines = [f"printer {uri}: profile {p.name} ({p.width_dots} dots, {p.columns} columns, "
             f"{p.font_charset} font, QR {'native' if p.native_qr else 'image'}, "
             f"{'cutter' if p.cutter else 'tear bar'})"]
    status = printer.open()
    lines.append(f"status before: {status.describe()} -> {printer.state.value}")
    job = render(doc, p)
    try:
        result = printer.print_job(job)
    except DeviceError as exc:
        lines.append(f"NOT PRINTED: {exc.code} ({exc.error.action.value}): {exc.detail or exc.error.text}")
        raise DeviceError(exc.error, " | ".join(lines)) from exc
    lines.append(f"printed job {result.job_id}: {result.bytes_sent} bytes, about {result.length_mm:.0f} mm, "
                 f"{result.image_lines} line(s) drawn as images")
    lines.append(f"state after: {printer.state.value}"
                 + (f" (warning {result.warning})" if result.warning else ""))
    return lines


def run_print_test(uri: str, profile_name: str | None = None) -> list[str]:
    """Print the test slip (profile facts, Chinese samples, 䶮 as an image, QR, cut)."""
    printer_profile = create_printer(uri, profile_name).profile
    return _print(test_slip(printer_profile), uri, profile_name)


def print_guide(item: Any, qr_url: str | None, uri: str, profile_name: str | None = None,
                hall: Any = None) -> list[str]:
    """Print the take-home guide for ``item`` (a ``kiosk.catalogue.Item``)."""
    doc = guide_receipt(item, hall if hall is not None else DEFAULT_HALL, qr_url)
    return [f"guide for {item.id} {item.name}"] + _print(doc, uri, profile_name)
