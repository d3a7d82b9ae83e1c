// The meeting record form (branchlife/record.html): another organization reloads the page with its roster and
// defaults; a meeting kind fills its usual credit hours.
document.addEventListener("DOMContentLoaded", function () {
  var org = document.getElementById("id_organization");
  var kind = document.getElementById("id_kind");
  var hours = document.getElementById("id_credit_hours");
  var defaults = {"themed_day": "3", "lecture": "2"};
  if (org) org.addEventListener("change", function () {  // another organization: its roster and defaults
    var params = new URLSearchParams({org: org.value, kind: kind.value});
    window.location.search = params.toString();
  });
  kind.addEventListener("change", function () { if (hours) hours.value = defaults[kind.value] || "0"; });
});
