# SPDX-License-Identifier: Apache-2.0
"""Photos with a work order, through the real hub: the kiosk's order with its document-camera
JPEGs is taken once and stored with the order; the staff console's order shows them (to a
logged-in helper only); a photo too large, corrupt, not a JPEG or one too many is refused with
a message naming it and nothing is half-taken; the photos go when the order is deleted."""
import asyncio
import base64
import io
import json

import sqlalchemy as sa
from PIL import Image

from helpdesk.orders import OrderStore, order_photos, upgrade
from helpdesk_testkit import HubFixture

ORDER = {"category": "求助", "description": "证件照片见附件", "deadline": "2026-12-11"}


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def jpeg(colour=(200, 30, 30), size=(640, 480), quality=75) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=quality)
    return out.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def test_photos_reach_the_console_and_bad_ones_are_refused_by_name(tmp_path):
    async def go():
        url = f"sqlite:///{tmp_path / 'orders.db'}"
        await asyncio.to_thread(upgrade, url)
        fx = HubFixture(tmp_path)
        fx.orders = OrderStore(url)
        fx.add_helpers(1)
        await fx.start()
        try:
            fx.register_kiosk("EHALL-01")
            kiosk = {"Authorization": f"Bearer {fx.kiosk_tokens['EHALL-01']}", "X-Ehall-Terminal": "EHALL-01",
                     "Content-Type": "application/json"}

            async def post(record_id, photos):
                body = {"id": record_id, "kind": "order", "payload": {**ORDER, "photos": photos},
                        "phone": "13912345678"}
                async with fx.session.post(fx.server.make_url("/api/records"), data=json.dumps(body).encode(),
                                           headers=kiosk) as r:
                    return r.status, await r.json()

            red, blue = jpeg(), jpeg((20, 40, 200))
            noise = Image.frombytes("RGB", (500, 500), bytes(range(256)) * (500 * 500 * 3 // 256 + 1))
            big = io.BytesIO()
            noise.save(big, "JPEG", quality=100)
            assert len(big.getvalue()) > 200_000
            png = io.BytesIO()
            Image.new("RGB", (10, 10)).save(png, "PNG")
            for photos, error in (([b64(red), b64(big.getvalue())], "photos[1]: "),
                                  ([b64(red[: len(red) // 2])], "photos[0]: not a readable JPEG"),
                                  ([b64(png.getvalue())], "photos[0]: a JPEG is required, not PNG"),
                                  (["***"], "photos[0]: not base64"),
                                  ([b64(red)] * 4, "photos: a list of at most 3")):
                status, answer = await post("b" * 32, photos)
                assert status == 400 and answer["error"].startswith(error), answer
            assert fx.orders.listing() == []                                   # nothing half-taken
            status, answer = await post("a" * 32, [b64(red), b64(blue)])
            assert status == 200 and answer["ok"], answer
            assert (await post("a" * 32, [b64(red), b64(blue)]))[0] == 200     # the outbox sent it twice
            [order] = fx.orders.listing()
            api = fx.server.make_url(f"/api/orders/{order['id']}")
            async with fx.session.get(api) as r:
                assert r.status == 401                                          # staff only
            async with fx.session.get(api, headers={"Authorization": f"Bearer {fx.tokens['h00']}"}) as r:
                shown = await r.json()
            assert [base64.b64decode(p) for p in shown["photos"]] == [red, blue]
            with Image.open(io.BytesIO(base64.b64decode(shown["photos"][1]))) as img:
                assert img.getpixel((320, 240))[2] > 150                        # the blue page, as taken
            assert fx.orders.photo(order["id"], 1) == blue
            assert fx.orders.delete_order(order["id"])                         # what a retention calls
            with fx.orders.engine.connect() as db:
                assert db.execute(sa.select(sa.func.count()).select_from(order_photos)).scalar_one() == 0
            assert fx.orders.listing() == []
        finally:
            await fx.stop()
    run(go())


def test_the_kiosks_photos_wait_sealed_in_the_outbox_through_an_outage_then_reach_the_hub(tmp_path):
    """The kiosk's order with two document-camera pages (kiosk.web.capture.to_jpeg, under the
    hub's 200 kB): kept sealed in the outbox (no JPEG in the file), kept while the hub is down,
    and taken with the order when it is back; a third-party PNG or a fourth photo is refused at
    the kiosk before anything is kept."""
    import datetime as dt

    import numpy as np
    import pytest
    import requests

    from ehall_common.workdays import WorkCalendar
    from kiosk.records import Outbox, new_key
    from kiosk.records.outbox import http_sender
    from kiosk.records.service import MAX_PHOTO_BYTES, RecordsService
    from kiosk.web.capture import to_jpeg

    async def go():
        url = f"sqlite:///{tmp_path / 'orders.db'}"
        await asyncio.to_thread(upgrade, url)
        fx = HubFixture(tmp_path)
        fx.orders = OrderStore(url)
        await fx.start()
        try:
            fx.register_kiosk("EHALL-01")
            box = Outbox(tmp_path / "outbox.db", new_key())
            service = RecordsService(box, WorkCalendar(), "EHALL-01", "https://hub/orders/status",
                                     {"咨询": 5, "求助": 5, "投诉": 15, "建议": 15}, today=lambda: dt.date(2026, 12, 4))
            rng = np.random.default_rng(7)
            pages = [to_jpeg(rng.integers(0, 255, (1400, 1000, 3), dtype=np.uint8), MAX_PHOTO_BYTES),
                     to_jpeg(np.full((1400, 1000, 3), 240, dtype=np.uint8), MAX_PHOTO_BYTES)]
            assert all(len(p) <= MAX_PHOTO_BYTES for p in pages)
            for bad in ([b"\x89PNG..."], [pages[1]] * 4):
                with pytest.raises(ValueError):
                    service.submit_order("求助", "证件照片见附件", "13912345678", photos=bad)
            assert len(box) == 0
            done = service.submit_order("求助", "证件照片见附件", "13912345678", photos=pages)
            assert base64.b64encode(pages[1][:60]) not in (tmp_path / "outbox.db").read_bytes()
            down = http_sender("http://127.0.0.1:9/api/records", "EHALL-01", fx.kiosk_tokens["EHALL-01"])
            with pytest.raises(requests.ConnectionError):                   # the sender's loop tries again later
                await asyncio.to_thread(down, box.pending()[0])
            assert len(box) == 1
            up = http_sender(str(fx.server.make_url("/api/records")), "EHALL-01", fx.kiosk_tokens["EHALL-01"])
            assert await asyncio.to_thread(up, box.pending()[0]) is True
            [order] = fx.orders.listing()
            assert order["id"] == done.record_id
            assert [fx.orders.photo(order["id"], n) for n in range(3)] == [*pages, None]
            box.close()
        finally:
            await fx.stop()
    run(go())
