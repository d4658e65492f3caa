# SPDX-License-Identifier: Apache-2.0
"""填入证件信息: the identity worker types the citizen's name, ID number, address or validity into the page.

The kiosk's core never holds the clear number, so it cannot type it. On the citizen's tap it sends
the worker the page's own DevTools address (``ws://127.0.0.1:PORT/devtools/page/ID``: no citizen
data) and the hall's allowlist; the worker connects to that page itself, checks that the page is on
an allowed host and that a text field has the focus, inserts the text (``Input.insertText``, as a
typed text would arrive) and disconnects. It answers a code only:

* ``filled``: done;
* ``not_allowed``: the page is not on the hall's list (a page the citizen reached elsewhere gets nothing);
* ``no_field``: no text field has the focus;
* ``no_card``: the card is gone (the session ended);
* ``no_page``: the page could not be reached (closed, crashed, not a local DevTools address);
* ``no_value``: this card has no such field.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger("kiosk.identity_worker")
FIELDS = ("name", "number", "address", "validity")
TIMEOUT_S = 5.0

# what has the focus, in the page or in a same-origin frame: an editable text field, or nothing
FOCUSED = """(() => {
  let el = document.activeElement;
  try { while (el && el.tagName === 'IFRAME' && el.contentDocument) el = el.contentDocument.activeElement; }
  catch (e) { return false; }
  if (!el) return false;
  if (el.isContentEditable || el.tagName === 'TEXTAREA') return !el.readOnly && !el.disabled;
  const types = ['', 'text', 'search', 'tel', 'number'];
  return el.tagName === 'INPUT' && types.includes((el.type || '').toLowerCase()) && !el.readOnly && !el.disabled;
})()"""


def local_page(url: str) -> bool:
    """Only a page address on this machine's loopback: the worker connects nowhere else."""
    parts = urlsplit(url)
    return parts.scheme == "ws" and parts.hostname in ("127.0.0.1", "::1", "localhost") and \
        parts.path.startswith("/devtools/page/")


def fill(card: Any, field: str, devtools: str, allowed: list[str]) -> str:
    """One fill; returns the code. Runs on its own thread (its own event loop)."""
    if field not in FIELDS:
        return "bad_field"
    if card is None:
        return "no_card"
    if not local_page(devtools):
        return "no_page"
    text = {"name": card.name, "number": card.number, "address": card.address,
            "validity": card.validity_text()}[field]
    if not text:
        return "no_value"                      # this card type has none (a foreigner card has no address)
    try:
        return asyncio.run(asyncio.wait_for(_fill(devtools, text, allowed), TIMEOUT_S))
    except (OSError, asyncio.TimeoutError, ValueError, KeyError) as exc:
        log.warning("identity worker: the page for 填入证件信息 could not be reached (%s)", type(exc).__name__)
        return "no_page"
    except Exception as exc:  # noqa: BLE001 - aiohttp's own errors; the code only
        log.warning("identity worker: 填入证件信息 failed (%s)", type(exc).__name__)
        return "no_page"


async def _fill(devtools: str, text: str, allowed: list[str]) -> str:
    import aiohttp

    from .web.policy import Allowlist
    async with aiohttp.ClientSession() as http, http.ws_connect(devtools, max_msg_size=1 << 20) as ws:
        calls = iter(range(1, 100))

        async def call(method: str, **params: Any) -> dict:
            ident = next(calls)
            await ws.send_str(json.dumps({"id": ident, "method": method, "params": params}))
            while True:
                msg = json.loads((await ws.receive()).data)
                if msg.get("id") == ident:
                    if "error" in msg:
                        raise ValueError(str(msg["error"].get("code")))
                    return msg.get("result") or {}

        async def value(expression: str) -> Any:
            got = await call("Runtime.evaluate", expression=expression, returnByValue=True)
            return got.get("result", {}).get("value")

        href = str(await value("location.href"))
        if urlsplit(href).scheme not in ("https", "http") or not Allowlist(allowed).allows(href):
            return "not_allowed"               # about:blank and the like are never a form to fill
        if not await value(FOCUSED):
            return "no_field"
        await call("Input.insertText", text=text)
        return "filled"
