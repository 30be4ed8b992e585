/* mamori dashboard: the little the pages need beyond HTML. Everything works without it:
 * forms that change something ask for confirmation first (data-confirm), and data tables
 * can be sorted in place by a header that is not a server-side sort link (a button: click,
 * Enter or Space). */
(function () {
  "use strict";
  // the contractor page's "Print this report" (web_contractor.c): shown only with a script
  var printButton = document.getElementById("print-report");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

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

  /* a header of a data table that the browser may sort (not a server-side sort link): its
   * text becomes a button, so a keyboard reaches it and Enter or Space sorts */
  function sortable(th) {
    return th.parentNode && th.parentNode.parentNode && th.parentNode.parentNode.tagName === "THEAD" &&
      !th.querySelector("a") && th.closest("table").id !== "contractors"; /* sorted by the server */
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.data thead th"), function (th) {
    if (!sortable(th) || !th.textContent.trim()) return;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "sort";
    while (th.firstChild) b.appendChild(th.firstChild);
    th.appendChild(b);
  });

  /* a table's scroll box (web_render.c) is a tab stop only while it has something to scroll */
  function scrollStops() {
    Array.prototype.forEach.call(document.querySelectorAll("div.scroll[role=region]"), function (d) {
      if (d.scrollWidth > d.clientWidth) d.setAttribute("tabindex", "0");
      else d.removeAttribute("tabindex");
    });
  }
  scrollStops();
  window.addEventListener("resize", scrollStops);

  document.addEventListener("click", function (ev) {
    var th = ev.target.closest ? ev.target.closest("table.data th") : null;
    if (!th || !sortable(th)) return;
    sortTable(th.closest("table"), th.cellIndex, th);
  });
})();

/* The alliance map (/map): zoom with the wheel or + and -, pan by dragging or the arrow
 * keys, 0 resets; the SVG's viewBox changes, the drawing (Graphviz's) stays as sent. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  var svg = box && box.querySelector("svg");
  if (!svg || !svg.viewBox || !svg.viewBox.baseVal) return;
  var vb = svg.viewBox.baseVal;
  var home = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  box.setAttribute("data-zoom", "1");
  function zoom(f, cx, cy) {
    var w = vb.width * f, h = vb.height * f;
    if (w < home.w / 40 || w > home.w * 4) return;
    vb.x = cx - (cx - vb.x) * f;
    vb.y = cy - (cy - vb.y) * f;
    vb.width = w;
    vb.height = h;
    box.setAttribute("data-zoom", (home.w / w).toFixed(2));
  }
  function at(ev) {
    var r = svg.getBoundingClientRect();
    return { x: vb.x + (ev.clientX - r.left) / r.width * vb.width,
             y: vb.y + (ev.clientY - r.top) / r.height * vb.height };
  }
  box.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = at(ev);
    zoom(ev.deltaY < 0 ? 0.8 : 1.25, p.x, p.y);
  }, { passive: false });
  var drag = null;
  box.addEventListener("mousedown", function (ev) { drag = { x: ev.clientX, y: ev.clientY }; });
  window.addEventListener("mouseup", function () { drag = null; });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    var r = svg.getBoundingClientRect();
    vb.x -= (ev.clientX - drag.x) / r.width * vb.width;
    vb.y -= (ev.clientY - drag.y) / r.height * vb.height;
    drag = { x: ev.clientX, y: ev.clientY };
  });
  box.addEventListener("keydown", function (ev) {
    var cx = vb.x + vb.width / 2, cy = vb.y + vb.height / 2, s = vb.width / 10;
    if (ev.key === "+" || ev.key === "=") zoom(0.8, cx, cy);
    else if (ev.key === "-") zoom(1.25, cx, cy);
    else if (ev.key === "0") { vb.x = home.x; vb.y = home.y; vb.width = home.w; vb.height = home.h; box.setAttribute("data-zoom", "1"); }
    else if (ev.key === "ArrowLeft") vb.x -= s;
    else if (ev.key === "ArrowRight") vb.x += s;
    else if (ev.key === "ArrowUp") vb.y -= s;
    else if (ev.key === "ArrowDown") vb.y += s;
    else return;
    ev.preventDefault();
  });
})();
