// The little script the admin pages use; every page works without it. Served as /admin/assets/admin.<hash>.js.
//
// - A link with `data-dialog` opens that <dialog> instead of the page it points to.
// - A form with `data-confirm` asks before it is sent.
// - Choosing a user plan shows the licenses it grants as checked at once (they are saved with the plan).
// - A selected license's or event's details (`data-autofocus`) get the focus: beside the list on wide screens
//   (the selected row is scrolled into view), below it on narrow ones (the details are scrolled into view).
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var opener = event.target.closest ? event.target.closest("[data-dialog]") : null;
    if (!opener) { return; }
    var dialog = document.getElementById(opener.getAttribute("data-dialog"));
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    event.preventDefault();
    dialog.showModal();
    var first = dialog.querySelector("input[type=checkbox], button");
    if (first) { first.focus(); }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });

  function applyPlan(radio) {
    var block = radio.closest("[data-owner]");
    if (!block) { return; }
    var implied = (radio.getAttribute("data-implies") || "").split(" ").filter(Boolean);
    var boxes = block.querySelectorAll("input[type=checkbox][data-module]");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].disabled) {
        boxes[i].checked = implied.indexOf(boxes[i].getAttribute("data-module")) >= 0;
      }
    }
  }

  function focusDetails() {
    var details = document.querySelector("[data-autofocus]");
    if (!details) { return; }
    details.focus({ preventScroll: true });
    var beside = window.matchMedia("(min-width: 961px)").matches;
    var target = beside ? document.querySelector("tr.selected") : details;
    if (target) { target.scrollIntoView({ block: beside ? "nearest" : "start" }); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusDetails);
  } else {
    focusDetails();
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("input[type=radio][data-implies]")) { applyPlan(target); }
  });
})();
