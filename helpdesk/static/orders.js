// SPDX-License-Identifier: Apache-2.0
// The staff's 工单 and 差评回访 page: the console's session token (sessionStorage), JSON from
// /api/orders and /api/ratings/follow-ups, everything shown with textContent (never as HTML).
"use strict";
const $ = (id) => document.getElementById(id);
const token = sessionStorage.getItem("helpdesk-token");
const STATUS = { submitted: T("已受理"), assigned: T("已分派"), replied: T("已答复"), closed: T("已办结"), returned: T("已退回") };
const SMS = { filed: T("受理"), replied: T("答复"), closed: T("办结"), follow_up: T("差评回访") };
const SCORE = { 1: T("非常不满意"), 2: T("不满意"), 3: T("基本满意"), 4: T("满意"), 5: T("非常满意") };
let current = null;

async function api(path, options = {}) {
  const r = await fetch(path, { ...options, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } });
  if (r.status === 401) { location.href = "/"; throw new Error("log in"); }
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }   // a 404 page or a proxy's error is not JSON
  if (r.status === 404 && path.startsWith("/api/orders") && !(body && body.error)) {
    throw new Error(T("这个帮办中心没有配置工单库（orders_url），没有工单可看"));
  }
  if (!r.ok || body === null) throw new Error((body && body.error) || T("服务器回答 HTTP {status}", { status: r.status }));
  return body;
}

function row(cells, cls) {
  const tr = document.createElement("tr");
  if (cls) tr.className = cls;
  for (const c of cells) { const td = document.createElement("td"); td.textContent = c; tr.append(td); }
  return tr;
}

async function showList() {
  $("order-view").hidden = true; $("orders-view").hidden = false; $("ratings-view").hidden = false;
  $("report-view").hidden = false;
  $("questions-view").hidden = false;
  const { orders } = await api("/api/orders");
  const body = $("orders").tBodies[0];
  body.replaceChildren();
  for (const o of orders) {
    const tr = row([o.number, T(o.category), STATUS[o.status] || o.status, o.deadline + (o.overdue ? T("（已超期）") : ""),
                    o.assigned_to || ""], o.overdue ? "overdue" : "");
    tr.addEventListener("click", () => showOrder(o.id).catch(fail));
    body.append(tr);
  }
  const { follow_ups } = await api("/api/ratings/follow-ups");
  const fb = $("follow-ups").tBodies[0];
  fb.replaceChildren(...follow_ups.map((f) => followUpRow(f)));
  await showQuestions();
  await showReport();
}

// a 差评 waiting for its 回访: what the staff found, recorded once (POST /api/ratings/{id}/follow-up)
function followUpRow(f) {
  const tr = row([SCORE[f.score] || f.score, f.reasons.map((r) => T(r)).join(T("、")), f.follow_up_due, f.terminal]);
  const td = document.createElement("td");
  const input = document.createElement("input");
  input.maxLength = 300;
  input.placeholder = T("回访结果（不要写群众的个人信息）");
  const save = document.createElement("button");
  save.textContent = T("记录回访");
  save.addEventListener("click", () => api(`/api/ratings/${encodeURIComponent(f.id)}/follow-up`,
    { method: "POST", body: JSON.stringify({ outcome: input.value }) }).then(showList).catch(fail));
  td.append(input, save);
  tr.append(td);
  return tr;
}

// 评价统计: satisfaction by helper, item, terminal or month (GET /api/ratings/report), and its CSV
function reportQuery() {
  const q = new URLSearchParams({ by: $("report-by").value });
  if ($("report-from").value) q.set("from", $("report-from").value);
  if ($("report-to").value) q.set("to", $("report-to").value);
  return q.toString();
}

async function showReport() {
  const { rows } = await api(`/api/ratings/report?${reportQuery()}`);
  const pct = (x) => `${Math.round(100 * x)}%`;
  $("report").tBodies[0].replaceChildren(...rows.map((r) => row([r.key === "—" ? T("（无帮办）") : r.key,
    String(r.count), r.mean.toFixed(2), pct(r.satisfied), String(r.bad), pct(r.bad_share),
    String(r.follow_up_done), String(r.follow_up_open), String(r.follow_up_overdue)],
    r.follow_up_overdue ? "overdue" : "")));
  drawReport(rows.slice(0, 20));
}

let reportChart = null;
function drawReport(rows) {            // the same rows as a chart: 满意率 and 差评占比 per group (Chart.js)
  if (typeof Chart === "undefined") return;
  if (reportChart) reportChart.destroy();
  reportChart = new Chart($("report-chart"), {
    type: "bar",
    data: {
      labels: rows.map((r) => (r.key === "—" ? T("（无帮办）") : r.key)),
      datasets: [{ label: T("满意率"), data: rows.map((r) => Math.round(100 * r.satisfied)), backgroundColor: "#2e7d32" },
                 { label: T("差评占比"), data: rows.map((r) => Math.round(100 * r.bad_share)), backgroundColor: "#c62828" }],
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false,
               scales: { y: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } } },
  });
}

async function downloadReport() {
  const r = await fetch(`/api/ratings/report?${reportQuery()}&format=csv`, { headers: { Authorization: `Bearer ${token}` } });
  if (!r.ok) throw new Error(T("服务器回答 HTTP {status}", { status: r.status }));
  const a = document.createElement("a");
  a.href = URL.createObjectURL(await r.blob());
  a.download = `ehall-ratings-${$("report-by").value}.csv`;
  a.click();
  URL.revokeObjectURL(a.href);
}

let answering = null;       // the group 补充答案 is open for
let kbWritable = null;      // null: not asked yet

async function showQuestions() {
  const { groups } = await api("/api/questions");
  if (kbWritable === null) {
    const r = await fetch("/api/faq?q=", { headers: { Authorization: `Bearer ${token}` } });
    kbWritable = r.ok;
    if (!r.ok) { $("kb-note").hidden = false; $("kb-note").textContent = T("补充答案未配置：请由管理员编辑知识库后点“已补充”。"); }
  }
  const qb = $("questions").tBodies[0];
  qb.replaceChildren(...groups.map((g) => {
    const tr = row([g.examples.join(T(" ／ ")), String(g.count), g.terminals.join(T("、")), g.last.slice(0, 16).replace("T", " ")]);
    const td = document.createElement("td");
    if (kbWritable) {
      const add = document.createElement("button");
      add.textContent = T("补充答案");
      add.addEventListener("click", () => openAnswer(g));
      td.append(add);
    }
    const done = document.createElement("button");
    done.textContent = T("已补充");
    done.addEventListener("click", () => api("/api/questions/handled", { method: "POST", body: JSON.stringify({ ids: g.ids }) })
      .then(showQuestions).catch(fail));
    td.append(done);
    tr.append(td);
    return tr;
  }));
}

function openAnswer(g) {
  answering = g;
  $("a-question").value = g.examples.find((q) => !q.includes("*")) || g.question;
  for (const id of ["a-answer", "a-category", "a-faq"]) $(id).value = "";
  $("a-result").textContent = "";
  $("answer-form").hidden = false;
  $("a-answer").focus();
}

async function saveAnswer(ev) {
  ev.preventDefault();
  const g = answering;
  if (!g) return;
  const faq = $("a-faq").value.trim();
  const body = { ids: g.ids, question: $("a-question").value.trim() };
  if (faq) body.faq_id = faq;
  else Object.assign(body, { answer: $("a-answer").value.trim(), category: $("a-category").value.trim(),
                             variants: g.examples.filter((q) => !q.includes("*") && q !== body.question) });
  try {
    const r = await api("/api/questions/answer", { method: "POST", body: JSON.stringify(body) });
    $("a-result").textContent = T("已写入知识库（{faq}），内容包 {version} 已签发。", { faq: r.faq_id, version: r.version });
    answering = null;
    await showQuestions();
  } catch (e) { $("a-result").textContent = T("没有写入：") + e.message; }
}

async function suggest() {
  const { entries } = await api("/api/faq?q=" + encodeURIComponent($("a-faq").value.trim()));
  $("a-faq-list").replaceChildren(...entries.map((e) => {
    const o = document.createElement("option");
    o.value = e.id; o.label = e.question;
    return o;
  }));
}

$("answer-form").addEventListener("submit", saveAnswer);
$("a-cancel").addEventListener("click", () => { answering = null; $("answer-form").hidden = true; });
$("a-faq").addEventListener("input", () => suggest().catch(() => {}));

function fill(o) {
  current = o.id;
  for (const k of ["number", "category", "deadline", "description", "phone"]) $("o-" + k).textContent = o[k];
  $("o-category").textContent = T(o.category);       // 咨询/求助/投诉/建议: the console's words
  $("o-status").textContent = STATUS[o.status] || o.status;
  $("o-reply").textContent = o.reply || T("尚未答复");
  $("o-history").replaceChildren(...o.history.map((e) => {
    const li = document.createElement("li");
    li.textContent = e.detail ? T("{at} {actor} {action}：{detail}", { at: e.at, actor: e.actor, action: e.action, detail: e.detail })
      : `${e.at} ${e.actor} ${e.action}`;
    return li;
  }));
  $("o-photos").replaceChildren(...(o.photos || []).map((p, n) => {
    const img = document.createElement("img");
    img.src = "data:image/jpeg;base64," + p; img.alt = T("照片 {n}", { n: n + 1 }); img.className = "photo";
    return img;
  }));
  $("o-photos-none").hidden = (o.photos || []).length > 0;
  const sms = o.sms || [];
  $("o-sms").replaceChildren(...(sms.length ? sms : [null]).map((n) => {
    const li = document.createElement("li");
    li.textContent = n === null ? T("没有短信通知")
      : T("{event}：{state}", { event: SMS[n.event] || n.event, state: n.sent ? T("已发送 {at}", { at: n.sent })
        : n.last_error ? T("待发送（已尝试{n}次，{error}）", { n: n.attempts, error: n.last_error })
          : T("待发送（已尝试{n}次）", { n: n.attempts }) });
    return li;
  }));
}

async function showOrder(id) {
  fill(await api("/api/orders/" + encodeURIComponent(id)));
  $("orders-view").hidden = true; $("ratings-view").hidden = true; $("report-view").hidden = true;
  $("order-view").hidden = false;
  $("questions-view").hidden = true;
}

function fail(e) { $("orders-error").textContent = e.message; }

for (const b of document.querySelectorAll("button[data-action]")) {
  b.addEventListener("click", async () => {
    $("orders-error").textContent = "";
    try {
      fill(await api(`/api/orders/${encodeURIComponent(current)}/${b.dataset.action}`,
                     { method: "POST", body: JSON.stringify({ detail: $("o-detail").value }) }));
      $("o-detail").value = "";
    } catch (e) { fail(e); }
  });
}
$("o-back").addEventListener("click", () => showList().catch(fail));

// Terminal alerts here too (banner, sound, 确认): while this page is open the hub counts it as
// staff watching, so a kiosk may tell the citizen 已通知工作人员 (helpdesk/terminals_api.py).
async function pollAlerts() {
  const { alerts } = await api(ehallAlerts.watched("/api/alerts"));
  ehallAlerts.show(alerts);
  if ($("orders-error").textContent.startsWith(T("终端告警刷新失败："))) $("orders-error").textContent = "";
}
function alertsFailed(e) { $("orders-error").textContent = T("终端告警刷新失败：") + e.message; }

$("report-show").addEventListener("click", () => showReport().catch(fail));
$("report-csv").addEventListener("click", () => downloadReport().catch(fail));

if (!token) location.href = "/";
else {
  showList().catch(fail);
  ehallAlerts.wire(() => token, () => pollAlerts().catch(alertsFailed));
  ehallAlerts.follow(() => token);
  pollAlerts().catch(alertsFailed);
  setInterval(() => pollAlerts().catch(alertsFailed), 2000);
}
