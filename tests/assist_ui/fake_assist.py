# SPDX-License-Identifier: Apache-2.0
"""A scriptable stand-in for kiosk.assist.service.AssistService (same interface, no network).

Tests drive it with :meth:`FakeAssistService.set` (a hub message arrived) and
:meth:`push_frame` (a helper's video frame arrived); ``calls`` records intents.
Subscribers are called on the calling thread, like the real service's asyncio
thread would call them on its own.
"""
from __future__ import annotations

STATES = ("idle", "requesting", "queued", "ringing", "connected", "no_helper", "timeout",
          "ended", "hub_lost", "unavailable")


class FakeAssistService:
    def __init__(self):
        self.state = "idle"
        self.position = None
        self.estimate_s = None
        self.helper_name = ""
        self.chat: list[dict] = []
        self.muted = False
        self.calls: list[tuple] = []
        self.started = False
        self.screen_source = None
        self._subscribers = []
        self._frame_callbacks = []
        self._local_callbacks = []

    # -- the interface -------------------------------------------------------------
    def start(self):
        self.started = True

    def stop(self):
        self.started = False

    def subscribe(self, fn):
        self._subscribers.append(fn)

    def set_screen_source(self, fn):
        self.screen_source = fn

    def on_remote_frame(self, fn):
        self._frame_callbacks.append(fn)

    def on_local_frame(self, fn):
        self._local_callbacks.append(fn)

    def request(self, large_text: bool):
        self.calls.append(("request", large_text))
        self.set(state="requesting")

    def cancel(self):
        self.calls.append(("cancel",))
        self.set(state="ended")

    def hangup(self):
        self.calls.append(("hangup",))
        self.set(state="ended")

    def set_muted(self, muted: bool):
        self.calls.append(("set_muted", muted))
        self.set(muted=bool(muted))

    def send_chat(self, text: str):
        self.calls.append(("send_chat", text))
        self.chat.append({"from": "kiosk", "text": text})

    # -- test controls ---------------------------------------------------------------
    def set(self, **fields):
        assert fields.get("state", self.state) in STATES
        for key, value in fields.items():
            setattr(self, key, value)
        for fn in list(self._subscribers):
            fn(self)

    def helper_says(self, text: str):
        self.chat.append({"from": "helper", "text": text})
        self.set()

    def push_frame(self, frame):
        for fn in list(self._frame_callbacks):
            fn(frame)

    def push_local_frame(self, frame):
        """A frame of the kiosk's own camera (the citizen's self-view)."""
        for fn in list(self._local_callbacks):
            fn(frame)
