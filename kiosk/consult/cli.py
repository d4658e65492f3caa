# SPDX-License-Identifier: Apache-2.0
"""``ehall-kiosk ask QUESTION`` and ``ehall-kiosk faq check FILE``: what 问一问 shows, and a hall's
knowledge base checked row by row (docs/faq.md)."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Callable

from . import build_ask
from .faq import FaqError, load


def add_parsers(sub) -> None:
    ask = sub.add_parser("ask", help="what 问一问 answers to a question (same ranking as the screen)")
    ask.add_argument("question")
    ask.add_argument("--limit", type=int, default=5, help="answers to print (default 5)")
    ask.add_argument("--json", action="store_true", help="a JSON list of {kind, id, title, score}")
    faq = sub.add_parser("faq", help="check a 问一问 knowledge base")
    faq_sub = faq.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = faq_sub.add_parser("check", help="validate a knowledge base (CSV or JSON) and report bad rows")
    check.add_argument("file")


def cmd_ask(args: argparse.Namespace, load_config: Callable, fail: Callable[[str], int]) -> int:
    if args.limit < 1:
        return fail("--limit must be at least 1")
    from ..core import Kiosk

    kiosk = Kiosk.build(load_config(args))
    index = build_ask(kiosk.config, kiosk.catalogue.items)
    answers = index.ask(args.question, args.limit)
    if args.json:
        print(json.dumps([{"kind": a.kind, "id": a.id, "title": a.title, "score": a.score} for a in answers],
                         ensure_ascii=False))
        return 0
    for a in answers:
        title = a.title
        for start, end in reversed(a.spans):
            title = f"{title[:start]}[{title[start:end]}]{title[end:]}"
        print(f"{a.kind}\t{a.id}\t{a.score:.2f}\t{title}")
    if not answers:
        print("-- no answer; the kiosk offers 呼叫帮办", file=sys.stderr)
    return 0


def cmd_faq_check(args: argparse.Namespace) -> int:
    try:
        kb = load(args.file)
    except FaqError as exc:
        print(f"ehall-kiosk: {exc}", file=sys.stderr)
        return 2
    for err in kb.errors:
        print(err)
    print(f"{len(kb)} entries usable, {len(kb.errors)} rows rejected ({kb.source})")
    return 1 if kb.errors else 0
