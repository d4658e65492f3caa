// SPDX-License-Identifier: Apache-2.0
// Helper console: the pointer (请点这里). During a call a click or tap on the kiosk's shared
// screen (#kiosk-screen) sends the spot to the kiosk as fractions of the video frame, x and y
// from 0 to 1 from its top-left corner ({type: "point", id, x, y}; docs/assist-protocol.md).
// The kiosk draws a ring there for 3 s and answers {type: "point_shown", id}; only then does
// the console show the helper a small mark and 已在终端显示 (nothing when the kiosk did not).
// There is no remote control: the kiosk's input is never touched.
"use strict";

const HelperPointer = (() => {
  const el = (id) => document.getElementById(id);
  const SHOWN_MS = 3000;       // as long as the ring stays on the kiosk
  const MAX_ID = 2147483647;
  let send = null;
  let nextId = 1;
  let pending = null;          // the last point sent: {id, left, top} (px in .media)
  let timer = null;

  // The point under (clientX, clientY) as fractions of the picture, which object-fit: contain
  // may have put between bars; null outside it or before the first frame.
  function fractions(video, clientX, clientY) {
    const vw = video.videoWidth, vh = video.videoHeight;
    if (!vw || !vh) return null;
    const r = video.getBoundingClientRect();
    const scale = Math.min(r.width / vw, r.height / vh);
    const w = vw * scale, h = vh * scale;
    const left = r.left + (r.width - w) / 2, top = r.top + (r.height - h) / 2;
    const x = (clientX - left) / w, y = (clientY - top) / h;
    if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1)) return null;
    return { x: Math.round(x * 10000) / 10000, y: Math.round(y * 10000) / 10000 };
  }

  function onClick(ev) {
    if (!send) return;
    const video = el("kiosk-screen");
    const p = fractions(video, ev.clientX, ev.clientY);
    if (!p) return;
    const id = nextId;
    nextId = nextId >= MAX_ID ? 1 : nextId + 1;
    const box = video.parentElement.getBoundingClientRect();
    pending = { id, left: ev.clientX - box.left, top: ev.clientY - box.top };
    send({ type: "point", id, x: p.x, y: p.y });
  }

  function clear() {
    clearTimeout(timer);
    timer = null;
    el("point-mark").hidden = true;
    el("point-state").hidden = true;
  }

  // The kiosk drew the ring of point m.id.
  function shown(m) {
    if (!send || !pending || m.id !== pending.id) return;
    const mark = el("point-mark");
    mark.style.left = `${pending.left}px`;
    mark.style.top = `${pending.top}px`;
    mark.hidden = false;
    el("point-state").textContent = T("已在终端显示“请点这里”");
    el("point-state").hidden = false;
    clearTimeout(timer);
    timer = setTimeout(clear, SHOWN_MS);
  }

  function start(sendFn) { send = sendFn; pending = null; clear(); }
  function stop() { send = null; pending = null; clear(); }

  el("kiosk-screen").addEventListener("click", onClick);
  return { start, stop, shown, fractions };
})();
window.HelperPointer = HelperPointer;
