# SPDX-License-Identifier: Apache-2.0
"""A real journal file for tests: entries written in journald's export format
(https://systemd.io/JOURNAL_EXPORT_FORMATS/), turned into a journal file by Debian's
systemd-journal-remote (scripts/apt-packages.txt), the way a copied /var/log/journal file is
read. No journald runs in the test machine; the reader under test is the real binding."""
from __future__ import annotations

import struct
import subprocess
from pathlib import Path

JOURNAL_REMOTE = "/lib/systemd/systemd-journal-remote"
BOOT = "0123456789abcdef0123456789abcdef"


def export_entry(n: int, message: str, unit: str = "ehall-kiosk.service", priority: int = 6,
                 ident: str = "ehall-kiosk", user_unit: bool = False) -> bytes:
    fields = {
        "__REALTIME_TIMESTAMP": str(1764936000_000000 + n * 1_000_000),
        "__MONOTONIC_TIMESTAMP": str(1_000_000 + n),
        "_BOOT_ID": BOOT,
        ("_SYSTEMD_USER_UNIT" if user_unit else "_SYSTEMD_UNIT"): unit,
        "PRIORITY": str(priority),
        "SYSLOG_IDENTIFIER": ident,
        "MESSAGE": message,
    }
    out = b""
    for k, v in fields.items():
        data = v.encode()
        if b"\n" in data:       # the export format's binary field: name, 64-bit LE length, data
            out += k.encode() + b"\n" + struct.pack("<Q", len(data)) + data + b"\n"
        else:
            out += k.encode() + b"=" + data + b"\n"
    return out + b"\n"


def journal_file(path: Path, entries: list[bytes]) -> Path:
    """``entries`` (export format) written as the journal file ``path`` (name ends .journal)."""
    subprocess.run([JOURNAL_REMOTE, "-o", str(path), "-"], input=b"".join(entries),
                   check=True, capture_output=True, timeout=60)
    return path
