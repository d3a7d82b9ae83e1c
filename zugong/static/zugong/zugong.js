// zugong: pickers (tom-select) on every <select data-picker>; they ask the server, which scopes the answers.
function zugongInitPickers(root) {
  (root || document).querySelectorAll("select[data-picker-url]").forEach(function (el) {
    if (el.tomselect) return;
    new TomSelect(el, {
      valueField: "id", labelField: "text", searchField: [], maxOptions: 30, loadThrottle: 250,
      load: function (q, cb) {
        var url = el.dataset.pickerUrl;
        fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q), {credentials: "same-origin"})
          .then(function (r) { return r.json(); }).then(function (j) { cb(j.results); }).catch(function () { cb(); });
      },
      render: { no_results: function () { return '<div class="no-results">没有找到</div>'; } }
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { zugongInitPickers(); });
document.addEventListener("htmx:afterSwap", function (e) { zugongInitPickers(e.target); });
// The organization tree: the first click loads the children (htmx), later clicks fold and unfold them.
function zugongToggle(el) {
  var ul = document.getElementById("children-" + el.dataset.node);
  if (el.dataset.loaded) { ul.hidden = !ul.hidden; }
  el.dataset.loaded = "1";
  el.textContent = ul.hidden ? "▸" : "▾";
}
// The Content-Security-Policy allows no inline script (no on…= handlers, no javascript: links): pages mark
// elements with data- attributes and these delegated listeners do the work.
//   data-toggle-node         the tree's toggle (zugongToggle)
//   data-confirm="…"         on a form (on submit) or a button/link (on click): ask first, cancel if refused
//   data-autosubmit          a <select> that submits its form when changed
//   data-back                a link that goes back one page
//   data-select-all="NAME"   a checkbox that checks or clears every input[name=NAME]
document.addEventListener("click", function (e) {
  var t = e.target.closest("[data-toggle-node]");
  if (t) zugongToggle(t);
  var c = e.target.closest("button[data-confirm], a[data-confirm], input[data-confirm]");
  if (c && !window.confirm(c.dataset.confirm)) { e.preventDefault(); e.stopImmediatePropagation(); return; }
  var b = e.target.closest("a[data-back]");
  if (b && window.history.length > 1) { e.preventDefault(); window.history.back(); }
}, true);
document.addEventListener("submit", function (e) {
  var f = e.target;
  if (f.matches && f.matches("form[data-confirm]") && !window.confirm(f.dataset.confirm)) e.preventDefault();
}, true);
document.addEventListener("change", function (e) {
  var t = e.target;
  if (t.matches("select[data-autosubmit], input[data-autosubmit]") && t.form) t.form.submit();
  if (t.matches("input[data-select-all]")) {
    document.querySelectorAll('input[name="' + t.dataset.selectAll + '"]').forEach(function (b) { b.checked = t.checked; });
  }
});
// Charts (ECharts): <div class="zg-chart" data-option-id="ID"> with the option in a json_script block ID.
// A chart whose option has no series is hidden (nothing to draw).
function zugongCharts(root) {
  if (!window.echarts) return;
  (root || document).querySelectorAll(".zg-chart[data-option-id]").forEach(function (el) {
    if (el.dataset.drawn) return;
    var src = document.getElementById(el.dataset.optionId);
    if (!src) return;
    var option = JSON.parse(src.textContent);
    if (el.dataset.hideEmpty !== undefined && (!option.series || !option.series.length)) { el.style.display = "none"; return; }
    el.dataset.drawn = "1";
    var chart = echarts.init(el);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  });
}
document.addEventListener("DOMContentLoaded", function () { zugongCharts(); });
// On a phone the filter panel starts folded, so the list is what one sees first.
document.addEventListener("DOMContentLoaded", function () {
  if (window.innerWidth < 768) document.querySelectorAll("details.filters").forEach(function (d) { d.open = false; });
});
