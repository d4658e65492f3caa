# SPDX-License-Identifier: Apache-2.0
"""``ehall-kiosk``: start the kiosk, or one of the admin subcommands.

Errors an admin can act on (bad config, unusable catalogue) print one clear
message and exit with status 2; nothing here prints a traceback.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys

from . import catalogue as catalogue_mod
from . import config as config_mod

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ehall-kiosk",
        description="政务e厅 self-service kiosk. With no subcommand it starts the kiosk.",
        epilog=f"Admin config: --config FILE, or ${config_mod.ENV_VAR}, "
               f"or {config_mod.ADMIN_DEFAULT} when it exists.")
    p.add_argument("--config", metavar="FILE", help="admin config file (TOML) over the defaults")
    p.add_argument("--windowed", action="store_true", help="a normal window instead of full screen")
    p.add_argument("--simulate", action="store_true", help="every device on its simulator")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    cat = sub.add_parser("catalogue", help="check a service catalogue file")
    cat_sub = cat.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = cat_sub.add_parser("check", help="validate a catalogue (CSV or JSON) and report bad rows")
    check.add_argument("file")

    s = sub.add_parser("search", help="what citizens find for a query (same engine as the screen)")
    s.add_argument("query")
    s.add_argument("--limit", type=int, default=10, help="results to print (default 10)")
    s.add_argument("--json", action="store_true", help="one JSON object per line")

    cfg = sub.add_parser("config", help="check the configuration")
    cfg_sub = cfg.add_subparsers(dest="action", metavar="ACTION", required=True)
    cfg_sub.add_parser("check", help="validate the defaults plus the admin file and print the result")
    return p


def _fail(message: str) -> int:
    print(f"ehall-kiosk: {message}", file=sys.stderr)
    return EXIT_USAGE


def _load_config(args: argparse.Namespace) -> config_mod.Config:
    cfg = config_mod.load(config_mod.admin_path(args.config))
    return cfg.simulated() if args.simulate else cfg


def cmd_catalogue_check(args: argparse.Namespace) -> int:
    cat = catalogue_mod.load(args.file)
    for warning in cat.warnings:
        print(f"warning: {warning}")
    for err in cat.errors:
        print(f"skipped: {err}")
    print(f"{cat.source}: {len(cat)} items usable, {len(cat.errors)} rows skipped; "
          f"{len(cat.departments())} departments, "
          f"{sum(1 for i in cat.items if i.has_guide)} items with a guide")
    return 1 if cat.errors else 0


def cmd_search(args: argparse.Namespace) -> int:
    from .core import Kiosk

    if args.limit < 1:
        return _fail("--limit must be at least 1")
    kiosk = Kiosk.build(_load_config(args))
    results = kiosk.search(args.query, limit=args.limit)
    for hit in results.hits:
        if args.json:
            print(json.dumps({"id": hit.item.id, "name": hit.item.name,
                              "department": hit.item.department, "category": hit.item.category,
                              "matched": list(hit.matched)}, ensure_ascii=False))
        else:
            marked = "".join(f"[{t}]" if on else t for t, on in hit.spans())
            print(f"{hit.item.id}\t{marked}\t{hit.item.department}")
    if not args.json:
        print(f"-- {results.total} items match {args.query!r}", file=sys.stderr)
    return 0


def cmd_config_check(args: argparse.Namespace) -> int:
    cfg = _load_config(args)
    print("config OK: " + " + ".join(cfg.sources))
    for name, dev in sorted(cfg.devices().items()):
        print(f"  device {name}: {dev.get('uri')}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from .main import run

    return run(_load_config(args), windowed=args.windowed)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    handlers = {
        ("catalogue", "check"): cmd_catalogue_check,
        ("search", None): cmd_search,
        ("config", "check"): cmd_config_check,
        (None, None): cmd_run,
    }
    handler = handlers[(args.command, getattr(args, "action", None))]
    try:
        return handler(args)
    except config_mod.ConfigError as exc:
        return _fail(f"configuration error: {exc}")
    except catalogue_mod.CatalogueError as exc:
        return _fail(f"catalogue error: {exc}")
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
