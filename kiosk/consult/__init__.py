# SPDX-License-Identifier: Apache-2.0
"""The hall's consulting: the FAQ knowledge base (faq.py) and 问一问 (ask.py)."""
from __future__ import annotations

from typing import Iterable

from .ask import Answer, AskIndex, load_synonyms
from .faq import Faq, FaqError, KnowledgeBase, load

__all__ = ["Answer", "AskIndex", "Faq", "FaqError", "KnowledgeBase", "build_ask", "load", "load_synonyms"]


def build_ask(config, items: Iterable = ()) -> AskIndex:
    """The ask index on the configured knowledge base and synonym table (or the bundled ones)."""
    kb = load(config["consult.faq_path"] or None)
    try:
        synonyms = load_synonyms(config["consult.synonyms_path"] or None)
    except OSError as exc:
        raise FaqError(f"{config['consult.synonyms_path']}: cannot be read ({exc.strerror})") from None
    except ValueError as exc:
        raise FaqError(str(exc)) from None
    return AskIndex(kb, items, synonyms)
