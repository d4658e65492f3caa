# SPDX-License-Identifier: Apache-2.0
"""手机上传: a citizen at the kiosk's browser sends a photo or a PDF from their own phone.

The kiosk asks over its socket (``upload_link``); the hub answers with a one-time link on
``phone_upload_url`` (the address phones reach), valid ``LINK_SECONDS``, bound to that terminal.
The kiosk shows it as a QR code. The phone opens a plain page (no script) and sends one file:

- a photo (anything Pillow reads as a photo: JPEG, PNG, WebP ..., and an iPhone's HEIC through
  pi-heif) is decoded, turned upright,
  made at most ``MAX_SIDE`` px and re-encoded as a JPEG, so what reaches the kiosk is a clean
  image whatever the phone sent;
- a PDF must start as one and open (pypdfium2), at most ``MAX_PDF`` bytes.

It goes to that terminal only (``upload``, base64), and the hub keeps nothing: not the file, not
its name; the link is gone once used, expired or cancelled (``upload_cancel``, or the terminal's
next link). An expired, used or unknown link, a file too large or of another kind, or a terminal
that left gets a plain page. The log says what happened, never the file.

In Chinese or English (helpdesk/i18n.py): the kiosk's ``upload_link`` carries its session's
``lang``; an English one gets a link ending ``?lang=en``. Without ``lang`` the page follows the
phone's Accept-Language; a 中文 | English switch is on every page, the form keeps the language.
"""
from __future__ import annotations

import base64
import html
import io
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from helpdesk.i18n import HTML_LANG, LANGUAGES, SWITCH, N_, language, translator

log = logging.getLogger(__name__)
LINK_SECONDS = 600
MAX_IN = 12 * 1024 * 1024        # what a phone may send (a phone's photo is 2-8 MB)
MAX_PDF = 2_500_000              # a PDF goes through as it is: it must fit the kiosk's socket
MAX_SIDE = 2000                  # a photo's longer side after the hub made it over
PAGE = """<!doctype html>
<html lang="{html_lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="stylesheet" href="/static/status.css"></head>
<body>{switch}<h1>{title}</h1>{body}</body></html>"""
FORM = """<p>{choose}</p>
<form id="upload" method="post" enctype="multipart/form-data" action="/u/{token}?lang={lang}">
<input type="file" name="file" accept="image/*,application/pdf" required>
<button type="submit">{send}</button></form>
<p class="small">{kept}</p>"""
USED = N_("这个上传链接已经用过或已失效。请回到终端，重新点“手机上传”扫码。")
EXPIRED = N_("这个上传链接已过期（10 分钟内有效）。请回到终端，重新点“手机上传”扫码。")
TOO_BIG = N_("文件太大（最多 12 MB），或没有选择文件。请换一个再试。")
LEFT = N_("终端已经离开了这一步。请回到终端，重新点“手机上传”扫码。")
DONE = N_("已上传。请回到终端，继续办理。")
PDF_TOO_BIG = N_("PDF 文件太大（最多 2.5 MB）。请拍照上传，或换一个小一些的文件。")
PDF_BROKEN = N_("这个 PDF 文件打不开。请换一个文件，或拍照上传。")
PHOTO_TOO_BIG = N_("照片太大。请换一张再试。")
NOT_A_PHOTO = N_("只能上传照片（JPG、PNG、HEIC）或 PDF 文件。这个文件不是，或已经损坏。")


@dataclass
class Link:
    terminal: str
    expires: float
    left: bool = False          # its terminal's socket closed: the code on its screen is void


class PhoneUpload:
    def __init__(self, hub: Any) -> None:
        self.hub = hub
        self.base = hub.cfg.phone_upload_url.rstrip("/")
        self.links: dict[str, Link] = {}

    def install(self, app: web.Application) -> None:
        app.router.add_get("/u/{token}", self.page)
        app.router.add_post("/u/{token}", self.receive)

    # -- the kiosk ------------------------------------------------------------------------
    def from_kiosk(self, conn: Any, terminal: str, data: dict) -> None:
        self._forget(terminal)                     # one live link per terminal
        if data["type"] == "upload_cancel":
            return
        if not self.base:
            conn.send({"type": "upload_link", "error": "off"})
            return
        token = secrets.token_urlsafe(18)
        self.links[token] = Link(terminal, self.hub.clock() + LINK_SECONDS)
        lang = data.get("lang") if data.get("lang") in LANGUAGES else "zh"     # the kiosk session's
        url = f"{self.base}/u/{token}" + ("?lang=en" if lang == "en" else "")
        conn.send({"type": "upload_link", "url": url, "expires_s": LINK_SECONDS})

    def terminal_left(self, terminal: str) -> None:
        """Its socket closed: the kiosk voided the code on its screen, so the link is void too (a
        phone that scanned it is told the terminal left, even if the terminal is back by then:
        it shows a new code, and a file sent on the old one would be taken by nobody)."""
        for link in self.links.values():
            if link.terminal == terminal:
                link.left = True

    def _forget(self, terminal: str) -> None:
        now = self.hub.clock()
        for token, link in list(self.links.items()):
            if link.terminal == terminal or link.expires <= now:
                del self.links[token]

    # -- the phone ----------------------------------------------------------------------
    def _link(self, token: str) -> tuple[Link | None, str]:
        link = self.links.get(token)
        if link is None:
            return None, USED
        if link.expires <= self.hub.clock():
            del self.links[token]
            return None, EXPIRED
        if link.left:
            return None, LEFT
        return link, ""

    async def page(self, request: web.Request) -> web.Response:
        shown = _Shown(request)
        link, why = self._link(shown.token)
        if link is None:
            return shown.reply(shown.msg(why), 410)
        return shown.reply(shown.form())

    async def receive(self, request: web.Request) -> web.Response:
        shown = _Shown(request)
        token = shown.token
        link, why = self._link(token)
        if link is None:
            return shown.reply(shown.msg(why), 410)
        data = await _read_file(request)
        if data is None:
            return shown.reply(shown.msg(TOO_BIG), 413)
        try:
            name, mime, data = await _made_over(data)
        except ValueError as exc:
            return shown.reply(shown.msg(str(exc)) + shown.form(), 415)
        conn = self.hub.kiosks.get(link.terminal)
        if conn is None or self.links.get(token) is not link:
            return shown.reply(shown.msg(LEFT), 410)
        del self.links[token]
        conn.send({"type": "upload", "name": name, "mime": mime, "data": base64.b64encode(data).decode("ascii")})
        log.info("phone upload: a %s of %d bytes went to %s", mime, len(data), link.terminal)
        return shown.reply(shown.msg(DONE, 'id="done"'))


class _Shown:
    """One answer to the phone, in its language (helpdesk/i18n.py)."""

    def __init__(self, request: web.Request) -> None:
        self.token = request.match_info["token"]
        self.lang = language(request)
        self._ = translator(self.lang)

    def msg(self, msgid: str, attrs: str = "") -> str:
        return f'<p class="msg"{" " + attrs if attrs else ""}>{html.escape(self._(msgid))}</p>'

    def form(self) -> str:
        _, e = self._, html.escape
        return FORM.format(token=e(self.token, quote=True), lang=self.lang,
                           choose=e(_("请选择一张照片或一个 PDF 文件，上传到您正在使用的政务服务终端。")),
                           send=e(_("上传")), kept=e(_("文件只会送到这台终端，上传后本链接失效，服务器不保存。")))

    def reply(self, body: str, status: int = 200) -> web.Response:
        token = html.escape(self.token, quote=True)
        items = [f'<strong lang="{HTML_LANG[lang]}">{name}</strong>' if lang == self.lang else
                 f'<a href="/u/{token}?lang={lang}" hreflang="{lang}" lang="{HTML_LANG[lang]}">{name}</a>'
                 for lang, name in SWITCH.items()]
        text = PAGE.format(body=body, html_lang=HTML_LANG[self.lang], title=html.escape(self._("手机上传材料")),
                           switch='<nav class="lang">' + " | ".join(items) + "</nav>")
        return web.Response(text=text, content_type="text/html", charset="utf-8", status=status,
                            headers={"Content-Language": HTML_LANG[self.lang], "Vary": "Accept-Language"})


async def _read_file(request: web.Request) -> bytes | None:
    """The form's one file, at most MAX_IN bytes (read in pieces: the app's body limit is small)."""
    try:
        reader = await request.multipart()
        async for part in reader:
            if getattr(part, "name", None) != "file":
                continue
            out = bytearray()
            while chunk := await part.read_chunk(64 * 1024):
                out += chunk
                if len(out) > MAX_IN:
                    return None
            return bytes(out) or None
    except (ValueError, AssertionError, KeyError):   # not a multipart form
        return None
    return None


async def _made_over(data: bytes) -> tuple[str, str, bytes]:
    import asyncio
    return await asyncio.to_thread(made_over, data)


def made_over(data: bytes) -> tuple[str, str, bytes]:
    """(name, mime, bytes) for the kiosk: a photo as a fresh JPEG, a PDF as it is; ValueError with
    the words for the phone otherwise (a msgid: the page shows it in the phone's language)."""
    if data.startswith(b"%PDF-"):
        if len(data) > MAX_PDF:
            raise ValueError(PDF_TOO_BIG)
        try:
            import pypdfium2
            pypdfium2.PdfDocument(data).close()
        except Exception:                        # noqa: BLE001 - any failure to open: not a PDF we pass on
            raise ValueError(PDF_BROKEN) from None
        return "手机上传.pdf", "application/pdf", data
    from PIL import Image, ImageOps, UnidentifiedImageError
    try:
        if _is_heif(data):                       # an iPhone's HEIC photo (decoded by pi-heif, upright)
            photo = _heif_photo(data)
        else:
            with Image.open(io.BytesIO(data)) as img:
                if img.width * img.height > 60_000_000:
                    raise ValueError(PHOTO_TOO_BIG)
                img.load()
                photo = ImageOps.exif_transpose(img).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, RuntimeError):
        raise ValueError(NOT_A_PHOTO) from None
    photo.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=85)
    return "手机上传.jpg", "image/jpeg", out.getvalue()



def _is_heif(data: bytes) -> bool:
    """An ISO base media file whose brand is HEIF/HEIC (``ftyp`` at byte 4)."""
    return data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis",
                                                   b"mif1", b"msf1")


def _heif_photo(data: bytes):
    """A HEIC photo as an upright RGB Pillow image, with pi-heif (libheif's decoder only: BSD-3 and
    LGPL, no encoder), without registering anything in Pillow for the rest of the process."""
    import pi_heif
    try:
        heif = pi_heif.open_heif(io.BytesIO(data))
        width, height = heif.size
        too_big = width * height > 60_000_000
        photo = None if too_big else heif.to_pillow().convert("RGB")
    except Exception:  # noqa: BLE001 - libheif's own words (ValueError, RuntimeError) are not for the phone
        raise ValueError(NOT_A_PHOTO) from None
    if photo is None:
        raise ValueError(PHOTO_TOO_BIG)
    return photo
