# SPDX-License-Identifier: Apache-2.0
"""The hall's content bundle, signed by the hub: catalogue, knowledge base, synonym table.

``ehall-helpdesk content keygen KEYFILE`` makes the hub's Ed25519 signing key (mode 0600) and
prints the public key that each kiosk pins (``[content] public_key``). ``ehall-helpdesk content
publish DIR --key KEYFILE --out OUTDIR`` packs the known files of DIR with a manifest (version,
SHA-256 of each file) into ``bundle-VERSION.ehall`` and ``latest.ehall``: the 8-byte magic, the
64-byte Ed25519 signature of the rest, then a tar.gz. Kiosks fetch it, check the signature and
the contents, and swap it in between sessions (kiosk/ops/content.py).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import tarfile
from pathlib import Path

MAGIC = b"EHALLCB1"
FILES = ("catalogue.csv", "catalogue.json", "faq.csv", "faq.json", "synonyms.txt")
MAX_FILE = 50 * 1024 * 1024


class ContentError(Exception):
    pass


def keygen(key_file: str | Path) -> str:
    """Writes a new private key (refuses to overwrite one) and returns the public key (base64)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(key_file)
    if path.exists():
        raise ContentError(f"{path}: exists; a new key would orphan every kiosk that pins the old one")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return public_key(path)


def public_key(key_file: str | Path) -> str:
    from cryptography.hazmat.primitives import serialization
    key = _private(key_file)
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _private(key_file: str | Path):
    from cryptography.hazmat.primitives import serialization
    try:
        return serialization.load_pem_private_key(Path(key_file).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ContentError(f"{key_file}: not a signing key made by `content keygen` ({type(exc).__name__})") from None


def publish(folder: str | Path, key_file: str | Path, out_dir: str | Path, version: str | None = None) -> Path:
    """Signs the known files of ``folder`` into ``out_dir``; returns the bundle's path."""
    folder, out = Path(folder), Path(out_dir)
    present = [name for name in FILES if (folder / name).is_file()]
    if not present:
        raise ContentError(f"{folder}: none of {', '.join(FILES)}")
    version = version or dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    files = {}
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name in present:
            data = (folder / name).read_bytes()
            if len(data) > MAX_FILE:
                raise ContentError(f"{folder / name}: larger than {MAX_FILE // 2**20} MB")
            files[name] = hashlib.sha256(data).hexdigest()
            _add(tar, name, data)
        _add(tar, "manifest.json", json.dumps({"version": version, "files": files}, sort_keys=True).encode())
    body = buf.getvalue()
    signature = _private(key_file).sign(body)
    out.mkdir(parents=True, exist_ok=True)
    bundle = out / f"bundle-{version}.ehall"
    for path in (bundle, out / "latest.ehall"):
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(MAGIC + signature + body)
        os.replace(tmp, path)
    return bundle


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o644, 0
    tar.addfile(info, io.BytesIO(data))
