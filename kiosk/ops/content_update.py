# SPDX-License-Identifier: Apache-2.0
"""The running kiosk takes the hub's new content bundle between sessions (docs/operations.md,
*Signed content updates*).

:class:`ContentUpdater` asks ``[content] url`` every ``check_minutes`` on its own thread (a
conditional GET: an unchanged bundle costs a 304). A new bundle is checked and installed by
:class:`kiosk.ops.content.ContentStore` (signature, manifest, catalogue / faq checks); a refused
one changes nothing, is logged and reported to the hub's 终端 page (``versions.content_problem``).

The kiosk switches only while nobody is using it: at once when it is idle on the home screen,
else when the session ends. Then, still on this thread, the catalogue, its search and theme
indexes, the knowledge base and the synonym table are loaded from ``current``; when that works
the kiosk's references are swapped in one go (the 问一问 index follows the new paths on its next
show) and ``Kiosk.content_version`` names the bundle, which the status reporter sends to the
hub. When loading fails the store rolls back to the previous bundle and the problem is reported.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from .content import ContentError, ContentStore, SignatureError, fetch_changed, verify

log = logging.getLogger(__name__)

CATALOGUES = ("catalogue.csv", "catalogue.json")
KNOWLEDGE = ("faq.csv", "faq.json")


@dataclass
class Loaded:
    version: str
    config: Any
    catalogue: Any
    index: Any
    themes: Any


class ContentUpdater:
    """``kiosk``: a :class:`kiosk.core.Kiosk`; ``check_s``: seconds between checks."""

    def __init__(self, kiosk: Any, url: str, public_key: str, store: ContentStore, check_s: float,
                 fetch: Callable[..., tuple[bytes | None, str | None]] = fetch_changed) -> None:
        self.kiosk, self.url, self.public_key, self.store = kiosk, url, public_key, store
        self.check_s, self._fetch = check_s, fetch
        self.base_config = kiosk.config
        self.problem: str | None = None          # what the hub's 终端 page is told went wrong
        self.checks = 0                          # checks finished (tests and the log wait on it)
        self._etag: str | None = None
        self._failed: set[str] = set(store.failed())   # versions that did not load: not installed again
        self._ready: Loaded | None = None
        self._check_due = True
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._done = threading.Condition()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------- lifecycle
    def start(self) -> None:
        if self._thread is not None:
            return
        self.kiosk.session.subscribe(self._session_changed)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="content-update", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.kiosk.session.unsubscribe(self._session_changed)
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(30)

    def check_now(self) -> None:
        """Asks the hub at once (the admin screen, tests) instead of at the next period."""
        self._check_due = True
        self._wake.set()

    def wait_checks(self, count: int, timeout: float = 30.0) -> bool:
        """True once ``count`` checks have finished (and what they brought was applied if idle)."""
        with self._done:
            return self._done.wait_for(lambda: self.checks >= count, timeout)

    def _session_changed(self, session: Any) -> None:
        from ..session import Phase
        if session.phase is Phase.IDLE:
            self._wake.set()

    def _run(self) -> None:
        next_check = time.monotonic()
        while not self._stop.is_set():
            self._wake.clear()
            checked = False
            if self._check_due or time.monotonic() >= next_check:
                self._check_due = False
                self.check()
                next_check = time.monotonic() + self.check_s
                checked = True
            try:
                self.apply_if_idle()
            except Exception:       # noqa: BLE001 - the updater must outlive one bad bundle
                log.exception("content update failed")
            if checked:
                with self._done:
                    self.checks += 1
                    self._done.notify_all()
            self._wake.wait(max(0.0, next_check - time.monotonic()))

    # ------------------------------------------------------------- fetch and install
    def check(self) -> str | None:
        """Fetches the bundle when it changed and installs it; returns the new version, else None."""
        try:
            data, etag = self._fetch(self.url, self._etag)
        except ContentError as exc:             # the hub is away: asked again next time
            log.warning("content update: %s", exc)
            return None
        if data is None:
            return None                          # 304: nothing new
        self._etag = etag                        # the same bytes are not fetched again
        try:
            version = verify(data, self.public_key)[0]["version"]
            if version == self.store.version() or version in self._failed:
                return None
            self.store.install(data, self.public_key)
        except SignatureError as exc:
            self._refused("签名不符，已拒收", f"content bundle from {self.url} refused: {exc}")
            return None
        except ContentError as exc:
            self._refused("内容检查未通过，已拒收", f"content bundle from {self.url} refused: {exc}")
            return None
        log.info("content bundle %s installed; the kiosk uses it from the next time it is idle", version)
        return version

    def _refused(self, problem: str, message: str) -> None:
        log.error("%s", message)
        self.problem = problem
        self._report()

    # ------------------------------------------------------------- switch
    def _idle(self) -> bool:
        from ..session import Phase
        return self.kiosk.session.phase is Phase.IDLE

    def apply_if_idle(self) -> bool:
        """Loads ``current`` and swaps it in when it is not what runs and nobody is using the kiosk."""
        want = self.store.version()
        if want is None or want == self.kiosk.content_version or not self._idle():
            return False
        if self._ready is None or self._ready.version != want:
            try:
                self._ready = self._load(want)
            except Exception as exc:        # noqa: BLE001 - whatever stops it loading, the old content stays
                self._ready = None
                self._failed.add(want)
                self.store.mark_failed(want)
                back = self.store.rollback()
                log.error("content bundle %s does not load (%s: %s); back to %s", want,
                          type(exc).__name__, str(exc)[:200], back or "the configured content")
                self.problem = f"{want} 载入失败，已回退"[:64]
                self._report()
                return False
        if not self._idle():                # a citizen started while it loaded: at the session's end
            return False
        ready, self._ready = self._ready, None
        kiosk = self.kiosk
        kiosk.config, kiosk.catalogue, kiosk.index, kiosk.themes = (
            ready.config, ready.catalogue, ready.index, ready.themes)
        kiosk.content_version = ready.version
        self.problem = None                 # a bundle in use: an older refusal is history (in the log)
        log.info("content bundle %s in use: %d items", ready.version, len(ready.catalogue))
        self._report()
        return True

    def _load(self, version: str) -> Loaded:
        from ..consult import FaqError, load, load_synonyms
        from ..core import load_catalogue

        folder = self.store.current
        if folder is None or folder.name != version:
            raise ContentError(f"current is not {version}")
        overrides = {}
        for key, names in (("catalogue.path", CATALOGUES), ("consult.faq_path", KNOWLEDGE),
                           ("consult.synonyms_path", ("synonyms.txt",))):
            path = next((folder / n for n in names if (folder / n).is_file()), None)
            if path is not None:
                overrides[key] = str(path)
        config = self.base_config.with_overrides(f"(content bundle {version})", **overrides)
        catalogue, index, themes = load_catalogue(config)
        kb = load(config["consult.faq_path"] or None)
        if kb.errors:
            raise FaqError(f"{len(kb.errors)} bad rows")
        load_synonyms(config["consult.synonyms_path"] or None)
        index.warm()                        # the first search after the switch is as quick as ever
        return Loaded(version, config, catalogue, index, themes)

    def _report(self) -> None:
        status = getattr(self.kiosk, "status", None)
        if status is None:
            return
        from .status import versions
        current = versions(self.kiosk)
        if self.problem:
            current["content_problem"] = self.problem[:64]
        status.versions = current
        status.report(force=True)
