// SPDX-License-Identifier: Apache-2.0
// Helper console: login, presence, ring, accept/decline, chat, hang-up, wrap-up;
// the call-back list is in callbacks.js (HelperCallbacks).
// Protocol: docs/assist-protocol.md. The call's video is in call.js (HelperCall).
"use strict";

const $ = (id) => document.getElementById(id);
const REASONS = {
  missed: T("响铃未接听，已自动设为暂离"), declined: T("已拒绝"), cancelled: T("群众已取消"),
  kiosk_left: T("终端已断开"), timeout: T("群众等待超时"), helper_left: T("连接已断开"),
  hangup: T("通话已结束"), peer_disconnected: T("对方连接中断"),
};
// Own properties only: a reason "constructor" or "__proto__" is shown as itself, not as
// something inherited from Object.prototype.
const own = (table, key) => (Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined);
const STATES = { available: T("可接听"), away: T("暂离"), ringing: T("来电中"), busy: T("通话中"), offline: T("离线") };

let ws = null;
let token = sessionStorage.getItem("helpdesk-token");
let wanted = sessionStorage.getItem("helpdesk-presence") || "away";
let ring = null;         // current ring message
let call = null;         // current connected message
let lastCall = null;     // request id for the wrap-up note
let ringTimer = null;
let retryMs = 1000;

function show(id, on) { $(id).hidden = !on; }
function notice(text) { $("notice").textContent = text || ""; }
function send(msg) { if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg)); }

async function login(ev) {
  ev.preventDefault();
  $("login-error").textContent = "";
  const res = await fetch("/api/login", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: $("login-name").value, password: $("login-password").value }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status === 429) {
    const wait = Number(res.headers.get("Retry-After")) || 60;
    $("login-error").textContent = T("登录失败次数过多，请 {n} 分钟后再试", { n: Math.ceil(wait / 60) });
    return;
  }
  if (!res.ok) { $("login-error").textContent = T("账号或密码错误，或账号已停用"); return; }
  token = body.token;
  sessionStorage.setItem("helpdesk-token", token);
  $("login-password").value = "";
  connect();
}

function logout() {
  sessionStorage.removeItem("helpdesk-token");
  if (token) {                      // the hub ends the session too (the token stops working)
    fetch("/api/logout", { method: "POST", headers: { Authorization: `Bearer ${token}` } })
      .catch(() => {});
  }
  token = null;
  HelperCallbacks.clear();          // the phone numbers leave the page with the helper
  ehallAlerts.show([]);
  if (ws) ws.close();
  show("desk-view", false); show("login-view", true);
}

function connect() {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  ws = new WebSocket(`${proto}//${location.host}/ws/helper`);
  ws.onopen = () => { retryMs = 1000; send({ type: "login", token }); };
  ws.onmessage = (ev) => handle(JSON.parse(ev.data));
  ws.onclose = () => {
    $("link").textContent = T("未连接"); $("link").className = "link off";
    clearRing();
    if (call) { notice(T("与服务器的连接中断，通话已结束")); endCall(); }
    if (token) setTimeout(connect, retryMs);        // hub restart: come back by ourselves
    retryMs = Math.min(retryMs * 2, 15000);
  };
}

function handle(m) {
  switch (m.type) {
    case "welcome":
      $("who").textContent = m.display_name;
      $("link").textContent = T("已连接"); $("link").className = "link";
      show("login-view", false); show("desk-view", true);
      if (wanted === "available") send({ type: "presence", state: "available" });
      break;
    case "presence":
      $("state").textContent = STATES[m.state] || m.state;
      if (m.state === "away" || m.state === "available") {
        wanted = m.state; sessionStorage.setItem("helpdesk-presence", wanted);
      }
      break;
    case "ring": startRing(m); break;
    case "ring_cancelled": clearRing(); notice(own(REASONS, m.reason) || String(m.reason)); break;
    case "connected": clearRing(true); startCall(m); break;
    case "ended": notice(own(REASONS, m.reason) || T("通话已结束")); endCall(); break;
    case "signal": onSignal(m.data); break;
    case "chat": chatLine(T("群众"), m.text, false); break;
    case "point_shown": HelperPointer.shown(m); break;
    case "callbacks": HelperCallbacks.render(m.open || []); break;
    case "terminal_alerts": ehallAlerts.show(m.alerts || []); break;
    case "callback_changed": HelperCallbacks.changed(m.callback); break;
    case "callback_removed": HelperCallbacks.removed(m.callback_id); break;
    case "callback_updated": notice(m.status === "done" ? T("已标记为已回电") : T("已认领，请尽快回电")); break;
    case "wrapup_saved": notice(T("小结已保存")); show("wrapup", false); break;
    case "error":
      if (m.code === "bad_token" || m.code === "session_ended") { token = null; logout(); $("login-error").textContent = T("请重新登录"); }
      else if (m.code === "replaced") { token = null; HelperCallbacks.clear(); notice(T("已在其他窗口登录")); }
      else if (m.in_reply_to === "point") notice(m.code === "rate_limited" ? T("点得太快了，请稍候再点") : T("终端未能显示该位置"));
      else notice(T("出错：{what}", { what: m.message || m.code }));
      break;
  }
}

function startRing(m) {
  ring = m;
  $("ring-terminal").textContent = m.terminal_name;
  show("ring-elder", m.large_text);
  const started = Date.now();
  const tick = () => {
    const s = (Date.now() - started) / 1000;
    $("ring-waited").textContent = Math.round(m.waited_s + s);
    $("ring-left").textContent = Math.max(0, Math.round(m.ring_s - s));
  };
  tick(); ringTimer = setInterval(tick, 500);
  show("ring", true); notice("");
  HelperCall.warm();              // my camera starts while it rings (call.js)
}

function clearRing(answered) {
  ring = null; clearInterval(ringTimer); show("ring", false);
  if (!answered) HelperCall.cool();
}

function startCall(m) {
  call = m; lastCall = m.request_id;
  $("call-terminal").textContent = m.terminal_name;
  show("call-elder", m.large_text);
  $("chat-log").textContent = "";
  show("wrapup", false); show("call", true);
  HelperCall.start(m, sendSignal);
  HelperPointer.start(send);
}

function endCall() {
  if (!call) return;
  call = null; HelperCall.stop(); HelperPointer.stop(); show("call", false);
  $("wrapup-note").value = ""; show("wrapup", true);
}

function chatLine(who, text, mine) {
  const p = document.createElement("div");
  p.className = mine ? "me" : "";
  p.textContent = T("{who}：{text}", { who, text });
  $("chat-log").appendChild(p); $("chat-log").scrollTop = 1e9;
}

// The kiosk sends the offer and ICE candidates here; HelperCall answers through sendSignal.
function onSignal(data) { if (call) HelperCall.signal(data); }
function sendSignal(data) { send({ type: "signal", data }); }
window.helpdeskSignal = { onSignal, sendSignal };

HelperCallbacks.init(send);
ehallAlerts.wire(() => token, () => {});     // the hub pushes the new list after 确认
$("login-form").addEventListener("submit", login);
$("btn-logout").onclick = logout;
$("btn-available").onclick = () => send({ type: "presence", state: "available" });
$("btn-away").onclick = () => send({ type: "presence", state: "away" });
$("btn-accept").onclick = () => ring && send({ type: "accept", request_id: ring.request_id });
$("btn-decline").onclick = () => ring && send({ type: "decline", request_id: ring.request_id });
$("btn-hangup").onclick = () => send({ type: "hangup" });
$("chat-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $("chat-text").value.trim();
  if (!text || !call) return;
  send({ type: "chat", text }); chatLine(T("我"), text, true); $("chat-text").value = "";
});
$("btn-wrapup").onclick = () => send({ type: "wrapup", request_id: lastCall, note: $("wrapup-note").value });
$("btn-wrapup-skip").onclick = () => show("wrapup", false);

if (token) connect();
