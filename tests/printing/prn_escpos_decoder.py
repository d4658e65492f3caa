# SPDX-License-Identifier: Apache-2.0
"""A strict ESC/POS decoder owned by the test suite.

Turns receipt bytes back into what a citizen would read: text lines (GB18030
inside ``FS &`` … ``FS .``), QR payloads (``GS ( k``), raster images
(``GS v 0`` / ``GS ( L``) and cuts. Strict on purpose: an unknown command, a
byte >= 0x80 outside Chinese mode, or a 4-byte GB18030 code raises
``DecodeError``, so a test fails as soon as the emitter changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PIL import Image


class DecodeError(ValueError):
    pass


@dataclass
class Line:
    text: str
    align: int = 0
    size: int = 0          # GS ! n: high nibble width-1, low nibble height-1
    bold: bool = False
    chinese_mode: bool = False


@dataclass
class Raster:
    image: Any             # PIL "1" image, black ink = 0


@dataclass
class Qr:
    payload: str
    module: int
    ec: int


@dataclass
class CutEvent:
    partial: bool


@dataclass
class StatusQuery:
    n: int


@dataclass
class Receipt:
    events: list = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return [e.text for e in self.events if isinstance(e, Line)]

    @property
    def qr_payloads(self) -> list[str]:
        return [e.payload for e in self.events if isinstance(e, Qr)]

    @property
    def images(self) -> list[Any]:
        return [e.image for e in self.events if isinstance(e, Raster)]

    @property
    def cuts(self) -> int:
        return sum(isinstance(e, CutEvent) for e in self.events)

    def dump(self) -> str:
        out = []
        for e in self.events:
            if isinstance(e, Line):
                out.append(e.text)
            elif isinstance(e, Raster):
                out.append(f"[image {e.image.width}x{e.image.height}]")
            elif isinstance(e, Qr):
                out.append(f"[QR {e.payload}]")
            elif isinstance(e, CutEvent):
                out.append("[cut]")
        return "\n".join(out)


class _State:
    def __init__(self) -> None:
        self.reset()
        self.qr_data = b""
        self.qr_module = 3
        self.qr_ec = 0
        self.graphics: Any = None

    def reset(self) -> None:
        self.cn = False
        self.align = 0
        self.size = 0
        self.bold = False
        self.buf = bytearray()


def _raster(width_bytes: int, height: int, data: bytes) -> Any:
    if len(data) != width_bytes * height:
        raise DecodeError(f"raster: {len(data)} bytes for {width_bytes}x{height}")
    return Image.frombytes("1", (width_bytes * 8, height), bytes(b ^ 0xFF for b in data))


def decode(data: bytes) -> Receipt:
    """Decode a whole job; raises ``DecodeError`` on anything unexpected."""
    r, s, i, n = Receipt(), _State(), 0, len(data)

    def need(k: int) -> bytes:
        if i + k > n:
            raise DecodeError(f"truncated command at {i}")
        return data[i:i + k]

    def flush() -> None:
        try:
            text = bytes(s.buf).decode("gb18030" if s.cn else "ascii", errors="strict")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"undecodable text {bytes(s.buf)!r}") from exc
        r.events.append(Line(text, s.align, s.size, s.bold, s.cn))
        s.buf.clear()

    while i < n:
        b = data[i]
        if b == 0x0A:
            flush()
            i += 1
        elif 0x20 <= b <= 0x7E:
            s.buf.append(b)
            i += 1
        elif b >= 0x80:
            if not s.cn:
                raise DecodeError(f"byte 0x{b:02x} at {i} outside Chinese mode")
            pair = need(2)
            if not (0x81 <= pair[0] <= 0xFE and 0x40 <= pair[1] <= 0xFE and pair[1] != 0x7F):
                raise DecodeError(f"not a 2-byte GB code at {i}: {pair.hex()}")
            s.buf += pair
            i += 2
        elif b == 0x1B:
            i = _esc(data, i, s, r, need, flush)
        elif b == 0x1D:
            i = _gs(data, i, s, r, need)
        elif b == 0x1C:
            cmd = need(2)[1:2]
            if cmd == b"&":
                s.cn = True
            elif cmd == b".":
                if s.buf:
                    raise DecodeError("FS . inside an unfinished line")
                s.cn = False
            else:
                raise DecodeError(f"unknown FS command {cmd!r} at {i}")
            i += 2
        elif b == 0x10:
            cmd = need(3)
            if cmd[1] != 0x04 or cmd[2] not in (1, 2, 3, 4):
                raise DecodeError(f"unknown DLE command at {i}")
            r.events.append(StatusQuery(cmd[2]))
            i += 3
        else:
            raise DecodeError(f"unexpected control byte 0x{b:02x} at {i}")
    if s.buf:
        raise DecodeError(f"unterminated line at end: {bytes(s.buf)!r}")
    return r


def _esc(data: bytes, i: int, s: _State, r: Receipt, need, flush) -> int:
    cmd = need(2)[1:2]
    if cmd == b"@":
        if s.buf:
            raise DecodeError("ESC @ drops an unfinished line")
        s.reset()
        return i + 2
    if cmd == b"2":
        return i + 2
    arg = need(3)[2]
    if cmd == b"a":
        if arg not in (0, 1, 2, 48, 49, 50):
            raise DecodeError(f"bad ESC a {arg}")
        s.align = arg % 48
    elif cmd == b"E":
        s.bold = bool(arg & 1)
    elif cmd == b"d":
        if s.buf:
            flush()
    elif cmd == b"t":
        if s.cn:
            raise DecodeError("ESC t (code page) inside Chinese mode")
    elif cmd not in (b"!", b"M", b"3", b"-"):
        raise DecodeError(f"unknown ESC command {cmd!r} at {i}")
    return i + 3


def _gs(data: bytes, i: int, s: _State, r: Receipt, need) -> int:
    cmd = need(2)[1:2]
    if cmd == b"!":
        s.size = need(3)[2]
        return i + 3
    if cmd == b"V":
        m = need(3)[2]
        if m in (0, 1, 48, 49):
            r.events.append(CutEvent(partial=m in (1, 49)))
            return i + 3
        if m in (65, 66):
            need(4)
            r.events.append(CutEvent(partial=m == 66))
            return i + 4
        raise DecodeError(f"bad GS V {m}")
    if cmd == b"v":
        head = need(8)
        if head[2] != 0x30:
            raise DecodeError("GS v must be GS v 0")
        wb, h = head[4] | head[5] << 8, head[6] | head[7] << 8
        end = i + 8 + wb * h
        if end > len(data):
            raise DecodeError("truncated GS v 0 image")
        r.events.append(Raster(_raster(wb, h, data[i + 8:end])))
        return end
    if cmd == b"(":
        head = need(5)
        length = head[3] | head[4] << 8
        end = i + 5 + length
        if end > len(data) or length < 2:
            raise DecodeError("truncated GS ( command")
        body = data[i + 5:end]
        if head[2:3] == b"k":
            _qr(body, s, r)
        elif head[2:3] == b"L":
            _graphics(body, s, r)
        else:
            raise DecodeError(f"unknown GS ( {head[2:3]!r}")
        return end
    raise DecodeError(f"unknown GS command {cmd!r} at {i}")


def _qr(body: bytes, s: _State, r: Receipt) -> None:
    cn, fn = body[0], body[1]
    if cn != 49:
        raise DecodeError(f"GS ( k symbol type {cn} is not QR")
    if fn == 65:
        return
    if fn == 67:
        s.qr_module = body[2]
    elif fn == 69:
        s.qr_ec = body[2] - 48
    elif fn == 80:
        s.qr_data = body[3:]
    elif fn == 81:
        r.events.append(Qr(s.qr_data.decode("utf-8"), s.qr_module, s.qr_ec))
    else:
        raise DecodeError(f"GS ( k fn {fn} not supported")


def _graphics(body: bytes, s: _State, r: Receipt) -> None:
    fn = body[1]
    if fn == 112:  # store: m fn a bx by c xL xH yL yH data
        w, h = body[6] | body[7] << 8, body[8] | body[9] << 8
        s.graphics = _raster((w + 7) // 8, h, body[10:])
    elif fn == 50:
        if s.graphics is None:
            raise DecodeError("GS ( L print without stored graphics")
        r.events.append(Raster(s.graphics))
        s.graphics = None
    else:
        raise DecodeError(f"GS ( L fn {fn} not supported")
