// A run's page follows its progress: poll the JSON endpoint while the run is queued or
// running, show stage, seconds and best objective, and reload when it ends.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || box.dataset.active !== "yes") { return; }
  function show(p) {
    document.getElementById("run-status").textContent = p.status;
    document.getElementById("run-stage").textContent = p.stage;
    document.getElementById("run-seconds").textContent = p.seconds + " s";
    document.getElementById("run-objective").textContent =
      p.best_objective === null ? "" : "best " + Math.round(p.best_objective).toLocaleString();
    document.getElementById("run-bar").value = Math.min(p.seconds, p.time_limit);
  }
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (p) {
        show(p);
        if (p.active) { setTimeout(poll, 1000); } else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
