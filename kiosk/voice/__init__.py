# SPDX-License-Identifier: Apache-2.0
"""语音播报: prompts by key, rendered by the hall's prompt pack or espeak-ng (tts.py), played
on the ``audio`` device. No Kivy; the screens say which prompt key belongs to them."""
from .guide import PROMPTS, VoiceGuide
from .tts import Voice, VoiceError, check_public

__all__ = ["PROMPTS", "Voice", "VoiceError", "VoiceGuide", "check_public"]
