# SPDX-License-Identifier: Apache-2.0
"""The hub serves the hall's signed content bundle to the kiosks (docs/operations.md, *Signed
content updates*).

``content_dir`` (hub config) is the ``--out`` folder of ``ehall-helpdesk content publish``.
``GET /content/latest.ehall`` and ``GET /content/bundle-VERSION.ehall`` answer its files as they
are (with ``ETag`` / ``Last-Modified``, so a kiosk's conditional GET costs nothing when nothing
changed); any other name is 404. No login: the bundle is the hall's public catalogue and every
kiosk checks its Ed25519 signature before it unpacks anything. :meth:`ContentServer.latest_version`
reads the published version from the bundle's manifest, for the console's 终端 page.
"""
from __future__ import annotations

import io
import json
import logging
import re
import tarfile
from pathlib import Path

from aiohttp import web

from helpdesk.content import MAGIC

log = logging.getLogger(__name__)
NAMES = re.compile(r"latest\.ehall|bundle-[0-9A-Za-z._-]{1,40}\.ehall")
SIGNATURE = 64


class ContentServer:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._seen: tuple[int, int] | None = None
        self._version: str | None = None

    def install(self, app: web.Application) -> None:
        app.router.add_get("/content/{name}", self.get)

    async def get(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        path = self.folder / name
        if not NAMES.fullmatch(name) or ".." in name or not path.is_file():
            return web.json_response({"error": "no such content bundle (publish one: "
                                      "ehall-helpdesk content publish)"}, status=404)
        return web.FileResponse(path, headers={"Cache-Control": "no-cache",
                                               "Content-Type": "application/octet-stream"})

    def latest_version(self) -> str | None:
        """The version in ``latest.ehall``'s manifest (read again only when the file changes)."""
        path = self.folder / "latest.ehall"
        try:
            st = path.stat()
        except OSError:
            return None
        key = (st.st_mtime_ns, st.st_size)
        if key != self._seen:
            self._seen, self._version = key, _manifest_version(path)
        return self._version


def _manifest_version(path: Path) -> str | None:
    try:
        data = path.read_bytes()
        if not data.startswith(MAGIC):
            raise ValueError("not a bundle")
        with tarfile.open(fileobj=io.BytesIO(data[len(MAGIC) + SIGNATURE:]), mode="r:gz") as tar:
            member = tar.extractfile("manifest.json")
            version = json.loads(member.read())["version"] if member else None
        return str(version)[:40] if version else None
    except (OSError, ValueError, KeyError, tarfile.TarError) as exc:
        log.warning("content bundle %s: version not readable (%s)", path, exc)
        return None
