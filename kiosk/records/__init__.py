# SPDX-License-Identifier: Apache-2.0
"""Records the citizen submits on purpose (work orders, ratings, unanswered questions), on the
kiosk's side: the outbox that loses nothing, working-day deadlines, contact phone numbers."""
from .outbox import KINDS, Outbox, OutboxError, OutboxSender, Record, Refused, new_key
from .phone import mask_phone, normalise_phone
from ehall_common.workdays import Deadline, WorkCalendar, parse_days

__all__ = ["KINDS", "Deadline", "Outbox", "OutboxError", "OutboxSender", "Record", "Refused", "WorkCalendar", "mask_phone",
           "new_key", "normalise_phone", "parse_days"]
