# SPDX-License-Identifier: Apache-2.0
"""``ehall-helpdesk --demo``: a local hub for training and demos, on one machine.

It serves on 127.0.0.1 only, from a folder of its own (``--demo-dir``, default a fresh temporary
folder), with a demo helper account (:data:`HELPER`, password :data:`PASSWORD`) and one registered
kiosk (:data:`TERMINAL`) whose config file it writes there, so that

    ehall-helpdesk --demo                                    # prints what to do next
    scripts/run-kiosk --simulate --config DIR/kiosk-demo.toml

place a call from the simulated kiosk and show it on the console (docs/training-and-demo.md).
Never on a hall's hub: the password is printed and documented.
"""
from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from pathlib import Path

from helpdesk.accounts import AccountError, Accounts
from helpdesk.kiosks import KioskRegistry

HELPER, PASSWORD, DISPLAY = "demo", "demo-helper", "演示帮办员"
TERMINAL = "EHALL-DEMO"


@dataclasses.dataclass
class Demo:
    folder: Path
    kiosk_config: Path
    url: str


def prepare(cfg, folder: str | None = None):
    """The hub config for the demo (127.0.0.1, the database in ``folder``), the helper account and
    the kiosk registered (a new token each start, written with the kiosk's config)."""
    where = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="ehall-helpdesk-demo-"))
    where.mkdir(parents=True, exist_ok=True)
    cfg = dataclasses.replace(cfg, host="127.0.0.1", db_path=str(where / "helpdesk.sqlite3"),
                              startup_grace_seconds=0)
    accounts = Accounts(cfg.db_path)
    try:
        accounts.add(HELPER, PASSWORD, DISPLAY)
    except AccountError:                       # a --demo-dir used before: the account is there
        accounts.set_password(HELPER, PASSWORD)
    token, _rotated = KioskRegistry(cfg.db_path).add(TERMINAL)
    token_file = where / "kiosk-demo.token"
    token_file.write_text(token + "\n", encoding="utf-8")
    os.chmod(token_file, 0o600)
    url = f"ws://127.0.0.1:{cfg.port}"
    kiosk_config = where / "kiosk-demo.toml"
    kiosk_config.write_text(
        "# written by `ehall-helpdesk --demo` (docs/training-and-demo.md): this kiosk, on that hub\n"
        f"[hall]\nterminal_id = {json.dumps(TERMINAL)}\n\n"
        f"[assist]\nhub_url = {json.dumps(url)}\nhub_token_file = {json.dumps(str(token_file))}\n",
        encoding="utf-8")
    return cfg, Demo(where, kiosk_config, f"http://127.0.0.1:{cfg.port}/")


def banner(demo: Demo) -> str:
    return (f"演示帮办台 (demo hub) in {demo.folder}\n"
            f"  console:  {demo.url}   helper: {HELPER}   password: {PASSWORD}\n"
            f"  kiosk:    scripts/run-kiosk --simulate --windowed --config {demo.kiosk_config}\n"
            "  then on the kiosk: 呼叫帮办; the console rings. Ctrl+C stops the hub.")
