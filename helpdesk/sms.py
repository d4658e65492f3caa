# SPDX-License-Identifier: Apache-2.0
"""SMS notices to a work order's contact phone (docs/workorders.md, "SMS notices"): the hub's
``[sms]`` table, the short texts, and the phone as logs may show it (masked).

A notice is made when an order is filed (受理, ``filed``), answered (``replied``), closed
(办结, ``closed``), and when a 差评 on an order opens its follow-up (``follow_up``). Its text
names the order's number and the status page, never the description, the name or the phone;
the templates may use only the fields below, so a hall cannot put the description in by mistake.
An order filed in an English kiosk session keeps ``lang = "en"`` and gets the ``template_*_en``
texts, with the status page's English address.
The notices wait in the hub's store (helpdesk/sms_queue.py) until the gateway took them.
"""
from __future__ import annotations

import string
from dataclasses import dataclass, field, fields

EVENTS = ("filed", "replied", "closed", "follow_up")
# the fields each template may use: the order's number and the status page, and a date
FIELDS = {"filed": ("number", "status_url", "deadline"), "replied": ("number", "status_url"),
          "closed": ("number", "status_url"), "follow_up": ("number", "status_url", "due")}
DEFAULT_TEMPLATES = {
    "filed": "工单{number}已受理，{deadline}前答复。凭查询码查看：{status_url}",
    "replied": "工单{number}已答复。凭查询码查看：{status_url}",
    "closed": "工单{number}已办结。凭查询码查看：{status_url}",
    "follow_up": "您对工单{number}的评价已收到，{due}前回访。{status_url}",
}
# An order filed in an English session (its ``lang``) gets its notices in English, naming the
# status page with ``lang=en`` (helpdesk/status_page.py answers in English then).
DEFAULT_TEMPLATES_EN = {
    "filed": "Your request {number} was received; reply by {deadline}. Check it with your code: {status_url}",
    "replied": "Your request {number} has a reply. Read it with your code: {status_url}",
    "closed": "Your request {number} is closed. Details with your code: {status_url}",
    "follow_up": "Your rating of request {number} was received; we will call you by {due}. {status_url}",
}
LANGUAGES = ("zh", "en")
MAX_TEMPLATE = 140       # characters of a template (about two SMS segments once filled in)
MAX_TEXT = 200


class SmsConfigError(ValueError):
    """A bad ``[sms]`` key: helpdesk/config.py names the file."""


@dataclass(frozen=True)
class SmsConfig:
    enabled: bool = False          # no SMS is ever sent unless the hall turns it on
    url: str = ""                  # the gateway: POST JSON {"id", "to", "text"}, 2xx = taken
    token: str = field(default="", repr=False)   # "Authorization: Bearer …" (never logged or echoed)
    status_url: str = ""           # the public status page the texts name (the hub's /orders/status)
    timeout_seconds: float = 5.0   # one attempt at the gateway
    retry_seconds: float = 30.0    # the first retry after a failed send; doubles, up to an hour
    template_filed: str = DEFAULT_TEMPLATES["filed"]
    template_replied: str = DEFAULT_TEMPLATES["replied"]
    template_closed: str = DEFAULT_TEMPLATES["closed"]
    template_follow_up: str = DEFAULT_TEMPLATES["follow_up"]
    template_filed_en: str = DEFAULT_TEMPLATES_EN["filed"]
    template_replied_en: str = DEFAULT_TEMPLATES_EN["replied"]
    template_closed_en: str = DEFAULT_TEMPLATES_EN["closed"]
    template_follow_up_en: str = DEFAULT_TEMPLATES_EN["follow_up"]

    def template(self, event: str, lang: str = "zh") -> str:
        return str(getattr(self, f"template_{event}" + ("_en" if lang == "en" else "")))

    def page(self, lang: str = "zh") -> str:
        """The status page the texts name; English readers get it with ``lang=en``."""
        if lang != "en" or not self.status_url:
            return self.status_url
        return self.status_url + ("&" if "?" in self.status_url else "?") + "lang=en"


def _keys() -> list[str]:
    return [f.name for f in fields(SmsConfig)]


def parse_sms(val: object) -> SmsConfig:
    """The ``[sms]`` table; SmsConfigError names the key (``sms.url``) and what is allowed."""
    if not isinstance(val, dict):
        raise SmsConfigError("sms must be a table ([sms] with keys " + ", ".join(_keys()) + ")")
    values: dict = {}
    for key, v in val.items():
        if key not in _keys():
            raise SmsConfigError(f"unknown key 'sms.{key}'; allowed keys: "
                                 + ", ".join(f"sms.{k}" for k in _keys()))
        if key == "enabled":
            if not isinstance(v, bool):
                raise SmsConfigError("sms.enabled must be true or false")
        elif key in ("timeout_seconds", "retry_seconds"):
            top = 30 if key == "timeout_seconds" else 3600
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 1 <= v <= top:
                raise SmsConfigError(f"sms.{key} must be a number from 1 to {top}")
            v = float(v)
        elif not isinstance(v, str):
            raise SmsConfigError(f"sms.{key} must be a string")
        values[key] = v
    cfg = SmsConfig(**values)
    for key in ("url", "status_url"):
        value = getattr(cfg, key)
        if value and not (value.startswith(("http://", "https://")) and len(value) <= 300
                          and value.isascii() and " " not in value):
            raise SmsConfigError(f"sms.{key} must be an http:// or https:// address")
    for event in EVENTS:
        for lang, suffix in (("zh", ""), ("en", "_en")):
            _check_template(event + suffix, cfg.template(event, lang), FIELDS[event])
            longest = render(cfg, event, lang, number="2099123100000001", deadline="2099-12-31",
                             due="2099-12-31")
            if len(longest) > MAX_TEXT:
                raise SmsConfigError(f"sms.template_{event}{suffix} with sms.status_url makes a text of "
                                     f"{len(longest)} characters; at most {MAX_TEXT}")
    if cfg.enabled and not (cfg.url and cfg.status_url):
        raise SmsConfigError("sms.enabled needs sms.url (the gateway) and sms.status_url (the page the texts name)")
    return cfg


def _check_template(event: str, text: str, allowed: tuple[str, ...]) -> None:
    key = f"sms.template_{event}"
    if not text.strip() or len(text) > MAX_TEMPLATE:
        raise SmsConfigError(f"{key} must be 1 to {MAX_TEMPLATE} characters")
    try:
        used = [name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise SmsConfigError(f"{key}: {exc} (write {{{{ and }}}} for braces)") from None
    for name in used:
        if name not in allowed:
            raise SmsConfigError(f"{key} may use only {', '.join('{' + a + '}' for a in allowed)}, "
                                 f"not {{{name}}} (a notice never carries the description, name or phone)")


def render(cfg: SmsConfig, event: str, lang: str = "zh", **values: str) -> str:
    """The notice's text in the order's language: the template with the order's number, the
    status page and a date (ISO, 2026-12-11: read alike in both languages)."""
    allowed = {k: str(values.get(k, "")) for k in FIELDS[event]}
    allowed["status_url"] = cfg.page(lang)
    return cfg.template(event, lang).format(**allowed)


def mask_phone(phone: str) -> str:
    """A phone as a log may show it: 139****5678, 010-****4567; short ones: ****."""
    digits = phone.strip()
    if len(digits) < 7:
        return "****"
    return digits[:3] + "****" + digits[-4:]
