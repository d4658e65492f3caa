# SPDX-License-Identifier: Apache-2.0
"""Reading an admin's file without hanging or exploding (docs/security.md).

Every file the kiosk or the hub reads from a path an admin gave (config, catalogue,
token file) goes through :func:`read_limited`: it must be a regular file (not a
directory, FIFO or device, whose reads could block forever or never end) no bigger
than a limit, and it is opened non-blocking so even a FIFO swapped in after the
check cannot hang the read. Errors name the file and say what is wrong, never what
is in it.
"""
from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path


CATALOGUE_MAX_BYTES = 64 * 1024 * 1024    # a hall's item list is a few MB at most


class SafeReadError(Exception):
    """The file cannot be read as asked; the message names it and the rule
    (``reason``: the same without the file name)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n // 1024} KiB"


def read_limited(path: str | os.PathLike, limit: int, what: str = "file") -> bytes:
    """The bytes of regular file ``path``, at most ``limit`` of them, else SafeReadError."""
    p = Path(path)
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise SafeReadError(p, "file not found") from None
    except IsADirectoryError:
        raise SafeReadError(p, f"is a directory, not a {what}") from None
    except PermissionError:
        raise SafeReadError(p, f"permission denied (the {what} must be readable by "
                            f"this user)") from None
    except OSError as e:
        raise SafeReadError(p, f"cannot open the {what}: {e.strerror}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise SafeReadError(p, f"is a directory, not a {what}")
        if not stat.S_ISREG(st.st_mode):
            raise SafeReadError(p, f"is not a regular file (a FIFO, socket or device); "
                                f"the {what} must be a plain file")
        if st.st_size > limit:
            raise SafeReadError(p, f"{st.st_size} bytes; a {what} may be at most "
                                f"{_size(limit)}")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(65536, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:             # it grew while we read
                raise SafeReadError(p, f"more than {_size(limit)}; a {what} may be at "
                                    f"most {_size(limit)}")
        return b"".join(chunks)
    except OSError as e:
        raise SafeReadError(p, f"cannot read the {what}: {e.strerror}") from None
    finally:
        os.close(fd)


def check_regular(path: str | os.PathLike, limit: int, what: str = "file") -> None:
    """Raises SafeReadError unless ``path`` is a regular file of at most ``limit`` bytes
    (for ``config check``, before anything reads it)."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise SafeReadError(p, "file not found") from None
    except OSError as e:
        raise SafeReadError(p, f"cannot read the {what}: {e.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise SafeReadError(p, f"is a directory, not a {what}")
    if not stat.S_ISREG(st.st_mode):
        raise SafeReadError(p, f"is not a regular file (a FIFO, socket or device); "
                            f"the {what} must be a plain file")
    if st.st_size > limit:
        raise SafeReadError(p, f"{st.st_size} bytes; a {what} may be at most {_size(limit)}")


def shown(value: object) -> str:
    """A stored value safe for the admin's terminal: control, format (bidi) and line
    separator characters are shown as escapes (\\x1b, \\u202e), so a note cannot clear the
    screen or forge lines."""
    return "".join(c if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp")
                   else (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
                   for c in str(value))
