# SPDX-License-Identifier: Apache-2.0
"""Fictitious cards carried by the simulator (tests and the kiosk's demo mode).

Every card here is a fictitious test person: names are 测试样例-style, the
address code 110000 is a province-level code that no real county uses, and
the numbers only have correct GB 11643 check digits so the driver accepts
them.  The photo is the simulator's "test WLT" payload, not a real WLT.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .card import CardType, IdCard
from .photo import make_test_wlt
from .textblock import encode_text_block

D = dt.date


@dataclass
class SimCard:
    """What the simulated card answers: raw text block, photo, fingerprint, appended addresses."""
    text: bytes
    photo: bytes
    fingerprint: bytes = b""
    addresses: list[str] = field(default_factory=list)

    @classmethod
    def from_card(cls, card: IdCard, addresses: list[str] | None = None) -> "SimCard":
        return cls(encode_text_block(card), card.photo_wlt, card.fingerprint, list(addresses or []))


def _cards() -> dict[str, IdCard]:
    return {
        # fictitious test person
        "resident": IdCard(
            CardType.RESIDENT, "测试样例", "1", D(1990, 1, 1), "110000199001010013",
            D(2020, 1, 1), None, nation_code="01", address="测试省测试市测试区样例路1号",
            authority="测试市公安局测试分局", photo_wlt=make_test_wlt(1)),
        # fictitious test person (validity ended: the kiosk must say "expired")
        "expired": IdCard(
            CardType.RESIDENT, "测试过期", "2", D(1985, 2, 2), "110000198502020020",
            D(2010, 3, 1), D(2020, 3, 1), nation_code="03", address="测试省测试市测试区样例路2号",
            authority="测试市公安局测试分局", photo_wlt=make_test_wlt(2)),
        # fictitious test person (Hong Kong residence permit, number prefix 81; valid, for the demo's 模拟器)
        "hmt": IdCard(
            CardType.HMT_PERMIT, "测试港澳", "1", D(1995, 3, 15), "810000199503150038",
            D(2024, 6, 1), D(2029, 6, 1), address="测试省测试市测试区样例路3号",
            authority="测试市公安局出入境管理局", permit_number="H00000000", issue_count="01",
            photo_wlt=make_test_wlt(3)),
        # fictitious test person (2023 foreign permanent residence card, number starts with 9)
        "foreigner2023": IdCard(
            CardType.FOREIGNER_2023, "测试永居", "2", D(1988, 8, 8), "90000019880808004X",
            D(2024, 1, 1), D(2034, 1, 1), name_en="SAMPLE, TEST PERSON WITH A LONG ENGLISH NAME",
            nationality="XXX", renewal_count="00", photo_wlt=make_test_wlt(4)),
        # fictitious test person (2017 foreign permanent residence card, no check digit)
        "foreigner2017": IdCard(
            CardType.FOREIGNER_2017, "测试旧永居", "1", D(1970, 7, 7), "XXX000000000001",
            D(2017, 7, 1), D(2027, 7, 1), name_en="SAMPLE, OLD TEST PERSON", nationality="XXX",
            card_version="17", authority_code="0000", photo_wlt=make_test_wlt(5)),
    }


def demo_card(name: str) -> IdCard:
    """A fresh copy of a fictitious card: ``resident``, ``expired``, ``hmt``, ``foreigner2023``, ``foreigner2017``."""
    cards = _cards()
    if name not in cards:
        raise KeyError(f"no simulated card {name!r}; choose from {', '.join(cards)}")
    return cards[name]


DEMO_CARDS = ("resident", "expired", "hmt", "foreigner2023", "foreigner2017")
