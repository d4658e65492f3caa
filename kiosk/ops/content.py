# SPDX-License-Identifier: Apache-2.0
"""Content updates from the hub: a signed bundle (catalogue, knowledge base, synonym table),
checked twice and swapped in whole, with the previous one kept to roll back to.

1. :func:`fetch` downloads ``[content] url`` (``requests``; a size cap, a timeout).
2. :func:`verify` checks the Ed25519 signature against the pinned ``[content] public_key``
   before anything is unpacked; a tampered, unsigned or foreign bundle is refused.
3. :meth:`ContentStore.install` unpacks into a new version folder, checks every file against the
   manifest's SHA-256 and with the same checks as ``catalogue check`` / ``faq check``, and only
   then points ``current`` at it (an atomic rename of a symlink). The previous version stays.
4. The kiosk reloads from ``current`` between sessions, never during one; :meth:`rollback`
   points ``current`` back when the new content fails to load.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import re
import shutil
import tarfile
from pathlib import Path

log = logging.getLogger(__name__)

MAGIC = b"EHALLCB1"
MAX_BUNDLE = 60 * 1024 * 1024
_VERSION = re.compile(r"^[0-9A-Za-z._-]{1,40}$")


class ContentError(Exception):
    """The bundle is refused; what the kiosk has stays as it is."""


class SignatureError(ContentError):
    """Not a bundle signed with the pinned key: tampered, unsigned or another hub's."""


def fetch(url: str, timeout: float = 20.0) -> bytes:
    data, _etag = fetch_changed(url, None, timeout)
    assert data is not None                   # no ETag sent: never a 304
    return data


def fetch_changed(url: str, etag: str | None, timeout: float = 20.0) -> tuple[bytes | None, str | None]:
    """(bundle, its ETag), or (None, etag) when the hub answers 304 to ``If-None-Match: etag``."""
    import requests

    headers = {"If-None-Match": etag} if etag else {}
    try:
        with requests.get(url, timeout=timeout, stream=True, headers=headers) as response:
            if response.status_code == 304 and etag:
                return None, etag
            if response.status_code != 200:
                raise ContentError(f"{url}: the hub answered {response.status_code}")
            data = bytearray()
            for chunk in response.iter_content(65536):
                data += chunk
                if len(data) > MAX_BUNDLE:
                    raise ContentError(f"{url}: larger than {MAX_BUNDLE // 2**20} MB")
            return bytes(data), response.headers.get("ETag")
    except requests.RequestException as exc:
        raise ContentError(f"{url}: {type(exc).__name__}") from None


def verify(data: bytes, public_key_b64: str) -> tuple[dict, bytes]:
    """(manifest, tar.gz body) of a bundle whose signature is the pinned key's; else ContentError."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 64:
        raise SignatureError("not a content bundle")
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64, validate=True))
    except ValueError:
        raise ContentError("content.public_key is not an Ed25519 public key (base64)") from None
    signature, body = data[len(MAGIC):len(MAGIC) + 64], data[len(MAGIC) + 64:]
    try:
        key.verify(signature, body)
    except InvalidSignature:
        raise SignatureError("the signature does not match the pinned key: bundle refused") from None
    files = _members(body)
    try:
        manifest = json.loads(files["manifest.json"])
    except (KeyError, ValueError):
        raise ContentError("the bundle has no readable manifest") from None
    if not _VERSION.match(str(manifest.get("version", ""))):
        raise ContentError("the manifest's version is not a plain name")
    return manifest, body


def _members(body: bytes) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as tar:
            for member in tar.getmembers():
                if not member.isfile() or "/" in member.name or member.name.startswith("."):
                    raise ContentError(f"unexpected entry {member.name[:40]!r} in the bundle")
                extracted = tar.extractfile(member)
                out[member.name] = extracted.read() if extracted else b""
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ContentError(f"the bundle is not a readable archive ({type(exc).__name__})") from None
    return out


class ContentStore:
    """``DIR/versions/VERSION/…`` and ``DIR/current`` → the version in use."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        (self.folder / "versions").mkdir(parents=True, exist_ok=True)

    @property
    def current(self) -> Path | None:
        link = self.folder / "current"
        return link.resolve() if link.is_symlink() else None

    def version(self) -> str | None:
        return self.current.name if self.current else None

    def install(self, data: bytes, public_key_b64: str) -> str:
        """Checks and installs a bundle, makes it current; returns its version. ContentError: nothing changes."""
        manifest, body = verify(data, public_key_b64)
        files = _members(body)
        version = manifest["version"]
        listed = manifest.get("files", {})
        if not isinstance(listed, dict) or not listed:
            raise ContentError("the manifest lists no files")
        for name, digest in listed.items():
            if name not in files or hashlib.sha256(files[name]).hexdigest() != digest:
                raise ContentError(f"{name}: not as the manifest says")
        target = self.folder / "versions" / version
        staging = self.folder / "versions" / f".{version}.new"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        for name in listed:
            (staging / name).write_bytes(files[name])
        try:
            _check(staging)
        except ContentError:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
        self._point(target)
        return version

    def _point(self, target: Path) -> None:
        previous = self.current
        tmp = self.folder / ".current.new"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        tmp.symlink_to(target)
        os.replace(tmp, self.folder / "current")
        if previous is not None and previous != target:
            prev_link = self.folder / ".previous.new"
            if prev_link.is_symlink() or prev_link.exists():
                prev_link.unlink()
            prev_link.symlink_to(previous)
            os.replace(prev_link, self.folder / "previous")

    def rollback(self) -> str | None:
        """Points ``current`` back at the previous version (when the new one failed to load) and
        forgets the failed one as a way back; with no previous version ``current`` goes, and the
        kiosk runs on its configured content."""
        prev, cur = self.folder / "previous", self.folder / "current"
        target = prev.resolve() if prev.is_symlink() else None
        if target is None or not target.is_dir() or target == self.current:
            if cur.is_symlink():
                cur.unlink()
            return None
        self._point(target)
        prev.unlink()
        return target.name

    FAILED_KEPT = 20

    def failed(self) -> list[str]:
        """Versions that were installed but did not load here, newest last (kept across restarts,
        so a kiosk that restarts does not install the same broken bundle again)."""
        try:
            text = (self.folder / "failed.txt").read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return []
        return [v for v in text.split() if v and len(v) <= 40][-self.FAILED_KEPT:]

    def mark_failed(self, version: str) -> None:
        versions = [v for v in self.failed() if v != version] + [version]
        tmp = self.folder / ".failed.new"
        try:
            tmp.write_text("\n".join(versions[-self.FAILED_KEPT:]) + "\n", "utf-8")
            os.replace(tmp, self.folder / "failed.txt")
        except OSError as exc:          # remembered for this run only; logged
            log.error("content: %s cannot be written (%s)", self.folder / "failed.txt", exc.strerror)

    def path(self, *names: str) -> Path | None:
        """The current version's file of the first of ``names`` it has (catalogue.csv, catalogue.json…)."""
        if self.current is None:
            return None
        return next((self.current / n for n in names if (self.current / n).is_file()), None)


def _check(folder: Path) -> None:
    """The same checks as ``ehall-kiosk catalogue check`` and ``faq check``."""
    from .. import catalogue
    from ..consult import faq
    from ..consult.ask import load_synonyms

    for name in ("catalogue.csv", "catalogue.json"):
        if (folder / name).is_file():
            try:
                cat = catalogue.load(folder / name)
            except catalogue.CatalogueError as exc:
                raise ContentError(f"catalogue refused: {exc}") from None
            if cat.errors:
                raise ContentError(f"catalogue refused: {len(cat.errors)} bad rows, first {cat.errors[0]}")
    for name in ("faq.csv", "faq.json"):
        if (folder / name).is_file():
            try:
                kb = faq.load(folder / name)
            except faq.FaqError as exc:
                raise ContentError(f"knowledge base refused: {exc}") from None
            if kb.errors:
                raise ContentError(f"knowledge base refused: {len(kb.errors)} bad rows, first {kb.errors[0]}")
    if (folder / "synonyms.txt").is_file():
        try:
            load_synonyms(folder / "synonyms.txt")
        except ValueError as exc:
            raise ContentError(f"synonyms refused: {exc}") from None
