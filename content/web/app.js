/* mamori dashboard: the little the pages need beyond HTML. Everything works without it:
 * forms that change something ask for confirmation first (data-confirm), and data tables
 * can be sorted in place by clicking a header that is not a server-side sort link. */
(function () {
  "use strict";
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    var msg = f && f.getAttribute && f.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      ev.preventDefault();
    }
  });

  function cellValue(row, i) {
    var c = row.cells[i];
    var t = c ? c.textContent.trim() : "";
    var n = parseFloat(t.replace(/[^0-9.\-]/g, ""));
    return { text: t, num: /^-?[0-9]/.test(t.replace(/^[−]/, "-")) && !isNaN(n) ? n : null };
  }

  function sortTable(table, i, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var asc = th.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, i), y = cellValue(b, i);
      var r = x.num !== null && y.num !== null ? x.num - y.num : x.text.localeCompare(y.text);
      return asc ? r : -r;
    });
    Array.prototype.forEach.call(th.parentNode.cells, function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    rows.forEach(function (r) { body.appendChild(r); });
  }

  document.addEventListener("click", function (ev) {
    var th = ev.target.closest ? ev.target.closest("table.data th") : null;
    if (!th || th.querySelector("a") || !th.parentNode || th.parentNode.parentNode.tagName !== "THEAD") return;
    var table = th.closest("table");
    if (table.id === "contractors") return; /* sorted by the server, across pages */
    sortTable(table, th.cellIndex, th);
  });
})();
