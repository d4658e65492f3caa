# SPDX-License-Identifier: Apache-2.0
"""Coded errors of the audio output."""
from __future__ import annotations

from drivers.base import Action, ErrorCode, Severity

AUD_BAD_URI = ErrorCode("AUD_BAD_URI", Severity.FATAL, Action.CONFIGURATION, "audio URI or option is invalid")
AUD_NO_DEVICE = ErrorCode("AUD_NO_DEVICE", Severity.WARNING, Action.STAFF,
                          "no sound card or speaker found: the kiosk runs silent")
AUD_NO_PLAYER = ErrorCode("AUD_NO_PLAYER", Severity.ERROR, Action.MAINTENANCE,
                          "the audio player (aplay, Debian alsa-utils) is missing")
AUD_PLAY_FAILED = ErrorCode("AUD_PLAY_FAILED", Severity.WARNING, Action.RETRY, "a prompt could not be played")
AUD_BAD_SOUND = ErrorCode("AUD_BAD_SOUND", Severity.ERROR, Action.NONE, "the sound is not a 16-bit PCM WAV")
