# SPDX-License-Identifier: Apache-2.0
"""Receipt printing: document model, layout, templates, the receipt service.

No Kivy here and no I/O at import; backends are chosen by URI through
``drivers.receipt_printer.create_printer``.
"""
from kiosk.printing.admin import print_guide, run_print_test
from kiosk.printing.document import (BigText, Blank, Checklist, CutPaper, Document, KeyValue, Qr, Rule, Steps,
                                     Text, Title)
from kiosk.printing.layout import render, wrap
from kiosk.printing.service import PrintOutcome, ReceiptService
from kiosk.printing.templates import guide_receipt, test_slip, ticket_receipt

__all__ = ["BigText", "Blank", "Checklist", "CutPaper", "Document", "KeyValue", "PrintOutcome", "Qr",
           "ReceiptService", "Rule", "Steps", "Text", "Title", "guide_receipt", "print_guide", "render",
           "run_print_test", "test_slip", "ticket_receipt", "wrap"]
