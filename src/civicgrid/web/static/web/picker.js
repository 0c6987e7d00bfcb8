// Grouped checkboxes (directory.forms.GroupedCheckboxes): a box that keeps only the names containing what is
// typed, unfolding the groups that hold them, and a line naming what is checked so far.
(function () {
  "use strict";

  function showChosen(picker) {
    var names = Array.prototype.map.call(
      picker.querySelectorAll("input[type=checkbox]:checked"),
      function (box) { return box.nextElementSibling.textContent; }
    );
    picker.querySelector("[data-picker-chosen]").textContent =
      names.length ? "已选 " + names.length + " 个：" + names.join("、") : "";
  }

  function filter(picker, query) {
    query = query.trim();
    picker.querySelectorAll(".picker-group").forEach(function (group) {
      var shown = 0;
      group.querySelectorAll("label.choice").forEach(function (label) {
        var match = !query || label.textContent.indexOf(query) !== -1;
        label.hidden = !match;
        if (match) shown += 1;
      });
      group.hidden = shown === 0;
      if (query) group.open = shown > 0;
    });
  }

  function init(root) {
    root.querySelectorAll("[data-picker]").forEach(function (picker) {
      if (picker.dataset.pickerReady) return;
      picker.dataset.pickerReady = "1";
      var box = picker.querySelector("[data-picker-filter]");
      box.hidden = false;
      box.addEventListener("input", function () { filter(picker, box.value); });
      // Enter in the filter box narrows the list; it must not submit the form around it.
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
      picker.addEventListener("change", function () { showChosen(picker); });
      showChosen(picker);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
