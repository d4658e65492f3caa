# SPDX-License-Identifier: Apache-2.0
"""Accounts, config validation, TURN credentials, call log and the CLI."""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
import sqlite3

import pytest

from helpdesk import cli
from helpdesk.accounts import AccountError, Accounts, hash_password, verify_password
from helpdesk.config import ConfigError, HubConfig, IceServer, load, parse
from helpdesk.ice import ice_servers_for, turn_credentials
from helpdesk.model import CallRecord
from helpdesk.records import CallLog


class Clock:
    t = 1_800_000_000.0

    def __call__(self):
        return self.t


def test_password_hash_is_salted_scrypt_and_verifies():
    a, b = hash_password("correct horse", n=16), hash_password("correct horse", n=16)
    assert a != b and a.startswith("scrypt$16$8$1$")
    assert verify_password("correct horse", a) and not verify_password("wrong horse", a)
    assert not verify_password("x", "garbage") and not verify_password("x", "md5$1$2$3$4$5")


def test_accounts_add_list_disable_login(tmp_path):
    clock = Clock()
    acc = Accounts(str(tmp_path / "db.sqlite3"), clock, scrypt_n=16, session_s=3600)
    acc.add("wangfang", "12345678abc", "王芳")
    acc.add("li.lei", "abcdefgh123")
    with pytest.raises(AccountError):
        acc.add("wangfang", "12345678abc")
    with pytest.raises(AccountError):
        acc.add("Bad Name", "12345678abc")
    with pytest.raises(AccountError):
        acc.add("short", "1234")
    assert [(a.name, a.display_name) for a in acc.list()] == [("li.lei", "li.lei"), ("wangfang", "王芳")]
    token = acc.login("wangfang", "12345678abc")
    assert acc.check_token(token).display_name == "王芳"
    with pytest.raises(AccountError):
        acc.login("wangfang", "wrong-password")
    with pytest.raises(AccountError):
        acc.login("nobody", "12345678abc")
    # the database holds no password or token in clear
    dump = "\n".join(sqlite3.connect(tmp_path / "db.sqlite3").iterdump())
    assert "12345678abc" not in dump and token not in dump
    clock.t += 3601
    assert acc.check_token(token) is None            # expired
    token = acc.login("wangfang", "12345678abc")
    acc.disable("wangfang")
    assert acc.check_token(token) is None
    with pytest.raises(AccountError):
        acc.login("wangfang", "12345678abc")
    with pytest.raises(AccountError):
        acc.disable("nobody")
    assert acc.check_token("") is None and acc.check_token(None) is None


def test_config_defaults_file_and_errors(tmp_path):
    assert load(None) == HubConfig()
    f = tmp_path / "hub.toml"
    f.write_text('port = 9000\nring_seconds = 10\nturn_secret = "s"\n'
                 '[[ice_servers]]\nurls = ["turn:turn.example:3478?transport=udp"]\n'
                 '[[ice_servers]]\nurls = "stun:stun.example:3478"\n', encoding="utf-8")
    cfg = load(f)
    assert cfg.port == 9000 and cfg.ring_seconds == 10.0
    assert cfg.ice_servers[0] == IceServer(("turn:turn.example:3478?transport=udp",))
    f.write_text('rign_seconds = 10\n')
    with pytest.raises(ConfigError) as e:
        load(f)
    assert str(f) in str(e.value) and "rign_seconds" in str(e.value) and "ring_seconds" in str(e.value)
    with pytest.raises(ConfigError, match="ice_servers\\[0\\].*unknown key 'password'"):
        parse({"ice_servers": [{"urls": ["turn:x"], "password": "p"}]})
    with pytest.raises(ConfigError, match="needs turn_secret"):
        parse({"ice_servers": [{"urls": ["turn:x"]}]})
    with pytest.raises(ConfigError, match="urls"):
        parse({"ice_servers": [{"urls": ["http://x"]}]})
    with pytest.raises(ConfigError, match="must be a number"):
        parse({"port": "80"})
    with pytest.raises(ConfigError, match="> 0"):
        parse({"ring_seconds": 0})
    with pytest.raises(ConfigError, match="elder_factor"):
        parse({"elder_factor": 0.5})
    with pytest.raises(ConfigError, match="no such config file"):
        load(tmp_path / "missing.toml")
    f.write_text("port = = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load(f)


def test_turn_rest_credentials_match_coturn_scheme():
    user, pw = turn_credentials("secret", "helper-wangfang", 1000.0, 3600)
    assert user == "4600:helper-wangfang"
    assert pw == base64.b64encode(hmac.new(b"secret", b"4600:helper-wangfang",
                                           hashlib.sha1).digest()).decode()
    cfg = parse({"turn_secret": "secret", "ice_servers": [
        {"urls": ["stun:127.0.0.1:3478"]}, {"urls": ["turn:127.0.0.1:3478"]},
        {"urls": ["turns:t.example:443"], "username": "u", "credential": "c"}]})
    servers = ice_servers_for(cfg, "kiosk-K1", 1000.0)
    assert servers[0] == {"urls": ["stun:127.0.0.1:3478"]}
    assert servers[1]["username"] == "4600:kiosk-K1"
    assert servers[2] == {"urls": ["turns:t.example:443"], "username": "u", "credential": "c"}
    assert ice_servers_for(HubConfig(), "x", 0) == []       # never a public STUN default


def test_call_log_records_notes_and_interrupted(tmp_path):
    log = CallLog(str(tmp_path / "c.sqlite3"))
    rec = CallRecord("r1", "K1", "wangfang", True, 100.0, 110.0, None, "in_call")
    log.call_started(rec)
    log.call_started(CallRecord("r2", "K2", "li", False, 100.0, 105.0, None, "in_call"))
    log.call_ended(CallRecord("r1", "K1", "wangfang", True, 100.0, 110.0, 170.0, "completed"))
    log.call_note("r1", "wangfang", "打印了社保证明")
    log.call_note("r1", "someone-else", "not theirs")
    assert log.close_dangling(200.0) == 1
    rows = {r["request_id"]: r for r in log.recent()}
    assert rows["r1"]["outcome"] == "completed" and rows["r1"]["note"] == "打印了社保证明"
    assert rows["r2"]["outcome"] == "interrupted" and rows["r2"]["ended_at"] == 200.0
    log.close()


def test_cli_helpers_add_list_disable(tmp_path, monkeypatch, capsys):
    cfg = tmp_path / "hub.toml"
    cfg.write_text(f'db_path = "{tmp_path / "sub" / "hub.sqlite3"}"\n', encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    assert cli.main(["--config", str(cfg), "helpers", "add", "wangfang",
                     "--display-name", "王芳", "--password-stdin"]) == 0
    assert cli.main(["helpers", "list", "--config", str(cfg)]) == 0    # either position
    assert "wangfang\t王芳\tactive" in capsys.readouterr().out
    acc = Accounts(str(tmp_path / "sub" / "hub.sqlite3"))
    assert acc.check_token(acc.login("wangfang", "s3cret-pass"))
    assert cli.main(["--config", str(cfg), "helpers", "disable", "wangfang"]) == 0
    cli.main(["--config", str(cfg), "helpers", "list"])
    assert "disabled" in capsys.readouterr().out
    assert cli.main(["--config", str(cfg), "helpers", "disable", "nobody"]) == 2
    assert "no helper 'nobody'" in capsys.readouterr().err
    assert cli.main(["--config", str(cfg), "calls"]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("colour = 1\n")
    assert cli.main(["--config", str(bad), "helpers", "list"]) == 2
    assert "unknown key 'colour'" in capsys.readouterr().err
