// SPDX-License-Identifier: Apache-2.0
// Call-back requests (留电回拨): citizens who left a phone number at a kiosk.
// The hub sends the open list ("callbacks") at login, then only changes
// ("callback_changed" with one request, "callback_removed" with its id);
// 处理 claims one ("callback_claim"), 已回电 marks it done with the note ("callback_done").
// The numbers are personal data: the list is cleared on logout. Protocol: docs/assist-protocol.md.
"use strict";

const HelperCallbacks = (() => {
  const REASONS = { no_helper: T("无空闲帮办"), timeout: T("等候超时"), hub_lost: T("网络中断"), unavailable: T("帮办不可用") };
  let send = () => {};
  let rows = new Map();             // callback_id → request, in arrival order
  const own = (t, k) => (Object.prototype.hasOwnProperty.call(t, k) ? t[k] : undefined);

  function time(t) {
    const d = new Date(t * 1000);
    const p = (n) => String(n).padStart(2, "0");
    return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
  }

  function cell(row, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function render(open) {
    rows = new Map(open.map((cb) => [cb.callback_id, cb]));
    draw();
  }

  function changed(cb) { if (cb) { rows.set(cb.callback_id, cb); draw(); } }
  function removed(id) { if (rows.delete(id)) draw(); }

  function draw() {
    const open = [...rows.values()];
    const body = document.getElementById("callback-rows");
    body.textContent = "";
    document.getElementById("callback-count").textContent = open.length;
    document.getElementById("callback-empty").hidden = open.length > 0;
    for (const cb of open) {
      const tr = document.createElement("tr");
      tr.dataset.id = cb.callback_id;
      cell(tr, time(cb.created_at));
      cell(tr, cb.terminal_name + (cb.large_text ? T("（长者）") : ""));
      cell(tr, cb.phone, "phone");
      cell(tr, own(REASONS, cb.reason) || String(cb.reason || ""));
      cell(tr, cb.handled_by ? T("{who} 处理中", { who: cb.handled_by }) : T("待处理"), "who");
      const act = cell(tr, "");
      const note = document.createElement("input");
      note.maxLength = 200; note.placeholder = T("备注（可选）"); note.className = "note";
      const claim = document.createElement("button");
      claim.textContent = T("处理"); claim.className = "claim";
      claim.onclick = () => send({ type: "callback_claim", callback_id: cb.callback_id });
      const done = document.createElement("button");
      done.textContent = T("已回电"); done.className = "done go-small";
      done.onclick = () => send({ type: "callback_done", callback_id: cb.callback_id,
                                  note: note.value.trim() || "已回电" });
      act.append(note, claim, done);
      body.appendChild(tr);
    }
  }

  return {
    init(sendFn) { send = sendFn; },
    render,
    changed,
    removed,
    clear() { render([]); },
  };
})();
