# SPDX-License-Identifier: Apache-2.0
"""The ID-card reader as the kiosk sees it (kind ``"id_reader"``).

Events (``DeviceEvent.kind`` → ``data``), delivered on the driver's polling thread:

* ``state_changed`` → ``{"state": DeviceState, "error": DeviceError | None}`` (from :class:`Device`)
* ``card_inserted`` → ``{"card": IdCard}`` — a document was placed and read successfully
* ``card_read_failed`` → ``{"error": DeviceError}`` — a document is there but could not be read
  or failed validation (bad check digit ...); at most once per placement
* ``card_removed`` → ``{}`` — the document left the reader (debounced)
* ``card_lying`` → ``{}`` — polling was just turned on and a document already lay there: it is
  NOT read (it was placed before anyone asked); the next placement is
"""
from __future__ import annotations

import abc
from typing import Any

from drivers.base import Device, DeviceError, FaultedDevice

from . import errors as E
from .card import IdCard
from .photo import PhotoDecoder


class IdCardReader(Device, abc.ABC):
    kind = "id_reader"

    def __init__(self, name: str, photo_decoder: PhotoDecoder | None = None):
        super().__init__(name)
        self.photo_decoder = photo_decoder

    @abc.abstractmethod
    def open(self) -> None:
        """Open the port, probe the SAM and start the supervising thread (cards are looked for only while ``poll``).

        Any thread.  Returns in ≤ a few seconds (one probe per baud rate).
        Raises DeviceError (IDR_UNPLUGGED, IDR_NOT_RESPONDING, IDR_SAM_*);
        the device state then says the same thing, and polling keeps trying
        to reconnect when the reader was merely absent.
        """

    @abc.abstractmethod
    def close(self) -> None:
        """Stop polling and release the port.  Idempotent; any thread except a listener."""

    @abc.abstractmethod
    def read_card(self, timeout: float = 3.0) -> IdCard:
        """Wait up to ``timeout`` seconds for a document and read it (find, select, read).

        Blocking; call it from a worker thread, never the UI thread.  Raises
        DeviceError: IDR_NO_CARD when none arrived in time, IDR_READ_FAILED /
        IDR_SELECT_FAILED when the card moved, IDR_BAD_CHECK_DIGIT and the
        other validation codes for bad data, IDR_TIMEOUT / IDR_CHECKSUM /
        IDR_TRUNCATED for link trouble, IDR_UNPLUGGED when the reader vanished.
        """

    @abc.abstractmethod
    def sam_id(self) -> str:
        """The SAM number ``AA.BB-CCCCCCCC-DDDDDDDDDD-EEEEEEEEEE``. Raises DeviceError."""

    def decode_photo(self, card: IdCard) -> bytes:
        """The card photo as a 102 × 126 BMP via the configured plug-in (see photo.py).

        Blocking, worker thread only.  Raises DeviceError IDR_PHOTO_UNAVAILABLE
        when no decoder is configured, IDR_PHOTO_DECODE / IDR_PHOTO_CRASHED otherwise.
        """
        if self.photo_decoder is None:
            raise DeviceError(E.IDR_PHOTO_UNAVAILABLE, "configure photo_decoder='vendor:/path/lib.so'")
        return self.photo_decoder.decode(card.photo_wlt)

    def capabilities(self) -> dict[str, Any]:
        return {
            "card_types": ["RESIDENT", "FOREIGNER_2017", "FOREIGNER_2023", "HMT_PERMIT"],
            "photo": self.photo_decoder.name if self.photo_decoder else None,
        }


class FaultedIdCardReader(FaultedDevice, IdCardReader):
    """What :func:`open_reader` returns when no backend could be built or started.

    It stays in FAULT with the reason; every operation raises that reason.
    """

    def read_card(self, timeout: float = 3.0) -> IdCard:
        raise self.reason

    def sam_id(self) -> str:
        raise self.reason
