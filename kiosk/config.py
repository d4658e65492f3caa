# SPDX-License-Identifier: Apache-2.0
"""Configuration: the defaults in ``config/defaults.toml`` plus the admin's file.

Every key is declared in :data:`SCHEMA`. An unknown key, a wrong type or an
out-of-range value is a :class:`ConfigError` that names the file, the key and
what is allowed, so an admin can fix it without reading code.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ehall_common.safe_read import CATALOGUE_MAX_BYTES, SafeReadError, check_regular, read_limited

DEFAULTS = Path(__file__).resolve().parent.parent / "config" / "defaults.toml"
ADMIN_DEFAULT = Path("/etc/ehall-kiosk/kiosk.toml")
ENV_VAR = "EHALL_KIOSK_CONFIG"

DEVICE_SCHEMES = {
    "id_reader": ("serial", "sim"),
    "smartcard": ("pcsc", "sim"),
    "camera": ("v4l2", "file", "sim"),
    "document_camera": ("v4l2", "file", "sim"),
    "receipt_printer": ("tcp", "serial", "usb", "sim"),
    "a4_printer": ("cups", "sim"),
    "audio": ("alsa", "sim"),
    "browser": ("chromium",),            # no simulator: --simulate keeps the real one
}


# what --simulate puts a device on when plain sim:// is not the right simulation
SIM_URIS = {"document_camera": "sim://?scene=document&width=1920&height=1080"}
SIMULATE_SOURCE = "(--simulate)"   # Config.simulated()'s source: the mark of training and demo mode
DEMO_PIN = "246810"       # --simulate with no staff configured: the demo admin's PIN (docs/training-and-demo.md)


HUB_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,200}")     # what `ehall-helpdesk kiosks add` prints
TOKEN_WORDS = ("the token `ehall-helpdesk kiosks add TERMINAL_ID` printed on the hub "
               "(20-200 of A-Z a-z 0-9 _ -)")


class ConfigError(Exception):
    """A config problem an admin can act on."""

    def __init__(self, file: str | Path, key: str, message: str):
        self.file, self.key = str(file), key
        super().__init__(f"{file}: {key}: {message}" if key else f"{file}: {message}")


@dataclass(frozen=True)
class Rule:
    type: type | tuple[type, ...]
    allowed: str                      # what the admin may write, in words
    check: Callable[[Any], bool] = lambda v: True


def _int_range(lo: int, hi: int) -> Rule:
    return Rule(int, f"an integer from {lo} to {hi}", lambda v: lo <= v <= hi)


def _text(max_len: int = 200, empty: bool = True) -> Rule:
    return Rule(str, f"text of at most {max_len} characters" + ("" if empty else ", not empty"),
                lambda v: len(v) <= max_len and (empty or bool(v.strip())))


def _english(max_len: int) -> Rule:
    """The English form of a hall text: Latin script only (empty: the Chinese text is shown)."""
    return Rule(str, f"English text of at most {max_len} characters, no Chinese characters, or empty",
                lambda v: len(v) <= max_len and not re.search(r"[\u3000-\u9fff\uff00-\uffef]", v))


def _phone(empty: bool = True) -> Rule:
    """A number a citizen can dial: digits with + - ( ) or spaces, 3 to 40 characters."""
    ok = re.compile(r"[0-9(+][0-9()\- ]{2,39}")
    return Rule(str, "a phone number of digits, '+', '-', '(', ')' and spaces" + ("" if not empty else ", or empty"),
                lambda v: (empty and not v) or bool(ok.fullmatch(v.strip())))


def _uri(device: str) -> Rule:
    schemes = DEVICE_SCHEMES[device]
    allowed = "a device URI starting with " + ", ".join(f"{s}://" for s in schemes)
    return Rule(str, allowed, lambda v: v.split("://", 1)[0] in schemes and "://" in v)


def _template(v: str) -> bool:
    try:
        v.format(name="x", id="x")
    except (KeyError, IndexError, ValueError):
        return False
    return v.startswith(("http://", "https://"))


def _host_entry(entry: str) -> bool:
    host = entry[len("http://"):] if entry.startswith("http://") else entry
    host = host[2:] if host.startswith("*.") else host
    return bool(re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*", host))


def _ed25519_key(v: str) -> bool:
    import base64
    import binascii
    try:
        return len(base64.b64decode(v, validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def _web_url(v: str) -> bool:
    return v == "" or (v.startswith(("https://", "http://")) and len(v) <= 2000 and " " not in v)


def _fernet_key(v: str) -> bool:
    """A Fernet key: 32 bytes in URL-safe base64 (44 characters)."""
    import base64
    import binascii
    try:
        return len(v) == 44 and len(base64.urlsafe_b64decode(v.encode("ascii"))) == 32
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False


def _status_url(v: str) -> bool:
    return v == "" or (v.startswith(("https://", "http://")) and len(v) <= 300 and " " not in v
                       and "#" not in v and "?" not in v)


def _iso_date(v: Any) -> bool:
    import datetime as dt
    try:
        dt.date.fromisoformat(v)
        return isinstance(v, str)
    except (TypeError, ValueError):
        return False


SCHEMA: dict[str, Rule] = {
    "hall.name": _text(60, empty=False),
    "hall.terminal_id": _text(40, empty=False),
    "hall.opening_hours": _text(120),
    "hall.phone": _text(40),
    # 找工作人员: where a citizen finds a person when remote assist cannot help
    "hall.desk_location": _text(60, empty=False),
    "hall.desk_hours": _text(120),             # empty: hall.opening_hours
    "hall.desk_phone": _phone(),               # empty: hall.phone
    # the same in an English session (ui.language / the EN button); empty: the Chinese text
    "hall.name_en": _english(80),
    "hall.opening_hours_en": _english(120),
    "hall.desk_location_en": _english(100),
    "hall.desk_hours_en": _english(120),
    "ui.fullscreen": Rule(bool, "true or false"),
    "ui.width": _int_range(640, 7680),
    "ui.height": _int_range(480, 4320),
    "ui.idle_seconds": _int_range(15, 1800),
    "ui.countdown_seconds": _int_range(5, 120),
    "ui.rating_seconds": _int_range(10, 120),
    "ui.large_text": Rule(bool, "true or false"),
    "ui.language": Rule(str, '"zh" or "en"', lambda v: v in ("zh", "en")),
    "ui.page_size": _int_range(3, 30),
    "ui.multisamples": Rule(int, "0 (off), 2, 4 or 8", lambda v: v in (0, 2, 4, 8)),
    "catalogue.path": _text(1000),
    "catalogue.cache_dir": _text(1000),
    "consult.faq_path": _text(1000),
    "consult.synonyms_path": _text(1000),
    "catalogue.theme_rules": _text(1000),
    "catalogue.qr_url_template": Rule(
        str, "an http(s) URL that may contain {name} and {id}", _template),
    "assist.hub_url": Rule(str, "empty, or a ws:// or wss:// URL",
                           lambda v: v == "" or v.startswith(("ws://", "wss://"))),
    "assist.hub_token": Rule(str, "empty, or " + TOKEN_WORDS,
                             lambda v: v == "" or bool(HUB_TOKEN.fullmatch(v))),
    "assist.hub_token_file": Rule(str, "empty, or the absolute path of a file holding only that token",
                                  lambda v: v == "" or os.path.isabs(v)),
    "assist.terminal_name": _text(64),    # shown to the helper; empty: hall.terminal_id
    "assist.microphone": Rule(str, 'empty or "sim://" (silence), or "alsa://DEVICE"',
                              lambda v: v in ("", "sim://") or v.startswith("alsa://")),
    "assist.speaker": Rule(str, 'empty (helper sound discarded) or "alsa://DEVICE"',
                           lambda v: v == "" or v.startswith("alsa://")),
    "assist.staff_pins": Rule(list, 'a list of "helper_id:hash" strings made by scripts/hash-pin (never a clear PIN)',
                              lambda v: all(isinstance(e, str) and ":" in e and e.split(":", 1)[1].startswith(
                                  ("scrypt$", "pbkdf2_sha256$")) for e in v)),
    "assist.mode_timeout_seconds": _int_range(30, 1800),
    "assist.status_heartbeat_seconds": _int_range(5, 60),
    # the admin screen (管理, docs/operations.md): the admin role, separate from assist's helpers
    "admin.pins": Rule(list, 'a list of "staff_id:hash" strings made by scripts/hash-pin (never a clear PIN)',
                       lambda v: all(isinstance(e, str) and ":" in e and e.split(":", 1)[1].startswith(
                           ("scrypt$", "pbkdf2_sha256$")) for e in v)),
    "admin.badge_ids": Rule(list, 'a list of staff ids ("=STAFF_ID" in devices.smartcard.staff_badges) '
                            "whose badge opens the admin screen as admin",
                            lambda v: all(isinstance(e, str) and 0 < len(e) <= 40 and e.strip() == e for e in v)),
    "admin.helpers": Rule(bool, "true or false"),
    "admin.audit_log": _text(1000),
    "assist.audit_log": _text(1000),
    "identity.card_timeout_seconds": _int_range(10, 600),
    "identity.face_timeout_seconds": _int_range(10, 120),
    "identity.face_tries": _int_range(1, 5),
    "identity.idle_seconds": _int_range(10, 300),
    "identity.face_tolerance": Rule(float, "a number from 0.3 to 0.6", lambda v: 0.3 <= v <= 0.6),
    "identity.demo_faces": _text(1000),
    "voice.always": Rule(bool, "true or false"),
    "voice.pack": _text(1000),
    "web.allowed_hosts": Rule(list, 'a list of hosts: "www.example.gov.cn", "*.example.gov.cn" or '
                              '"http://HOST" (a host on the hall\'s own network without TLS)',
                              lambda v: all(isinstance(e, str) and _host_entry(e) for e in v)),
    "web.portal_url": Rule(str, "empty, or an https:// address on web.allowed_hosts", _web_url),
    "web.account_url": Rule(str, "empty, or an https:// address on web.allowed_hosts", _web_url),
    "web.open_timeout_seconds": _int_range(5, 120),
    "web.upload_max_kb": _int_range(100, 20480),
    # 工单 / 好差评 / unanswered questions: the kiosk's outbox (kiosk/records, docs/workorders.md)
    "records.folder": Rule(str, "empty (the kiosk's state folder), or the absolute path of the outbox's folder",
                           lambda v: v == "" or os.path.isabs(v)),
    "records.outbox_key": Rule(str, "empty (no work orders: a phone number is never kept in clear), or the key "
                               "`ehall-kiosk records keygen` printed", lambda v: v == "" or _fernet_key(v)),
    "records.citizen_tag_key_file": Rule(str, "empty (查看我的工单 by ID card is not offered), or the absolute path "
                                         "of the hall's tag key file (`ehall-kiosk records tagkey FILE`, the same "
                                         "file on every kiosk of the hall)", lambda v: v == "" or os.path.isabs(v)),
    "records.status_url": Rule(str, "empty (the hub's /orders/status from assist.hub_url), or the http(s) address "
                               "of the hub's /orders/status page a citizen's phone can open", _status_url),
    "records.consult_days": _int_range(1, 60),       # 咨询: the reply deadline in working days
    "records.help_days": _int_range(1, 60),          # 求助
    "records.complaint_days": _int_range(1, 60),     # 投诉
    "records.suggestion_days": _int_range(1, 60),    # 建议
    "records.extra_holidays": Rule(list, 'a list of dates "YYYY-MM-DD" (holidays the calendar library lacks)',
                                   lambda v: all(_iso_date(e) for e in v)),
    "records.extra_workdays": Rule(list, 'a list of dates "YYYY-MM-DD" (调休 working days the library lacks)',
                                   lambda v: all(_iso_date(e) for e in v)),
    "records.calendar_years": Rule(list, "a list of years (2000-2100) whose holidays the two lists above complete",
                                   lambda v: all(isinstance(e, int) and not isinstance(e, bool) and 2000 <= e <= 2100
                                                 for e in v)),
    "records.bad_reasons": Rule(list, "a list of 1 to 12 different reasons, each 1 to 20 characters (the 差评's "
                                "reasons the rating screen offers)",
                                lambda v: 1 <= len(v) <= 12 and len(set(v)) == len(v)
                                and all(isinstance(e, str) and 1 <= len(e.strip()) <= 20 for e in v)),
    # signed content updates from the hub (kiosk/ops/content_update.py)
    "content.url": Rule(str, "empty (the assist hub's /content/latest.ehall when assist.hub_url is set), "
                        "or an http:// or https:// URL", lambda v: v == "" or (
                            v.startswith(("http://", "https://")) and " " not in v and len(v) <= 2000)),
    "content.public_key": Rule(str, "empty (no content updates), or the public key `ehall-helpdesk content keygen` "
                               "printed (44 characters of base64)", lambda v: v == "" or _ed25519_key(v)),
    "content.check_minutes": _int_range(1, 1440),
    "content.dir": _text(1000),
    "logging.level": Rule(str, "one of DEBUG, INFO, WARNING, ERROR",
                          lambda v: v in ("DEBUG", "INFO", "WARNING", "ERROR")),
}
for _dev in DEVICE_SCHEMES:
    SCHEMA[f"devices.{_dev}.uri"] = _uri(_dev)
SCHEMA["devices.receipt_printer.profile"] = _text(60, empty=False)
SCHEMA["devices.smartcard.staff_badges"] = Rule(list, 'a list of "uid:HEX" or "atr:HEX" strings', lambda v: all(
    isinstance(e, str) and e[:4].lower() in ("uid:", "atr:") and len(e) > 4 for e in v))


def _flatten(table: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, dotted + "."))
        else:
            out[dotted] = value
    return out


def _sections() -> set[str]:
    parts = set()
    for key in SCHEMA:
        bits = key.split(".")
        for n in range(1, len(bits)):
            parts.add(".".join(bits[:n]))
    return parts


def _allowed_near(key: str, sections: set[str]) -> str:
    """What may stand where ``key`` was written: the children of its deepest known section."""
    bits = key.split(".")
    for depth in range(len(bits) - 1, -1, -1):
        parent = ".".join(bits[:depth])
        if depth and parent not in sections:
            continue
        children = sorted({k.split(".")[depth] for k in SCHEMA
                           if k.startswith(parent + ".") or not parent})
        where = f"in [{parent}]" if parent else "sections"
        return f"allowed {where}: " + ", ".join(children)
    return ""


MAX_CONFIG_BYTES = 1024 * 1024         # a config file; more is not a config file


def _read_toml(path: Path) -> dict:
    """A regular file of at most 1 MiB, UTF-8 (a BOM is fine), TOML; errors name the file
    and the line (safe_read: a directory, FIFO or device is refused, never read)."""
    try:
        text = read_limited(path, MAX_CONFIG_BYTES, "config file").decode("utf-8-sig")
        return tomllib.loads(text)
    except SafeReadError as exc:
        raise ConfigError(path, "", exc.reason) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "", f"not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, "", f"not a TOML file: not UTF-8 text (byte {exc.start})") from None
    except RecursionError:
        raise ConfigError(path, "", "not a TOML file we accept: nested too deeply") from None


# never echoed in an error (it ends up in the journal): the token, the PINs, and the token
# file's name (admins paste the token there by mistake)
SECRET_KEYS = {"assist.hub_token", "assist.staff_pins", "assist.hub_token_file", "records.outbox_key",
               "admin.pins"}
SHOWN_MAX = 80                          # other values are cut to about this many characters


def _shown(key: str, value: Any) -> str:
    if key in SECRET_KEYS:
        size = len(value) if isinstance(value, (str, list)) else 0
        return f"a {type(value).__name__} of length {size} (not shown: secret)"
    return cut(value)


def cut(value: Any, limit: int = SHOWN_MAX) -> str:
    """``repr(value)`` cut to about ``limit`` characters, for an error message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def validate(table: dict, file: str | Path) -> dict[str, Any]:
    """Checks one file's table against :data:`SCHEMA`; returns it flattened."""
    flat = _flatten(table)
    sections = _sections()
    for key, value in flat.items():
        rule = SCHEMA.get(key)
        if rule is None:
            if key in sections:
                raise ConfigError(file, key, "is a section, not a value")
            raise ConfigError(file, key, "unknown key; " + _allowed_near(key, sections))
        types = rule.type if isinstance(rule.type, tuple) else (rule.type,)
        # bool is an int in Python: keep true/false out of integer keys
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            raise ConfigError(file, key, f"has {type(value).__name__} {_shown(key, value)}; allowed: {rule.allowed}")
        if not rule.check(value):
            raise ConfigError(file, key, f"has {_shown(key, value)}; allowed: {rule.allowed}")
    return flat


class Config:
    """The merged, validated settings. Read with ``cfg["ui.idle_seconds"]``."""

    def __init__(self, values: dict[str, Any], sources: list[str]):
        self._values = values
        self.sources = sources

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def devices(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for key, value in self._values.items():
            if key.startswith("devices."):
                _, dev, field = key.split(".", 2)
                out.setdefault(dev, {})[field] = value
        return out

    def with_overrides(self, source: str = "(command line)", **flat: Any) -> "Config":
        values = dict(self._values)
        values.update(flat)
        return Config(values, self.sources + [source])

    def simulated(self) -> "Config":
        """Every device on its simulator (``--simulate``). When no staff member is configured, a demo
        admin (DEMO) gets the PIN :data:`DEMO_PIN` and the simulated staff badge, so the admin screen
        and its 模拟器 panel can be reached (docs/training-and-demo.md)."""
        flat: dict[str, Any] = {f"devices.{d}.uri": SIM_URIS.get(d, "sim://")
                                for d, schemes in DEVICE_SCHEMES.items() if "sim" in schemes}
        if not (self.get("admin.pins") or self.get("admin.badge_ids") or self.get("assist.staff_pins")):
            from .assist_mode import hash_pin
            flat.update({"admin.pins": [f"DEMO:{hash_pin(DEMO_PIN)}"], "admin.badge_ids": ["DEMO"],
                         "devices.smartcard.staff_badges": [*(self.get("devices.smartcard.staff_badges") or []),
                                                            "uid:04A1B2C3D4=DEMO"]})
        return self.with_overrides(SIMULATE_SOURCE, **flat)

    @property
    def simulate(self) -> bool:
        """Started with ``--simulate`` (training and demo mode): no file can turn this on."""
        return SIMULATE_SOURCE in self.sources


def admin_path(explicit: str | None = None) -> Path | None:
    """The admin file: ``--config``, else ``$EHALL_KIOSK_CONFIG``, else /etc if present."""
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return ADMIN_DEFAULT if ADMIN_DEFAULT.exists() else None


def read_token_file(path: str | Path) -> str:
    """The hub token in ``path`` (surrounding whitespace ignored). Raises OSError when the
    file cannot be read, ValueError when it holds something else."""
    try:
        token = read_limited(path, 4096, "token file").decode("ascii", "replace").strip()
    except SafeReadError as exc:
        raise OSError(exc.reason) from None
    if not HUB_TOKEN.fullmatch(token):
        raise ValueError("it does not hold just " + TOKEN_WORDS)
    return token


def _check_hub_auth(values: dict[str, Any], file: Path) -> None:
    """A hub refuses kiosks without a token, so a hub_url needs one of the two token keys."""
    token, token_file = values.get("assist.hub_token", ""), values.get("assist.hub_token_file", "")
    if token and token_file:
        raise ConfigError(file, "assist.hub_token_file", "set either assist.hub_token or "
                          "assist.hub_token_file, not both")
    if token_file:
        shown = (f"a value of {len(token_file)} characters that looks like the token itself, "
                 "not the path of a file holding it" if HUB_TOKEN.fullmatch(token_file)
                 else cut(token_file))
        try:
            read_token_file(token_file)
        except OSError as exc:
            raise ConfigError(file, "assist.hub_token_file",
                              f"{shown} cannot be read ({exc.strerror or exc})") from None
        except ValueError as exc:
            raise ConfigError(file, "assist.hub_token_file", f"{shown}: {exc}") from None
    elif values.get("assist.hub_url") and not token:
        raise ConfigError(file, "assist.hub_token", "is empty but assist.hub_url is set; allowed: "
                          + TOKEN_WORDS + ", or set assist.hub_token_file instead")


def load(admin_file: str | Path | None = None, defaults: Path = DEFAULTS) -> Config:
    values = validate(_read_toml(defaults), defaults)
    sources = [str(defaults)]
    if admin_file is not None:
        admin_file = Path(admin_file)
        values.update(validate(_read_toml(admin_file), admin_file))
        sources.append(str(admin_file))
    _check_hub_auth(values, Path(sources[-1]))
    _check_catalogue_path(values, Path(sources[-1]))
    _check_web_urls(values, Path(sources[-1]))
    _check_admin_badges(values, Path(sources[-1]))
    _check_content(values, Path(sources[-1]))
    _check_tag_key(values, Path(sources[-1]))
    return Config(values, sources)


def _check_tag_key(values: dict[str, Any], file: Path) -> None:
    """The hall's citizen tag key (kiosk/citizen_tag.py) must be readable, a key, and the kiosk user's only."""
    path = values.get("records.citizen_tag_key_file", "")
    if not path:
        return
    from .citizen_tag import read_tag_key
    try:
        read_tag_key(path)
    except OSError as exc:
        raise ConfigError(file, "records.citizen_tag_key_file",
                          f"{cut(path)} cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise ConfigError(file, "records.citizen_tag_key_file", f"{cut(path)}: {exc}") from None


def _check_admin_badges(values: dict[str, Any], file: Path) -> None:
    """An admin badge id must be one a staff badge gives (``uid:HEX=ID``), else it never opens."""
    entries = [e.strip() for e in values.get("devices.smartcard.staff_badges", [])]
    known = {e.split("=", 1)[1].strip() if "=" in e else e for e in entries}
    for staff_id in values.get("admin.badge_ids", []):
        if staff_id not in known:
            raise ConfigError(file, "admin.badge_ids", f"has {cut(staff_id)}, which no badge gives; allowed: "
                              'staff ids that devices.smartcard.staff_badges names ("uid:HEX=ID" or "atr:HEX=ID")')


def _check_web_urls(values: dict[str, Any], file: Path) -> None:
    """The portal and account pages must be ones the kiosk's browser may open."""
    from .web.policy import Allowlist

    allow = Allowlist(values.get("web.allowed_hosts", []))
    for key in ("web.portal_url", "web.account_url"):
        url = values.get(key, "")
        refusal = allow.check(url) if url else None
        if refusal is not None:
            raise ConfigError(file, key, f"has {cut(url)}: {refusal.reason} ({refusal.host}); allowed: an https:// "
                              "address whose host web.allowed_hosts lists")


def content_url(values: Any) -> str:
    """``content.url``, else the assist hub's ``/content/latest.ehall`` (ws→http, wss→https), else ""."""
    url = values.get("content.url", "")
    hub = values.get("assist.hub_url", "")
    if url or not hub:
        return url
    from urllib.parse import urlsplit
    parts = urlsplit(hub)
    scheme = "https" if parts.scheme == "wss" else "http"
    return f"{scheme}://{parts.netloc}/content/latest.ehall"


def _check_content(values: dict[str, Any], file: Path) -> None:
    """An explicit content.url needs the key that its bundles are signed with."""
    if values.get("content.url") and not values.get("content.public_key"):
        raise ConfigError(file, "content.public_key", "is empty but content.url is set; allowed: the public key "
                          "`ehall-helpdesk content keygen` printed on the hub (44 characters of base64)")


def _check_catalogue_path(values: dict[str, Any], file: Path) -> None:
    """catalogue.path must name a regular file (not a directory, FIFO or device)."""
    path = values.get("catalogue.path")
    if path and os.path.lexists(path):     # a missing one is the catalogue's own error
        try:
            check_regular(path, CATALOGUE_MAX_BYTES, "catalogue")
        except SafeReadError as exc:
            raise ConfigError(file, "catalogue.path", f"{cut(path)}: {exc.reason}") from None
