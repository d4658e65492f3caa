// SPDX-License-Identifier: Apache-2.0
// The console's 终端 page: every registered terminal as a card (GET /api/terminals, once a
// second), the open alerts with 确认, recently cleared ones. Everything shown with textContent.
"use strict";
const $ = (id) => document.getElementById(id);
const token = sessionStorage.getItem("helpdesk-token");
const LEVEL = { ok: "正常", warn: "需要处理", fault: "需要处理", lost: "失联" };
const VERSION_WORDS = { app: "程序", catalogue: "事项目录", knowledge_base: "知识库", content: "内容包", content_problem: "内容包问题" };

async function api(path, options = {}) {
  const r = await fetch(path, { ...options, headers: { Authorization: `Bearer ${token}` } });
  if (r.status === 401) { location.href = "/"; throw new Error("log in"); }
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || `HTTP ${r.status}`);
  return body;
}

function ago(seconds) {
  if (seconds === null || seconds === undefined) return "从未联系";
  if (seconds < 60) return `${Math.floor(seconds)} 秒前`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} 分钟前`;
  return `${Math.floor(seconds / 3600)} 小时前`;
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

const ADMIN_WORDS = { login: "登录管理", logout: "退出管理", pin_wrong: "管理密码错误", pin_locked: "管理密码已锁定",
  pin_refused_locked: "锁定中又试密码", self_test: "自检", print_test: "打印测试页", paper_replaced: "已换纸",
  reload: "重新加载", volume: "调音量", brightness: "调亮度", restart_app: "重启程序", reboot: "重启终端",
  poweroff: "关机", exit_to_desktop: "退出到桌面" };

let latestContent = null;     // the bundle the hub serves (content publish)

function card(t) {
  const c = node("div", undefined, `card level-${t.level}`);
  c.dataset.terminal = t.terminal;
  const h = node("h3", t.terminal);
  h.append(node("span", LEVEL[t.level] + (t.disabled ? "（已停用）" : ""), "word"));
  c.append(h);
  if (t.todo.length) {
    c.append(node("ul", undefined, "todo"));
    for (const d of t.todo) c.lastChild.append(node("li", `${d.device_words}：${d.todo}`));
  }
  c.append(node("p", "最后联系：" + ago(t.silent_s), "seen"));
  if (t.level !== "lost") {                 // a silent terminal's last word would read as now
    const bits = [t.in_session ? "有人在办理" : "空闲"];
    if (t.uptime_s !== null && t.uptime_s !== undefined) bits.push(`已运行 ${ago(t.uptime_s).replace("前", "")}`);
    const printerDown = t.todo.some((d) => d.device === "receipt_printer" && d.state !== "degraded");
    if (t.paper && !printerDown) bits.push(`凭条纸约剩 ${Math.round(100 * t.paper.left_mm / Math.max(1, t.paper.roll_mm))}%`);
    c.append(node("p", bits.join(" · "), "meta"));
  }
  const v = Object.entries(t.versions).map(([k, val]) => `${VERSION_WORDS[k] || k} ${val}`);
  if (v.length) c.append(node("p", v.join(" · "), "versions"));
  if (latestContent && t.level !== "lost" && t.versions.content !== latestContent) {
    c.append(node("p", `内容包未更新（最新 ${latestContent}）`, "behind"));
  }
  if (t.admin && t.admin.length) {          // the terminal's admin screen: its latest audited steps
    const last = t.admin.slice(0, 3).map((e) =>
      `${clock(e.received_at)} ${e.staff_id || "—"} ${ADMIN_WORDS[e.action] || e.action}`);
    c.append(node("p", "管理操作：" + last.join("；"), "admin"));
  }
  return c;
}

function alertRow(a) {
  const tr = node("tr", undefined, a.acked_by ? "" : "new");
  tr.dataset.alert = a.id;
  for (const cell of [clock(a.raised_at), a.terminal, a.device_words, a.todo,
                      a.acked_by ? `已确认（${a.acked_by} ${clock(a.acked_at)}）` : "待确认"]) tr.append(node("td", cell));
  const td = node("td");
  if (!a.acked_by) {
    const b = node("button", "确认");
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
    node("li", `${clock(a.cleared_at)} 已恢复：${ehallAlerts.text(a)}`)));
  ehallAlerts.show(view.alerts);
  $("terminals-error").textContent = "";
}

function fail(e) { $("terminals-error").textContent = "刷新失败：" + e.message; }

if (!token) location.href = "/";
ehallAlerts.wire(() => token, () => refresh().catch(fail));
ehallAlerts.follow(() => token);
refresh().catch(fail);
setInterval(() => refresh().catch(fail), 1000);
