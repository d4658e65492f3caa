// SPDX-License-Identifier: Apache-2.0
// The console's 终端 page: every registered terminal as a card (GET /api/terminals, once a
// second), the open alerts with 确认, recently cleared ones. Everything shown with textContent.
"use strict";
const $ = (id) => document.getElementById(id);
const token = sessionStorage.getItem("helpdesk-token");
const LEVEL = { ok: T("正常"), warn: T("需要处理"), fault: T("需要处理"), lost: T("失联") };
const VERSION_WORDS = { app: T("程序"), catalogue: T("事项目录"), knowledge_base: T("知识库"), content: T("内容包"), content_problem: T("内容包问题") };

async function api(path, options = {}) {
  const r = await fetch(path, { ...options, headers: { Authorization: `Bearer ${token}` } });
  if (r.status === 401) { location.href = "/"; throw new Error("log in"); }
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || `HTTP ${r.status}`);
  return body;
}

function span(seconds) {                  // 5 分钟 / 5 minutes
  if (seconds < 60) return T("{n} 秒", { n: Math.floor(seconds) });
  if (seconds < 3600) return T("{n} 分钟", { n: Math.floor(seconds / 60) });
  return T("{n} 小时", { n: Math.floor(seconds / 3600) });
}

function ago(seconds) {
  if (seconds === null || seconds === undefined) return T("从未联系");
  return T("{span}前", { span: span(seconds) });
}

function clock(t) {
  return new Date(t * 1000).toLocaleTimeString("zh-CN", { hour12: false });
}

function node(tag, textContent, className) {
  const n = document.createElement(tag);
  if (textContent !== undefined) n.textContent = textContent;
  if (className) n.className = className;
  return n;
}

const ADMIN_WORDS = { login: T("登录管理"), logout: T("退出管理"), pin_wrong: T("管理密码错误"), pin_locked: T("管理密码已锁定"),
  pin_refused_locked: T("锁定中又试密码"), self_test: T("自检"), print_test: T("打印测试页"), paper_replaced: T("已换纸"),
  reload: T("重新加载"), volume: T("调音量"), brightness: T("调亮度"), restart_app: T("重启程序"), reboot: T("重启终端"),
  poweroff: T("关机"), exit_to_desktop: T("退出到桌面") };

let latestContent = null;     // the bundle the hub serves (content publish)

function card(t) {
  const c = node("div", undefined, `card level-${t.level}`);
  c.dataset.terminal = t.terminal;
  const h = node("h3", t.terminal);
  h.append(node("span", LEVEL[t.level] + (t.disabled ? T("（已停用）") : ""), "word"));
  c.append(h);
  if (t.todo.length) {
    c.append(node("ul", undefined, "todo"));
    for (const d of t.todo) c.lastChild.append(node("li", T("{device}：{todo}", { device: d.device_words, todo: d.todo })));
  }
  c.append(node("p", T("最后联系：") + ago(t.silent_s), "seen"));
  if (t.level !== "lost") {                 // a silent terminal's last word would read as now
    const bits = [t.in_session ? T("有人在办理") : T("空闲")];
    if (t.uptime_s !== null && t.uptime_s !== undefined) bits.push(T("已运行 {span}", { span: span(t.uptime_s) }));
    const printerDown = t.todo.some((d) => d.device === "receipt_printer" && d.state !== "degraded");
    if (t.paper && !printerDown) bits.push(T("凭条纸约剩 {n}%", { n: Math.round(100 * t.paper.left_mm / Math.max(1, t.paper.roll_mm)) }));
    c.append(node("p", bits.join(" · "), "meta"));
  }
  const v = Object.entries(t.versions).map(([k, val]) => `${VERSION_WORDS[k] || k} ${val}`);
  if (v.length) c.append(node("p", v.join(" · "), "versions"));
  if (latestContent && t.level !== "lost" && t.versions.content !== latestContent) {
    c.append(node("p", T("内容包未更新（最新 {version}）", { version: latestContent }), "behind"));
  }
  if (t.admin && t.admin.length) {          // the terminal's admin screen: its latest audited steps
    const last = t.admin.slice(0, 3).map((e) =>
      `${clock(e.received_at)} ${e.staff_id || "—"} ${ADMIN_WORDS[e.action] || e.action}`);
    c.append(node("p", T("管理操作：") + last.join(T("；")), "admin"));
  }
  return c;
}

function alertRow(a) {
  const tr = node("tr", undefined, a.acked_by ? "" : "new");
  tr.dataset.alert = a.id;
  for (const cell of [clock(a.raised_at), a.terminal, a.device_words, a.todo,
                      a.acked_by ? T("已确认（{who} {at}）", { who: a.acked_by, at: clock(a.acked_at) }) : T("待确认")]) tr.append(node("td", cell));
  const td = node("td");
  if (!a.acked_by) {
    const b = node("button", T("确认"));
    b.addEventListener("click", () => ehallAlerts.acknowledge(a.id, token).then(refresh).catch(fail));
    td.append(b);
  }
  tr.append(td);
  return tr;
}

async function refresh() {
  const view = await api(ehallAlerts.watched("/api/terminals"));
  latestContent = view.content_latest;
  $("cards").replaceChildren(...view.terminals.map(card));
  $("alerts").tBodies[0].replaceChildren(...view.alerts.map(alertRow));
  $("no-alerts").hidden = view.alerts.length > 0;
  $("cleared").replaceChildren(...view.cleared.map((a) =>
    node("li", T("{at} 已恢复：{what}", { at: clock(a.cleared_at), what: ehallAlerts.text(a) }))));
  ehallAlerts.show(view.alerts);
  $("terminals-error").textContent = "";
}

function fail(e) { $("terminals-error").textContent = T("刷新失败：") + e.message; }

if (!token) location.href = "/";
ehallAlerts.wire(() => token, () => refresh().catch(fail));
ehallAlerts.follow(() => token);
refresh().catch(fail);
setInterval(() => refresh().catch(fail), 1000);
