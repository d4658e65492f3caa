# SPDX-License-Identifier: Apache-2.0
"""Scan a process's memory for byte strings: /proc/PID/maps + /proc/PID/mem (needs CAP_SYS_PTRACE
for a non-dumpable process, i.e. root, as for anyone else who wants to read it)."""
from __future__ import annotations



def forms(text: str) -> list[bytes]:
    """The encodings a text can sit in memory as: UTF-8, UTF-16LE (CPython's UCS-2 str, the card's
    own encoding), GB18030 (Chinese text from other libraries); also UCS-4 for CPython's wide str."""
    out = [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("gb18030")]
    if not text.isascii():
        out.append(text.encode("utf-32-le"))
    return list(dict.fromkeys(out))


def scan(pid: int, needles: dict[str, list[bytes]]) -> dict[str, int]:
    """How many times each named needle occurs in the process's readable, private memory."""
    hits = {name: 0 for name in needles}
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for line in maps:
            fields = line.split()
            addr, perms = fields[0], fields[1]
            path = fields[5] if len(fields) > 5 else ""
            if not perms.startswith("r") or (path.startswith("/") and "w" not in perms):
                continue          # read-only file mappings are code and constants, not citizen data
            if path in ("[vvar]", "[vsyscall]", "[vvar_vclock]"):
                continue
            start, end = (int(x, 16) for x in addr.split("-"))
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except (OSError, ValueError, OverflowError):
                continue
            for name, variants in needles.items():
                for v in variants:
                    hits[name] += data.count(v)     # no regex: re would cache the needle in a live pattern
    return hits
