// SPDX-License-Identifier: Apache-2.0
// The console's 统计 page: the hall's counts per day (GET /api/stats), drawn with the vendored
// Chart.js (static/vendor/chartjs), and the CSV exports (GET /api/stats.csv, fetched with the
// console's token and saved from a Blob). Every text is set with textContent.
"use strict";
const $ = (id) => document.getElementById(id);
const token = sessionStorage.getItem("helpdesk-token");
const SCORE_WORDS = { 1: T("非常不满意"), 2: T("不满意"), 3: T("基本满意"), 4: T("满意"), 5: T("非常满意") };
const SCORE_COLOURS = { 1: "#c62828", 2: "#ef6c00", 3: "#9e9d24", 4: "#43a047", 5: "#1b5e20" };
const charts = {};
const seenTerminals = new Set();

function query() {
  const p = new URLSearchParams({ from: $("from").value, to: $("to").value });
  if ($("terminal").value) p.set("terminal", $("terminal").value);
  return p.toString();
}

async function get(path) {
  const r = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
  if (r.status === 401) { location.href = "/"; throw new Error(T("请先登录")); }
  if (!r.ok) {
    let why = `HTTP ${r.status}`;
    try { why = (await r.json()).error || why; } catch (e) { /* not JSON */ }
    throw new Error(why);
  }
  return r;
}

function isoDay(d) {
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 10);
}

function seconds(s) {
  if (s === null || s === undefined) return "—";
  return s < 90 ? T("{n} 秒", { n: Math.round(s) }) : T("{n} 分钟", { n: (s / 60).toFixed(1) });
}

function cell(tr, text, numeric) {
  const td = document.createElement("td");
  td.textContent = text;
  if (numeric) td.className = "n";
  tr.append(td);
}

function totals(t) {
  const rated = Object.values(t.ratings).reduce((a, b) => a + b, 0);
  const good = (t.ratings["4"] || 0) + (t.ratings["5"] || 0);
  const items = [
    [T("办理人次"), t.sessions], [T("查询次数"), t.searches], [T("无结果查询"), t.zero_searches],
    [T("查看事项"), t.items_viewed], [T("打印指南"), t.guides_printed],
    [T("呼叫帮办"), t.calls], [T("接通"), t.calls_answered], [T("未接通"), t.calls - t.calls_answered],
    [T("平均等待"), seconds(t.call_wait_avg_s)], [T("最长等待"), t.calls ? seconds(t.call_wait_max_s) : "—"],
    [T("平均通话"), seconds(t.call_talk_avg_s)],
    [T("身份核验"), t.identity.started || 0], [T("核验通过"), t.identity.identified || 0],
    [T("评价"), rated], [T("满意率"), rated ? `${Math.round(100 * good / rated)}%` : "—"],
  ];
  const dl = $("totals");
  dl.replaceChildren();
  for (const [label, value] of items) {
    const box = document.createElement("div");
    const dt = document.createElement("dt");
    const dd = document.createElement("dd");
    dt.textContent = label;
    dd.textContent = String(value);
    box.dataset.key = label;
    box.append(dt, dd);
    dl.append(box);
  }
}

function draw(id, config) {
  if (charts[id]) charts[id].destroy();
  config.options = { responsive: true, maintainAspectRatio: false, animation: false, ...config.options };
  charts[id] = new Chart($(id), config);
}

function render(body) {
  totals(body.totals);
  const days = body.days.map((d) => d.day.slice(5));
  draw("chart-sessions", { type: "bar", data: { labels: days, datasets: [
    { label: T("办理人次"), data: body.days.map((d) => d.sessions), backgroundColor: "#1565c0" },
    { label: T("查询次数"), data: body.days.map((d) => d.searches), backgroundColor: "#90caf9" },
  ] }, options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
  draw("chart-calls", { type: "bar", data: { labels: days, datasets: [
    { label: T("呼叫帮办"), data: body.days.map((d) => d.calls), backgroundColor: "#6a1b9a", yAxisID: "y" },
    { label: T("接通"), data: body.days.map((d) => d.calls_answered), backgroundColor: "#ba68c8", yAxisID: "y" },
    { type: "line", label: T("平均等待（秒）"), data: body.days.map((d) => d.call_wait_avg_s),
      borderColor: "#ef6c00", backgroundColor: "#ef6c00", yAxisID: "wait", spanGaps: true },
  ] }, options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: T("次") } },
    wait: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: T("秒") } } } } });
  draw("chart-queries", { type: "bar", data: { labels: body.top_queries.map((q) => q.query), datasets: [
    { label: T("查询次数"), data: body.top_queries.map((q) => q.count), backgroundColor: "#00838f" },
  ] }, options: { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } } });
  const scores = ["1", "2", "3", "4", "5"];
  draw("chart-ratings", { type: "bar", data: { labels: scores.map((s) => SCORE_WORDS[s]), datasets: [
    { label: T("评价"), data: scores.map((s) => body.totals.ratings[s] || 0), backgroundColor: scores.map((s) => SCORE_COLOURS[s]) },
  ] }, options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });

  const zero = $("zero-queries").tBodies[0];
  zero.replaceChildren();
  for (const q of body.zero_queries) {
    const tr = document.createElement("tr");
    cell(tr, q.query);
    cell(tr, String(q.count), true);
    zero.append(tr);
  }
  $("no-zero").hidden = body.zero_queries.length > 0;
  const per = $("per-terminal").tBodies[0];
  per.replaceChildren();
  for (const t of body.terminals) {
    const tr = document.createElement("tr");
    tr.dataset.terminal = t.terminal;
    cell(tr, t.terminal);
    for (const v of [t.sessions, t.searches, t.zero_searches, t.items_viewed, t.guides_printed, t.calls,
      t.calls_answered]) cell(tr, String(v), true);
    cell(tr, seconds(t.call_wait_avg_s), true);
    cell(tr, String(t.identity.started || 0), true);
    per.append(tr);
    if (!seenTerminals.has(t.terminal)) {
      seenTerminals.add(t.terminal);
      const opt = document.createElement("option");
      opt.value = opt.textContent = t.terminal;
      $("terminal").append(opt);
    }
  }
  document.body.dataset.loaded = `${body.from}/${body.to}/${body.terminal || ""}`;
}

async function load() {
  $("stats-error").textContent = "";
  try {
    render(await (await get(`/api/stats?${query()}`)).json());
  } catch (e) {
    $("stats-error").textContent = T("统计读取失败：{what}", { what: e.message });
  }
}

async function download(kind) {
  $("stats-error").textContent = "";
  try {
    const blob = await (await get(`/api/stats.csv?${query()}&kind=${kind}`)).blob();
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `ehall-stats-${kind}-${$("from").value}-${$("to").value}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  } catch (e) {
    $("stats-error").textContent = T("导出失败：{what}", { what: e.message });
  }
}

if (!token) location.href = "/";
const today = new Date();
$("to").value = isoDay(today);
$("from").value = isoDay(new Date(today.getTime() - 13 * 86400000));
$("range").addEventListener("submit", (e) => { e.preventDefault(); load(); });
$("csv-days").addEventListener("click", () => download("days"));
$("csv-queries").addEventListener("click", () => download("queries"));
load();
