# SPDX-License-Identifier: Apache-2.0
"""ICE server lists for clients, with coturn TURN REST (shared-secret) credentials."""
from __future__ import annotations

import base64
import hashlib
import hmac

from helpdesk.config import HubConfig


def turn_credentials(secret: str, user: str, now: float, ttl_s: int) -> tuple[str, str]:
    """coturn ``use-auth-secret``: username ``<expiry>:<user>``,
    password base64(HMAC-SHA1(secret, username))."""
    username = f"{int(now) + int(ttl_s)}:{user}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode("ascii")


def ice_servers_for(cfg: HubConfig, user: str, now: float) -> list[dict]:
    """The configured list, in RTCConfiguration.iceServers form. No public STUN is
    ever added: an empty config gives an empty list (host candidates only)."""
    out = []
    for s in cfg.ice_servers:
        entry: dict = {"urls": list(s.urls)}
        if s.username:
            entry.update(username=s.username, credential=s.credential)
        elif s.is_turn:
            entry["username"], entry["credential"] = turn_credentials(
                cfg.turn_secret, user, now, cfg.turn_ttl_seconds)
        out.append(entry)
    return out
