# SPDX-License-Identifier: Apache-2.0
"""``ehall-kiosk devices test smartcard --uri URI``: wait for a card, print what was read, masked."""
from __future__ import annotations

from drivers import selftest

from . import open_smartcard


def run_self_test(uri: str, timeout: float = 15.0, staff_badges: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Lines for the admin; the last is ``RESULT: PASS`` or ``RESULT: FAIL <SC_CODE>``.

    Waits up to ``timeout`` seconds for a card.  The UID and the social-security
    card number are shown masked except their last 4 characters.  With ``sim://``
    and no card in the URI, the fictitious staff badge is inserted.
    Blocking; never raises for device problems (they become FAIL lines).
    """
    def checks(reader, lines: list[str]) -> None:
        lines.append(f"reader: {getattr(reader, '_reader', None) or '-'}")
        sim = getattr(reader, "simulator", None)
        if sim is not None and reader.current_card is None:
            sim.insert_card("badge")
            lines.append("simulator: inserted the fictitious card 'badge'")
        lines.append(f"waiting up to {timeout:.0f} s for a card ...")
        card = reader.wait_for_card(timeout)
        staff = reader.is_staff_badge(card)
        lines += [
            f"ATR: {card.atr.hex(' ').upper()}",
            f"ATR summary: {card.atr_info.summary() if card.atr_info else 'not a valid ATR'}",
            f"UID: {card.masked_uid() if card.uid else 'not available (reader or card does not support FF CA)'}",
            f"card kind: {card.kind}" + (f" ({card.storage_name})" if card.storage_name else ""),
        ]
        if card.kind == "social_security":
            lines.append(f"social-security card number: {card.masked_ssc_number() if card.ssc_number else 'not readable'}")
        lines.append(f"staff badge: {'yes' if staff else 'no'}")

    reader = open_smartcard("smartcard", uri, staff_badges=staff_badges)
    return selftest.run("smartcard", uri, reader, checks, "SC_NOT_READY",
                        lambda exc: [f"no card: {exc.code}: {exc.error.text}"])
