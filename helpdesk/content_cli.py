# SPDX-License-Identifier: Apache-2.0
"""``ehall-helpdesk content keygen|publish``: the hall's signed content bundle (helpdesk/content.py)."""
from __future__ import annotations

import argparse
import sys

from helpdesk import content


def add_parsers(sub) -> None:
    cp = sub.add_parser("content", help="sign the hall's content bundle for the kiosks")
    cs = cp.add_subparsers(dest="action", required=True)
    kg = cs.add_parser("keygen", help="make the hub's signing key; prints the public key kiosks pin")
    kg.add_argument("key_file")
    pub = cs.add_parser("publish", help="sign catalogue / faq / synonyms of DIR into OUTDIR/latest.ehall")
    pub.add_argument("folder")
    pub.add_argument("--key", required=True, help="the signing key from `content keygen`")
    pub.add_argument("--out", required=True, help="the folder the hub serves the bundle from")
    pub.add_argument("--version", help="the bundle's version (default: the UTC time)")


def run(args: argparse.Namespace) -> int:
    try:
        if args.action == "keygen":
            print(f"public key (kiosks: [content] public_key): {content.keygen(args.key_file)}")
        else:
            bundle = content.publish(args.folder, args.key, args.out, args.version)
            print(f"signed {bundle}")
        return 0
    except (content.ContentError, OSError) as exc:
        print(f"ehall-helpdesk: {exc}", file=sys.stderr)
        return 2
