// SPDX-License-Identifier: Apache-2.0
// The receipt's QR opens /orders/status#CODE (an English session's: /orders/status?lang=en#CODE):
// the code is in the fragment, which the browser never sends to the server; it is filled in here
// and POSTed (the form's action keeps the page's language), so no access log holds it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var code = decodeURIComponent((location.hash || "").slice(1)).replace(/[^A-Za-z0-9]/g, "").slice(0, 16);
  if (!code) return;
  history.replaceState(null, "", location.pathname + location.search);
  document.getElementById("code").value = code;
  document.getElementById("query").submit();
});
