# SPDX-License-Identifier: Apache-2.0
"""Coded errors of the kiosk browser."""
from __future__ import annotations

from drivers.base import Action, ErrorCode, Severity

WEB_BAD_URI = ErrorCode("WEB_BAD_URI", Severity.FATAL, Action.CONFIGURATION, "browser URI is invalid")
WEB_NO_BROWSER = ErrorCode("WEB_NO_BROWSER", Severity.ERROR, Action.MAINTENANCE,
                           "Chromium is not installed (Debian package chromium): 网上办 is hidden")
WEB_START_FAILED = ErrorCode("WEB_START_FAILED", Severity.ERROR, Action.RETRY, "Chromium did not start")
WEB_CRASHED = ErrorCode("WEB_CRASHED", Severity.WARNING, Action.RETRY, "the page's renderer crashed")
