# SPDX-License-Identifier: Apache-2.0
"""Remote assist (呼叫帮办), the kiosk side: hub client, call peer and the service.

Only :mod:`kiosk.assist.service` is imported here; aiortc and PyAV load only in
the call's media child (``kiosk.assist.media_process``, which imports
``kiosk.assist.peer``), never in the kiosk process. No Kivy. See docs/remote-assist.md.
"""
from .callback import CallbackError
from .service import ACTIVE, STATES, WAITING, AssistService, AssistStatus, ChatLine

__all__ = ["AssistService", "CallbackError", "AssistStatus", "ChatLine", "STATES", "WAITING", "ACTIVE"]
