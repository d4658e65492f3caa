# SPDX-License-Identifier: Apache-2.0
"""语音播报: each screen's one main instruction, spoken when the screen opens.

On for a session when large-text mode is on (适老化) or ``voice.always`` is set; the 语音
button turns it off and on for the session, and the session's end forgets that choice. A new
screen's prompt cuts the last one; during a helper's video call nothing is spoken. Playing
never blocks the caller: prompts are rendered (or taken from the hall's prompt pack) and
played on one worker thread, newest first. Only the fixed public texts below are spoken,
never citizen data (kiosk.voice.tts.check_public refuses anything that looks like it).
"""
from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from drivers.audio.interface import joined, read_wav, write_wav

from .. import i18n
from ..i18n import N_
from ..observe import Observers
from .tts import Voice, VoiceError

log = logging.getLogger(__name__)

# screen name → (prompt key, the instruction). Keys name the hall's recorded prompts
# (PACK/key.wav, docs/voice.md); every screen has one (a test checks), None = silent.
PROMPTS: dict[str, tuple[str, str] | None] = {
    "home": ("home", N_("欢迎使用政务e厅。请轻触屏幕上的按钮开始办理。")),
    "browse": ("browse", N_("请选择一个主题或部门。")),
    "list": ("list", N_("请选择要办理的事项。")),
    "search": ("search", N_("请输入事项名称，或者拼音首字母，查找要办的事。")),
    "item": ("item", N_("这是办事指南。可以打印带走，或者用手机继续办理。")),
    "qr": ("qr", N_("请用手机扫描屏幕上的二维码。")),
    "assist_consent": ("assist_consent", N_("帮办人员将通过视频帮助您。请阅读说明后选择是否同意。")),
    "assist_wait": ("assist_wait", N_("正在为您接通帮办人员，请稍候。")),
    "assist_fallback": ("assist_fallback", N_("帮办人员暂时不能接听。请看屏幕上的其他办法。")),
    "assist_call": None,                          # the helper is talking: the kiosk keeps quiet
    "staff_pin": ("staff_pin", N_("请工作人员输入密码。")),
    "admin_login": ("admin_login", N_("请工作人员刷工作证，或输入密码。")),
    "admin": None,                                # staff at work: the kiosk keeps quiet
    "consent": ("consent", N_("核验身份需要读取您的身份证并拍摄人脸。请阅读后选择同意或不同意。")),
    "idcard": ("idcard", N_("请将身份证放在读卡区。")),
    "face": ("face", N_("请正对摄像头，按屏幕提示转头。")),
    "identified": ("identified", N_("已确认是您本人，请继续办理。")),
    "identity_help": ("identity_help", N_("请到服务台，由工作人员帮您核验身份。")),
    "help": ("help", N_("请到服务台找工作人员，当面为您办理。")),
    "web": ("web", N_("网上办事页面已经打开，请按页面上的提示操作。")),
    "ask": ("ask", N_("请说出或写下您的问题，我来帮您找答案。")),
    "order": ("order", N_("请按屏幕提示留言，工作人员会按时答复您。")),
    "order_done": ("order_done", N_("请保管好回执上的查询码，用它可以查询答复。")),
    "rate": ("rate", N_("请为刚才的服务评价，点一下即可，也可以跳过。")),
    "order_lookup": ("order_lookup", N_("请输入回执上的查询码，查看留言的答复。")),
    "countdown": ("countdown", N_("您还需要继续办理吗？如需继续，请点击屏幕。")),
}
VOLUME_STEP = 0.15


class VoiceGuide:
    """``screen_shown(name)`` speaks that screen's instruction when voice is on."""

    def __init__(self, voice: Voice, audio: Any, session: Any, always: bool = False):
        self.voice = voice
        self.audio = audio
        self.session = session
        self.always = always
        self.choice: bool | None = None         # the citizen's 语音 choice this session (None: the default)
        self.paused = False                     # a helper's video call
        self._lead = ""                         # said before the next screen's instruction
        self.changes: Observers[VoiceGuide] = Observers("voice")
        self._jobs: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self.default_volume = float(getattr(audio, "volume", 0.8) or 0.8)   # each session starts here
        session.on_wipe(self._forget)

    @property
    def available(self) -> bool:
        state = getattr(getattr(self.audio, "state", None), "value", "")
        return self.audio is not None and state in ("ready", "busy") and self.voice.available()

    @property
    def on(self) -> bool:
        if self.choice is not None:
            return self.choice
        return self.always or bool(getattr(self.session, "large_text", False))

    def toggle(self) -> None:
        """语音: off and on for this session; off silences what plays."""
        self.choice = not self.on
        if not self.choice and self.audio is not None:
            self.audio.stop()
        self.changes.notify(self)

    def volume(self, up: bool) -> None:
        """音量 + / −: louder or softer for this session (the session's end puts it back)."""
        if self.audio is not None:
            self.audio.volume = round(min(1.0, max(0.1, self.audio.volume + (VOLUME_STEP if up else -VOLUME_STEP))), 2)
            self.changes.notify(self)

    @property
    def volume_percent(self) -> int:
        return round(100 * float(getattr(self.audio, "volume", 0.0) or 0.0))

    def screen_shown(self, name: str, subject: str = "") -> None:
        """The route's screen is up: its instruction, if voice is on. A call pauses prompts.
        ``subject`` is what the screen is about, said first: the item page's name as shown
        (its English name in an English session where the catalogue has one, else the Chinese
        name, in the Mandarin voice)."""
        self.paused = name == "assist_call"
        if self.paused and self.audio is not None:
            self.audio.stop()
        prompt = PROMPTS.get(name)
        lead, self._lead = self._lead, ""
        if prompt is not None:
            self.say(*prompt, subject=" ".join(p for p in (lead, subject) if p))

    def lead(self, text: str) -> None:
        """``text`` is said first with the next screen's instruction (a print's outcome when the
        kiosk moves on to the QR code), so the screen's prompt does not cut it."""
        self._lead = text

    def say(self, key: str, text: str, subject: str = "") -> None:
        """A public prompt (an item's name, an outcome) when voice is on; never blocks. ``text`` is
        the Chinese msgid: it is spoken in the session's language (kiosk/i18n.py), in that
        language's voice, and an item's own Chinese name stays Chinese."""
        if not self.on or self.paused or not self.available:
            return
        self._start()
        while not self._jobs.empty():             # the newest prompt wins
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        language = i18n.current()
        parts = [(f"{key}:subject", subject, language)] if subject else []   # ":": never a pack key
        self._jobs.put((key, parts + [(key, i18n.gettext(text, language), language)]))

    def warm(self, stop: threading.Event | None = None) -> None:
        """Renders every fixed prompt once (at start, in the background), so the first sound
        of a screen does not wait for the engine: the start language's first, then the other's
        (both fit the prompt cache: 2 × 24 of its 64, with room for the last items' names).
        Ends after the prompt under way once the event ``stop`` is set (the kiosk stops)."""
        first = i18n.current()
        for language in [first] + [lang for lang in i18n.LANGUAGES if lang != first]:
            for prompt in PROMPTS.values():
                if stop is not None and stop.is_set():
                    return
                if prompt is not None:
                    try:
                        self.voice.prompt(prompt[0], i18n.gettext(prompt[1], language), language)
                    except VoiceError as exc:
                        log.warning("voice: prompts cannot be rendered (%s)", exc)
                        return

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="voice", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            key, parts = self._jobs.get()
            try:
                wavs = [self.voice.prompt(part, text, self._voice_language(text, language))
                        for part, text, language in parts]
                wav = wavs[0] if len(wavs) == 1 else write_wav(joined([read_wav(w) for w in wavs]))
                if self.on and not self.paused:
                    self.audio.play(wav, key)
            except Exception as exc:  # noqa: BLE001 - a prompt that cannot play is skipped, logged by type
                log.warning("voice: prompt %s not played (%s)", key, type(exc).__name__)

    @staticmethod
    def _voice_language(text: str, language: str) -> str:
        """English text in the English voice; text with hanzi (an item's name) in Mandarin."""
        if language != i18n.SOURCE and any("\u4e00" <= ch <= "\u9fff" for ch in text):
            return i18n.SOURCE
        return language

    def _forget(self) -> None:
        self.choice = None
        self._lead = ""
        self.paused = False
        if self.audio is not None:
            self.audio.stop()
            self.audio.volume = self.default_volume      # the next citizen starts at the hall's level
        self.changes.notify(self)
