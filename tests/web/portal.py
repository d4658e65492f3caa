# SPDX-License-Identifier: Apache-2.0
"""A local test portal that behaves like a government site (aiohttp, 127.0.0.1 only): a form,
cookies and web storage, a target=_blank link, links and a redirect to a host that is not
allowed, a file: link. It records every request it serves, by host."""
from __future__ import annotations

import asyncio
import threading

import pytest

from aiohttp import web

INDEX = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>测试政务网</title>
<body style="margin:8px"><div id="mark" style="position:absolute;top:0;right:0;width:160px;height:60px;background:rgb(10,125,50)"></div>
<h1>测试政务网</h1>
<form action="/submit" method="post"><input name="name" id="name"><input name="number" id="number">
<input name="address" id="address"><input name="validity" id="validity">
<button id="send">提交</button></form>
<a id="blank" href="/guide" target="_blank">办事指南（新窗口）</a>
<a id="away" href="http://localhost:{port}/elsewhere">别的网站</a>
<a id="redirect" href="/go-away">跳转到别的网站</a>
<a id="file" href="file:///etc/passwd">本地文件</a>
<div id="tall" style="height:3000px;background:linear-gradient(#fff,#ccd)">很长的办事说明</div>
<script>
document.cookie = "visited=yes; max-age=86400";
document.getElementById("send").addEventListener("click", () => {{ window.sentAt = Date.now(); }});
localStorage.setItem("draft", localStorage.getItem("draft") || "");
</script></body></html>"""


# a field at the bottom of the view: where the kiosk keyboard comes up
LOW = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>底部输入框</title>
<body style="margin:0;height:100vh"><p>请在下方填写联系电话</p>
<input id="low" style="position:absolute;bottom:8px;left:8px;width:300px;height:40px;background:rgb(200,30,30)"></body></html>"""


# a page that asks: alert, confirm (its answer shown on the page) and an upload
ASK = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>确认</title><body>
<button id="alert" style="width:300px;height:60px" onclick="alert('请核对您填写的信息')">提示</button>
<button id="confirm" style="width:300px;height:60px" onclick="document.getElementById('said').textContent = confirm('确定提交申请吗？') ? '已确认' : '已取消'">提交</button>
<input id="file" type="file" accept="image/*,.pdf" style="width:300px;height:60px">
<input id="pdf" type="file" accept=".pdf" style="width:300px;height:60px">
<input id="word" type="file" accept=".doc,.docx" style="width:300px;height:60px">
<p id="said"></p></body></html>"""


# 人脸认证 on the page: getUserMedia, and what it got
# a page of this host with a frame of another site (Chromium puts it in a process of its own): the
# frame tells its parent whether the kiosk's functions are there and what its camera ask got
FRAMED = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>嵌入页</title><body>
<p id="said"></p><iframe src="http://localhost:{port}/inner" width="400" height="200"></iframe>
<script>window.addEventListener('message', (e) => {{
  document.getElementById('said').textContent += e.data + ';'; }});</script></body></html>"""
INNER = """<!doctype html><meta charset="utf-8"><body><p>别的网站的嵌入内容</p><script>
parent.postMessage('bridge:' + typeof window.__ehallCamera, '*');
window.__ehallCamera().then((ok) => parent.postMessage('camera:' + ok, '*'));
</script></body>"""
FACE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>人脸认证</title><body>
<button id="face" style="width:300px;height:60px">开始人脸认证</button><p id="said"></p>
<script>
document.getElementById('face').addEventListener('click', async () => {{
  const said = document.getElementById('said');
  try {{
    const stream = await navigator.mediaDevices.getUserMedia({{video: true}});
    const track = stream.getVideoTracks()[0];
    said.textContent = '摄像头已打开：' + track.getSettings().width + 'x' + track.getSettings().height;
    track.stop();
  }} catch (e) {{ said.textContent = '未获得摄像头：' + e.name; }}
}});
</script></body></html>"""


# an upload that takes a signature image (签名)
SIGN = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>电子签名</title><body>
<form action="/upload" method="post" enctype="multipart/form-data">
<input id="signature" name="signature" type="file" accept="image/png" style="width:300px;height:60px">
<button id="send" style="width:200px;height:60px">提交</button></form></body></html>"""


# 材料上传: a document photo, as JPEG or as a PDF of pages
DOC = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>材料上传</title><body>
<form action="/upload" method="post" enctype="multipart/form-data">
<input id="doc" name="doc" type="file" accept="image/jpeg,.pdf" style="width:300px;height:60px">
<button id="send" style="width:200px;height:60px">提交</button></form></body></html>"""


# 证书自助打印: a certificate as a PDF download, an OFD one, and a page that prints itself
CERT = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>电子证照</title><body>
<h1>不动产权证明 CERT-2026-0042</h1>
<a id="pdf" href="/cert.pdf" style="display:block;width:300px;height:60px">下载 PDF</a>
<a id="ofd" href="/cert.ofd" style="display:block;width:300px;height:60px">下载 OFD</a>
<button id="print" style="width:300px;height:60px" onclick="window.print()">打印本页</button></body></html>"""


def _cert_pdf() -> bytes:
    from fpdf import FPDF
    pdf = FPDF(format="A4")
    for text in ("CERTIFICATE 2026-0042 page 1", "CERTIFICATE 2026-0042 page 2"):
        pdf.add_page()
        pdf.set_font("helvetica", size=24)
        pdf.cell(0, 20, text)
    return bytes(pdf.output())



class Portal:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []          # (host, path)
        self.submitted: list[dict[str, str]] = []      # the forms posted to /submit
        self.uploads: list[dict] = []                  # files posted to /upload (filename, type, data)
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()

        async def record(request: web.Request, handler):
            self.seen.append((request.host.split(":")[0], request.path))
            return await handler(request)
        app.middlewares.append(web.middleware(record))
        def page(text: str):
            async def handler(_request: web.Request) -> web.Response:
                return web.Response(text=text.format(port=self.port), content_type="text/html")
            return handler

        async def go_away(_request: web.Request) -> web.Response:
            raise web.HTTPFound(f"http://localhost:{self.port}/elsewhere")
        app.router.add_get("/", page(INDEX))
        app.router.add_get("/guide", page("<h1>护照办理指南</h1>"))
        app.router.add_get("/elsewhere", page("<h1>别处</h1>"))
        app.router.add_get("/low", page(LOW))
        app.router.add_get("/ask", page(ASK))
        app.router.add_get("/sign", page(SIGN))
        app.router.add_get("/cert", page(CERT))
        app.router.add_get("/doc", page(DOC))
        app.router.add_get("/face", page(FACE))
        app.router.add_get("/framed", page(FRAMED))
        app.router.add_get("/inner", page(INNER))

        def download(name: str, body: bytes, ctype: str):
            async def handler(_request: web.Request) -> web.Response:
                return web.Response(body=body, content_type=ctype,
                                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
            return handler
        app.router.add_get("/cert.pdf", download("cert.pdf", _cert_pdf(), "application/pdf"))
        app.router.add_get("/cert.ofd", download("cert.ofd", b"PK\x03\x04 OFD test", "application/ofd"))

        async def upload(request: web.Request) -> web.Response:
            form = await request.post()
            got = next((v for v in form.values() if hasattr(v, "file")), None)
            data = got.file.read() if hasattr(got, "file") else b""
            self.uploads.append({"filename": getattr(got, "filename", ""), "type": getattr(got, "content_type", ""),
                                 "data": data})
            return web.Response(text="<h1>已上传</h1>", content_type="text/html")
        app.router.add_post("/upload", upload)
        async def submit(request: web.Request) -> web.Response:
            self.submitted.append(dict(await request.post()))
            return web.Response(text="<h1>已提交</h1>", content_type="text/html")
        app.router.add_get("/go-away", go_away)
        app.router.add_post("/submit", submit)
        runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._runner = runner
        self._ready.set()
        self._loop.run_forever()

    def start(self) -> "Portal":
        self._thread.start()
        self._ready.wait(10)
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        async def down():
            await self._runner.cleanup()
        asyncio.run_coroutine_threadsafe(down(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


@pytest.fixture
def portal():
    """The test portal on 127.0.0.1 for one test (import it into a test module to use it)."""
    p = Portal().start()
    yield p
    p.stop()


@pytest.fixture
def browser():
    """The kiosk's Chromium device, opened (Debian's binary)."""
    from drivers import registry
    from drivers.base import DeviceState
    dev = registry.create("browser", "browser", "chromium:///usr/bin/chromium")
    registry.open_device(dev)
    assert dev.state is DeviceState.READY, dev.last_error
    yield dev
    dev.close()


# -- the page as a test looks at it (the kiosk's device is driven over its own DevTools pipe; a
#    test reads the page through the device's evaluate and Chromium's DevTools HTTP list) --------
def _css(css: str) -> str:
    import json
    return f"document.querySelector({json.dumps(css)})"


def click(device, css: str) -> None:
    """A click on the element (its own click(): links, buttons and their listeners)."""
    device.evaluate(f"{_css(css)}.click()")


def focus(device, css: str) -> None:
    device.evaluate(f"{_css(css)}.focus()")


def box(device, css: str) -> dict:
    """The element's box in view pixels (x, y, width, height)."""
    return device.evaluate(f"(() => {{ const r = {_css(css)}.getBoundingClientRect(); "
                           "return {x: r.x, y: r.y, width: r.width, height: r.height}; })()")


def wait_for(pred, seconds: float = 15) -> None:
    import time
    end = time.monotonic() + seconds
    while True:
        try:
            if pred():
                return
        except Exception:  # noqa: BLE001 - a page in the middle of navigating
            pass
        assert time.monotonic() < end, "the page did not get there"
        time.sleep(0.05)


def pages(device) -> list[str]:
    """The URLs of Chromium's open pages (its DevTools HTTP list, as a second client sees it)."""
    import json
    import urllib.request
    address = device.devtools_page()
    port = address.split(":")[2].split("/")[0]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as reply:
        return [t["url"] for t in json.load(reply) if t.get("type") == "page"]
