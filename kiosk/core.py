# SPDX-License-Identifier: Apache-2.0
"""The kiosk's core, wired from config: catalogue, search, session, hand-off.

No Kivy here: screens reach the core through ``app.kiosk`` and bind to its
state through :mod:`kiosk.ui_bridge`.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

from . import catalogue as catalogue_mod
from . import qr
from .index_cache import load_index
from .catalogue import Catalogue, Item
from .config import Config
from .search import Results, SearchIndex
from .session import Session

log = logging.getLogger(__name__)


@dataclass
class Kiosk:
    config: Config
    catalogue: Catalogue
    index: SearchIndex
    session: Session

    @classmethod
    def build(cls, config: Config, clock: Callable[[], float] = time.monotonic) -> "Kiosk":
        """Loads the catalogue and its search index; raises CatalogueError if unusable."""
        cat = catalogue_mod.load(config["catalogue.path"] or None)
        for err in cat.errors:
            log.warning("catalogue row skipped: %s", err)
        for warning in cat.warnings:
            log.warning("%s", warning)
        index = load_index(cat.items, cat.digest, config["catalogue.cache_dir"] or None)
        session = Session(config["ui.idle_seconds"], config["ui.countdown_seconds"],
                          large_text_default=config["ui.large_text"], clock=clock)
        log.info("catalogue %s: %d items, %d rows skipped", cat.source, len(cat), len(cat.errors))
        return cls(config, cat, index, session)

    def search(self, text: str, limit: int | None = 50) -> Results:
        return self.index.search(text, limit)

    def item(self, item_id: str) -> Item | None:
        return self.catalogue.by_id.get(item_id)

    def qr_url(self, item: Item) -> str:
        return qr.item_url(item, self.config["catalogue.qr_url_template"])

    @property
    def assist_available(self) -> bool:
        """Remote assist needs a hub; until one is configured the button says so."""
        return bool(self.config["assist.hub_url"])
