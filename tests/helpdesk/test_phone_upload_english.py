# SPDX-License-Identifier: Apache-2.0
"""手机上传 in English (issue 13), through the real hub: an English kiosk session's ``upload_link``
carries ``lang: en`` and the hub's link ends ``?lang=en``; the phone's page, a refused file's error
and the thanks read in English, in Debian's Chromium on a phone set to Chinese (the link's
language wins), with the 中文 switch going to Chinese; a phone whose Accept-Language is en-US gets
English without ``lang``, one with none gets Chinese."""
from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

from helpdesk_testkit import running_hub
from test_phone_upload import page, photo, run, send

_ASSIST = str(Path(__file__).resolve().parents[1] / "assist")
if _ASSIST not in sys.path:
    sys.path.insert(0, _ASSIST)

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def chinese_lines(text: str) -> list[str]:
    return [line for line in text.replace("中文", "").splitlines() if CJK.search(line)]   # the switch names Chinese


def test_an_english_sessions_link_reads_in_english_over_http(tmp_path):
    async def main():
        async with running_hub(tmp_path, phone_upload_url="https://hub.hall.example/") as fx:
            k = await fx.kiosk("K01")
            await k.send(type="hello", terminal_id="K01")
            await k.send(type="upload_link", lang="en")
            url = (await k.expect("upload_link"))["url"]
            assert re.fullmatch(r"https://hub\.hall\.example/u/[\w-]+\?lang=en", url)
            status, text = await page(fx, url)
            assert status == 200 and "Upload from your phone" in text and 'lang="en"' in text
            assert 'action="/u/' in text and '?lang=en"' in text and not chinese_lines(text)
            status, text = await send(fx, url, b"MZ\x90\x00 not a photo")
            assert status == 415 and "Only photos (JPG, PNG, HEIC) or PDF files can be uploaded." in text
            assert not chinese_lines(text)
            status, text = await send(fx, url, b"%PDF-1.4 broken")
            assert status == 415 and "This PDF file cannot be opened." in text
            status, text = await send(fx, url, photo((300, 200)))
            assert status == 200 and "Uploaded. Please go back to the kiosk to continue." in text
            await k.expect("upload")
            status, text = await page(fx, url)                                 # spent: said in English
            assert status == 410 and "has been used" in text and not chinese_lines(text)

            await k.send(type="upload_link")                                   # a Chinese session: no lang
            url = (await k.expect("upload_link"))["url"]
            assert "lang" not in url
            path = "/" + url.split("//", 1)[1].split("/", 1)[1]
            for accept, words in (("en-US,en;q=0.9", "Upload from your phone"), (None, "手机上传材料"),
                                  ("zh-CN,zh;q=0.9,en;q=0.8", "手机上传材料")):
                headers = {"Accept-Language": accept} if accept else {}
                async with fx.session.get(fx.server.make_url(path), headers=headers) as r:
                    assert r.status == 200 and words in await r.text(), accept
            async with fx.session.get(fx.server.make_url(path).with_query(lang="zh"),
                                      headers={"Accept-Language": "en-US"}) as r:
                assert "手机上传材料" in await r.text()                          # the switch's lang wins
    run(main())


def test_the_english_upload_page_in_a_browser(tmp_path):
    from playwright.async_api import async_playwright

    async def main():
        async with running_hub(tmp_path, phone_upload_url="https://hub.hall.example/") as fx:
            k = await fx.kiosk("K01")
            await k.send(type="hello", terminal_id="K01")
            await k.send(type="upload_link", lang="en")
            url = (await k.expect("upload_link"))["url"]
            local = str(fx.server.make_url("/" + url.split("//", 1)[1].split("/", 1)[1]))
            bad, good = tmp_path / "notes.docx", tmp_path / "IMG_0001.png"
            bad.write_bytes(b"PK\x03\x04 a word document")
            good.write_bytes(photo((800, 600)))
            async with async_playwright() as pw:
                from browser_rig import cjk_fontconfig
                browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                   args=["--no-sandbox"],
                                                   env={**os.environ, "FONTCONFIG_FILE": str(cjk_fontconfig(tmp_path))})
                context = await browser.new_context(java_script_enabled=False, locale="zh-CN",
                                                    viewport={"width": 390, "height": 844})
                phone = await context.new_page()
                await phone.goto(local)
                assert await phone.title() == "Upload from your phone"
                assert "Choose a photo or a PDF file" in await phone.inner_text("body")
                await phone.set_input_files('input[type="file"]', str(bad))
                await phone.click('button:has-text("Upload")')
                await phone.wait_for_load_state()
                body = await phone.inner_text("body")
                assert "Only photos (JPG, PNG, HEIC) or PDF files can be uploaded." in body, body
                assert not chinese_lines(body), body
                shots = Path(os.environ.get("KIOSK_SHOT_DIR") or Path(__file__).resolve().parents[2]
                             / "test-output" / "screenshots")
                shots.mkdir(parents=True, exist_ok=True)
                await phone.screenshot(path=str(shots / "phone-upload-en-refused.png"), full_page=True)
                await phone.click('nav.lang a:has-text("中文")')
                await phone.wait_for_load_state()
                assert await phone.title() == "手机上传材料" and "请选择一张照片" in await phone.inner_text("body")
                await phone.click('nav.lang a:has-text("English")')
                await phone.wait_for_load_state()
                await phone.set_input_files('input[type="file"]', str(good))
                await phone.click('button:has-text("Upload")')
                await phone.wait_for_load_state()
                assert await phone.inner_text("#done") == "Uploaded. Please go back to the kiosk to continue."
                await phone.screenshot(path=str(shots / "phone-upload-en-done.png"), full_page=True)
                await browser.close()
            got = await k.expect("upload")
            assert got["mime"] == "image/jpeg"
    asyncio.run(asyncio.wait_for(main(), 90))
