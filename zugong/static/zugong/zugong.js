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
// On a phone the filter panel starts folded, so the list is what one sees first.
document.addEventListener("DOMContentLoaded", function () {
  if (window.innerWidth < 768) document.querySelectorAll("details.filters").forEach(function (d) { d.open = false; });
});
