# SPDX-License-Identifier: Apache-2.0
"""TEST ONLY: put on PYTHONPATH by ``assist_testkit.only_loopback`` so that the media child
(``python -m kiosk.assist.media_process``, where aiortc runs since issue 18) gathers and
accepts ICE candidates on 127.0.0.1 alone. Any other process started meanwhile is left as it is."""
import sys

if "kiosk.assist.media_process" in getattr(sys, "orig_argv", ()):
    import aioice.ice

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"] if use_ipv4 else []
    _original = aioice.ice.Connection.add_remote_candidate

    async def _add_remote_candidate(self, candidate):
        if candidate is None or candidate.host == "127.0.0.1":
            await _original(self, candidate)

    aioice.ice.Connection.add_remote_candidate = _add_remote_candidate
    print("media child: ICE on 127.0.0.1 only (test)", file=sys.stderr)
