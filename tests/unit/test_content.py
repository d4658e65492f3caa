# SPDX-License-Identifier: Apache-2.0
"""Signed content updates: the hub signs a bundle, a kiosk fetches it over HTTP, checks the
signature and the files, swaps it in whole and can roll back; a tampered or bad bundle changes nothing."""
import base64
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from helpdesk import content as hub_content
from kiosk.ops.content import ContentError, ContentStore, fetch

DATA = Path(__file__).resolve().parents[2] / "kiosk" / "data"


@pytest.fixture
def hub(tmp_path):
    key = tmp_path / "hub.key"
    public = hub_content.keygen(key)
    src = tmp_path / "src"
    src.mkdir()
    (src / "catalogue.csv").write_bytes((DATA / "service-items.csv").read_bytes())
    (src / "faq.csv").write_bytes((DATA / "faq.csv").read_bytes())
    out = tmp_path / "out"
    handler = partial(SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *a: None
    out.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"key": key, "public": public, "src": src, "out": out,
           "url": f"http://127.0.0.1:{server.server_port}/latest.ehall"}
    server.shutdown()
    server.server_close()


def test_a_signed_bundle_is_fetched_checked_and_swapped_in(hub, tmp_path):
    hub_content.publish(hub["src"], hub["key"], hub["out"], version="v1")
    store = ContentStore(tmp_path / "kiosk-content")
    assert store.install(fetch(hub["url"]), hub["public"]) == "v1"
    assert store.version() == "v1" and store.path("catalogue.csv").read_bytes() == (DATA / "service-items.csv").read_bytes()
    (hub["src"] / "synonyms.txt").write_text("营业执照 = 执照\n", encoding="utf-8")
    hub_content.publish(hub["src"], hub["key"], hub["out"], version="v2")
    assert store.install(fetch(hub["url"]), hub["public"]) == "v2" and store.path("synonyms.txt")
    assert store.rollback() == "v1" and store.version() == "v1" and store.path("synonyms.txt") is None


def test_tampered_foreign_or_unsigned_bundles_are_refused(hub, tmp_path):
    bundle = hub_content.publish(hub["src"], hub["key"], hub["out"], version="v1")
    data = bundle.read_bytes()
    other = hub_content.keygen(tmp_path / "other.key")
    store = ContentStore(tmp_path / "kiosk-content")
    tampered = bytearray(data)
    tampered[-100] ^= 1
    for bad, key, why in ((bytes(tampered), hub["public"], "signature"), (data, other, "signature"),
                          (data[8:], hub["public"], "not a content bundle"),
                          (data, base64.b64encode(b"short").decode(), "not an Ed25519 public key")):
        with pytest.raises(ContentError) as info:
            store.install(bad, key)
        assert why in str(info.value)
    assert store.version() is None


def test_a_signed_bundle_with_a_bad_catalogue_changes_nothing(hub, tmp_path):
    hub_content.publish(hub["src"], hub["key"], hub["out"], version="v1")
    store = ContentStore(tmp_path / "kiosk-content")
    store.install(fetch(hub["url"]), hub["public"])
    (hub["src"] / "catalogue.csv").write_text("id,name\nX1,\n", encoding="utf-8")      # signed, but broken
    hub_content.publish(hub["src"], hub["key"], hub["out"], version="v2")
    with pytest.raises(ContentError) as info:
        store.install(fetch(hub["url"]), hub["public"])
    assert "catalogue refused" in str(info.value)
    assert store.version() == "v1" and not (tmp_path / "kiosk-content" / "versions" / "v2").exists()


def test_fetch_failures_are_said(hub):
    with pytest.raises(ContentError) as info:
        fetch(hub["url"].replace("latest", "missing"))
    assert "404" in str(info.value)
    with pytest.raises(ContentError):
        fetch("http://127.0.0.1:9/latest.ehall", timeout=2)


def test_the_hub_key_is_private_and_never_overwritten(tmp_path):
    key = tmp_path / "k"
    hub_content.keygen(key)
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(hub_content.ContentError):
        hub_content.keygen(key)
