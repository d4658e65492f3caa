# SPDX-License-Identifier: Apache-2.0
"""Tables a hall maintains (the catalogue, the 问一问 knowledge base): CSV (UTF-8, or GB18030 as
Excel writes it in China) or JSON, read safely and checked row by row.

:func:`read_table` gives the raw bytes and ``(line, record | reason)`` pairs; :func:`parse_rows`
turns those into parsed rows and ``FILE:LINE: reason`` errors, keeping the first of two rows with
the same id. A file that cannot be used at all raises :class:`TableError` with a message naming
it; each loader wraps that in its own error type.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

from .safe_read import SafeReadError, read_limited

T = TypeVar("T")
Records = Iterator[tuple[int, "dict | str"]]


class TableError(Exception):
    """The file cannot be used at all."""


@dataclass(frozen=True)
class RowError:
    file: str
    line: int          # CSV: physical line; JSON: entry number (1-based)
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class Shape:
    what: str                      # "catalogue", "knowledge base": the words of the messages
    entry: str                     # "item", "entry"
    columns: tuple[str, ...]
    required: tuple[str, ...]
    json_key: str                  # {"items": [...]} / {"faq": [...]}
    max_bytes: int


def read_table(path: Path, shape: Shape, warnings: list[str]) -> tuple[bytes, Records]:
    """The file's bytes and its records; TableError when it is no usable CSV or JSON file."""
    try:
        raw = read_limited(path, shape.max_bytes, shape.what)   # no FIFO, device or huge file
    except SafeReadError as exc:
        raise TableError(str(exc)) from None
    return raw, parse_table(raw, path, shape, warnings)


def parse_table(raw: bytes, path: Path, shape: Shape, warnings: list[str]) -> Records:
    """The records of a table's bytes as if read from ``path`` (its name and suffix decide the
    messages and CSV or JSON); TableError when they are no usable CSV or JSON text."""
    file = str(path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(f"{file}: neither UTF-8 nor GB18030 text")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise TableError(f"{file}: not a CSV or JSON text file (a NUL byte on line {line})")
    is_json = path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{")
    return _json(text, file, shape) if is_json else _csv(text, file, shape, warnings)


def _csv(text: str, file: str, shape: Shape, warnings: list[str]) -> Records:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise TableError(f"{file}: the file is empty") from None
    except csv.Error as exc:
        raise TableError(f"{file}: the header line is not CSV ({exc})") from None
    missing = [c for c in shape.required if c not in header]
    if missing:
        raise TableError(f"{file}: the header has no {', '.join(missing)} column "
                         f"(columns allowed: {', '.join(shape.columns)})")
    unknown = [h for h in header if h not in shape.columns]
    if unknown:
        warnings.append(f"{file}: columns ignored: {', '.join(unknown)}")
    return _csv_rows(reader, header)


def _csv_rows(reader, header: list[str]) -> Records:
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, f"not valid CSV ({exc})"
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield reader.line_num, f"has {len(row)} fields, the header has {len(header)}"
            continue
        yield reader.line_num, dict(zip(header, row))


def _json(text: str, file: str, shape: Shape) -> Records:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TableError(f"{file}: not valid JSON ({exc})") from None
    except RecursionError:
        raise TableError(f"{file}: not a JSON {shape.what} we accept (nested too deeply)") from None
    except ValueError as exc:        # e.g. an integer of more than 4300 digits
        raise TableError(f"{file}: not a JSON {shape.what} we accept ({str(exc)[:80]})") from None
    if isinstance(data, dict):
        data = data.get(shape.json_key)
    if not isinstance(data, list):
        raise TableError(f"{file}: JSON must be a list of {shape.entry}s or {{\"{shape.json_key}\": [...]}}")
    return ((n, rec if isinstance(rec, dict) else f"{shape.entry} is {type(rec).__name__}, not an object")
            for n, rec in enumerate(data, 1))


def parse_rows(records: Iterable[tuple[int, "dict | str"]], file: str, parse: Callable[[dict], T],
               key: Callable[[T], str]) -> tuple[list[T], list[RowError]]:
    """Each record parsed (ValueError: the row is refused with its reason); the first of an id kept."""
    rows: list[T] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for line, rec in records:
        if isinstance(rec, str):
            errors.append(RowError(file, line, rec))
            continue
        try:
            row = parse(rec)
        except ValueError as exc:
            errors.append(RowError(file, line, str(exc)))
            continue
        if key(row) in seen:
            errors.append(RowError(file, line, f"id {key(row)} appears twice; the first one is kept"))
            continue
        seen.add(key(row))
        rows.append(row)
    return rows, errors
