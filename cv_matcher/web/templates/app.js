// The web app's only script (served from this server; the CSP allows nothing else).
// Jump from a finding to its highlight, switch the gap report's target, poll a running batch.
(function () {
  "use strict";
  function flash(mark) {
    document.querySelectorAll("mark.hl.flash").forEach(function (m) { m.classList.remove("flash"); });
    void mark.offsetWidth; // restart the animation
    mark.classList.add("flash");
  }
  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("a.jump") : null;
    if (!link) return;
    var mark = document.getElementById(link.getAttribute("data-mark"));
    if (!mark) return;
    e.preventDefault();
    // At once, not smoothly: a smooth scroll of the text box and the page together sometimes left
    // the page where it was when the finding clicked sat far below the text (a phone's layout).
    // The highlight's flash shows where the jump landed.
    mark.scrollIntoView({ block: "center" });
    flash(mark);
    if (history.replaceState) history.replaceState(null, "", "#" + mark.id);
  });
  if (location.hash) {
    var target = document.getElementById(location.hash.slice(1));
    if (target && target.matches("mark.hl")) flash(target);
  }
  var gapTarget = document.getElementById("gap-target");
  if (gapTarget) {
    gapTarget.addEventListener("change", function () {
      document.querySelectorAll(".gap-panel").forEach(function (p) { p.hidden = p.getAttribute("data-target") !== gapTarget.value; });
    });
  }
  var bar = document.getElementById("batch-progress");
  if (bar) {
    var status = document.getElementById("batch-status");
    var poll = function () {
      fetch(bar.getAttribute("data-url"), { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (p) {
          bar.max = Math.max(p.total, 1);
          bar.value = p.done;
          status.textContent = p.done + " of " + p.total + " done · " + p.failed + " failed" + (p.current ? " · reading " + p.current : "");
          if (p.finished) location.reload(); else setTimeout(poll, 600);
        })
        .catch(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 300);
  }
})();
