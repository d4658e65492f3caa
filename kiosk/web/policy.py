# SPDX-License-Identifier: Apache-2.0
"""Which addresses a citizen's page may open: the hall's allowlist, https only.

Entries are exact hosts (``www.shandong.gov.cn``) or ``*.`` suffixes (``*.shandong.gov.cn``,
which also matches ``shandong.gov.cn``). An entry written with ``http://`` (``http://127.0.0.1``)
allows that one host without TLS: for a portal on the hall's own network or a test server.
Top-level ``file:``, ``chrome:``, ``data:``, ``javascript:`` and every other scheme are refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Refusal:
    host: str         # what the log may say (never the path or query: they can carry citizen data)
    reason: str


class Allowlist:
    def __init__(self, entries: Iterable[str]):
        self.exact: set[str] = set()
        self.suffixes: set[str] = set()
        self.plain_http: set[str] = set()
        for entry in entries:
            entry = entry.strip().lower()
            if entry.startswith("http://"):
                self.plain_http.add(entry[len("http://"):].rstrip("/"))
            elif entry.startswith("*."):
                self.suffixes.add(entry[2:])
            elif entry:
                self.exact.add(entry)

    def check(self, url: str) -> Refusal | None:
        """None when ``url`` may be opened; else why not."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:
            return Refusal("", "not an address")
        if parts.scheme == "about" and url in ("about:blank", "about:srcdoc"):
            return None
        if parts.scheme not in ("https", "http"):
            return Refusal(parts.scheme + ":", "not a web address")
        if parts.scheme == "http" and host not in self.plain_http:
            return Refusal(host, "not an encrypted (https) address")
        if host in self.exact or host in self.plain_http or any(
                host == s or host.endswith("." + s) for s in self.suffixes):
            return None
        return Refusal(host, "not on the hall's list of sites")

    def allows(self, url: str) -> bool:
        return self.check(url) is None
