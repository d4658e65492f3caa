# SPDX-License-Identifier: Apache-2.0
"""手机上传 through the real hub: a kiosk asks for a one-time link; a "phone" (an HTTP client)
opens its page and sends a photo or a PDF; the file reaches that kiosk only, made over (a photo
as an upright JPEG of at most 2000 px); the link is then gone; a reused, expired, cancelled or
unknown link, a file of another kind or too large gets a plain page; the hub keeps nothing."""
from __future__ import annotations

import asyncio
import base64
import io

import aiohttp
from PIL import Image

from helpdesk.phone_upload import LINK_SECONDS, MAX_SIDE
from helpdesk_testkit import running_hub


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 30))


def photo(size=(3000, 1500), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, fmt)
    return out.getvalue()


def pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(out, "PDF")
    return out.getvalue()


async def send(fx, url: str, data: bytes, name="x.bin"):
    form = aiohttp.FormData()
    form.add_field("file", data, filename=name, content_type="application/octet-stream")
    path = url.split("//", 1)[1].split("/", 1)[1]
    async with fx.session.post(fx.server.make_url("/" + path), data=form) as r:
        return r.status, await r.text()


async def page(fx, url: str):
    path = url.split("//", 1)[1].split("/", 1)[1]
    async with fx.session.get(fx.server.make_url("/" + path)) as r:
        return r.status, await r.text()


def test_a_photo_from_the_phone_reaches_its_kiosk_only_and_the_link_is_spent(tmp_path):
    async def main():
        async with running_hub(tmp_path, phone_upload_url="https://hub.hall.example/") as fx:
            k1, k2 = await fx.kiosk("K01"), await fx.kiosk("K02")
            await k1.send(type="hello", terminal_id="K01")
            await k2.send(type="hello", terminal_id="K02")
            await k1.send(type="upload_link")
            link = await k1.expect("upload_link")
            assert link["url"].startswith("https://hub.hall.example/u/") and link["expires_s"] == LINK_SECONDS
            status, text = await page(fx, link["url"])
            assert status == 200 and 'type="file"' in text and "<script" not in text
            status, text = await send(fx, link["url"], photo(), "IMG_0001.png")
            assert status == 200 and "已上传" in text
            got = await k1.expect("upload")
            assert got["mime"] == "image/jpeg" and got["name"] == "手机上传.jpg" and "IMG_0001" not in str(got)
            with Image.open(io.BytesIO(base64.b64decode(got["data"]))) as img:
                assert img.format == "JPEG" and max(img.size) == MAX_SIDE and img.size == (2000, 1000)
            assert k2.unread("upload") == []
            status, text = await send(fx, link["url"], photo())                 # the link is spent
            assert status == 410 and "已经用过或已失效" in text
            assert fx.hub.phone_upload.links == {}                              # nothing kept
    run(main())


def test_bad_files_expired_and_cancelled_links_get_plain_pages(tmp_path):
    async def main():
        async with running_hub(tmp_path, phone_upload_url="https://hub.hall.example") as fx:
            k = await fx.kiosk("K01")
            await k.send(type="hello", terminal_id="K01")
            await k.send(type="upload_link")
            url = (await k.expect("upload_link"))["url"]
            status, text = await send(fx, url, b"MZ\x90\x00 not a photo")
            assert status == 415 and "只能上传照片" in text and 'type="file"' in text   # the form again
            status, text = await send(fx, url, b"%PDF-1.4 broken")
            assert status == 415 and "打不开" in text
            status, text = await send(fx, url, pdf(), "证明.pdf")              # the same link still works
            assert status == 200
            got = await k.expect("upload")
            assert got["mime"] == "application/pdf" and base64.b64decode(got["data"]) == pdf()
            await k.send(type="upload_link")
            url = (await k.expect("upload_link"))["url"]
            fx.clock.t += LINK_SECONDS + 1                                      # ten minutes later
            status, text = await page(fx, url)
            assert status == 410 and "已过期" in text
            await k.send(type="upload_link")
            url = (await k.expect("upload_link"))["url"]
            await k.send(type="upload_cancel")                                  # the citizen tapped 取消
            await asyncio.sleep(0)
            for _ in range(50):
                if not fx.hub.phone_upload.links:
                    break
                await asyncio.sleep(0.01)
            status, text = await page(fx, url)
            assert status == 410
            status, _text = await page(fx, "https://x/u/not-a-token")
            assert status == 410
            await k.send(type="upload_link")
            url = (await k.expect("upload_link"))["url"]
            await k.close()                                                     # the terminal left
            for _ in range(100):
                if "K01" not in fx.hub.kiosks:
                    break
                await asyncio.sleep(0.01)
            status, text = await send(fx, url, photo((100, 100)))
            assert status == 410 and "终端已经离开" in text
            k = await fx.kiosk("K01")                                         # back (a network blip)
            await k.send(type="hello", terminal_id="K01")
            for _ in range(100):
                if "K01" in fx.hub.kiosks:
                    break
                await asyncio.sleep(0.01)
            status, text = await send(fx, url, photo((100, 100)))             # the old code stays void
            assert status == 410 and "终端已经离开" in text
            assert k.unread("upload") == []
            await k.send(type="upload_link")                                  # the kiosk's new code works
            url = (await k.expect("upload_link"))["url"]
            status, _text = await send(fx, url, photo((100, 100)))
            assert status == 200 and (await k.expect("upload"))["mime"] == "image/jpeg"
    run(main())


def test_without_an_address_for_phones_the_hub_says_off(tmp_path):
    async def main():
        async with running_hub(tmp_path) as fx:
            k = await fx.kiosk("K01")
            await k.send(type="hello", terminal_id="K01")
            await k.send(type="upload_link")
            assert (await k.expect("upload_link")) == {"type": "upload_link", "error": "off"}
    run(main())


def heic(tmp_path, size=(2400, 1800)) -> bytes:
    """A real HEIC photo, as an iPhone sends one: made by Debian's heif-enc (libheif with x265, a test
    tool only; the hub decodes with pi-heif, which has no encoder)."""
    import shutil
    import subprocess
    if shutil.which("heif-enc") is None:
        raise AssertionError("heif-enc is missing: run the README's set-up (scripts/apt-packages.txt: libheif-examples)")
    src, out = tmp_path / "src.png", tmp_path / "IMG_0002.heic"
    img = Image.new("RGB", size, (30, 120, 200))
    img.paste((240, 240, 20), (0, 0, size[0] // 2, size[1] // 2))       # a yellow quarter, top left
    img.save(src)
    subprocess.run(["heif-enc", "-q", "80", str(src), "-o", str(out)], check=True, capture_output=True)
    return out.read_bytes()


def test_an_iphone_heic_photo_arrives_as_an_upright_jpeg_and_a_broken_one_is_refused(tmp_path):
    data = heic(tmp_path)
    assert data[4:12] == b"ftypheic"

    async def main():
        async with running_hub(tmp_path, phone_upload_url="https://hub.hall.example/") as fx:
            k1 = await fx.kiosk("K01")
            await k1.send(type="hello", terminal_id="K01")
            for body, ok in ((data[: len(data) // 2], False), (data, True)):
                await k1.send(type="upload_link")
                link = await k1.expect("upload_link")
                status, text = await send(fx, link["url"], body, "IMG_0002.HEIC")
                if not ok:
                    assert status == 415 and "HEIC" in text and "损坏" in text
                    assert k1.unread("upload") == []
                    continue
                assert status == 200 and "已上传" in text
                got = await k1.expect("upload")
                assert got["mime"] == "image/jpeg"
                with Image.open(io.BytesIO(base64.b64decode(got["data"]))) as img:
                    assert img.format == "JPEG" and img.size == (2000, 1500)
                    r, g, b = img.convert("RGB").getpixel((200, 200))          # the yellow quarter, still top left
                    assert r > 200 and g > 200 and b < 90, (r, g, b)
    run(main())
