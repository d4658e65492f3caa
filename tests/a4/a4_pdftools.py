# SPDX-License-Identifier: Apache-2.0
"""poppler-utils around bytes: text, fonts, a rendered page."""
from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from PIL import Image


def _run(args: list[str], pdf: bytes, env: dict | None = None) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run([*args, f.name, "-"] if args[0] == "pdftotext" else [*args, f.name],
                             capture_output=True, text=True, timeout=30, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"{args[0]}: {out.stderr}")
    return out.stdout


def text(pdf: bytes) -> str:
    return _run(["pdftotext", "-layout"], pdf)


def fonts(pdf: bytes) -> list[dict[str, str]]:
    """pdffonts rows: name, type, emb, sub, uni."""
    rows = _run(["pdffonts"], pdf).splitlines()[2:]
    out = []
    for row in rows:
        parts = row.split()
        # name type... encoding emb sub uni objnum gen
        out.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3],
                    "type": " ".join(parts[1:-6])})
    return out


def render(pdf: bytes, dpi: int = 50, no_system_fonts: bool = False) -> Image.Image:
    """Page 1 as a greyscale image; ``no_system_fonts``: fontconfig sees no font at all."""
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        if no_system_fonts:
            conf = Path(tmp) / "fonts.conf"
            conf.write_text(f'<?xml version="1.0"?><fontconfig><dir>{tmp}/none</dir>'
                            f'<cachedir>{tmp}/cache</cachedir></fontconfig>')
            env["FONTCONFIG_FILE"] = str(conf)
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-gray", "-png", str(src),
                        str(Path(tmp) / "page")], check=True, timeout=30, env=env, capture_output=True)
        png = next(Path(tmp).glob("page*.png"))
        return Image.open(png).convert("L").copy()


def diff_ratio(a: Image.Image, b: Image.Image) -> float:
    """Share of pixels that differ by more than 25 %."""
    if a.size != b.size:
        return 1.0
    pa, pb = a.tobytes(), b.tobytes()
    return sum(1 for x, y in zip(pa, pb) if abs(x - y) > 64) / len(pa)


def pdf_from_pjl(data: bytes) -> bytes:
    """The PDF inside what a network printer receives (PJL header and trailer removed)."""
    start = data.index(b"%PDF-")
    end = data.rindex(b"%%EOF") + len(b"%%EOF")
    return data[start:end]
