# SPDX-License-Identifier: Apache-2.0
"""Reading the card number (卡号) of a Chinese social-security card (社会保障卡), without keys.

Layout as publicly documented (人社信息函〔2012〕37号 "社会保障卡文件结构和数据项 V2.0",
LD/T 32 社会保障卡规范, and integrators' write-ups): the social-security environment
SSSE is selected by its name ``sx1.sh.社会保障`` (ASCII + GBK); its EF05 (发卡机构
数据, card-issuer data) is readable without PIN or external authentication and holds
data items read with READ RECORD P1=item, P2=04; item 07 is the card number (an9),
answered as a TLV ``07 09 <9 bytes>``.  EF06 (持卡人基本信息: 社会保障号码, name ...)
is described by some integrators as readable without keys too, but it holds the
citizen's ID number and name, so this driver does not read it.

NOT VERIFIED on a real card: this was written from the public documents and tested
against the in-process simulator and the vpcd test card only.  Anything unexpected
(no SSSE, security status, a record that is not TLV) gives None, never an exception.
"""
from __future__ import annotations

import logging
from typing import Callable

from . import apdu

log = logging.getLogger(__name__)

SSSE_AID = b"sx1.sh." + "社会保障".encode("gbk")   # 7378312E73682E C9E7BBE1B1A3D5CF
EF05 = 0xEF05
ITEM_CARD_NUMBER = 0x07
CARD_NUMBER_LEN = 9

Transmit = Callable[[bytes], apdu.Response]


def has_ssse(transmit: Transmit) -> bool:
    """SELECT the SSSE by name; True when the card knows it."""
    return transmit(apdu.select_aid(SSSE_AID)).ok


def read_card_number(transmit: Transmit) -> str | None:
    """The 9-character card number from SSSE/EF05 item 07, or None if not readable without keys.

    ``transmit`` sends one command APDU and returns the interpreted answer (with
    61xx/6Cxx already handled).  Call :func:`has_ssse` first.
    """
    if not transmit(apdu.select_file(EF05)).ok:
        return None
    resp = transmit(apdu.read_record(ITEM_CARD_NUMBER, 2 + CARD_NUMBER_LEN))
    if not resp.ok:
        log.info("SSSE EF05 item 07 not readable: %s (SW %s)", resp.error.code if resp.error else "-", resp.sw)
        return None
    return parse_card_number(resp.data)


def parse_card_number(data: bytes) -> str | None:
    """``07 09 'A12345678'`` (or the bare value) → ``"A12345678"``; None when it does not look like one."""
    if len(data) >= 2 and data[0] == ITEM_CARD_NUMBER and data[1] == len(data) - 2:
        data = data[2:]
    text = data.rstrip(b"\x00\xff").decode("ascii", "replace")
    if not text or len(text) > CARD_NUMBER_LEN or not text.isalnum() or not text.isascii():
        return None
    return text
