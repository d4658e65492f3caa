# SPDX-License-Identifier: Apache-2.0
"""Profiles as data, layout column maths, import rules."""
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from drivers.receipt_printer import create_printer, get_profile
from drivers.receipt_printer.profiles import load_profiles, parse_profiles
from kiosk.printing.layout import text_width, wrap

ROOT = Path(__file__).resolve().parents[2]


def test_builtin_profiles_are_valid():
    profiles = load_profiles()
    assert {"generic-80", "generic-80-gb18030", "kiosk-80-sensor", "generic-58"} <= set(profiles)
    assert profiles["generic-58"].width_dots == 384 and not profiles["generic-58"].native_qr
    assert get_profile().name == "generic-80"


def test_unknown_profile_key_and_name_are_errors():
    with pytest.raises(ValueError, match="unknown keys"):
        parse_profiles('[x]\nwidth_dot = 576\n')
    with pytest.raises(KeyError, match="known"):
        get_profile("no-such-printer")
    with pytest.raises(ValueError):
        create_printer("lpt://1")


def test_admin_profile_file_overrides(tmp_path):
    extra = tmp_path / "printers.toml"
    extra.write_text('[hall-3]\nwidth_dots = 512\ncolumns = 42\nfont_charset = "gbk"\n', encoding="utf-8")
    assert get_profile("hall-3", extra).columns == 42


TEXT = hs.text(alphabet=hs.sampled_from(list("政务服务大厅办事指南材料，。（）ABCdef 0123-/:")), max_size=120)


@settings(max_examples=100, deadline=None)
@given(TEXT, hs.sampled_from([12, 16, 24, 32, 48]))
def test_wrapped_lines_fit_the_paper(text, columns):
    lines = wrap(text, columns, indent="  ")
    assert all(text_width(line) <= columns for line in lines)
    assert "".join(line.replace(" ", "") for line in lines) == text.replace(" ", "")


def test_chinese_never_starts_a_line_with_closing_punctuation():
    lines = wrap("一二三四五六七八九十。甲乙", 20)
    assert lines == ["一二三四五六七八九", "十。甲乙"]


def test_import_does_no_io_and_keeps_layers():
    """Importing the packages loads neither python-escpos, kivy nor (from drivers) kiosk."""
    code = ("import sys, drivers.receipt_printer, drivers.receipt_printer.interface, "
            "drivers.receipt_printer.escpos_backend, drivers.receipt_printer.simulator;"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('escpos', 'kivy', 'kiosk')];"
            "import kiosk.printing;"
            "bad += [m for m in sys.modules if m.split('.')[0] in ('escpos', 'kivy')];"
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
