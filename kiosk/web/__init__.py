# SPDX-License-Identifier: Apache-2.0
"""The kiosk browser's policy (网上办 at the terminal): which sites a citizen's page may reach.
The Chromium process itself is a device (drivers/browser)."""
from .policy import Allowlist, Refusal
from .service import Ask, Frame, WebService, WebState, build_web

__all__ = ["Allowlist", "Ask", "Frame", "Refusal", "WebService", "WebState", "build_web"]
