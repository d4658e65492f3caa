# SPDX-License-Identifier: Apache-2.0
"""Run by test_media_child.py in a fresh interpreter: one full call through the kiosk's
AssistService (real hub, scripted helper), then prints which media modules this process holds."""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from assist_testkit import HubThread, kiosk_config, started_services, wait_state  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        hub = HubThread(Path(tmp)).start()
        try:
            with started_services(backoff_first_s=0.2) as make:
                s = make(kiosk_config(hub.url))
                h = hub.helper()
                h.send(type="presence", state="available")
                h.expect("presence", state="available")
                wait_state(s, lambda st: st.linked)
                s.request(large_text=False)
                h.send(type="accept", request_id=h.expect("ring")["request_id"])
                wait_state(s, "connected")
                offer = h.expect("signal")["data"]["sdp"]["type"]
                h.send(type="hangup")
                ended = wait_state(s, "ended").reason
        finally:
            hub.close()
    held = sorted(m for m in sys.modules if m.split(".")[0] in ("aiortc", "av", "aioice"))
    print(json.dumps({"offer": offer, "ended": ended, "held": held}))


if __name__ == "__main__":
    main()
