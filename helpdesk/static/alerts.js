// SPDX-License-Identifier: Apache-2.0
// Terminal alerts on any console page: a banner (#alert-banner) with the oldest alert staff have
// not acknowledged, a sound (two tones, Web Audio: nothing to download) once per new alert, and
// 确认 (POST /api/alerts/{id}/ack). Pages call ehallAlerts.show(alerts) with the hub's list
// (the 终端 page polls it, the helper desk gets terminal_alerts over its socket).
"use strict";
const ehallAlerts = (() => {
  const heard = new Set();
  let audio = null;
  let ackHandler = null;
  const el = (id) => document.getElementById(id);
  const text = (a) => T("{terminal} {device}：{todo}", { terminal: a.terminal, device: a.device_words, todo: a.todo });

  function context() {
    if (audio === null) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      audio = Ctx ? new Ctx() : undefined;
    }
    return audio;
  }

  function soundState() {
    const ctx = context();
    const off = !ctx || ctx.state !== "running";
    if (el("sound-off")) el("sound-off").hidden = !off;
    return !off;
  }

  function tones(ctx) {
    for (const [i, freq] of [[0, 880], [1, 660]]) {
      const osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.value = 0.25;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + i * 0.35);
      osc.stop(ctx.currentTime + i * 0.35 + 0.3);
    }
    window.ehallAlertSounds = (window.ehallAlertSounds || 0) + 1;
  }

  function beep() {
    const ctx = context();
    if (!ctx) return;
    if (ctx.state === "running") { tones(ctx); return; }
    // browsers start pages silent: resume works once the page had a click (login, 开启提示音)
    ctx.resume().then(() => { soundState(); if (ctx.state === "running") tones(ctx); }).catch(() => {});
    soundState();
  }

  function show(alerts) {
    const fresh = alerts.filter((a) => !heard.has(a.id));
    for (const a of alerts) heard.add(a.id);
    if (fresh.length) beep();
    const waiting = alerts.filter((a) => !a.acked_by);
    const banner = el("alert-banner");
    if (!banner) return;
    banner.hidden = waiting.length === 0;
    if (waiting.length) {
      const first = waiting[0];
      el("alert-banner-text").textContent = T("终端告警：") + text(first) +
        (waiting.length > 1 ? T("（另有 {n} 条）", { n: waiting.length - 1 }) : "");
      banner.dataset.alert = first.id;
    }
  }

  async function acknowledge(id, token) {
    const r = await fetch(`/api/alerts/${encodeURIComponent(id)}/ack`,
                          { method: "POST", headers: { Authorization: `Bearer ${token}` } });
    if (!r.ok && r.status !== 404) throw new Error((await r.json()).error || `HTTP ${r.status}`);
  }

  function wire(getToken, after) {
    ackHandler = async () => {
      const id = el("alert-banner").dataset.alert;
      if (id) { await acknowledge(id, getToken()); after(); }
    };
    el("alert-banner-ack").addEventListener("click", () => ackHandler().catch(() => {}));
    const unlock = async () => {      // any click on the page allows sound from then on
      const ctx = context();
      if (ctx && ctx.state !== "running") await ctx.resume().catch(() => {});
      soundState();
    };
    document.addEventListener("click", unlock);
    soundState();
  }

  // This page shows the alerts: each poll carries the page's own id, and the hub counts the page
  // as staff watching (the kiosk may then say 已通知工作人员) until it is closed (pagehide) or
  // has not polled for 15 s. getRandomValues works on plain http too (randomUUID does not).
  const watchId = Array.from(crypto.getRandomValues(new Uint8Array(12)),
                             (b) => b.toString(16).padStart(2, "0")).join("");
  function watched(path) { return `${path}${path.includes("?") ? "&" : "?"}watch=${watchId}`; }
  function follow(getToken) {
    window.addEventListener("pagehide", () => {
      fetch(watched("/api/alerts/unwatch"),
            { method: "POST", keepalive: true, headers: { Authorization: `Bearer ${getToken()}` } }).catch(() => {});
    });
  }

  return { show, wire, acknowledge, text, watched, follow };
})();
