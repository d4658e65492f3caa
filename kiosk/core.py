# SPDX-License-Identifier: Apache-2.0
"""The kiosk's core, wired from config: catalogue, search, session, hand-off.

No Kivy here: screens reach the core through ``app.kiosk`` and bind to its
state through :mod:`kiosk.ui_bridge`.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from . import catalogue as catalogue_mod
from . import i18n, memory, qr
from .browse_index import ThemeIndex, departments_az
from .index_cache import load_index
from .search_rewrite import rewrites
from .theme_rules import load_rules
from .catalogue import Catalogue, Item
from .config import Config
from .observe import Observers
from .search import Results, SearchIndex
from .session import Session

log = logging.getLogger(__name__)


@dataclass
class Kiosk:
    config: Config
    catalogue: Catalogue
    index: SearchIndex
    session: Session
    devices: dict[str, Any] = field(default_factory=dict)   # kiosk.devices.create_all(config)
    assist: Any = None        # kiosk.assist.service.AssistService when a hub is configured
    identity: Any = None      # kiosk.identity.IdentityService (kiosk.wiring builds it)
    camera_share: Any = None  # kiosk.device_watch.Handover: the face check and the video call take turns
    web: Any = None           # kiosk.web.WebService when a browser is configured (网上办)
    phone_upload: Any = None  # kiosk.web.phone.PhoneUpload: 手机上传 when there are a browser and a hub
    identity_fill: Any = None  # kiosk.web.fill.IdentityFill: 填入证件信息 (the identity worker types it)
    voice: Any = None         # kiosk.voice.VoiceGuide (语音播报) on the audio device
    status: Any = None        # kiosk.ops.status.StatusReporter: staff notified through the hub
    records: Any = None       # kiosk.records.RecordsService: 工单, 好差评, questions to the hub (outbox)
    themes: ThemeIndex | None = None   # items by life topic (服务主题)
    admin: Any = None         # kiosk.ops.admin.AdminService (the admin screen's core; its events go to the hub)
    simulator: Any = None     # kiosk.ops.simulator.Simulator (the 模拟器 panel; --simulate only)
    admin_report: Any = None  # kiosk.ops.admin_report.AdminReporter: those events on the hub link
    content_version: str | None = None   # the hub's content bundle in use (kiosk/ops/content_update.py)
    content: Any = None       # kiosk.ops.content_update.ContentUpdater when content updates are on
    stats: Any = None         # kiosk.ops.stats_report.StatsReporter: the hall's counts to the hub
    opener: Any = None        # the thread opening the devices at start (kiosk.wiring): stop() waits for it
    # start-up work on threads of its own (kiosk.wiring.in_background): stop() sets stopping and waits for them
    background: list[threading.Thread] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    # each search run, as (text, total): the hall's statistics count the last one (kiosk.ops.stats_feed)
    searches: Observers[tuple[str, int]] = field(default_factory=lambda: Observers("searches"))

    def __post_init__(self) -> None:
        self.session.on_wipe(self._drop_held_guides)
        self.session.can_rate = lambda: self.records is not None     # 结束办理's rating goes to the outbox

    def _drop_held_guides(self) -> None:
        """A guide that could not print is kept for the citizen's retry, not for the next person."""
        printer = self.devices.get("receipt_printer")
        for job_id in getattr(printer, "pending_jobs", lambda: [])():
            if job_id.startswith(f"guide-{self.session.token}-"):
                printer.discard_pending(job_id)

    def reload_catalogue(self) -> None:
        """重新加载 from the admin screen (no citizen session): the catalogue read again and swapped
        in whole; an unusable one raises CatalogueError and the loaded one stays."""
        cat, index, themes = load_catalogue(self.config)
        self.catalogue, self.index, self.themes = cat, index, themes
        log.info("catalogue reloaded %s: %d items", cat.source, len(cat))

    @classmethod
    def build(cls, config: Config, clock: Callable[[], float] = time.monotonic) -> "Kiosk":
        """Loads the catalogue and its search index; raises CatalogueError if unusable."""
        cat, index, themes = load_catalogue(config)
        session = Session(config["ui.idle_seconds"], config["ui.countdown_seconds"],
                          large_text_default=config["ui.large_text"], clock=clock,
                          language_default=config["ui.language"],
                          identity_idle_seconds=config["identity.idle_seconds"],
                          rating_seconds=config["ui.rating_seconds"],
                          after_end=memory.release)
        return cls(config, cat, index, session, themes=themes)

    @property
    def outbox(self):
        """The records' outbox (unanswered questions go there), None without a hub."""
        return self.records.outbox if self.records is not None else None

    def search(self, text: str, limit: int | None = 50) -> Results:
        results = self.index.search(text, limit)
        if results.total == 0:               # the citizen's word order, or a part of their words
            for other in rewrites(results.query):
                found = self.index.search(other, limit)
                if found.total:
                    results = replace(found, query=results.query, instead=other)
                    break
        self.searches.notify((text, results.total))
        return results

    def item(self, item_id: str) -> Item | None:
        return self.catalogue.by_id.get(item_id)

    def guide_twins(self, item: Item, limit: int = 4) -> list[Item]:
        """Same-name items that have the guide this one lacks (kiosk/guides.py)."""
        from .guides import twins
        return twins(self.catalogue.items, item, limit)

    def qr_url(self, item: Item) -> str:
        return qr.item_url(item, self.config["catalogue.qr_url_template"])

    def handoff_url(self, item: Item) -> str | None:
        """The QR a printed guide carries: only where the item can be continued online; a
        window-only item's guide says where to go instead (a keyword search would mislead)."""
        return self.qr_url(item) if qr.online(item) else None

    @property
    def assist_available(self) -> bool:
        """Remote assist needs a hub; until one is configured the button says so."""
        return bool(self.config["assist.hub_url"])

    # -- printing ----------------------------------------------------------------
    def hall(self) -> dict[str, str]:
        """The hall's words in the session's language: name, hours, phone, the staffed desk's
        location, hours and phone (English from the ``hall.*_en`` keys where the hall set them)."""
        english = i18n.current() != i18n.SOURCE

        def word(key: str) -> str:
            return (english and self.config[f"{key}_en"]) or self.config[key]

        hours = word("hall.opening_hours")
        return {"name": word("hall.name"), "hours": hours, "phone": self.config["hall.phone"],
                "desk": word("hall.desk_location"), "desk_hours": word("hall.desk_hours") or hours,
                "desk_phone": self.config["hall.desk_phone"] or self.config["hall.phone"]}

    def a4_available(self) -> bool:
        """True when an A4 printer is configured and can take a job now."""
        from drivers.base import DeviceState

        printer = self.devices.get("a4_printer")
        return hasattr(printer, "submit") and printer.state in (
            DeviceState.READY, DeviceState.DEGRADED, DeviceState.BUSY)

    def print_a4_pdf(self, pdf: bytes, title: str, job_key: str, on_done: Callable[[Any], None]) -> None:
        """A PDF (a page's certificate, 证书自助打印) on the A4 printer on a worker thread, once
        per ``job_key``, with the A4 path's job tracking; ``on_done(outcome)`` there."""
        from .printing import PrintOutcome

        printer = self.devices.get("a4_printer")

        def work() -> None:
            if printer is None or not hasattr(printer, "submit"):
                outcome = PrintOutcome(job_key, False, code="PRN_NOT_CONFIGURED", message_key="print_unavailable")
            else:
                from .printing.a4_service import A4Service
                outcome = A4Service(printer).print_pdf(pdf, title, job_key)
            on_done(self._told(outcome, "a4_printer"))

        threading.Thread(target=work, name="print-a4-pdf", daemon=True).start()

    def _told(self, outcome: Any, device: str) -> Any:
        """A printer that needs staff: 已通知工作人员 only when the hub confirmed it has put the
        alert in front of staff (kiosk/ops/status.py), else the citizen is asked to tell the desk."""
        key = outcome.message_key
        if key.endswith("_tell_staff") and self.status is not None \
                and self.status.wait_notified(device):
            from dataclasses import replace
            return replace(outcome, message_key=key.replace("_tell_staff", "_staff_notified"))
        return outcome

    def print_receipt(self, doc: Any, on_done: Callable[[Any], None]) -> None:
        """Any receipt document (a work order's 回执) on the receipt printer on a worker thread,
        once per ``doc.job_id``; ``on_done(outcome)`` there."""
        from .printing import PrintOutcome, ReceiptService

        printer = self.devices.get("receipt_printer")

        def work() -> None:
            if printer is None or not hasattr(printer, "print_job"):
                outcome = PrintOutcome(doc.job_id, False, code="PRN_NOT_CONFIGURED", message_key="print_unavailable")
            else:
                outcome = ReceiptService(printer).print_document(doc)
            on_done(outcome)

        threading.Thread(target=work, name="print-receipt", daemon=True).start()

    def print_guide(self, item: Item, on_done: Callable[[Any], None], copy: int = 1,
                    a4: bool = False) -> None:
        """Prints the take-home guide on a worker thread; ``on_done(outcome)`` there.

        The job id names this session, the item and the copy, so pressing the
        button again after a failure never prints the same guide twice; asking
        for another copy on purpose passes ``copy=2`` and so on. ``a4`` prints
        the A4 page on the A4 printer instead of the 80 mm receipt.
        """
        from .printing import PrintOutcome, ReceiptService, guide_receipt

        kind = "a4_printer" if a4 else "receipt_printer"
        printer = self.devices.get(kind)
        job_id = f"guide-{self.session.token}-{item.id}-{'a4' if a4 else 'r'}{copy}"

        def work() -> None:
            if printer is None or not hasattr(printer, "submit" if a4 else "print_job"):
                outcome = PrintOutcome(job_id, False, code="PRN_NOT_CONFIGURED", message_key="print_unavailable")
            elif a4:
                from .printing.a4_service import A4Service
                outcome = A4Service(printer).print_guide(item, self.hall(), self.handoff_url(item), job_id)
            else:
                doc = guide_receipt(item, self.hall(), self.handoff_url(item), job_id=job_id)
                outcome = ReceiptService(printer).print_document(doc)
            on_done(self._told(outcome, kind))

        threading.Thread(target=work, name="print-guide", daemon=True).start()


def load_catalogue(config: Config, path: str | None = None) -> tuple[Catalogue, SearchIndex, ThemeIndex]:
    """The catalogue at ``path`` (else ``catalogue.path``, else the bundled one), its search index
    and its theme index; raises CatalogueError if unusable."""
    cat = catalogue_mod.load(path or config["catalogue.path"] or None)
    for err in cat.errors:
        log.warning("catalogue row skipped: %s", err)
    for warning in cat.warnings:
        log.warning("%s", warning)
    index = load_index(cat.items, cat.digest, config["catalogue.cache_dir"] or None)
    rules = load_rules(config["catalogue.theme_rules"] or None)
    for err in rules.errors:
        log.warning("theme rule skipped: %s", err)
    themes = ThemeIndex.build(cat.items, rules)
    departments_az(cat, config["catalogue.cache_dir"] or None)   # from its cache: no pypinyin
    log.info("catalogue %s: %d items, %d rows skipped; %d items with a theme",
             cat.source, len(cat), len(cat.errors), themes.covered)
    return cat, index, themes
