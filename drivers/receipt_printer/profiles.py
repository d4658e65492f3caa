# SPDX-License-Identifier: Apache-2.0
"""Receipt printer profiles: paper width, Chinese font coverage, QR, cutter.

Profiles are data (``profiles.toml`` next to this module, or an admin's own
TOML file with the same keys); unknown keys are an error so a typo in config
does not silently fall back to a default.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

BUILTIN_FILE = Path(__file__).with_name("profiles.toml")
DEFAULT_PROFILE = "generic-80"
CHARSETS = ("gb2312", "gbk", "gb18030")
DOTS_PER_MM = 8  # 203 dpi, true for practically every thermal receipt printer


@dataclass(frozen=True)
class PrinterProfile:
    name: str
    description: str = ""
    paper_width_mm: int = 80
    width_dots: int = 576          # printable width in dots
    columns: int = 48              # font A (12x24) half-width columns per line
    chinese_mode: bool = True      # printer has a Chinese font reachable with FS &
    font_charset: str = "gb2312"   # what that font can show (see CHARSETS)
    native_qr: bool = True         # understands GS ( k
    cutter: bool = True            # GS V cuts; otherwise feed to the tear bar
    near_end_sensor: bool = False  # DLE EOT 4 reports near end; otherwise forecast
    code_page: str = "gb18030"     # byte encoding used inside FS & ... FS .
    roll_length_mm: int = 50000    # a full roll, for the forecast
    warn_remaining_mm: int = 3000  # warn (DEGRADED) when less than this is left
    line_dots: int = 30            # default ESC 2 line pitch (24-dot font + 6)

    def __post_init__(self) -> None:
        if self.font_charset not in CHARSETS:
            raise ValueError(f"profile {self.name}: font_charset must be one of {CHARSETS}")
        if self.width_dots % 8 or not 128 <= self.width_dots <= 832:
            raise ValueError(f"profile {self.name}: width_dots {self.width_dots} is not a printer width")
        if self.columns * 12 > self.width_dots:
            raise ValueError(f"profile {self.name}: {self.columns} columns do not fit {self.width_dots} dots")

    def with_overrides(self, **kw: Any) -> "PrinterProfile":
        """A copy with config overrides (``roll_length_mm`` ...), validated."""
        _check_keys(self.name, kw)
        return replace(self, **kw)


def _check_keys(name: str, data: dict[str, Any]) -> None:
    known = {f.name for f in fields(PrinterProfile)} - {"name"}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"profile {name}: unknown keys {sorted(unknown)}")


def parse_profiles(text: str) -> dict[str, PrinterProfile]:
    """Parse TOML profile data: one table per profile name."""
    out: dict[str, PrinterProfile] = {}
    for name, data in tomllib.loads(text).items():
        if not isinstance(data, dict):
            raise ValueError(f"profile {name}: expected a table")
        _check_keys(name, data)
        out[name] = PrinterProfile(name=name, **data)
    return out


def load_profiles(extra: Path | None = None) -> dict[str, PrinterProfile]:
    """Built-in profiles, plus (overriding) those in ``extra``. Reads files."""
    profiles = parse_profiles(BUILTIN_FILE.read_text(encoding="utf-8"))
    if extra is not None:
        profiles.update(parse_profiles(Path(extra).read_text(encoding="utf-8")))
    return profiles


def get_profile(name: str | PrinterProfile | None = None, extra: Path | None = None) -> PrinterProfile:
    """Look a profile up by name (``None`` → the default 80 mm one).

    Raises ``KeyError`` naming the known profiles when ``name`` is unknown.
    """
    if isinstance(name, PrinterProfile):
        return name
    profiles = load_profiles(extra)
    key = name or DEFAULT_PROFILE
    if key not in profiles:
        raise KeyError(f"unknown receipt printer profile {key!r}; known: {', '.join(sorted(profiles))}")
    return profiles[key]
