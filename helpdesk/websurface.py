# SPDX-License-Identifier: Apache-2.0
"""The hub's web surface: the headers on every answer, the login request's checks
(same origin, JSON only, bounded), and bearer tokens (docs/security.md)."""
from __future__ import annotations

from aiohttp import web

LOGIN_MAX = 4096        # bytes of a login request body
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; media-src 'self' blob:; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                               "form-action 'self'; object-src 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def too_many() -> web.Response:
    return web.json_response({"error": "too many connections from this address"}, status=429,
                             headers={"Retry-After": "10"})


async def capped(sockets, address: str, serve):
    """Runs ``serve()`` (a socket's whole life) counted against its address's cap
    (``sockets.open``/``closed``); over the cap, the 429 of :func:`too_many` instead."""
    if not sockets.open(address):
        return too_many()
    try:
        return await serve()
    finally:
        sockets.closed(address)


def bearer(request: web.Request) -> str:
    auth = request.headers.get("Authorization", "")
    return auth[7:].strip() if auth[:7].lower() == "bearer " else ""


def same_origin(request: web.Request, behind_proxy: bool) -> bool:
    """No Origin (a script, curl) or the hub's own: a browser page elsewhere cannot log in."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    host = request.headers.get("X-Forwarded-Host") if request.headers.get("X-Forwarded-Host") \
        and behind_proxy else request.host
    return origin.split("://", 1)[-1].rstrip("/") == host


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Every answer: no version in Server, and the browser hardening headers."""
    response.headers["Server"] = "ehall-helpdesk"
    for key, val in SECURITY_HEADERS.items():
        response.headers.setdefault(key, val)
