# SPDX-License-Identifier: Apache-2.0
"""Hub configuration from a TOML file. Unknown keys are errors, never ignored."""
from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from helpdesk.sms import SmsConfig, SmsConfigError, parse_sms
from helpdesk.throttle import networks
from ehall_common.safe_read import SafeReadError, read_limited

MAX_CONFIG_BYTES = 1024 * 1024


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class IceServer:
    urls: tuple[str, ...]
    username: str = ""       # static credentials; empty: TURN REST ones from turn_secret
    credential: str = ""

    @property
    def is_turn(self) -> bool:
        return any(u.startswith(("turn:", "turns:")) for u in self.urls)


@dataclass(frozen=True)
class HubConfig:
    host: str = "127.0.0.1"
    port: int = 8470
    db_path: str = "/var/lib/ehall-helpdesk/helpdesk.sqlite3"
    phone_upload_url: str = ""      # the hub's address as phones reach it (手机上传, helpdesk/phone_upload.py); "": off
    orders_url: str = ""            # SQLAlchemy URL of the work-order store (also the statistics); "": none
    ring_seconds: float = 15.0
    max_wait_seconds: float = 300.0
    elder_factor: float = 1.5
    default_call_seconds: float = 180.0     # wait estimates before 3 calls are known
    turn_secret: str = ""
    turn_ttl_seconds: int = 3600
    session_hours: float = 12.0             # helper login lifetime
    startup_grace_seconds: float = 30.0     # after a (re)start, helpers get this long to reconnect
    callback_retention_days: float = 7.0    # call-back requests (phone numbers) are deleted after this
    kiosk_refusals_before_throttle: int = 5  # refused kiosk sockets from one address within
    kiosk_throttle_seconds: float = 30.0    # this long: then it is refused unchecked (throttle.py)
    kiosk_token_checks_at_once: int = 2     # concurrent scrypt checks of kiosk tokens
    login_failures_before_throttle: int = 5  # failed helper logins from one address (or for
    login_throttle_seconds: float = 300.0    # one name) within this long: then refused unchecked
    login_checks_at_once: int = 2            # concurrent scrypt checks of helper passwords
    identify_seconds: float = 10.0          # a socket without a valid hello/login by then is closed
    connections_per_address: int = 100      # open WebSockets from one address (behind a proxy:
                                            # the client it names); more are refused with 429
    callbacks_per_kiosk_per_hour: int = 20  # call-back requests one kiosk may leave
    chat_per_kiosk_per_minute: int = 60     # chat lines one kiosk may send
    terminal_silent_seconds: float = 90.0   # a terminal not heard from this long shows 失联
    status_per_kiosk_per_minute: int = 120  # status messages one kiosk may send (it sends on change + 30 s)
    points_per_10_seconds: int = 10         # 请点这里 points one helper may send, and answers one kiosk may give
    content_dir: str = ""                   # the signed content bundle's folder (content publish --out); "": none served
    content_source: str = ""                # the hall's content folder (faq.csv ...): 补充答案 writes there, then
    content_key: str = ""                   # signs a new bundle into content_dir with this key (helpdesk/kb_write.py)
    order_consult_days: int = 5             # the hall's reply deadlines for work orders, in working
    order_help_days: int = 5                # days per category (咨询/求助/投诉/建议); the hub keeps
    order_complaint_days: int = 15          # the earlier of these and the kiosk's printed promise
    order_suggestion_days: int = 15         # (helpdesk/deadlines.py); placeholders to check
    follow_up_days: int = 5                 # a 差评 is followed up within this many working days
    order_key_file: str = ""                # key file sealing orders' phone/name/texts/photos at rest (`orders
                                            # keygen FILE`, 0600; helpdesk/order_keys.py); "": orders.key next
                                            # to a SQLite store, made at first start (PostgreSQL: required)
    orders_plaintext: bool = False          # true: orders kept in plain text (a copy of the store shows them)
    # the 差评's reasons the status page offers: the kiosks' records.bad_reasons (the hall's copy of GB/T 39735)
    bad_reasons: tuple[str, ...] = ("政策宣传解读不到位", "办事指南不准确", "多次往返跑腿", "等候时间过长",
                                    "服务态度不好", "办理时间超时", "设备不好用", "其他")
    order_retention_days: int = 730         # closed orders (phone, name, text, photos, audit, SMS) are
                                            # deleted this long after 办结 (helpdesk/retention.py; 2 years:
                                            # the year's 好差评 review of last year, docs/workorders.md)
    extra_holidays: tuple[dt.date, ...] = ()  # "YYYY-MM-DD": years the calendar library lacks
    extra_workdays: tuple[dt.date, ...] = ()  # 调休 working days of those years
    calendar_years: tuple[int, ...] = ()      # the years those two lists complete
    trusted_proxies: tuple[str, ...] = ()   # peers whose X-Forwarded-For names the client
    ice_servers: tuple[IceServer, ...] = field(default_factory=tuple)
    sms: SmsConfig = field(default_factory=SmsConfig)   # [sms]: notices to an order's phone (helpdesk/sms.py)


_NUMBERS = {"port", "ring_seconds", "max_wait_seconds", "elder_factor",
            "default_call_seconds", "turn_ttl_seconds", "session_hours",
            "startup_grace_seconds", "callback_retention_days",
            "kiosk_refusals_before_throttle", "kiosk_throttle_seconds",
            "kiosk_token_checks_at_once", "login_failures_before_throttle",
            "login_throttle_seconds", "login_checks_at_once", "identify_seconds",
            "connections_per_address", "callbacks_per_kiosk_per_hour",
            "chat_per_kiosk_per_minute", "terminal_silent_seconds", "status_per_kiosk_per_minute",
            "order_consult_days", "order_help_days", "order_complaint_days", "order_suggestion_days",
            "follow_up_days", "order_retention_days", "points_per_10_seconds"}
_INTEGERS = {"port", "turn_ttl_seconds", "kiosk_refusals_before_throttle",
             "kiosk_token_checks_at_once", "login_failures_before_throttle",
             "login_checks_at_once", "connections_per_address",
             "callbacks_per_kiosk_per_hour", "chat_per_kiosk_per_minute",
             "status_per_kiosk_per_minute", "order_consult_days", "order_help_days",
             "order_complaint_days", "order_suggestion_days", "follow_up_days",
             "order_retention_days", "points_per_10_seconds"}
_ICE_KEYS = ("urls", "username", "credential")


def _allowed() -> list[str]:
    return [f.name for f in fields(HubConfig)]


def parse(data: dict, source: str = "<config>") -> HubConfig:
    """Validate a parsed TOML table; errors name the source, the key and what is allowed."""
    allowed = _allowed()
    values: dict = {}
    for key, val in data.items():
        if key not in allowed:
            raise ConfigError(f"{source}: unknown key {key!r}; allowed keys: {', '.join(allowed)}")
        if key == "ice_servers":
            values[key] = tuple(_ice(source, i, v) for i, v in enumerate(_list(source, key, val)))
        elif key == "sms":
            try:
                values[key] = parse_sms(val)
            except SmsConfigError as e:
                raise ConfigError(f"{source}: {e}") from None
        elif key == "trusted_proxies":
            values[key] = _proxies(source, val)
        elif key in ("extra_holidays", "extra_workdays"):
            values[key] = _dates(source, key, val)
        elif key == "calendar_years":
            if not isinstance(val, list) or not all(type(v) is int and 2000 <= v <= 2200 for v in val):
                raise ConfigError(f"{source}: calendar_years must be a list of years, e.g. [2027], not {_cut(val)}")
            values[key] = tuple(val)
        elif key == "bad_reasons":
            if (not isinstance(val, list) or not 1 <= len(val) <= 12 or len(set(map(str, val))) != len(val)
                    or not all(isinstance(v, str) and 1 <= len(v.strip()) <= 20 for v in val)):
                raise ConfigError(f"{source}: bad_reasons must be a list of 1 to 12 different reasons, each 1 to "
                                  f"20 characters, not {_cut(val)}")
            values[key] = tuple(v.strip() for v in val)
        elif key == "orders_plaintext":
            if not isinstance(val, bool):
                raise ConfigError(f"{source}: orders_plaintext must be true or false, not {_cut(val)}")
            values[key] = val
        elif key in _NUMBERS:
            if isinstance(val, bool) or not isinstance(val, (int, float)):
                raise ConfigError(f"{source}: {key} must be a number, not {_cut(val)}")
            if not (-1e9 <= val <= 1e9):
                raise ConfigError(f"{source}: {key} must be at most 1e9, not {_cut(val)}")
            if val < 0 or (val == 0 and key != "startup_grace_seconds"):
                raise ConfigError(f"{source}: {key} must be > 0, not {_cut(val)}")
            if key in _INTEGERS and val != int(val):
                raise ConfigError(f"{source}: {key} must be a whole number, not {_cut(val)}")
            values[key] = int(val) if key in _INTEGERS else float(val)
        elif not isinstance(val, str):
            raise ConfigError(f"{source}: {key} must be a string, not {_cut(val)}")
        else:
            values[key] = val
    cfg = HubConfig(**values)
    if cfg.elder_factor < 1:
        raise ConfigError(f"{source}: elder_factor must be >= 1 (1 = no priority)")
    for key in ("order_consult_days", "order_help_days", "order_complaint_days", "order_suggestion_days",
                "follow_up_days"):
        if getattr(cfg, key) > 60:
            raise ConfigError(f"{source}: {key} must be 1-60 working days, not {getattr(cfg, key)}")
    if cfg.points_per_10_seconds > 50:
        raise ConfigError(f"{source}: points_per_10_seconds must be 1-50 (a helper's clicks on the kiosk's "
                          f"screen; more only floods the citizen's screen), not {cfg.points_per_10_seconds}")
    if not 30 <= cfg.order_retention_days <= 3650:
        raise ConfigError(f"{source}: order_retention_days must be 30-3650 days (a closed order is kept at least "
                          f"a month for the citizen's rating and at most 10 years), not {cfg.order_retention_days}")
    if cfg.orders_plaintext and cfg.order_key_file:
        raise ConfigError(f"{source}: orders_plaintext = true and order_key_file exclude each other: "
                          "remove orders_plaintext to keep orders encrypted with the key file")
    url = cfg.phone_upload_url
    if url and not (url.startswith(("https://", "http://")) and len(url) <= 200 and " " not in url
                    and "?" not in url and "#" not in url):
        raise ConfigError(f"{source}: phone_upload_url must be the hub's http(s) address as phones reach it "
                          f"(e.g. https://hub.hall.example), or empty, not {_cut(url)}")
    if (cfg.content_source or cfg.content_key) and not (cfg.content_source and cfg.content_key and cfg.content_dir):
        raise ConfigError(f"{source}: content_source and content_key go together, with content_dir "
                          "(补充答案 writes the knowledge base in content_source and signs it into content_dir)")
    if cfg.kiosk_token_checks_at_once > 32:
        raise ConfigError(f"{source}: kiosk_token_checks_at_once must be 1-32 (about the "
                          f"number of cores), not {cfg.kiosk_token_checks_at_once}")
    if any(s.is_turn and not s.username for s in cfg.ice_servers) and not cfg.turn_secret:
        raise ConfigError(f"{source}: a turn: server without username needs turn_secret")
    return cfg


def _cut(val: object, limit: int = 80) -> str:
    """A value for an error message: its repr, cut to about ``limit`` characters."""
    text = repr(val)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def _list(source: str, key: str, val: object) -> list:
    if not isinstance(val, list):
        raise ConfigError(f"{source}: {key} must be an array of tables ([[{key}]])")
    return val


def _dates(source: str, key: str, val: object) -> tuple[dt.date, ...]:
    """``extra_holidays = ["2027-10-01", ...]``."""
    if not isinstance(val, list):
        raise ConfigError(f'{source}: {key} must be a list of dates, e.g. ["2027-10-01"], not {_cut(val)}')
    out: list[dt.date] = []
    for v in val:
        if type(v) is dt.date:                 # TOML's own date literal
            out.append(v)
            continue
        try:
            out.append(dt.date.fromisoformat(v if isinstance(v, str) else ""))
        except ValueError:
            raise ConfigError(f"{source}: {key}: {_cut(v, 20)} is not a date (YYYY-MM-DD)") from None
    return tuple(out)


def _proxies(source: str, val: object) -> tuple[str, ...]:
    """``trusted_proxies = ["127.0.0.1", "10.8.0.0/24"]``: addresses or networks."""
    if not isinstance(val, list) or not all(isinstance(v, str) for v in val):
        raise ConfigError(f"{source}: trusted_proxies must be a list of addresses, "
                          f'e.g. ["127.0.0.1"], not {_cut(val)}')
    try:
        networks(val)
    except ValueError as e:
        raise ConfigError(f"{source}: trusted_proxies: {e}") from None
    return tuple(v.strip() for v in val)


def _ice(source: str, i: int, val: object) -> IceServer:
    where = f"{source}: ice_servers[{i}]"
    if not isinstance(val, dict):
        raise ConfigError(f"{where} must be a table with keys {', '.join(_ICE_KEYS)}")
    for key in val:
        if key not in _ICE_KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}; allowed keys: {', '.join(_ICE_KEYS)}")
    urls = val.get("urls")
    if isinstance(urls, str):
        urls = [urls]
    if not urls or not all(isinstance(u, str) and u.split(":", 1)[0] in
                           ("stun", "turn", "turns") for u in urls):
        raise ConfigError(f"{where}: urls must be stun:, turn: or turns: URLs, not {_cut(urls)}")
    return IceServer(tuple(urls), str(val.get("username", "")), str(val.get("credential", "")))


def load(path: str | Path | None) -> HubConfig:
    """Read ``path`` (None: all defaults). Raises ConfigError naming the file."""
    if path is None:
        return HubConfig()
    p = Path(path)
    try:
        raw = read_limited(p, MAX_CONFIG_BYTES, "config file")
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except SafeReadError as e:
        reason = "no such config file" if e.reason == "file not found" else e.reason
        raise ConfigError(f"{p}: {reason}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{p}: not a TOML file (not UTF-8 text at byte {e.start})") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: not valid TOML: {e}") from None
    except RecursionError:
        raise ConfigError(f"{p}: not a TOML file we accept (nested too deeply)") from None
    return parse(data, str(p))
