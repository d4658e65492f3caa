# SPDX-License-Identifier: Apache-2.0
"""``ehall-helpdesk``: serve the hub, or manage helper accounts.

    ehall-helpdesk [--host H] [--port P] [--config FILE]
    ehall-helpdesk --demo [--demo-dir DIR] [--port P]        (a local hub with a demo helper: training)
    ehall-helpdesk [--config FILE] helpers add NAME [--display-name TEXT] [--password-stdin]
    ehall-helpdesk [--config FILE] helpers list
    ehall-helpdesk [--config FILE] helpers disable NAME
    ehall-helpdesk [--config FILE] kiosks add TERMINAL_ID      (prints its token once)
    ehall-helpdesk [--config FILE] kiosks list
    ehall-helpdesk [--config FILE] kiosks disable|enable TERMINAL_ID
    ehall-helpdesk [--config FILE] calls [--limit N]
    ehall-helpdesk orders keygen KEYFILE                     (the key for order_key_file: orders encrypted at rest)
    ehall-helpdesk [--config FILE] orders sweep              (the retention rule now: closed orders past
                                                              order_retention_days are deleted)
    ehall-helpdesk [--config FILE] orders rotate-key [--add-only]   (a new orders' key; the store sealed again)
    ehall-helpdesk [--config FILE] orders reseal | retire-keys      (finish a rotation; drop unneeded old keys)
    ehall-helpdesk content keygen KEYFILE                     (prints the public key kiosks pin)
    ehall-helpdesk content publish DIR --key KEYFILE --out OUTDIR
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import getpass
import json
import logging
import os
import sys
import time

from helpdesk import content_cli, db_cli
from helpdesk.accounts import AccountError, Accounts
from helpdesk.config import ConfigError, load
from helpdesk.kiosks import KioskError, KioskRegistry
from helpdesk.order_crypt import OrderCipher, OrderKeyError, keygen
from ehall_common.safe_read import shown

ENV_CONFIG = "EHALL_HELPDESK_CONFIG"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ehall-helpdesk",
                                description="政务e厅 remote-assist hub (呼叫帮办)")
    p.add_argument("--config", help=f"TOML config file (default: ${ENV_CONFIG}, else built-in)")
    p.add_argument("--host", help="listen address (overrides the config)")
    p.add_argument("--port", type=int, help="listen port (overrides the config)")
    p.add_argument("--demo", action="store_true",
                   help="training and demo: a hub on 127.0.0.1 with a demo helper and a kiosk config "
                        "for `scripts/run-kiosk --simulate --config` (docs/training-and-demo.md)")
    p.add_argument("--demo-dir", metavar="DIR", help="--demo's folder (default: a new temporary one)")
    # --config also after the subcommand: "helpers add NAME --config FILE"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS, help="TOML config file")
    sub = p.add_subparsers(dest="command")
    hp = sub.add_parser("helpers", help="manage helper accounts")
    hs = hp.add_subparsers(dest="action", required=True)
    add = hs.add_parser("add", parents=[common], help="add a helper; asks for the password")
    add.add_argument("name")
    add.add_argument("--display-name", help="name shown to the citizen, e.g. 王芳")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of stdin")
    hs.add_parser("list", parents=[common], help="list helpers")
    dis = hs.add_parser("disable", parents=[common], help="disable a helper and end their sessions")
    dis.add_argument("name")
    pw = hs.add_parser("passwd", parents=[common],
                       help="set a helper's password; ends all their sessions")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true",
                    help="read the password from the first line of stdin")
    kp = sub.add_parser("kiosks", help="register kiosks (terminals) and their tokens")
    ks = kp.add_subparsers(dest="action", required=True)
    kadd = ks.add_parser("add", parents=[common],
                         help="register a terminal, or give it a new token; prints the token once")
    kadd.add_argument("terminal_id", help="the kiosk's hall.terminal_id, e.g. EHALL-01")
    ks.add_parser("list", parents=[common], help="list registered kiosks")
    for action, what in (("disable", "refuse a kiosk and drop its live connection"),
                         ("enable", "accept a disabled kiosk again (same token)")):
        ks.add_parser(action, parents=[common], help=what).add_argument("terminal_id")
    calls = sub.add_parser("calls", parents=[common], help="show recent call records")
    calls.add_argument("--limit", type=int, default=20)
    op = sub.add_parser("orders", help="work orders in the store (orders_url)")
    os_ = op.add_subparsers(dest="action", required=True)
    os_.add_parser("keygen", help="write a new key for order_key_file (0600)").add_argument("keyfile")
    os_.add_parser("sweep", parents=[common],
                   help="apply the retention rule now: delete closed orders older than order_retention_days")
    rot = os_.add_parser("rotate-key", parents=[common],
                         help="a new key on top of the key file, then the store sealed again with it")
    rot.add_argument("--add-only", action="store_true",
                     help="only add the key (hubs sharing a PostgreSQL store: copy the file to each, then reseal)")
    os_.add_parser("reseal", parents=[common],
                   help="seal again with the key file's newest key what an older key sealed (resumes a rotation)")
    os_.add_parser("retire-keys", parents=[common],
                   help="drop the key file's older keys when no order needs them any more")
    content_cli.add_parsers(sub)
    db_cli.add_parsers(sub)
    return p


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise AccountError("the two passwords differ")
    return first


def _helpers(args: argparse.Namespace, accounts: Accounts) -> int:
    if args.action == "add":
        acct = accounts.add(args.name, _read_password(args), args.display_name)
        print(f"added helper {acct.name} ({shown(acct.display_name)})")
    elif args.action == "list":
        for a in accounts.list():
            print(f"{shown(a.name)}\t{shown(a.display_name)}\t{'disabled' if a.disabled else 'active'}")
    elif args.action == "passwd":
        accounts.set_password(args.name, _read_password(args))
        print(f"new password for helper {args.name}; their open consoles are logged out "
              "within 3 s")
    else:
        accounts.disable(args.name)
        print(f"disabled helper {args.name}; a running hub drops their console within 3 s")
    return 0


def _when(t: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t)) if t else "never"


def _kiosks(args: argparse.Namespace, kiosks: KioskRegistry) -> int:
    if args.action == "add":
        token, rotated = kiosks.add(args.terminal_id)
        tid = json.dumps(args.terminal_id, ensure_ascii=False)      # quoted as TOML wants it
        if rotated:
            print(f"kiosk {args.terminal_id}: NEW token. The old one stops working now (a running "
                  "hub drops a kiosk connected with it within seconds). Replace the kiosk's "
                  "token with this one and restart it (a kiosk reading assist.hub_token_file "
                  "picks a rewritten file up by itself).")
        else:
            print(f"kiosk {args.terminal_id} registered.")
        print(f"On that kiosk (hall.terminal_id = {tid}), put this line in the [assist] section "
              "of its config file, or the token alone in its assist.hub_token_file:\n")
        print(f'hub_token = "{token}"\n')
        print("The token is shown only this once; the hub keeps only a salted hash of it. "
              "Lost it? Run this command again for a new one.")
    elif args.action == "list":
        print("terminal\tcreated\tlast seen\tstate")
        for k in kiosks.list():
            print(f"{shown(k.terminal_id)}\t{_when(k.created_at)}\t{_when(k.last_seen)}\t"
                  f"{'disabled' if k.disabled else 'active'}")
    elif args.action == "disable":
        kiosks.disable(args.terminal_id)
        print(f"disabled kiosk {args.terminal_id}; a running hub drops its connection within "
              "seconds and refuses it until `kiosks enable` or a new `kiosks add`")
    else:
        kiosks.enable(args.terminal_id)
        print(f"enabled kiosk {args.terminal_id} (with the token it already has)")
    return 0


def _calls(args: argparse.Namespace, db_path: str) -> int:
    from helpdesk.records import CallLog
    for c in CallLog(db_path).recent(args.limit):
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(c["requested_at"]))
        talk = (c["ended_at"] - c["answered_at"]) if c["answered_at"] and c["ended_at"] else 0
        print(f"{when}\t{shown(c['terminal_id'])}\t{shown(c['helper'] or '-')}\t"
              f"{c['outcome']}\t{talk:.0f}s\t{shown(c['note'])}")
    return 0


def _cipher(cfg) -> OrderCipher | None:
    """The orders' key: order_key_file, else orders.key next to a SQLite store (made at first use;
    helpdesk/order_keys.py); None with orders_plaintext = true."""
    from helpdesk.order_keys import has_sealed, order_cipher
    return order_cipher(cfg, lambda: has_sealed(cfg.orders_url))


def _open_store(cfg, rules=None):
    """The work-order store, checked: schema at head, the key opens its sealed orders (else
    OrderKeyError); orders still in plain text are sealed unless orders_plaintext = true. None: said why."""
    from helpdesk.db_cli import check
    from helpdesk.order_crypt import check_key, seal_rows
    from helpdesk.order_keys import identify
    from helpdesk.orders import OrderStore
    problems = check(cfg.orders_url)
    if problems:
        print("ehall-helpdesk: the work-order store: " + "; ".join(problems), file=sys.stderr)
        return None
    cipher = _cipher(cfg)
    store = OrderStore(cfg.orders_url, rules, cipher=cipher)
    with store.engine.begin() as db:
        check_key(db, cipher)
        sealed = seal_rows(db, cipher) if cipher else 0
        if cipher:
            identify(db, cipher)          # sealed before Alembic 0008 without a key: which key keyed them
    if sealed:
        logging.getLogger(__name__).info("orders: %d order(s) kept in plain text are now encrypted", sealed)
    return store


def _sweep(cfg) -> int:
    """``orders sweep``: the retention rule now (the hub also runs it at start and daily)."""
    if not cfg.orders_url:
        print("ehall-helpdesk: orders sweep: no work-order store (orders_url) in the config", file=sys.stderr)
        return 2
    from helpdesk.retention import sweep
    store = _open_store(cfg)
    if store is None:
        return 2
    try:
        print(f"retention {cfg.order_retention_days} days: {sweep(store, cfg.order_retention_days)}")
    finally:
        store.engine.dispose()
    return 0


def _keys(cfg, action: str, add_only: bool) -> int:
    """``orders rotate-key | reseal | retire-keys`` (helpdesk/order_keys.py)."""
    from helpdesk import order_keys
    if not cfg.orders_url:
        print(f"ehall-helpdesk: orders {action}: no work-order store (orders_url) in the config", file=sys.stderr)
        return 2
    store = _open_store(cfg)
    if store is None:
        return 2
    path = order_keys.key_path(cfg)[0]
    if path is None:
        store.engine.dispose()
        print(f"ehall-helpdesk: orders {action}: the orders are kept in plain text (orders_plaintext = true)",
              file=sys.stderr)
        return 2
    try:
        if action == "rotate-key":
            said = order_keys.rotate_key(path, store.engine, add_only)
        elif action == "reseal":
            said = order_keys.reseal_report(path, store.engine)
        else:
            said = order_keys.retire_keys(path, store.engine)
    finally:
        store.engine.dispose()
    print("\n".join(said))
    return 0


def _serve(cfg) -> int:
    from helpdesk.hub import Hub, make_app
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    os.makedirs(os.path.dirname(os.path.abspath(cfg.db_path)), exist_ok=True)
    logging.getLogger(__name__).info(
        "hub on %s:%d, db %s, ring %ss, max wait %ss, elder factor %s, %d ICE server(s)",
        cfg.host, cfg.port, cfg.db_path, cfg.ring_seconds, cfg.max_wait_seconds,
        cfg.elder_factor, len(cfg.ice_servers))
    from helpdesk.tcp_guard import serve
    from helpdesk.throttle import networks
    guard = {"per_address": 2 * cfg.connections_per_address + 10,   # WebSockets + HTTP
             "first_bytes_s": cfg.identify_seconds, "trusted": networks(cfg.trusted_proxies)}
    orders = None
    if cfg.orders_url:
        from helpdesk.deadlines import DeadlineRules
        orders = _open_store(cfg, DeadlineRules.from_config(cfg))
        if orders is None:
            return 2
    asyncio.run(serve(make_app(Hub(cfg, orders=orders)), cfg.host, cfg.port, guard))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        cfg = load(args.config or os.environ.get(ENV_CONFIG) or None)
        if args.host:
            cfg = dataclasses.replace(cfg, host=args.host)
        if args.port:
            cfg = dataclasses.replace(cfg, port=args.port)
        if args.command in ("helpers", "kiosks"):
            os.makedirs(os.path.dirname(os.path.abspath(cfg.db_path)), exist_ok=True)
            if args.command == "kiosks":
                return _kiosks(args, KioskRegistry(cfg.db_path))
            return _helpers(args, Accounts(cfg.db_path))
        if args.command == "calls":
            return _calls(args, cfg.db_path)
        if args.command == "db":
            return db_cli.run(args, cfg.orders_url, _cipher(cfg) if args.action == "upgrade" and cfg.orders_url
                              else None)
        if args.command == "orders" and args.action == "keygen":
            print(f"wrote {keygen(args.keyfile)} (0600). Name it as order_key_file in the hub's config, "
                  "then `ehall-helpdesk db upgrade` encrypts the orders kept so far. Keep a copy of "
                  "this file apart from the database backups: without it the orders cannot be read.")
            return 0
        if args.command == "orders" and args.action != "sweep":
            return _keys(cfg, args.action, getattr(args, "add_only", False))
        if args.command == "orders":
            return _sweep(cfg)
        if args.command == "content":
            return content_cli.run(args)
        if args.demo:
            from helpdesk import demo
            cfg, made = demo.prepare(cfg, args.demo_dir)
            print(demo.banner(made), flush=True)
        return _serve(cfg)
    except (ConfigError, AccountError, KioskError, OrderKeyError, OSError) as e:
        print(f"ehall-helpdesk: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
