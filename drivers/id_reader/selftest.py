# SPDX-License-Identifier: Apache-2.0
"""``ehall-kiosk devices test id_reader --uri URI``: probe the reader, read one card, print it masked."""
from __future__ import annotations

from drivers import selftest
from drivers.base import DeviceError

from . import open_reader
from . import errors as E
from .textblock import is_valid_id_number


def run_self_test(uri: str, timeout: float = 15.0) -> list[str]:
    """Lines for the admin; the last is ``RESULT: PASS`` or ``RESULT: FAIL <IDR_CODE>``.

    Waits up to ``timeout`` seconds for a card.  Only masked name and number are
    printed.  With ``sim://`` and no card in the URI, a fictitious card is placed.
    Blocking; never raises for device problems (they become FAIL lines).
    """
    def checks(reader, lines: list[str]) -> None:
        lines += reader.self_test()
        sim = getattr(reader, "simulator", None)
        if sim is not None and not sim.card_present:
            sim.place_card("resident")
            lines.append("simulator: placed the fictitious card 'resident'")
        lines.append(f"waiting up to {timeout:.0f} s for a card ...")
        card = reader.read_card(timeout)
        lines += [
            f"card type: {card.card_type.label}",
            f"name: {card.masked_name()}",
            f"number: {card.masked_number()}",
            "check digit: " + ("not applicable (2017 card)" if card.check_digit_valid is None
                               else "valid" if is_valid_id_number(card.number) else "INVALID"),
            "validity: " + ("long-term (长期)" if card.long_term else
                            f"until {card.valid_until:%Y-%m}" + (" — EXPIRED" if card.is_expired() else "")),
            f"photo: {len(card.photo_wlt)} bytes WLT" + _photo_note(reader, card),
        ]
        if card.appended_addresses:
            lines.append(f"appended addresses: {len(card.appended_addresses)}")
        card.wipe()

    return selftest.run("id_reader", uri, open_reader("id_reader", uri, poll=False), checks, "IDR_NOT_READY",
                        _failure)


def _failure(exc: DeviceError) -> list[str]:
    lines = [f"read failed: {exc.code}: {exc.error.text}"]
    if exc.error is E.IDR_BAD_CHECK_DIGIT:
        lines.append("check digit: INVALID (card data rejected)")
    if exc.error is E.IDR_NO_CARD:
        lines.append("no card was placed on the reader in time")
    return lines + [f"action: {exc.error.action.value}"]


def _photo_note(reader, card) -> str:
    try:
        bmp = reader.decode_photo(card)
    except DeviceError as exc:
        return f" (not decoded: {exc.code})"
    return f", decoded to a {len(bmp)}-byte BMP"
