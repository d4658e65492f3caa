# SPDX-License-Identifier: Apache-2.0
"""The 拼音 lexicon as an SQLite file, so the kiosk process does not hold it in Python objects.

Held as dicts of Python strings, the 91,784 words and their 联想 table took about 47 MB of the
kiosk's heap for the whole day (issue 18). Here they are rows of one SQLite file in the kiosk's
cache folder, built once from ``kiosk/data/pinyin-lexicon.tsv.gz`` (about 1.5 s) and named by a
hash of that file, so a new lexicon makes a new file and an interrupted build leaves none
(written beside it, then renamed). The file is opened read-only; SQLite reads the pages it
needs through its small page cache (:data:`CACHE_KIB`), and the rest stays in the kernel's page
cache, which the kernel can take back. Where no folder is writable, the lexicon is built into
an in-memory database (about a third of the dicts' size) and the log says so.

Tables:
  ``lex(word, key, initials, freq)``: one row per reading, in the file's order (``rowid``), with
  indexes by ``key`` and by ``initials``, each ordered by frequency;
  ``follow(head, rank, rest)``: 联想, the rests of the words beginning with ``head``;
  ``meta(k, v)``: the format, the word count, the frequency total and the syllables.
"""
from __future__ import annotations

import gzip
import hashlib
import logging
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT = "1"
CACHE_KIB = 2048            # SQLite's page cache for this connection
MAX_FOLLOW = 3              # 联想 looks at up to this many last committed characters
FOLLOW_KEPT = 24            # 联想 rests kept per word beginning


def read_rows(lexicon: Path):
    """(key, word, freq) per line of the gzipped TSV, comments skipped."""
    with gzip.open(lexicon, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            key, word, freq = line.rstrip("\n").split("\t")
            yield key, word, int(freq)


def _fill(db: sqlite3.Connection, lexicon: Path) -> None:
    db.executescript("""
        CREATE TABLE lex(word TEXT NOT NULL, key TEXT NOT NULL, initials TEXT NOT NULL,
                         freq INTEGER NOT NULL);
        CREATE TABLE follow(head TEXT NOT NULL, rank INTEGER NOT NULL, rest TEXT NOT NULL,
                            PRIMARY KEY (head, rank)) WITHOUT ROWID;
        CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
    """)
    syllables: set[str] = set()
    freq: dict[str, int] = {}
    rows = []
    for key, word, f in read_rows(lexicon):
        parts = key.split(" ")
        syllables.update(parts)
        freq[word] = f                     # a word with several readings: the last one's, as before
        rows.append((word, key, " ".join(p[0] for p in parts), f))
    db.executemany("INSERT INTO lex(word, key, initials, freq) VALUES (?, ?, ?, ?)", rows)
    db.executescript("""
        CREATE INDEX lex_by_key ON lex(key, freq DESC);
        CREATE INDEX lex_by_initials ON lex(initials, freq DESC);
        CREATE INDEX lex_by_word ON lex(word);
    """)
    ranked: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for word, f in freq.items():
        for k in range(1, min(MAX_FOLLOW, len(word) - 1) + 1):
            ranked[word[:k]].append((f, word[k:]))
    db.executemany("INSERT INTO follow VALUES (?, ?, ?)",
                   ((head, rank, rest) for head, v in ranked.items()
                    for rank, (_f, rest) in enumerate(sorted(v, key=lambda e: -e[0])[:FOLLOW_KEPT])))
    db.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("format", FORMAT), ("words", str(len(freq))), ("total", str(sum(freq.values()))),
        ("syllables", " ".join(sorted(syllables)))])
    db.commit()


def _digest(lexicon: Path) -> str:
    return hashlib.sha256(lexicon.read_bytes()).hexdigest()[:20]


def _check(db: sqlite3.Connection) -> dict[str, str]:
    meta = dict(db.execute("SELECT k, v FROM meta"))
    if meta.get("format") != FORMAT or not int(meta.get("words", "0")):
        raise sqlite3.DatabaseError("not a lexicon of this format")
    return meta


def open_lexicon(lexicon: Path, cache_dir: Path) -> tuple[sqlite3.Connection, dict[str, str]]:
    """The lexicon's database (built on first use) and its meta table. Raises OSError or
    ValueError when the lexicon itself cannot be read."""
    path = cache_dir / f"pinyin-{FORMAT}-{_digest(lexicon)}.sqlite"
    for _attempt in (1, 2):
        if not path.exists():
            _build_file(lexicon, path)
        if not path.exists():
            break
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            return db, _check(db)
        except sqlite3.DatabaseError as exc:        # damaged or foreign: build it again, once
            log.warning("拼音 lexicon database %s unusable (%s): rebuilding", path.name, exc)
            path.unlink(missing_ok=True)
    log.warning("拼音 lexicon kept in memory: no writable cache folder at %s", cache_dir)
    db = sqlite3.connect(":memory:", check_same_thread=False)
    _fill(db, lexicon)
    return db, _check(db)


def _build_file(lexicon: Path, path: Path) -> None:
    """Builds the file in a child process, so the build's transient 100 MB never enter the
    kiosk's heap (malloc would keep much of it)."""
    try:
        subprocess.run([sys.executable, "-m", __name__, str(lexicon), str(path)], check=True,
                       timeout=300, stdin=subprocess.DEVNULL, capture_output=True)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        log.warning("拼音 lexicon database not built: %s %s", exc, detail.decode("utf-8", "replace")[-300:])


def build_file(lexicon: Path, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pinyin-", suffix=".sqlite")
        os.close(fd)
    except OSError as exc:
        log.warning("拼音 lexicon database not written to %s: %s", path.parent, exc.strerror)
        return
    try:
        with sqlite3.connect(tmp) as db:
            db.execute("PRAGMA journal_mode = OFF")
            _fill(db, lexicon)
        db.close()
        os.replace(tmp, path)
    except (OSError, sqlite3.Error) as exc:
        log.warning("拼音 lexicon database not written to %s: %s", path.parent, exc)
        Path(tmp).unlink(missing_ok=True)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


if __name__ == "__main__":
    build_file(Path(sys.argv[1]), Path(sys.argv[2]))
