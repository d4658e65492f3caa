# SPDX-License-Identifier: Apache-2.0
"""The kiosk's and the hub's admin inputs never hang, explode or echo a secret.

The commands run as an admin runs them (a real subprocess, with a timeout so a hang is
a failure, not a stuck suite).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import catalogue
from ehall_common.safe_read import SafeReadError, read_limited

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "Zk3vQ9xLmN2pR7sT1uW4yB6cD8eF0gH5"
HEADER = "id,name,department,category,audience,channels,promised_days,legal_days,fee,materials,source\n"


def kiosk(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, XDG_CACHE_HOME=str(ROOT / "test-output" / "cache"))
    return subprocess.run([sys.executable, "-m", "ehall_kiosk", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=60)


def hub(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "helpdesk.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def test_devices_fifos_and_directories_are_refused_not_read(tmp_path):
    """/dev/zero as a catalogue and a FIFO as hub_token_file or config: refused at once,
    with the file named; a directory as --config or catalogue.path too."""
    out = kiosk("catalogue", "check", "/dev/zero")
    assert out.returncode != 0 and "/dev/zero" in out.stderr and "regular file" in out.stderr
    fifo = tmp_path / "token.fifo"
    os.mkfifo(fifo)
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[assist]\nhub_url = "ws://127.0.0.1:8470"\nhub_token_file = "{fifo}"\n')
    out = kiosk("config", "check", "--config", str(cfg))      # the option after the command
    assert out.returncode != 0 and "assist.hub_token_file" in out.stderr
    assert "regular file" in out.stderr
    out = kiosk("--config", str(fifo), "config", "check")
    assert out.returncode != 0 and "regular file" in out.stderr
    out = kiosk("--config", str(tmp_path), "config", "check")
    assert out.returncode != 0 and "directory" in out.stderr and "Traceback" not in out.stderr
    cfg.write_text(f'[catalogue]\npath = "{tmp_path}"\n')
    out = kiosk("config", "check", "--config", str(cfg))
    assert out.returncode != 0 and "catalogue.path" in out.stderr and "directory" in out.stderr
    out = hub("--config", str(fifo), "helpers", "list")
    assert out.returncode != 0 and "regular file" in out.stderr


def test_secrets_are_never_echoed_and_long_values_are_cut(tmp_path):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[assist]\nhub_url = "ws://127.0.0.1:8470"\nhub_token_file = "{TOKEN}"\n')
    out = kiosk("config", "check", "--config", str(cfg))
    assert out.returncode != 0 and "assist.hub_token_file" in out.stderr
    assert TOKEN not in out.stdout + out.stderr
    cfg.write_text('[assist]\nstaff_pins = ["wang:123456"]\n')
    out = kiosk("config", "check", "--config", str(cfg))
    assert out.returncode != 0 and "assist.staff_pins" in out.stderr
    assert "123456" not in out.stdout + out.stderr
    cfg.write_text('[hall]\nname = "' + "长" * 100_000 + '"\n')
    out = kiosk("config", "check", "--config", str(cfg))
    assert out.returncode != 0 and "hall.name" in out.stderr and len(out.stderr) < 600


def test_parse_errors_name_the_file_and_line_or_say_what_it_is_not(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    out = kiosk("config", "check", "--config", str(deep))
    assert out.returncode == 2 and str(deep) in out.stderr and "TOML" in out.stderr
    bom = tmp_path / "bom.toml"
    bom.write_bytes("\ufeff[hall]\nname = \"政务e厅\"\n".encode())
    out = kiosk("config", "check", "--config", str(bom))
    assert out.returncode == 0, out.stderr
    for name, text in (("deep.json", "[" * 100_000 + "]" * 100_000),
                       ("big.json", '[{"id": ' + "9" * 5000 + "}]")):
        f = tmp_path / name
        f.write_text(text)
        out = kiosk("catalogue", "check", str(f))
        assert out.returncode == 2 and str(f) in out.stderr and "JSON" in out.stderr, out.stderr
    nul = tmp_path / "nul.csv"
    nul.write_text("id\x00,name\nA,b\n")
    out = kiosk("catalogue", "check", str(nul))
    assert out.returncode == 2 and "NUL" in out.stderr and "line 1" in out.stderr


@pytest.mark.parametrize("bad", ["\u0085", "\u009b", "\u202e", "\u200b", "\u2066", "\ufeff"])
def test_item_names_refuse_c1_bidi_and_zero_width(tmp_path, bad):
    f = tmp_path / "items.csv"
    f.write_text(HEADER + f"A-1,居民身份证{bad}换领,公安局,,个人,窗口,,,,,\n"
                 "A-2,居民身份证换领,公安局,,个人,窗口,,,,,\n")
    cat = catalogue.load(f)
    assert [i.id for i in cat.items] == ["A-2"]
    assert "name" in str(cat.errors[0]) and f"U+{ord(bad):04X}" in str(cat.errors[0])


def test_read_limited_bounds_size_and_type(tmp_path):
    big = tmp_path / "big"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(SafeReadError, match="at most"):
        read_limited(big, 1024)
    assert read_limited(big, 4096) == b"x" * 2048
    with pytest.raises(SafeReadError, match="regular file"):
        read_limited("/dev/zero", 1024)


def test_catalogue_check_prints_file_content_escaped(tmp_path):
    """A header or a bad row with terminal escapes is reported with the escapes shown."""
    f = tmp_path / "items.csv"
    f.write_text(HEADER.rstrip("\n") + ",\x1b[2Jextra\n"
                 "A-1,居民身份证换领,公安局,,个人,窗口,,,,,,x\n")
    out = kiosk("catalogue", "check", str(f))
    assert "\x1b" not in out.stdout + out.stderr and "\\x1b[2jextra" in out.stdout   # headers are lower-cased
