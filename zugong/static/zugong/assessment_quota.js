// The routine assessment page: count the 好 chosen per pool as the user picks and show it against the pool's quota
// (the server checks again when the grades are confirmed).
(function () {
  function update(form) {
    var box = document.querySelector("[data-quota-live]");
    var dataEl = document.getElementById("quota-data");
    if (!box || !dataEl) return;
    var pools = JSON.parse(dataEl.textContent);
    var counts = {};
    form.querySelectorAll("select[data-pool]").forEach(function (s) {
      var id = s.dataset.pool;
      counts[id] = (counts[id] || 0) + (s.value === "good" ? 1 : 0);
    });
    var parts = [];
    Object.keys(counts).forEach(function (id) {
      var p = pools[id];
      if (p && p.allowed !== null) {
        var over = counts[id] > p.allowed;
        parts.push((over ? "⚠ " : "") + p.name + "：好 " + counts[id] + " / 名额 " + p.allowed);
      } else {
        parts.push((id === "new" ? "新编组人员" : "考核组") + "：好 " + counts[id]);
      }
    });
    box.textContent = parts.join("；");
    box.classList.toggle("text-red", parts.some(function (t) { return t.indexOf("⚠") === 0; }));
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-quota-form]");
    if (!form) return;
    form.addEventListener("change", function () { update(form); });
    update(form);
  });
})();
