# SPDX-License-Identifier: Apache-2.0
"""The real hub serves the signed content bundle: a kiosk fetches it with requests, checks the
signature and installs it; a conditional GET costs nothing when nothing changed; only bundle
names are served; the 终端 API tells which version is published and which each terminal runs."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests

from assist_testkit import HubThread, kiosk_config, started_services
from helpdesk import content as hub_content
from kiosk.ops.content import ContentError, ContentStore, fetch
from kiosk.ops.status import StatusReporter
from waiting import wait_for

DATA = Path(__file__).resolve().parents[2] / "kiosk" / "data"


@pytest.fixture
def published(tmp_path):
    key = tmp_path / "hub.key"
    public = hub_content.keygen(key)
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "catalogue.csv").write_bytes((DATA / "service-items.csv").read_bytes())
    (src / "faq.csv").write_bytes((DATA / "faq.csv").read_bytes())
    hub_content.publish(src, key, out, version="2026.12.04-1")
    return {"key": key, "public": public, "src": src, "out": out}


@pytest.fixture
def hub(tmp_path, published):
    h = HubThread(tmp_path, content_dir=str(published["out"])).start()
    yield h
    h.close()


def test_the_hub_serves_the_bundle_and_a_kiosk_installs_it(hub, published, tmp_path):
    url = hub.http + "/content/latest.ehall"
    store = ContentStore(tmp_path / "kiosk-content")
    assert store.install(fetch(url), published["public"]) == "2026.12.04-1"
    assert store.path("catalogue.csv").read_bytes() == (DATA / "service-items.csv").read_bytes()
    assert fetch(hub.http + "/content/bundle-2026.12.04-1.ehall") == fetch(url)

    first = requests.get(url, timeout=10)
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=10)
    assert first.status_code == 200 and again.status_code == 304 and again.content == b""

    other_key = tmp_path / "other.key"
    with pytest.raises(ContentError):               # a kiosk pinning another hub's key refuses it
        ContentStore(tmp_path / "k2").install(fetch(url), hub_content.keygen(other_key))


@pytest.mark.parametrize("name", ["hub.key", "..%2Fhub.key", "latest.json", "bundle-.ehall", "src"])
def test_only_bundles_are_served(hub, name):
    r = requests.get(f"{hub.http}/content/{name}", timeout=10)
    assert r.status_code == 404 and b"PRIVATE" not in r.content


def test_the_console_api_shows_published_and_running_versions(hub, published):
    hub.accounts.add("wangfang", "password-wangfang", "王芳")
    token = hub.accounts.login("wangfang", "password-wangfang")

    def view():
        r = requests.get(hub.http + "/api/terminals", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        return r.json()

    assert view()["content_latest"] == "2026.12.04-1"

    with started_services(backoff_first_s=0.2) as make:
        service = make(kiosk_config(hub.url))
        reporter = StatusReporter(service, {}, versions={"app": "0.1.0", "content": "2026.11.30-2"})
        reporter.start()
        try:
            wait_for(lambda: any(c["versions"].get("content") for c in view()["terminals"]), 10,
                     "the terminal reports its content version")
            card = next(c for c in view()["terminals"] if c["terminal"] == "EHALL-T1")
            assert card["versions"]["content"] == "2026.11.30-2"
        finally:
            reporter.stop()
    hub_content.publish(published["src"], published["key"], published["out"], version="2026.12.05-1")
    assert view()["content_latest"] == "2026.12.05-1"      # re-read when the file changes
