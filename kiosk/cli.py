# SPDX-License-Identifier: Apache-2.0
"""``ehall-kiosk``: start the kiosk, or one of the admin subcommands.

Errors an admin can act on (bad config, unusable catalogue) print one clear
message and exit with status 2; nothing here prints a traceback.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Callable

from . import catalogue as catalogue_mod
from . import config as config_mod
from . import devices as devices_mod
from .consult import FaqError
from .consult import cli as consult_cli
from ehall_common.safe_read import shown

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
    p.add_argument("--lang", choices=("zh", "en"), help="the language each session starts in (ui.language)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    cat = sub.add_parser("catalogue", help="check a service catalogue file")
    cat_sub = cat.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = cat_sub.add_parser("check", help="validate a catalogue (CSV or JSON) and report bad rows")
    check.add_argument("file")
    check.add_argument("--theme-rules", metavar="FILE",
                       help="theme rules to check with it (default: the bundled kiosk/data/theme-rules.toml)")

    s = sub.add_parser("search", help="what citizens find for a query (same engine as the screen)")
    s.add_argument("query")
    s.add_argument("--limit", type=int, default=10, help="results to print (default 10)")
    s.add_argument("--json", action="store_true", help="one JSON object per line")

    consult_cli.add_parsers(sub)
    rec = sub.add_parser("records", help="the outbox of work orders, ratings and questions")
    rec_sub = rec.add_subparsers(dest="action", metavar="ACTION", required=True)
    rec_sub.add_parser("keygen", help="print a new key for [records] outbox_key")
    tk = rec_sub.add_parser("tagkey", help="write a new hall key for [records] citizen_tag_key_file (copy the "
                            "same file to every kiosk of the hall)")
    tk.add_argument("file", metavar="FILE")
    rec_sub.add_parser("status", help="records waiting for the hub, and those it refused for good")
    say = sub.add_parser("say", help="render a voice prompt to a WAV file, to check the voice")
    say.add_argument("text")
    say.add_argument("--out", metavar="FILE.wav", required=True)
    say.add_argument("--lang", choices=("zh", "en"), default="zh")

    dev = sub.add_parser("devices", help="list configured devices with state and last error")
    dev_sub = dev.add_subparsers(dest="action", metavar="ACTION")
    test = dev_sub.add_parser("test", help="run one device's self-test")
    test.add_argument("name", choices=devices_mod.KINDS)
    test.add_argument("--uri", help="test this backend instead of the configured one")
    test.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for a card (ID reader)")

    prn = sub.add_parser("print", help="print on the receipt printer")
    prn_sub = prn.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action, text in (("test", "a test slip: profile, Chinese samples, QR and a cut"),
                         ("guide", "the take-home guide of one service item")):
        one = prn_sub.add_parser(action, help=text)
        if action == "guide":
            one.add_argument("item_id")
            one.add_argument("--a4", action="store_true", help="an A4 page instead of a receipt")
        one.add_argument("--printer", metavar="URI", help="tcp://host:9100, serial:///dev/ttyUSB0?baud=115200, "
                                                          "usb://VID:PID, cups://QUEUE or sim://")
        one.add_argument("--profile", metavar="NAME", help="receipt printer profile")

    cfg = sub.add_parser("config", help="check the configuration")
    cfg_sub = cfg.add_subparsers(dest="action", metavar="ACTION", required=True)
    cfg_check = cfg_sub.add_parser("check", help="validate the defaults plus the admin file and print the result")
    # also after the subcommand: `ehall-kiosk config check --config FILE`
    cfg_check.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS,
                           help="admin config file (TOML) over the defaults")
    return p


def _fail(message: str) -> int:
    print(f"ehall-kiosk: {shown(message)}", file=sys.stderr)
    return EXIT_USAGE


def _load_config(args: argparse.Namespace) -> config_mod.Config:
    cfg = config_mod.load(config_mod.admin_path(args.config))
    if getattr(args, "lang", None):
        cfg = cfg.with_overrides(**{"ui.language": args.lang})
    return cfg.simulated() if args.simulate else cfg


def cmd_catalogue_check(args: argparse.Namespace) -> int:
    from .browse_index import ThemeIndex
    from .theme_rules import load_rules

    cat = catalogue_mod.load(args.file)
    rules = load_rules(args.theme_rules)
    for warning in cat.warnings:
        print(f"warning: {shown(warning)}")      # file content: escapes shown, not run
    for err in cat.errors:
        print(f"skipped: {shown(err)}")
    for err in rules.errors:
        print(f"rule skipped: {shown(err)}")
    themes = ThemeIndex.build(cat.items, rules)
    own = sum(1 for i in cat.items if i.themes)
    refused = _online_refused(args, cat)
    for line in refused:
        print(f"online_url refused: {shown(line)}")
    print(f"{cat.source}: {len(cat)} items usable, {len(cat.errors)} rows skipped; "
          f"{len(cat.departments())} departments, "
          f"{sum(1 for i in cat.items if i.has_guide)} items with a guide, "
          f"{sum(1 for i in cat.items if i.has_full_guide)} with a full guide (materials + steps or time limit)")
    print(f"{rules.source}: {len(rules.rules)} theme rules usable, {len(rules.errors)} skipped; "
          f"{themes.covered} of {len(cat)} items with a theme ({own} from the catalogue's themes column)")
    english = sum(1 for i in cat.items if i.name_en)
    print(f"name_en: {english} of {len(cat)} items have an English name (the others show the Chinese name "
          f"in English sessions, marked (Chinese name))")
    online = sum(1 for i in cat.items if i.online_url)
    print(f"在本机办理: {online - len(refused)} of {online} items' online_url on web.allowed_hosts")
    return 1 if cat.errors or rules.errors or refused else 0


def _online_refused(args: argparse.Namespace, cat) -> list[str]:
    """Items whose online_url the kiosk's browser would refuse (not https, or a host that
    web.allowed_hosts does not list): they get no 在本机办理 button."""
    from .web.policy import Allowlist

    allow = Allowlist(_load_config(args)["web.allowed_hosts"])
    out = []
    for item in cat.items:
        refusal = allow.check(item.online_url) if item.online_url else None
        if refusal is not None:
            out.append(f"item {item.id}: {refusal.host or item.online_url[:40]}: {refusal.reason}")
    return out


def cmd_search(args: argparse.Namespace) -> int:
    from .core import Kiosk

    if args.limit < 1:
        return _fail("--limit must be at least 1")
    kiosk = Kiosk.build(_load_config(args))
    results = kiosk.search(args.query, limit=args.limit)
    for hit in results.hits:
        if args.json:
            row = {"id": hit.item.id, "name": hit.item.name, "department": hit.item.department,
                   "category": hit.item.category, "matched": list(hit.matched)}
            if hit.via:                                   # found through a keyword (俗称)
                row.update(via=hit.via, via_matched=list(hit.via_matched))
            print(json.dumps(row, ensure_ascii=False))
        else:
            marked = "".join(f"[{t}]" if on else t for t, on in hit.spans())
            via = "".join(f"[{t}]" if on else t for t, on in hit.via_spans())
            print(f"{hit.item.id}\t{marked}\t{hit.item.department}" + (f"\t(搜索词: {via})" if via else ""))
    if not args.json:
        print(f"-- {results.total} items match {args.query!r}", file=sys.stderr)
    return 0


def cmd_say(args: argparse.Namespace) -> int:
    from .voice import Voice, VoiceError

    try:
        wav = Voice().render(args.text, args.lang)
    except VoiceError as exc:
        return _fail(str(exc))
    try:
        with open(args.out, "wb") as fh:
            fh.write(wav)
    except OSError as exc:
        return _fail(f"{args.out}: cannot be written ({exc.strerror})")
    print(f"{args.out}: {len(wav):,} bytes")
    return 0


def cmd_config_check(args: argparse.Namespace) -> int:
    cfg = _load_config(args)
    print("config OK: " + " + ".join(cfg.sources))
    for name, dev in sorted(cfg.devices().items()):
        print(f"  device {name}: {dev.get('uri')}")
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    cfg = _load_config(args)
    found = devices_mod.create_all(cfg)
    uris = {name: d.get("uri") for name, d in cfg.devices().items()}
    worst = 0
    for name, device in found.items():
        try:
            device.open()
        except Exception as exc:  # noqa: BLE001 - a device that cannot open is reported, not fatal
            logging.getLogger(__name__).debug("open %s: %s", name, exc)
        print(f"{devices_mod.describe(device)}  [{uris.get(name)}]")
        worst = max(worst, 1 if device.state.value in ("fault", "absent") else 0)
        try:
            device.close()
        except Exception:  # noqa: BLE001
            pass
    return worst


def cmd_devices_test(args: argparse.Namespace) -> int:
    from drivers.base import DeviceError

    cfg = _load_config(args)
    settings = dict(cfg.devices().get(args.name, {}))
    if args.uri:
        settings["uri"] = args.uri
    try:
        if args.name == "id_reader":
            from drivers.id_reader.selftest import run_self_test
            lines = run_self_test(settings["uri"], timeout=args.timeout)
            print("\n".join(lines))
            return 0 if lines and lines[-1].startswith("RESULT: PASS") else 1
        if args.name == "smartcard":
            from drivers.smartcard.selftest import run_self_test as smartcard_test
            lines = smartcard_test(settings["uri"], timeout=args.timeout,
                                   staff_badges=settings.get("staff_badges", ()))
            print("\n".join(lines))
            return 0 if lines and "FAIL" not in lines[-1] else 1
        if args.name == "receipt_printer":
            from .printing.admin import run_print_test
            print("\n".join(run_print_test(settings["uri"], settings.get("profile"))))
            return 0
        device = devices_mod.create(args.name, settings)
        device.open()
        print("\n".join(device.self_test()))
        device.close()
        return 0
    except DeviceError as exc:
        print(f"FAIL {exc.code}: {exc.detail or exc.error.text}")
        return 1


def cmd_print(args: argparse.Namespace) -> int:
    from drivers.base import DeviceError

    cfg = _load_config(args)
    uri = args.printer or cfg["devices.receipt_printer.uri"]
    profile = args.profile or cfg["devices.receipt_printer.profile"]
    if getattr(args, "a4", False) or uri.startswith("cups://"):
        from .printing.a4_service import print_a4_admin

        item = hall = qr = None
        if args.action == "guide":
            from .core import Kiosk
            kiosk = Kiosk.build(cfg)
            item = kiosk.item(args.item_id)
            if item is None:
                return _fail(f"no item {args.item_id!r} in {kiosk.catalogue.source}")
            hall, qr = kiosk.hall(), kiosk.handoff_url(item)
        printed, lines = print_a4_admin(args.printer or cfg["devices.a4_printer.uri"], item, hall, qr)
        print("\n".join(lines))
        return 0 if printed else 1
    from .printing import admin

    try:
        if args.action == "test":
            lines = admin.run_print_test(uri, profile)
        else:
            from .core import Kiosk
            kiosk = Kiosk.build(cfg)
            item = kiosk.item(args.item_id)
            if item is None:
                return _fail(f"no item {args.item_id!r} in {kiosk.catalogue.source}")
            lines = admin.print_guide(item, kiosk.handoff_url(item), uri, profile, kiosk.hall())
    except DeviceError as exc:
        print(f"FAIL {exc.code}: {exc.detail or exc.error.text}")
        return 1
    except (KeyError, ValueError) as exc:
        return _fail(f"printer {uri}: {exc}")
    print("\n".join(lines))
    return 0


App = Callable[[config_mod.Config, bool], int]


def cmd_run(args: argparse.Namespace, app: App | None) -> int:
    if app is None:     # the core alone (``kiosk.cli``) has the admin commands, not the screens
        return _fail("this entry point has the admin commands only; the kiosk itself is started "
                     "by ehall-kiosk (python -m ehall_kiosk)")
    return app(_load_config(args), args.windowed)


def cmd_records_keygen(_args: argparse.Namespace) -> int:
    from .records import new_key
    print(new_key())
    return 0


def cmd_records_tagkey(args: argparse.Namespace) -> int:
    from .citizen_tag import write_tag_key
    try:
        print(f"wrote {write_tag_key(args.file)} (mode 600): set [records] citizen_tag_key_file to it")
    except FileExistsError:
        return _fail(f"{args.file} exists: the hall's kiosks share one key; copy that file instead")
    except OSError as exc:
        return _fail(f"{args.file}: {exc.strerror or exc}")
    return 0


def cmd_records_status(args: argparse.Namespace) -> int:
    """How many records wait for the hub, and the ones it refused (kind, id, reason): never
    their contents."""
    from pathlib import Path

    from .records import Outbox
    from .records.service import state_folder
    cfg = _load_config(args)
    path = Path(cfg["records.folder"] or state_folder()) / "outbox.db"
    if not path.exists():
        print(f"no outbox at {path}")
        return 0
    box = Outbox(path, cfg["records.outbox_key"] or None)
    try:
        refused = box.refused()
        print(f"{len(box) - len(refused)} waiting for the hub, {len(refused)} refused ({path})")
        for record_id, kind, reason in refused:
            print(f"refused {kind} {record_id[:8]}: {reason}")
    finally:
        box.close()
    return 0


def main(argv: list[str] | None = None, app: App | None = None) -> int:
    """The admin subcommands; with none, ``app(config, windowed)`` runs the kiosk.

    The composition root (``ehall_kiosk.main``) passes the app, so the core never imports
    the screens (docs/architecture.md).
    """
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from . import logfilter
    logfilter.install()
    handlers = {
        ("catalogue", "check"): cmd_catalogue_check,
        ("search", None): cmd_search,
        ("ask", None): lambda a: consult_cli.cmd_ask(a, _load_config, _fail),
        ("faq", "check"): consult_cli.cmd_faq_check,
        ("say", None): cmd_say,
        ("records", "keygen"): cmd_records_keygen,
        ("records", "status"): cmd_records_status,
        ("records", "tagkey"): cmd_records_tagkey,
        ("config", "check"): cmd_config_check,
        ("devices", None): cmd_devices,
        ("devices", "test"): cmd_devices_test,
        ("print", "test"): cmd_print,
        ("print", "guide"): cmd_print,
        (None, None): lambda a: cmd_run(a, app),
    }
    handler = handlers[(args.command, getattr(args, "action", None))]
    try:
        return handler(args)
    except config_mod.ConfigError as exc:
        return _fail(f"configuration error: {exc}")
    except catalogue_mod.CatalogueError as exc:
        return _fail(f"catalogue error: {exc}")
    except FaqError as exc:
        return _fail(f"knowledge base error: {exc}")
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - admins get one line; EHALL_DEBUG=1 shows the traceback
        if os.environ.get("EHALL_DEBUG"):
            raise
        logging.getLogger("kiosk").debug("unexpected error", exc_info=True)
        print(f"ehall-kiosk: unexpected error: {type(exc).__name__}: {exc} "
              "(run with EHALL_DEBUG=1 for details)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
