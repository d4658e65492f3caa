# SPDX-License-Identifier: Apache-2.0
"""Chinese line breaking (避头尾) for labels that wrap: no line starts with closing punctuation
(，。、；：？！）」》…) and none ends with opening punctuation (（「《…).

The break opportunities are the Unicode line-breaking algorithm's (UAX #14, the ``uniseg``
library), which keeps closing punctuation with the character before it and opening punctuation
with the character after; the lines are then filled greedily by the caller's ``measure`` (a
label's text width). No Kivy: the screens pass Kivy's own text measurement.
"""
from __future__ import annotations

from typing import Callable

from uniseg.linebreak import line_break_units

Measure = Callable[[str], float]


def wrap(text: str, width: float, measure: Measure) -> list[str]:
    """``text`` as lines no wider than ``width`` where it can be (a single unit wider than the
    line is split by characters); explicit newlines are kept."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for unit in line_break_units(paragraph):
            if not line or measure(line + unit.rstrip()) <= width:
                line += unit
                if measure(line.rstrip()) > width and len(line) > 1:     # one unit wider than the line
                    lines.extend(_split_chars(line, width, measure)[:-1])
                    line = _split_chars(line, width, measure)[-1]
                continue
            head, tail = _after_pause(line)
            lines.append(head.rstrip())
            line = (tail + unit).lstrip()
        lines.append(line.rstrip())
    return lines


PAUSES = "，、；：。！？"
PAUSE_REACH = 3          # characters a line may give up to end at a pause (社保, 支持拼音 kept whole)


def _after_pause(line: str) -> tuple[str, str]:
    """``line`` cut after its last pause (，、；…) when at most PAUSE_REACH characters follow it, so
    a short word is not split at the line's end (生育、户口、社 | 保、退休等 → 生育、户口、| 社保、退休等)."""
    cut = max(line.rfind(p) for p in PAUSES) + 1
    if 0 < cut < len(line) and len(line) - cut <= PAUSE_REACH and line[cut - 1] in PAUSES:
        return line[:cut], line[cut:]
    return line, ""


def _split_chars(text: str, width: float, measure: Measure) -> list[str]:
    out, line = [], ""
    for char in text:
        if line and measure(line + char) > width:
            out.append(line)
            line = ""
        line += char
    return out + [line]


NO_LINE_START = "，。、；：？！）」』》〉】〕〗…—,.;:?!)]}"
NO_LINE_END = "（「『《〈【〔〖([{"


def breaks_rules(lines: list[str]) -> list[str]:
    """The lines that break 避头尾 (for tests of what is on screen)."""
    return [line for line in lines if line[:1] in NO_LINE_START or line[-1:] in NO_LINE_END]
