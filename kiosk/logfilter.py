# SPDX-License-Identifier: Apache-2.0
"""One PII filter for every log line the kiosk writes, whatever the logger.

Installed once by the composition root and by the CLI (:func:`install`), it masks every log
record as it is made, before any handler sees it:

- resident ID numbers (15 or 18 characters, the 18th may be X) → ``3701**********123X``;
- mainland mobile numbers → ``139****5678``, landlines → ``0631-****234``;
- the names of the citizens in the live session, registered by the identity service with
  :func:`hold` and dropped with :func:`release` → ``张*三``.

The check runs on the formatted message and on the exception text, so a traceback that
quotes a value is masked too. It is a last line of defence: code still must not log citizen data.
"""
from __future__ import annotations

import logging
import re
import threading

_ID = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{5})((?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
                 r"[0-9]{3}[0-9Xx]|[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9][0-9])[- ]?([0-9]{4})[- ]?([0-9]{4})(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])(0[1-9][0-9]{1,2})-([2-9][0-9]{3,4})([0-9]{3})(?![0-9])")

_names: set[str] = set()
_lock = threading.Lock()


def hold(*names: str) -> None:
    """Names of the citizen in the session, masked in every log line until :func:`release`."""
    with _lock:
        _names.update(n for n in names if n and len(n) >= 2)


def release(*names: str) -> None:
    with _lock:
        if names:
            _names.difference_update(names)
        else:
            _names.clear()


def _mask_name(name: str) -> str:
    return name[0] + "*" * (len(name) - 2) + name[-1] if len(name) > 2 else name[0] + "*"


def mask(text: str) -> str:
    """``text`` with ID numbers, phone numbers and the session's names masked."""
    text = _ID.sub(lambda m: m.group(0)[:4] + "*" * (len(m.group(0)) - 8) + m.group(0)[-4:], text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", text)
    with _lock:
        names = sorted(_names, key=len, reverse=True)
    for name in names:
        text = text.replace(name, _mask_name(name))
    return text


class PiiFilter(logging.Filter):
    """Masks the record's message (arguments merged) and its exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is logged as it is, still masked
            message = str(record.msg)
        record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


_installed = False


def install() -> None:
    """Masks every log record when it is made (``logging.setLogRecordFactory``), so every logger
    and every handler, also those Kivy or a library adds later, only ever sees masked text."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    make = logging.getLogRecordFactory()
    pii = PiiFilter()

    def masked(*args, **kwargs) -> logging.LogRecord:
        record = make(*args, **kwargs)
        pii.filter(record)
        return record

    logging.setLogRecordFactory(masked)
