// Ledger search for the burden report form: type a few characters, pick the item.
// Kept in a static file so pages can run under a strict CSP (no inline script).
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var input = document.getElementById("id_item_query");
  var hidden = document.getElementById("id_item");
  var list = document.getElementById("item-results");
  var picked = document.getElementById("item-picked");
  if (!input || !hidden || !list) { return; }
  var timer = null;

  function clear() { list.replaceChildren(); list.hidden = true; }

  function show(items) {
    clear();
    items.forEach(function (it) {
      var li = document.createElement("li");
      var btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = it.date + " " + it.issuer + "：" + it.title;
      btn.addEventListener("click", function () {
        hidden.value = String(it.id);
        picked.textContent = "已选：" + it.title;
        input.value = it.title;
        clear();
      });
      li.appendChild(btn);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
  }

  input.addEventListener("input", function () {
    hidden.value = "";
    picked.textContent = "";
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { clear(); return; }
    timer = setTimeout(function () {
      var params = new URLSearchParams({ q: q });
      if (form.dataset.point) { params.set("p", form.dataset.point); }
      fetch(form.dataset.searchUrl + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) { show(data.items || []); })
        .catch(function () { clear(); });
    }, 250);
  });
})();
