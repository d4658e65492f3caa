# SPDX-License-Identifier: Apache-2.0
"""The hall's consulting: the FAQ knowledge base (faq.py) and 问一问 (ask.py)."""
from __future__ import annotations

from typing import Iterable

from .ask import Answer, AskIndex, load_synonyms
from .faq import Faq, FaqError, KnowledgeBase, load

__all__ = ["Answer", "AskIndex", "Faq", "FaqError", "KnowledgeBase", "build_ask", "load", "load_synonyms"]


def build_ask(config, items: Iterable = ()) -> AskIndex:
    """The ask index on the configured knowledge base and synonym table (or the bundled ones),
    from the on-disk cache in the catalogue's cache folder when it holds these documents."""
    from ..pinyin_keys import default_cache_dir
    from .ask_cache import load_ask

    kb = load(config["consult.faq_path"] or None)
    try:
        synonyms = load_synonyms(config["consult.synonyms_path"] or None)
    except ValueError as exc:
        raise FaqError(str(exc)) from None
    return load_ask(kb, items, synonyms, config["catalogue.cache_dir"] or default_cache_dir())
