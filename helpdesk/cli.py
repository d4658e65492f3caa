# SPDX-License-Identifier: Apache-2.0
"""``ehall-helpdesk``: serve the hub, or manage helper accounts.

    ehall-helpdesk [--host H] [--port P] [--config FILE]
    ehall-helpdesk [--config FILE] helpers add NAME [--display-name TEXT] [--password-stdin]
    ehall-helpdesk [--config FILE] helpers list
    ehall-helpdesk [--config FILE] helpers disable NAME
    ehall-helpdesk [--config FILE] calls [--limit N]
"""
from __future__ import annotations

import argparse
import dataclasses
import getpass
import logging
import os
import sys

from helpdesk.accounts import AccountError, Accounts
from helpdesk.config import ConfigError, load

ENV_CONFIG = "EHALL_HELPDESK_CONFIG"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ehall-helpdesk",
                                description="政务e厅 remote-assist hub (呼叫帮办)")
    p.add_argument("--config", help=f"TOML config file (default: ${ENV_CONFIG}, else built-in)")
    p.add_argument("--host", help="listen address (overrides the config)")
    p.add_argument("--port", type=int, help="listen port (overrides the config)")
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
    calls = sub.add_parser("calls", parents=[common], help="show recent call records")
    calls.add_argument("--limit", type=int, default=20)
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
        print(f"added helper {acct.name} ({acct.display_name})")
    elif args.action == "list":
        for a in accounts.list():
            print(f"{a.name}\t{a.display_name}\t{'disabled' if a.disabled else 'active'}")
    else:
        accounts.disable(args.name)
        print(f"disabled helper {args.name}")
    return 0


def _calls(args: argparse.Namespace, db_path: str) -> int:
    from helpdesk.records import CallLog
    import time as _time
    for c in CallLog(db_path).recent(args.limit):
        when = _time.strftime("%Y-%m-%d %H:%M:%S", _time.localtime(c["requested_at"]))
        talk = (c["ended_at"] - c["answered_at"]) if c["answered_at"] and c["ended_at"] else 0
        print(f"{when}\t{c['terminal_id']}\t{c['helper'] or '-'}\t{c['outcome']}\t"
              f"{talk:.0f}s\t{c['note']}")
    return 0


def _serve(cfg) -> int:
    from aiohttp import web
    from helpdesk.hub import Hub, make_app
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    os.makedirs(os.path.dirname(os.path.abspath(cfg.db_path)), exist_ok=True)
    logging.getLogger(__name__).info(
        "hub on %s:%d, db %s, ring %ss, max wait %ss, elder factor %s, %d ICE server(s)",
        cfg.host, cfg.port, cfg.db_path, cfg.ring_seconds, cfg.max_wait_seconds,
        cfg.elder_factor, len(cfg.ice_servers))
    web.run_app(make_app(Hub(cfg)), host=cfg.host, port=cfg.port, print=None)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        cfg = load(args.config or os.environ.get(ENV_CONFIG) or None)
        if args.host:
            cfg = dataclasses.replace(cfg, host=args.host)
        if args.port:
            cfg = dataclasses.replace(cfg, port=args.port)
        if args.command == "helpers":
            os.makedirs(os.path.dirname(os.path.abspath(cfg.db_path)), exist_ok=True)
            return _helpers(args, Accounts(cfg.db_path))
        if args.command == "calls":
            return _calls(args, cfg.db_path)
        return _serve(cfg)
    except (ConfigError, AccountError) as e:
        print(f"ehall-helpdesk: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
