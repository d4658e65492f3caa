# SPDX-License-Identifier: Apache-2.0
"""The identity flow's vocabulary: steps, plain-words codes, the in-memory identity.

Screens map every ``ID_*`` / ``HELP_*`` code to their own words; nothing here
is shown as is. :class:`Identity` is what ``session.identity`` holds after a
successful check: masked fields for display, and the clear card, the decoded
card photo and the face check only inside, erased by :meth:`Identity.wipe`.
"""
from __future__ import annotations

import enum
import threading
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from drivers.id_reader import CardType, IdCard

from . import logfilter
from .i18n import N_


class Step(enum.Enum):
    IDLE = "idle"                      # not in the identity flow
    CONSENT_CARD = "consent_card"      # asking: may we read the card?
    CONSENT_FACE = "consent_face"      # asking, separately: may we compare your face?
    WAITING_CARD = "waiting_card"      # 请将身份证放在读卡区
    READING = "reading"                # the reader is reading a card
    CARD_ERROR = "card_error"          # ``code`` says why; 重试 goes back to WAITING_CARD
    CARD_READ = "card_read"            # card accepted; the photo is being prepared
    FACE = "face"                      # face check running; ``hint`` guides
    FACE_FAILED = "face_failed"        # one try failed; ``code`` says why, ``tries_left`` > 0
    IDENTIFIED = "identified"          # session.identity is set
    HELPER = "helper"                  # the non-face alternative: staff; ``reason`` says why


@dataclass(frozen=True)
class IdentityState:
    """What the screens show; masked data only."""
    step: Step
    code: str | None = None           # ID_* (card) or FACE_* (last face try)
    hint: str | None = None           # HINT_* while the face check runs
    turn: str | None = None           # "left"/"right": the head turn asked for now (kept while the face is lost)
    reason: str | None = None         # HELP_* on the helper route
    tries_left: int = 0
    challenge: tuple[str, ...] = ()
    card_type_text: str = ""
    masked_name: str = ""
    masked_number: str = ""


# -- card errors (plain words on the idcard screen) ----------------------------------
ID_CARD_MOVED = "ID_CARD_MOVED"                  # moved during the read: place it flat and still
ID_UNREADABLE = "ID_UNREADABLE"                  # could not be read (damaged, not an ID card, link errors)
ID_EXPIRED = "ID_EXPIRED"                        # validity end date has passed
ID_CHECK_DIGIT = "ID_CHECK_DIGIT"                # number fails GB 11643: card data not trusted
ID_READER_UNAVAILABLE = "ID_READER_UNAVAILABLE"  # reader unplugged, faulty or not configured
ID_NO_CARD = "ID_NO_CARD"                        # no card within card_timeout_seconds
ID_LIFT_AND_PLACE = "ID_LIFT_AND_PLACE"          # a card lay there before we asked: lift it, place again

# -- why the helper route was taken (identity_help screen) -------------------------
HELP_DECLINED = "HELP_DECLINED"                  # no consent to read the card
HELP_FACE_DECLINED = "HELP_FACE_DECLINED"        # no consent to the face check
HELP_FACE_FAILED = "HELP_FACE_FAILED"            # face_tries failed tries
HELP_FACE_UNAVAILABLE = "HELP_FACE_UNAVAILABLE"  # camera/engine/photo decoder not usable, unusable card photo

_MOVED = {"IDR_READ_FAILED", "IDR_SELECT_FAILED", "IDR_CARD_AUTH_SAM", "IDR_RANDOM", "IDR_NO_CARD"}
_CHECK = {"IDR_BAD_CHECK_DIGIT", "IDR_BAD_NUMBER", "IDR_FIELD_MISMATCH"}
_READER = {"IDR_UNPLUGGED", "IDR_NOT_RESPONDING", "IDR_PORT", "IDR_BACKEND_START", "IDR_BAD_URI",
           "IDR_UNKNOWN_SCHEME", "IDR_CLOSED", "IDR_SAM_SELFTEST", "IDR_SAM_UNAUTHORISED"}


def card_error_code(idr_code: str) -> str:
    """The plain-words code for a reader error code (``IDR_*``)."""
    if idr_code in _MOVED:
        return ID_CARD_MOVED
    if idr_code in _CHECK:
        return ID_CHECK_DIGIT
    if idr_code in _READER:
        return ID_READER_UNAVAILABLE
    return ID_UNREADABLE


CARD_TYPE_TEXT = {
    CardType.RESIDENT: N_("居民身份证"),          # shown through the screens' app._ (kiosk/i18n.py)
    CardType.FOREIGNER_2017: N_("外国人永久居留身份证"),
    CardType.FOREIGNER_2023: N_("外国人永久居留身份证"),
    CardType.HMT_PERMIT: N_("港澳台居民居住证"),
}


class Identity:
    """A verified citizen, in memory only. ``repr`` and every public field are masked.

    ``card`` (the clear :class:`IdCard`) is for services that must submit the
    clear data; they must not copy it anywhere that outlives the session.
    """

    def __init__(self, card: IdCard, photo: np.ndarray | None, face_check: Any = None,
                 face_verified: bool = False):
        self.card: IdCard | None = card
        self.card_type = card.card_type
        self.card_type_text = CARD_TYPE_TEXT.get(card.card_type, N_("身份证件"))
        self.masked_name = card.masked_name()
        self.masked_number = card.masked_number()
        self.face_verified = face_verified
        # 查看我的工单: the worker's HMAC of the number (kiosk/citizen_tag.py); "" without a worker or key
        self.citizen_tag: str = getattr(card, "citizen_tag", "") or ""
        self._photo = photo
        self._face_check = face_check
        self._lock = threading.Lock()
        self.wiped = False

    def wipe(self) -> None:
        """Erase the card, the photo (zeroed in place), the face check's frames and encodings. Idempotent."""
        with self._lock:
            card, photo, check = self.card, self._photo, self._face_check
            self.card = self._photo = self._face_check = None
            self.masked_name = self.masked_number = self.citizen_tag = ""
            self.wiped = True
        wipe_all(card, photo, check)

    def __repr__(self) -> str:
        return f"Identity({self.card_type.name}, {self.masked_name!r}, {self.masked_number!r})"

    __str__ = __repr__


def wipe_all(card: IdCard | None, photo: np.ndarray | None, check: Any) -> None:
    """Wipe what the flow holds: ``IdCard.wipe()``, zero the photo array, ``FaceCheck.wipe()``."""
    if card is not None:
        if card.name:
            logfilter.release(card.name)   # first: the filter's reference would keep the name from being zeroed
        card.wipe()
    if isinstance(photo, np.ndarray) and photo.flags.writeable:   # (a worker's photo is only a handle)
        photo.fill(0)
    if check is not None:
        check.cancel()
        check.wipe()


def rgb_from_bmp(bmp: bytes) -> np.ndarray:
    """The decoded card photo (BMP bytes) as a writable RGB uint8 array we can zero later."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(bmp)) as im:
        return np.array(im.convert("RGB"), dtype=np.uint8, copy=True)


PhotoDecoder = Callable[[IdCard], np.ndarray]
