# SPDX-License-Identifier: Apache-2.0
"""补充答案: the staff's answer to a question 问一问 could not answer goes into the hall's
knowledge base, and the kiosks get it with the next signed content bundle (咨询—回复—评价—
整改—提升; docs/faq.md, *How staff add answers*).

The hub is given the hall's content folder (``content_source``: the folder ``content publish``
signs, with ``faq.csv`` or ``faq.json``), the signing key (``content_key``) and the folder it
serves bundles from (``content_dir``). :class:`KnowledgeWriter` then

- adds a new entry (``HALL-YYYYMMDD-N``; its source says staff of the hall added it that day, never
  who: the bundle is public; the hub's question records keep who) or a new phrasing to an
  existing entry;
- checks the new entry with the kiosk's own rules (``ehall_common.faq_rows``), and refuses a
  write to a knowledge base that is not usable as it stands;
- keeps the file's encoding (UTF-8, with or without BOM, or GB18030), line ends and the other
  rows' cells; writes it atomically; signs a new bundle; and puts the old file back if signing
  fails, so a failed 补充答案 changes nothing.

The kiosks fetch the bundle on their next check (``[content] check_minutes``) and swap it in
between sessions (kiosk/ops/content_update.py).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import threading
from pathlib import Path
from typing import Any

from ehall_common import faq_rows, tables
from helpdesk import content

SOURCE_WORDS = "政务服务大厅工作人员补充（{day}）"


class KnowledgeError(Exception):
    """The answer was not added; the message says why (shown to the staff)."""


class KnowledgeWriter:
    def __init__(self, source: str | Path, key_file: str | Path, out_dir: str | Path) -> None:
        self.source, self.key_file, self.out_dir = Path(source), Path(key_file), Path(out_dir)
        self._lock = threading.Lock()

    def _path(self) -> Path:
        for name in ("faq.csv", "faq.json"):
            if (self.source / name).is_file():
                return self.source / name
        raise KnowledgeError(f"{self.source}: no faq.csv or faq.json to add answers to")

    # -- reading -------------------------------------------------------------------------
    def _entries(self, path: Path, raw: bytes | None = None) -> list[faq_rows.Faq]:
        """The entries the kiosk reads from ``path`` (or from ``raw``, the bytes it would hold)."""
        try:
            records = (tables.read_table(path, faq_rows.SHAPE, [])[1] if raw is None
                       else tables.parse_table(raw, path, faq_rows.SHAPE, []))
            entries, _errors = tables.parse_rows(records, str(path), faq_rows.parse_entry, lambda f: f.id)
        except tables.TableError as exc:
            raise KnowledgeError(f"the knowledge base cannot be read: {exc}") from None
        if not entries:
            raise KnowledgeError(f"{path}: no usable entry; fix the file first")
        return entries

    def find(self, query: str = "", limit: int = 30) -> list[dict[str, str]]:
        """Entries whose question or phrasings contain ``query`` (all when empty), for the console."""
        q = query.strip()
        out = []
        for f in self._entries(self._path()):
            if not q or q in f.question or any(q in v for v in f.variants) or q == f.id:
                out.append({"id": f.id, "question": f.question})
                if len(out) >= limit:
                    break
        return out

    # -- writing -------------------------------------------------------------------------
    def add_entry(self, question: str, answer: str, variants: list[str] | tuple[str, ...] = (),
                  category: str = "", related_items: str = "", today: dt.date | None = None) -> tuple[str, str]:
        """A new entry; returns (its id, the new bundle's version)."""
        day = today or dt.date.today()
        with self._lock:
            path = self._path()
            known = self._entries(path)
            taken = {f.id for f in known}
            n = 1
            while f"HALL-{day:%Y%m%d}-{n}" in taken:
                n += 1
            rec = {"id": f"HALL-{day:%Y%m%d}-{n}", "question": question, "answer": answer,
                   "variants": "|".join(v for v in variants if v.strip()), "category": category,
                   "related_items": related_items, "source": SOURCE_WORDS.format(day=day.isoformat())}
            try:
                entry = faq_rows.parse_entry(rec)
            except ValueError as exc:
                raise KnowledgeError(f"not added: {exc}") from None
            row = {"id": entry.id, "question": entry.question, "answer": entry.answer,
                   "variants": "|".join(entry.variants), "category": entry.category,
                   "related_items": " ".join(entry.related_items), "source": rec["source"]}
            return entry.id, self._write(path, len(known), lambda table: table.append(row))

    def add_variant(self, faq_id: str, phrasing: str) -> tuple[str, str]:
        """Another way of asking an existing entry; returns (its id, the new bundle's version)."""
        with self._lock:
            path = self._path()
            known = self._entries(path)
            found = {f.id: f for f in known}.get(faq_id)
            if found is None:
                raise KnowledgeError(f"no entry {faq_id[:40]!r} in the knowledge base")
            variants = list(found.variants)
            try:
                text = faq_rows.parse_entry({"id": faq_id, "question": phrasing, "answer": "-"}).question
            except ValueError as exc:
                raise KnowledgeError(f"not added: {exc}") from None
            if text == found.question or text in variants:
                raise KnowledgeError("that phrasing is in the entry already")
            variants.append(text)

            def change(table: Table) -> None:
                table.set(faq_id, "variants", "|".join(variants))
            return faq_id, self._write(path, len(known), change)

    def _write(self, path: Path, before: int, change) -> str:
        """``change`` made to the file, which held ``before`` entries; the new bundle's version."""
        old = path.read_bytes()
        table = Table.parse(old, path)
        change(table)
        new = table.render()
        try:
            if len(self._entries(path, new)) < before:      # the kiosk must still read every entry
                raise KnowledgeError("the change would leave an entry unreadable")
            _replace(path, new)
            bundle = content.publish(self.source, self.key_file, self.out_dir, self._version())
        except (KnowledgeError, content.ContentError, OSError) as exc:
            _replace(path, old)                         # a failed 补充答案 changes nothing
            raise KnowledgeError(f"not published: {exc}") from None
        return bundle.stem.removeprefix("bundle-")


    def _version(self) -> str:
        """The UTC time, made unique: two answers in one second must make two bundles, or a
        kiosk that fetched the first would never see the second."""
        base = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        version, n = base, 1
        while (self.out_dir / f"bundle-{version}.ehall").exists():
            n += 1
            version = f"{base}-{n}"
        return version


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.new")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class Table:
    """The knowledge base file as rows of cells, written back as it was found (encoding, BOM,
    line ends, JSON or CSV) with only the change made."""

    def __init__(self, kind: str, encoding: str, bom: bool, newline: str, header: list[str],
                 rows: list[list[str]] | list[dict[str, Any]], wrapped: bool) -> None:
        self.kind, self.encoding, self.bom, self.newline = kind, encoding, bom, newline
        self.header, self.rows, self.wrapped = header, rows, wrapped

    @classmethod
    def parse(cls, raw: bytes, path: Path) -> Table:
        bom = raw.startswith(b"\xef\xbb\xbf")
        try:
            text, encoding = raw.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = raw.decode("gb18030"), "gb18030"
        newline = "\r\n" if "\r\n" in text else "\n"
        if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
            data = json.loads(text)
            wrapped = isinstance(data, dict)
            rows = data.get("faq", []) if wrapped else data
            return cls("json", encoding, bom, newline, [], rows, wrapped)
        rows_ = list(csv.reader(io.StringIO(text, newline="")))
        return cls("csv", encoding, bom, newline, rows_[0], rows_[1:], False)

    def _column(self, name: str) -> int:
        names = [h.strip().lower() for h in self.header]
        if name not in names:
            self.header.append(name)
            for row in self.rows:
                row.append("")                                        # type: ignore[union-attr]
            names.append(name)
        return names.index(name)

    def append(self, rec: dict[str, str]) -> None:
        if self.kind == "json":
            self.rows.append({k: v for k, v in rec.items() if v})  # type: ignore[arg-type]
            return
        cells = [""] * len(self.header)
        for key, value in rec.items():
            if value:
                i = self._column(key)
                cells += [""] * (len(self.header) - len(cells))
                cells[i] = value
        self.rows.append(cells)                                        # type: ignore[arg-type]

    def set(self, faq_id: str, key: str, value: str) -> None:
        if self.kind == "json":
            for rec in self.rows:
                if isinstance(rec, dict) and str(rec.get("id", "")).strip() == faq_id:
                    rec[key] = value
            return
        id_col, col = self._column("id"), self._column(key)
        for row in self.rows:
            if len(row) > id_col and str(row[id_col]).strip() == faq_id:
                row[col] = value                                       # type: ignore[index]

    def render(self) -> bytes:
        if self.kind == "json":
            body: Any = {"faq": self.rows} if self.wrapped else self.rows
            text = json.dumps(body, ensure_ascii=False, indent=1) + self.newline
        else:
            out = io.StringIO()
            writer = csv.writer(out, lineterminator=self.newline)
            writer.writerow(self.header)
            writer.writerows(self.rows)
            text = out.getvalue()
        data = text.encode(self.encoding)
        return (b"\xef\xbb\xbf" + data) if self.bom else data
