// SPDX-License-Identifier: Apache-2.0
// The staff console in Chinese or English (docs/i18n.md). Loaded in each console page's <head>
// after /console/en.js (the hub's English catalog, window.EHALL_EN) and before the page's scripts:
// - T("中文", {n: 3}) is a text a script shows, in the console's language, {name}s filled in;
// - the page's own HTML texts (text nodes, title/placeholder/aria-label) are translated at load;
// - a 中文 / EN button in the header switches, kept in this browser (localStorage), Chinese by default.
// Texts that come from the hub (an order's category, a terminal's state line) are shown as sent.
"use strict";
(function () {
  var KEY = "ehall-console-lang";
  var lang = "zh";
  try { lang = window.localStorage.getItem(KEY) === "en" ? "en" : "zh"; } catch (e) { /* private mode */ }
  var EN = window.EHALL_EN || {};
  var HANZI = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;   // and full-width punctuation

  function T(msgid, values) {
    var text = lang === "en" && EN[msgid] ? EN[msgid] : msgid;
    if (values) {
      text = text.replace(/\{(\w+)\}/g, function (whole, name) {
        return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
      });
    }
    return text;
  }

  function own(text) {                     // a whole text node / attribute, keeping its spaces
    var trimmed = text.trim();
    if (!trimmed || !HANZI.test(trimmed) || !EN[trimmed]) return text;
    var at = text.indexOf(trimmed);
    return text.slice(0, at) + EN[trimmed] + text.slice(at + trimmed.length);
  }

  function translate(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      var parent = node.parentNode && node.parentNode.nodeName;
      if (parent !== "SCRIPT" && parent !== "STYLE") node.nodeValue = own(node.nodeValue);
    }
    root.querySelectorAll("[title],[placeholder],[aria-label],[alt]").forEach(function (el) {
      ["title", "placeholder", "aria-label", "alt"].forEach(function (name) {
        if (el.hasAttribute(name)) el.setAttribute(name, own(el.getAttribute(name)));
      });
    });
  }

  function switcher() {
    var button = document.createElement("button");
    button.id = "lang-switch";
    button.type = "button";
    button.className = "quiet lang-switch";
    button.textContent = lang === "en" ? "中文" : "EN";
    button.lang = lang === "en" ? "zh-CN" : "en";
    button.title = lang === "en" ? "切换到中文" : "Switch to English";
    button.addEventListener("click", function () {
      try { window.localStorage.setItem(KEY, lang === "en" ? "zh" : "en"); } catch (e) { return; }
      window.location.reload();
    });
    var header = document.querySelector("header") || document.body;
    header.appendChild(button);
  }

  window.T = T;
  window.ehallLang = lang;
  document.addEventListener("DOMContentLoaded", function () {
    if (lang === "en") {
      document.documentElement.lang = "en";
      document.title = own(document.title);
      translate(document.body);
    }
    switcher();
  });
})();
